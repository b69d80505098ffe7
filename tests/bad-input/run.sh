#!/usr/bin/env bash
# The bad-input corpus: every case in cases.tsv must be refused with its exit code, one error
# line per error naming the field and the value, and leave the ledger exactly as it was.
#   bash tests/bad-input/run.sh STOCKPILE_BINARY [NAME-PATTERN]
# (NAME-PATTERN: a glob to run some cases only; BAD_INPUT_VERBOSE=1 prints every message.)
# Needs only bash, coreutils, sqlite3 and the binary. Prints one line per failing case, then
# "bad-input: N cases, M passed"; exits 1 if any case failed.
set -uo pipefail
if [ $# -lt 1 ] || [ ! -x "$1" ]; then
  echo "usage: run.sh STOCKPILE_BINARY [NAME-PATTERN]" >&2
  exit 2
fi
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
only=${2:-*}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
mkdir "$work/bin"
ln -s "$bin" "$work/bin/stockpile"
cp -R "$here/files" "$work/files"

export PATH="$work/bin:$PATH" STOCKPILE_DB="$work/ledger.db" TZ=Asia/Shanghai \
       STOCKPILE_NOW=2026-11-22T08:00:00Z LC_ALL=C.UTF-8
unset STOCKPILE_ACTOR STOCKPILE_FORMAT
cd "$work" || exit 2
if ! bash "$here/setup.sh" >setup.log 2>&1; then
  echo "bad-input: setup.sh failed:"; cat setup.log
  exit 1
fi
(cd files && bash "$here/make-files.sh") || { echo "bad-input: make-files.sh failed"; exit 1; }
sqlite3 ledger.db ".backup pristine.db"

# Values the cases may use (they are expanded when a case's command is read).
LONG=$(head -c 102400 /dev/zero | tr '\0' A)              # a 100 KB code
LONGNOTE=$(head -c 34134 /dev/zero | tr '\0' x | sed 's/x/注/g')  # a ~100 KB note (3-byte chars)
BAD_UTF8=$'\xff\xfe'                                       # bytes that are never UTF-8
LATIN1=$'caf\xe9'                                          # 'café' in Latin-1
CUT_UTF8=$'\xe5\xb8'                                       # the first two bytes of 帐
export STOCKPILE_ACTOR=wang.li

state() {  # what must not change: the dump (every row, the head hash with it) and the work dir
  sqlite3 ledger.db .dump | sha256sum
  ls -A | grep -v -e '^ledger\.db-' -e '^out\.' -e '^err\.'
}
# verify reads nothing the dump does not hold, so it runs once before and once after the cases:
# the same dump gives the same answer, and each stockpile process (under ASan in CI) counts.
verified=$(stockpile verify 2>&1)

total=0 passed=0 known=0 fixed=0 bug=0 after_case=0
while IFS=$'\t' read -r name want_rc want_lines fragment command; do
  # A "# BUG:" comment marks the cases right below it (up to a blank line or another comment)
  # as known bugs: they are expected to fail (and are counted) until fixed; once one passes,
  # the run fails until its mark is removed.
  if [[ "$name" == "# BUG:"* ]]; then bug=1 after_case=0; continue; fi
  if [[ -z "$name" ]] || { [[ "$name" == \#* ]] && ((after_case)); }; then bug=0; continue; fi
  [[ "$name" == \#* ]] && continue # the BUG comment goes on
  after_case=1
  is_bug=$bug
  # shellcheck disable=SC2053
  [[ "$name" == $only ]] || continue
  total=$((total + 1))
  eval "args=($command)" || { echo "FAIL $name: cannot read its command line"; continue; }
  # A case that changed nothing leaves its "after" as the next one's "before".
  [ -n "${after:-}" ] && before=$after || before=$(state)
  # a case gets 20 seconds (coreutils timeout); a refusal should take well under one
  timeout -k 5 20 stockpile "${args[@]}" </dev/null >out.txt 2>err.txt
  rc=$?
  after=$(state)
  problems=()
  nlines=$(wc -l <err.txt)
  [ -s err.txt ] && [ "$(tail -c 1 err.txt | od -An -c | tr -d ' ')" != '\n' ] && nlines=$((nlines + 1))
  if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then problems+=("timed out after 20 s")
  elif [ $rc -ge 128 ]; then problems+=("crashed (exit $rc)")
  elif [ "$rc" != "$want_rc" ]; then problems+=("exit $rc, expected $want_rc"); fi
  if LC_ALL=C grep -q -e 'terminate called' -e 'Sanitizer' -e 'runtime error' -e 'Assertion' err.txt; then
    problems+=("crash report on stderr")
  fi
  if [ "$nlines" -eq 0 ]; then problems+=("no error message")
  else
    if LC_ALL=C grep -v -q '^stockpile: error: ' err.txt; then
      problems+=("a stderr line is not 'stockpile: error: ...'")
    fi
    [ "$want_lines" = "-" ] || [ "$nlines" -eq "$want_lines" ] \
      || problems+=("$nlines stderr lines, expected $want_lines")
    LC_ALL=C grep -q -F -e "$fragment" err.txt || problems+=("stderr lacks: $fragment")
  fi
  if [ "$before" != "$after" ]; then
    problems+=("the ledger or the work dir changed")
    # put the ledger back so that the next cases start from the same state
    rm -f ledger.db ledger.db-wal ledger.db-shm
    cp pristine.db ledger.db
    find . -maxdepth 1 -newer pristine.db -type f ! -name 'ledger.db*' ! -name 'out.txt' ! -name 'err.txt' \
      ! -name pristine.db ! -name setup.log -delete
    after=
  fi
  [ -z "${BAD_INPUT_VERBOSE:-}" ] || printf "%s [exit %s] %s\n" "$name" "$rc" "$(head -c 300 err.txt | head -n 1)"
  if [ "$is_bug" = 1 ]; then
    if [ ${#problems[@]} -eq 0 ]; then
      fixed=$((fixed + 1))
      echo "FIXED $name: it passes now; remove its '# BUG:' line in cases.tsv"
    else
      known=$((known + 1))
      [ -z "${BAD_INPUT_VERBOSE:-}" ] || echo "known bug $name: ${problems[*]}"
    fi
  elif [ ${#problems[@]} -eq 0 ]; then
    passed=$((passed + 1))
  else
    msg=$(head -c 300 err.txt | head -n 2 | tr '\n' '|' | LC_ALL=C tr -c '[:print:]|' '?')
    printf 'FAIL %s: %s; stderr: %s\n' "$name" "$(IFS=';'; echo "${problems[*]}")" "$msg"
  fi
done <"$here/cases.tsv"

if [ "$(stockpile verify 2>&1)" != "$verified" ]; then
  echo "FAIL verify after the cases differs from before them"
  total=$((total + 1))
fi
echo "bad-input: $total cases, $passed passed, $known known bugs (marked BUG: in cases.tsv), $fixed fixed but still marked"
[ "$total" -gt 0 ] && [ $((passed + known)) -eq "$total" ] && [ "$fixed" -eq 0 ]
