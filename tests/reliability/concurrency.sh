#!/usr/bin/env bash
# Concurrency (issue 9): WRITERS processes × WRITES writes each on one ledger file at once.
# Each writer receives and issues its own lot and transfers from a shared lot, so writers
# contend for the same write lock, the same hash chain and the same balance rows. Afterwards:
# no write was lost or refused ("database is locked" never reaches a user), every balance
# equals what the model says, and the ledger verifies.
#   concurrency.sh STOCKPILE_BINARY [WRITERS] [WRITES]
set -euo pipefail
bin=$1
writers=${2:-4}
writes=${3:-250}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export STOCKPILE_DB="$work/ledger.db" STOCKPILE_ACTOR=keeper TZ=UTC
unset STOCKPILE_NOW
sp() { "$bin" "$@"; }

sp init >/dev/null
sp org add LZ --name 柳州市 --level city >/dev/null
sp depot add A --name 甲库 --org LZ >/dev/null
sp depot add B --name 乙库 --org LZ >/dev/null
sp custodian add keeper --name 王丽 --roles keeper --depot A --depot B >/dev/null
sp material add TENT --name 帐篷 --unit 顶 >/dev/null
shared=$((writers * writes))
sp receive --depot A --material TENT --lot SHARED --qty "$shared" >/dev/null

# Writer p, write i: every 10th is a transfer of 1 from the shared lot A → B; otherwise odd
# writes receive 3 of the writer's own lot L<p> and even ones issue 1 of it.
writer() {
  local p=$1 i fails=0
  for ((i = 1; i <= writes; i++)); do
    if ((i % 10 == 0)); then
      sp transfer --from A --to B --material TENT --lot SHARED --qty 1 >/dev/null 2>>"$work/err.$p" || fails=$((fails + 1))
    elif ((i % 2 == 1)); then
      sp receive --depot A --material TENT --lot "L$p" --qty 3 >/dev/null 2>>"$work/err.$p" || fails=$((fails + 1))
    else
      sp issue --depot A --material TENT --lot "L$p" --qty 1 >/dev/null 2>>"$work/err.$p" || fails=$((fails + 1))
    fi
  done
  echo "$fails" >"$work/fails.$p"
}

start=$(date +%s)
for ((p = 1; p <= writers; p++)); do writer "$p" & done
wait
elapsed=$(($(date +%s) - start))

status=0
failed=0
for ((p = 1; p <= writers; p++)); do failed=$((failed + $(cat "$work/fails.$p"))); done
if ((failed)); then
  echo "concurrency: $failed writes failed:"; cat "$work"/err.* | sort | uniq -c | head; status=1
fi

# The model: per writer lot, receipts 3 × (odd non-transfer writes) − issues 1 × (even ones).
transfers=$((writes / 10))
declare -A want
for ((p = 1; p <= writers; p++)); do
  r=0 s=0
  for ((i = 1; i <= writes; i++)); do
    ((i % 10 == 0)) && continue
    if ((i % 2 == 1)); then r=$((r + 3)); else s=$((s + 1)); fi
  done
  want["A,L$p"]=$((r - s))
done
want["A,SHARED"]=$((shared - writers * transfers))
want["B,SHARED"]=$((writers * transfers))

got=$(sp --format csv stock --by lot | awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
  { print $c["depot"] "," $c["lot"] "=" $c["quantity"] }')
for key in "${!want[@]}"; do
  line=$(grep -x "$key=.*" <<<"$got" || true)
  if [ "$line" != "$key=${want[$key]}" ]; then
    echo "concurrency: $key: ledger has '${line#*=}', model says ${want[$key]}"; status=1
  fi
done

expected_moves=$((1 + writers * (writes + transfers)))
if ! out=$(sp verify); then echo "concurrency: verify failed: $out"; status=1; fi
moves=$(sed -n 's/^ok: \([0-9]*\) movements.*/\1/p' <<<"$out")
if [ "$moves" != "$expected_moves" ]; then
  echo "concurrency: $moves movements, expected $expected_moves"; status=1
fi
echo "concurrency: $writers writers x $writes writes in ${elapsed}s: $failed failed, $moves movements, verify: ${out%%,*}"
exit $status
