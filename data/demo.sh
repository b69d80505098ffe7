#!/usr/bin/env bash
# Builds a demo ledger from the files in data/ and prints an audit of it.
#   data/demo.sh PATH/TO/stockpile LEDGER.db
set -euo pipefail
bin=$1
db=$2
here=$(cd "$(dirname "$0")" && pwd)
rm -f "$db" "$db-wal" "$db-shm"
export STOCKPILE_DB=$db
"$bin" init
"$bin" org import "$here/organisations.csv"
"$bin" depot import "$here/depots.csv"
"$bin" custodian import "$here/custodians.csv"
"$bin" material import "$here/materials.csv"
echo
"$bin" audit
