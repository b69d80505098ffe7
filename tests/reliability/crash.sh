#!/usr/bin/env bash
# Crash test (issue 9): a PC switched off mid-import must cost the keeper the interrupted
# write, never the ledger. Each run copies a prepared ledger, starts an import of ROWS rows
# and, at the same time, a stream of single commands (receive, issue, transfer, and a
# stocktake's start, count and close), then stops everything at a random moment (seeded) and
# kills it with SIGKILL. Afterwards:
#   - PRAGMA integrity_check says ok (sqlite3 shell) and `stockpile verify` passes;
#   - every command that had exited 0 before the kill is in the ledger (its idempotency key,
#     or its stocktake's start, count and close);
#   - the import is there completely or not at all (movements carrying its document marker);
#   - the recovered ledger takes a new write.
# Where each kill landed is measured, not assumed: the processes are stopped (SIGSTOP) first,
# and /proc/locks shows which of them held SQLite's WAL write lock (byte 120 of the -shm
# file), i.e. was inside a write transaction, at the moment of the kill.
#
# A third of the runs are single commands only, so that kills also land inside them: after the
# random delay the harness waits for the next command to take the write lock and stops it
# there (a command spends most of its life starting up and reading). The kill window is
# calibrated on this machine and build (one uninterrupted import, one command), so
# the same share of kills lands inside writes under a sanitizer build as under a release one.
#
#   crash.sh STOCKPILE_BINARY [--runs N] [--seed S] [--rows R]  default 50 runs, a new seed,
#                                                               2000 rows
#   crash.sh build/debug/stockpile --runs 500                   the long run (on demand)
#   crash.sh STOCKPILE_BINARY [RUNS] [SEED] [ROWS]              the same, by position
# The seed is printed; the same seed gives the same commands and kill delays (where the kills
# land still depends on the machine's timing).
set -uo pipefail
usage() { echo "usage: crash.sh STOCKPILE_BINARY [--runs N] [--seed S] [--rows R]" >&2; exit 2; }
[ $# -ge 1 ] || usage
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
shift
runs="" seed="" rows="" positional=()
while [ $# -gt 0 ]; do
  case $1 in
  --runs) runs=${2-}; shift 2 || usage ;;
  --seed) seed=${2-}; shift 2 || usage ;;
  --rows) rows=${2-}; shift 2 || usage ;;
  -*) usage ;;
  *) positional+=("$1"); shift ;;
  esac
done
runs=${runs:-${positional[0]:-50}}
seed=${seed:-${positional[1]:-$(( ($(date +%s%N) / 1000) % 1000000 ))}}
rows=${rows:-${positional[2]:-2000}}
for v in "$runs" "$seed" "$rows"; do [[ $v =~ ^[0-9]+$ ]] || usage; done
RANDOM=$seed
echo "crash: seed $seed, $runs runs, import of $rows rows (again: crash.sh BINARY --runs $runs --seed $seed --rows $rows)"

work=$(mktemp -d)
trap 'kill -KILL $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
export STOCKPILE_ACTOR=keeper TZ=UTC
unset STOCKPILE_NOW
bin_comm=$(basename "$bin" | cut -c1-15) # what /proc/PID/comm shows for it
sp() { "$bin" --db "$1" "${@:2}"; }
now_ms() { local t=${EPOCHREALTIME/[.,]/}; echo $((t / 1000)); }
sleep_ms() { sleep "$(printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)))"; }

# ---- the prepared ledger: depots A, B (movements) and C (stocktakes), plenty of stock ----
base=$work/base.db
{
  sp "$base" init
  sp "$base" org add LZ --name 柳州市 --level city
  for d in A B C; do sp "$base" depot add $d --name "库$d" --org LZ; done
  sp "$base" custodian add keeper --name 王丽 --roles keeper --depot A --depot B --depot C
  sp "$base" custodian add boss --name 陈刚 --roles responsible --depot A --depot B --depot C
  sp "$base" material add TENT --name 帐篷 --unit 顶
  sp "$base" receive --depot A --material TENT --lot S1 --qty 1000000 --date 2025-01-02
  sp "$base" receive --depot C --material TENT --lot C1 --qty 100000 --date 2025-01-02
} >"$work/setup.log" 2>&1 || { echo "crash: setting up the ledger failed:"; cat "$work/setup.log"; exit 1; }

