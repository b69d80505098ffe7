#!/usr/bin/env bash
# Runs one fuzz target (issue 9):  run.sh BUILD/tests/fuzz/fuzz_NAME WORK_DIR [libFuzzer options]
# with -max_total_time=10 as ctest does, or -runs=1000000 on demand (README.md). The seeds in
# corpus/NAME and the past findings in regressions/NAME are read, never written: what the run
# learns goes to WORK_DIR/NAME/corpus and what it finds to WORK_DIR/NAME/artifacts.
set -euo pipefail
[[ $# -ge 2 ]] || { echo "usage: $0 FUZZ_BINARY WORK_DIR [libFuzzer options]" >&2; exit 2; }
bin=$1 work=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
name=$(basename "$bin")
name=${name#fuzz_}
[[ -d $here/corpus/$name ]] || { echo "$0: no seed corpus $here/corpus/$name" >&2; exit 2; }
mkdir -p "$work/$name/corpus" "$work/$name/artifacts"
# -timeout: an input that takes this long (seconds) is a finding too (a hang).
args=(-artifact_prefix="$work/$name/artifacts/" -print_final_stats=1 -timeout=25)
[[ -f $here/dict/$name.dict ]] && args+=(-dict="$here/dict/$name.dict")
dirs=("$work/$name/corpus" "$here/corpus/$name")
[[ -d $here/regressions/$name ]] && dirs+=("$here/regressions/$name")
exec "$bin" "${args[@]}" "$@" "${dirs[@]}"
