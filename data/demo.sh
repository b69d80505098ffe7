#!/usr/bin/env bash
# Builds a demo ledger from the files in data/ and prints an audit of it.
#   data/demo.sh PATH/TO/stockpile LEDGER.db
set -euo pipefail
bin=$1
db=$2
here=$(cd "$(dirname "$0")" && pwd)
rm -f "$db" "$db-wal" "$db-shm"
export STOCKPILE_DB=$db
# The demo's story happens on a fixed day so that it prints the same every time.
export STOCKPILE_NOW=${STOCKPILE_NOW:-2026-11-22T08:00:00Z} TZ=${TZ:-Asia/Shanghai}
"$bin" init
"$bin" org import "$here/organisations.csv"
"$bin" depot import "$here/depots.csv"
"$bin" custodian import "$here/custodians.csv"
"$bin" material import "$here/materials.csv"

# Opening stock: one receipt per line (this file has no quoted fields, so a plain read works).
n=0
while IFS=, read -r depot material lot qty production expiry date document actor; do
  args=(receive --depot "$depot" --material "$material" --qty "$qty" --date "$date"
        --document "$document" --actor "$actor" --counterparty "opening stock")
  [ "$lot" = "-" ] || args+=(--lot "$lot")
  [ -z "$production" ] || args+=(--production "$production")
  [ -z "$expiry" ] || args+=(--expiry "$expiry")
  "$bin" "${args[@]}" >/dev/null
  n=$((n + 1))
done < <(tail -n +2 "$here/opening-stock.csv")
echo "received $n opening lots"

# A cold snap in 柳南区: ten tents go out to a shelter, then come back after the incident.
"$bin" issue --depot LZ-LN-01 --material TENT-12 --qty 10 --actor wang.li \
  --counterparty "柳南区第二中学安置点" --incident LN-2026-COLD-01 --document CK-LN-2026-044 \
  --date 2026-11-18 >/dev/null
"$bin" return --depot LZ-LN-01 --material TENT-12 --lot ZP2022-07 --qty 10 --actor wang.li \
  --incident LN-2026-COLD-01 --document HS-LN-2026-009 --date 2026-11-21 >/dev/null
# The city sends 300 quilt battings to the district ahead of the winter.
"$bin" transfer --from LZ-CITY-01 --to LZ-LN-01 --material QUILT-BATTING --qty 300 \
  --actor li.wei --document DB-SJ-2026-015 --date 2026-11-20 >/dev/null
echo
"$bin" audit