# The import: blocks of ten rows on one lot (eight receipts of 3, an issue of 1, and a
# transfer of 1 from A to B as its out and in rows), every row marked with document IMPORT.
csv=$work/import.csv
awk -v n="$rows" 'BEGIN {
  print "kind,date,depot,material,lot,quantity,actor,document"
  for (i = 0; i < n; i++) {
    lot = "IMP" int(i / 10) % 100; k = i % 10
    if (k == 4) print "issue,2025-06-01,A,TENT," lot ",1,keeper,IMPORT"
    else if (k == 8 && i + 1 < n) {
      print "transfer-out,2025-06-01,A,TENT," lot ",1,keeper,IMPORT"
      print "transfer-in,2025-06-01,B,TENT," lot ",1,keeper,IMPORT"
      i++
    } else print "receive,2025-06-01,A,TENT," lot ",3,keeper,IMPORT"
  }
}' >"$csv"
import_rows=$(($(wc -l <"$csv") - 1))

# ---- calibration: how long an uninterrupted import and a single command take here ----
cp "$base" "$work/cal.db"
t0=$(now_ms)
sp "$work/cal.db" import movements "$csv" >"$work/cal.log" 2>&1 || {
  echo "crash: the import fails without a crash:"; head -5 "$work/cal.log"; exit 1; }
import_ms=$(($(now_ms) - t0))
got=$(sqlite3 "$work/cal.db" "SELECT count(*) FROM movements WHERE document = 'IMPORT'")
[ "$got" = "$import_rows" ] || { echo "crash: calibration import wrote $got of $import_rows rows"; exit 1; }
t0=$(now_ms)
sp "$work/cal.db" receive --depot A --material TENT --lot CAL --qty 1 >/dev/null
command_ms=$(($(now_ms) - t0))
rm -f "$work"/cal.db*
echo "crash: calibration: import of $import_rows rows ${import_ms} ms, one command ${command_ms} ms"

# ---- the single commands of one run, chosen with the seed ----
# One line per command: what to record when it exits 0, then its arguments. A stocktake is
# three lines (start, count, close) whose id the stream reads from the start's output.
plan_commands() {
  local r=$1 i choice
  for ((i = 1; i <= 60; i++)); do
    choice=$((RANDOM % 10))
    if ((choice < 3)); then
      echo "key|receive --depot A --material TENT --lot R$r --qty $((1 + RANDOM % 50)) --idempotency-key crash-$r-$i"
    elif ((choice < 5)); then
      echo "key|issue --depot A --material TENT --lot S1 --qty $((1 + RANDOM % 5)) --idempotency-key crash-$r-$i"
    elif ((choice < 8)); then
      echo "key|transfer --from A --to B --material TENT --lot S1 --qty $((1 + RANDOM % 5)) --idempotency-key crash-$r-$i"
    else
      echo "start|stocktake start --depot C"
      echo "count|stocktake count @ID --material TENT --lot C1 --qty $((50000 + RANDOM % 100000))"
      echo "close|stocktake close @ID --approved-by boss --reason miscounted"
    fi
  done
}

