#!/usr/bin/env bash
# Golden CLI tests. Each tests/cli/NAME.sh is a scenario run in a fresh temp dir with the
# built `stockpile` on PATH, a fixed clock and a fixed time zone; its transcript (every command,
# what it printed on stdout and stderr, its exit code) must equal NAME.out byte for byte.
#   run.sh STOCKPILE_BINARY SCENARIO.sh        compare
#   UPDATE_GOLDEN=1 run.sh ...                 rewrite NAME.out (review the diff before committing)
set -uo pipefail
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
scenario=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
golden=${scenario%.sh}.out
data=$(cd "$(dirname "$0")/../../data" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/bin"
ln -s "$bin" "$work/bin/stockpile"

cat >"$work/lib.sh" <<'LIB'
# Runs a command and writes the transcript: "$ command", its output, and its exit code when
# it is not 0. stderr is merged so error lines appear where they happen.
run() {
  local arg shown=()
  for arg in "$@"; do
    if [[ -z "$arg" || "$arg" =~ [[:space:]\"\'\$] ]]; then shown+=("'$arg'"); else shown+=("$arg"); fi
  done
  printf '$ %s\n' "${shown[*]}"
  "$@" 2>&1
  local rc=$?
  [ $rc -eq 0 ] || printf '[exit %d]\n' "$rc"
  return 0
}
# Like run, and also checks that the ledger's content did not change (sqlite3 .dump).
unchanged() {
  local before after
  before=$(sqlite3 "$STOCKPILE_DB" .dump)
  run "$@"
  after=$(sqlite3 "$STOCKPILE_DB" .dump)
  if [ "$before" == "$after" ]; then echo "[ledger unchanged]"; else echo "[LEDGER CHANGED]"; fi
}
LIB

actual="$work/actual.out"
(
  cd "$work" || exit 1
  export PATH="$work/bin:$PATH" TZ=Asia/Shanghai STOCKPILE_DB="$work/ledger.db" \
         STOCKPILE_NOW=2026-11-22T08:00:00Z DATA="$data" LC_ALL=C.UTF-8
  unset STOCKPILE_ACTOR
  # shellcheck disable=SC1091
  source "$work/lib.sh"
  # shellcheck disable=SC1090
  source "$scenario"
) >"$actual" 2>&1
# Paths of the temp dir are not stable; show them as $WORK.
sed -i -e "s|$work|\$WORK|g" -e "s|$data|\$DATA|g" "$actual"

if [ -n "${UPDATE_GOLDEN:-}" ]; then
  cp "$actual" "$golden"
  echo "updated $golden"
  exit 0
fi
if [ ! -f "$golden" ]; then
  echo "no golden file $golden; run with UPDATE_GOLDEN=1 and review it"
  cat "$actual"
  exit 1
fi
if ! diff -u "$golden" "$actual"; then
  echo "FAILED: $(basename "$scenario") differs from its golden file (diff above: - expected, + actual)"
  exit 1
fi
grep -q 'LEDGER CHANGED' "$actual" && { echo "a failed command changed the ledger"; exit 1; }
exit 0