# Runs the planned commands one after another; appends to ACKS what each one that exited 0
# wrote ("key K", "start ID", "count ID", "close ID").
command_stream() {
  local db=$1 plan=$2 acks=$3 line what args id="" out
  while IFS= read -r line; do
    what=${line%%|*}
    args=${line#*|}
    args=${args//@ID/$id}
    if [ "$what" = start ]; then
      out=$("$bin" --db "$db" --format csv $args 2>/dev/null) || { id=""; continue; }
      id=$(sed -n '2s/,.*//p' <<<"$out")
      echo "start $id" >>"$acks"
    elif [ "$what" = key ]; then
      "$bin" --db "$db" $args >/dev/null 2>&1 && echo "key ${args##* }" >>"$acks"
    else
      [ -n "$id" ] || continue
      "$bin" --db "$db" $args >/dev/null 2>&1 && echo "$what $id" >>"$acks"
    fi
  done <"$plan"
}

# Every process below PID (a command substitution may put a subshell between the stream and
# the command), stopping each before looking below it so that none starts anything new.
descendants() {
  local child
  for child in $(pgrep -P "$1"); do
    kill -STOP "$child" 2>/dev/null
    echo "$child"
    descendants "$child"
  done
}

# Processes holding an SQLite WAL write lock (a write lock on byte 120 of a -shm file) right
# now; the caller keeps those of this run. The -shm file comes and goes with the connections,
# so it is not told by its inode.
write_lock_holders() {
  local f
  while read -r -a f; do
    [[ ${f[3]-} == WRITE && ${f[6]-} == 120 && ${f[7]-} == 120 ]] && echo "${f[4]}"
  done </proc/locks
}

# Waits (at most until the deadline, in ms) for one of the stream's commands to hold the write
# lock and stops it there; no fork inside the loop, so the wait is a fraction of a write.
stop_a_writer() {
  local deadline=$1 f t
  while :; do
    while read -r -a f; do
      if [[ ${f[3]-} == WRITE && ${f[6]-} == 120 && ${f[7]-} == 120 ]] &&
        [[ -e /proc/${f[4]} && $(</proc/${f[4]}/comm) == "$bin_comm" ]] &&
        # Only this run's commands: other stockpile processes on the machine (ctest runs
        # tests side by side) hold write locks too, on their own files.
        [[ $(tr '\0' ' ' 2>/dev/null <"/proc/${f[4]}/cmdline") == *"$work"* ]]; then
        kill -STOP "${f[4]}" 2>/dev/null
        return 0
      fi
    done </proc/locks
    t=${EPOCHREALTIME/[.,]/}
    ((t / 1000 < deadline)) || return 1
  done
}

kills=0 mid_import=0 import_in_write=0 command_in_write=0 command_running=0
import_none=0 import_all=0 import_done=0 acked=0
integrity_failures=0 verify_failures=0 lost=0 partial=0 write_after_failures=0 other=0
fail() {
  echo "crash: run $r (seed $seed): $*"
  local keep=${TMPDIR:-/tmp}/stockpile-crash-$seed-$r
  mkdir -p "$keep" && cp "$run_dir"/* "$keep"/ 2>/dev/null
  echo "crash: run $r: files kept in $keep"
}

start=$(now_ms)
for ((r = 1; r <= runs; r++)); do
  run_dir=$work/run
  rm -rf "$run_dir" && mkdir "$run_dir"
  db=$run_dir/ledger.db
  cp "$base" "$db"
  plan_commands "$r" >"$run_dir/plan"
  : >"$run_dir/acks"
  with_import=$((RANDOM % 3 != 0))
  if ((with_import)); then
    window=$((import_ms * 12 / 10))
  else
    window=$((command_ms * 5)) # a point among the stream's first few commands
  fi
  delay=$(((RANDOM * 32768 + RANDOM) % (window + 1)))

  ipid=""
  if ((with_import)); then
    "$bin" --db "$db" import movements "$csv" >"$run_dir/import.out" 2>&1 &
    ipid=$!
  fi
  command_stream "$db" "$run_dir/plan" "$run_dir/acks" &
  spid=$!
  sleep_ms "$delay"
  # Runs of single commands: from that moment, wait for the next command to be inside its
  # write (a short part of each command's life) and stop it there.
  ((with_import)) || stop_a_writer $(($(now_ms) + window))

  # Freeze everything first (the stream first, so it starts nothing new), look, then kill.
  kill -STOP "$spid" 2>/dev/null
  children=$(descendants "$spid" | tr '\n' ' ')
  [ -n "$ipid" ] && kill -STOP "$ipid" 2>/dev/null
  holders=" $(write_lock_holders | tr '\n' ' ') "
  running=""
  for c in $children; do
    [ "$(cat "/proc/$c/comm" 2>/dev/null)" = "$bin_comm" ] && running+=" $c"
  done
  import_alive=0
  if [ -n "$ipid" ] && kill -0 "$ipid" 2>/dev/null && [ "$(ps -o stat= -p "$ipid" | cut -c1)" != Z ]; then
    import_alive=1
  fi
  # shellcheck disable=SC2086
  kill -KILL "$spid" $children $ipid 2>/dev/null
  wait "$spid" 2>/dev/null
  import_rc=0
  [ -n "$ipid" ] && { wait "$ipid" 2>/dev/null; import_rc=$?; }
  kills=$((kills + 1))
  if ((import_alive)); then
    mid_import=$((mid_import + 1))
    [[ "$holders" == *" $ipid "* ]] && import_in_write=$((import_in_write + 1))
  fi
  for c in $running; do
    command_running=$((command_running + 1))
    [[ "$holders" == *" $c "* ]] && command_in_write=$((command_in_write + 1))
  done

  # ---- after the kill ----
  # SIGKILL is delivered asynchronously and the commands are not all children of this shell:
  # each releases its file locks only as it exits. Wait until every one is gone (or a zombie)
  # before looking, or the check below meets a lock a dying process still holds (seen under
  # ASan on a loaded machine: "database is locked").
  for c in $children; do
    for _ in {1..400}; do
      [ -e "/proc/$c" ] || break
      [ "$(cut -d' ' -f3 "/proc/$c/stat" 2>/dev/null)" = Z ] && break
      sleep 0.025
    done
  done
  ic=$(sqlite3 -cmd ".timeout 10000" "$db" "PRAGMA integrity_check" 2>&1)
  if [ "$ic" != ok ]; then
    integrity_failures=$((integrity_failures + 1)); fail "integrity_check: $ic"
  fi
  if ! out=$(sp "$db" verify 2>&1); then
    verify_failures=$((verify_failures + 1)); fail "verify: $out"
  fi
  sqlite3 "$db" "SELECT 'key ' || idempotency_key FROM operations WHERE idempotency_key IS NOT NULL
                 UNION SELECT 'start ' || id FROM stocktakes
                 UNION SELECT 'count ' || stocktake FROM stocktake_counts
                 UNION SELECT 'close ' || stocktake FROM stocktake_ends WHERE state = 'closed'" \
    | sort -u >"$run_dir/present"
  sort -u "$run_dir/acks" >"$run_dir/acked"
  acked=$((acked + $(wc -l <"$run_dir/acked")))
  missing=$(comm -23 "$run_dir/acked" "$run_dir/present")
  if [ -n "$missing" ]; then
    lost=$((lost + $(wc -l <<<"$missing"))); fail "acknowledged but not in the ledger: $missing"
  fi
  if ((with_import)); then
    n=$(sqlite3 "$db" "SELECT count(*) FROM movements WHERE document = 'IMPORT'")
    if [ "$n" = 0 ]; then
      import_none=$((import_none + 1))
    elif [ "$n" = "$import_rows" ]; then
      import_all=$((import_all + 1))
    else
      partial=$((partial + 1)); fail "the import left $n of its $import_rows movements"
    fi
    if [ "$import_rc" = 0 ]; then
      import_done=$((import_done + 1))
      [ "$n" = "$import_rows" ] || { lost=$((lost + 1)); fail "the import exited 0 but left $n movements"; }
    elif [ "$import_rc" != 137 ]; then
      other=$((other + 1)); fail "the import exited $import_rc: $(head -c 300 "$run_dir/import.out")"
    fi
  fi
  if ! out=$(sp "$db" receive --depot A --material TENT --lot AFTER --qty 1 2>&1); then
    write_after_failures=$((write_after_failures + 1)); fail "no write after recovery: $out"
  fi
done
elapsed=$(( ($(now_ms) - start) / 1000 ))

in_write=$((import_in_write + command_in_write))
echo "crash: $runs runs in ${elapsed}s, $kills kills: $mid_import mid-import ($import_in_write holding the write lock), $command_running mid-command ($command_in_write holding the write lock); $in_write kills inside a write transaction"
echo "crash: imports killed: $import_none left nothing, $import_all complete ($import_done had exited 0 before the kill), $partial partial"
echo "crash: $acked acknowledged commands, $lost lost; $integrity_failures integrity_check failures, $verify_failures verify failures, $write_after_failures ledgers refusing a write after recovery, $other other failures"
status=0
((integrity_failures + verify_failures + lost + partial + write_after_failures + other == 0)) || status=1
# A crash test whose kills never land inside a write proves nothing.
if ((runs >= 20 && in_write == 0)); then
  echo "crash: no kill landed inside a write transaction: the harness proved nothing"; status=1
fi
exit $status
