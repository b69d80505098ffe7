# Turns bench/run's measurements into the markdown tables of the results file.
# Input: one line per measurement, tab-separated:
#   N, label, runs, status, median_ms, p99_ms, min_ms, max_ms, peak_rss_kib, cpu_median_ms
# Variables: sizes (the sizes in order, comma-separated).
BEGIN {
  FS = "\t"
  nsizes = split(sizes, size, ",")
}
$2 == "data" { # N, "data", operations, lots, positive balances, CSV bytes, ledger bytes
  data[$1] = sprintf("| %s | %s | %s | %s | %.1f MiB | %.1f MiB |", human($1), human($3), human($4),
                     human($5), $6 / 1048576, $7 / 1048576)
  next
}
{
  k = $1 SUBSEP $2
  if (!($2 in seen)) { seen[$2] = 1; order[++nlabels] = $2 }
  runs[k] = $3; status[k] = $4; med[k] = $5 + 0; p99[k] = $6 + 0; worst[k] = $8 + 0
  rss[k] = $9 + 0; cpu[k] = $10 + 0; have[k] = 1
}

function human(n) { # 1000000 -> 1,000,000
  s = sprintf("%d", n)
  while (s ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9]($|,)/, ",&", s)
  return s
}
function t(ms) {
  if (ms < 10) return sprintf("%.2f ms", ms)
  if (ms < 1000) return sprintf("%.1f ms", ms)
  return sprintf("%.2f s", ms / 1000)
}
function mem(kib) { return kib < 10240 ? sprintf("%.1f MiB", kib / 1024) : sprintf("%.0f MiB", kib / 1024) }
function ok(n, l) { return ((n SUBSEP l) in have) && status[n SUBSEP l] == "ok" }
function med_of(n, l) { return ok(n, l) ? med[n SUBSEP l] : -1 }
function cpu_of(n, l) { return ok(n, l) ? cpu[n SUBSEP l] : -1 }
function cpu_cell(n, l,    k) {
  k = n SUBSEP l
  if (!(k in have)) return "—"
  if (status[k] != "ok") return status[k]
  return t(cpu[k])
}
# The CPU-time column of a target: its figure and whether the target holds by it.
function by_cpu(a, holds) { return a > 0 ? t(a) (holds ? " (holds)" : " (does not hold)") : "—" }
function cell(n, l,    k, s) {
  k = n SUBSEP l
  if (!(k in have)) return "—"
  if (status[k] == "timeout") return sprintf("> %d s", worst[k] / 1000)
  if (status[k] != "ok") return "failed (" status[k] ")"
  s = t(med[k])
  if (l ~ /^issue/) s = "p50 " t(med[k]) ", p99 " t(p99[k])
  return s " · " mem(rss[k])
}
function label_at(n, prefix,    i) { # the first label starting with prefix measured at n
  for (i = 1; i <= nlabels; i++) if (index(order[i], prefix) == 1 && ((n SUBSEP order[i]) in have)) return order[i]
  return ""
}
function ratio(a, b) { return (a > 0 && b > 0) ? sprintf("%.1f×", a / b) : "—" }
function ratio_cell(n, la, lb,    ka) {
  ka = n SUBSEP la
  if ((ka in have) && status[ka] == "timeout" && med_of(n, lb) > 0)
    return sprintf("> %.0f×", worst[ka] / med_of(n, lb))
  return ratio(med_of(n, la), med_of(n, lb))
}
function verdict(holds) { return holds ? "**holds**" : "**does not hold**" }
# A verdict only at the size the target names; at a smaller size the figure is shown alone.
function verdict1m(holds) { return m1 ? verdict(holds) : "1,000,000 not measured" }

END {
  printf "## Data\n\n| movements | operations | lots | balances held (depot × lot) | movements.csv | ledger file |\n"
  printf "|---:|---:|---:|---:|---:|---:|\n"
  for (i = 1; i <= nsizes; i++) if (size[i] in data) print data[size[i]]
  printf "\n"
  # ---- every step at every size -------------------------------------------------------------
  printf "## Results: median wall time · peak RSS\n\n| step | runs |"
  for (i = 1; i <= nsizes; i++) printf " N = %s |", human(size[i])
  printf "\n|---|---:|"
  for (i = 1; i <= nsizes; i++) printf "---:|"
  printf "\n"
  for (j = 1; j <= nlabels; j++) {
    l = order[j]
    r = ""; delete rseen
    for (i = 1; i <= nsizes; i++) {
      k = size[i] SUBSEP l
      if ((k in have) && !(runs[k] in rseen)) { rseen[runs[k]] = 1; r = r (r == "" ? "" : "/") runs[k] }
    }
    printf "| %s | %s |", l, r
    for (i = 1; i <= nsizes; i++) printf " %s |", cell(size[i], l)
    printf "\n"
  }

  printf "\n## CPU time (user + system) of the same runs, median\n\n| step |"
  for (i = 1; i <= nsizes; i++) printf " N = %s |", human(size[i])
  printf "\n|---|"
  for (i = 1; i <= nsizes; i++) printf "---:|"
  printf "\n"
  for (j = 1; j <= nlabels; j++) {
    l = order[j]
    printf "| %s |", l
    for (i = 1; i <= nsizes; i++) printf " %s |", cpu_cell(size[i], l)
    printf "\n"
  }

  # ---- side by side --------------------------------------------------------------------------
  printf "\n## Ratios (side by side on the same data)\n\n| ratio |"
  for (i = 1; i <= nsizes; i++) printf " N = %s |", human(size[i])
  printf "\n|---|"
  for (i = 1; i <= nsizes; i++) printf "---:|"
  printf "\n"
  split("import movements|sqlite3 .import (floor)|import ÷ sqlite3 .import (the floor)," \
        "sqlite3 into the ledger's schema|sqlite3 .import (floor)|" \
        "sqlite3 into the ledger's schema ÷ the floor (what the schema alone costs)," \
        "import movements|sqlite3 into the ledger's schema|import ÷ sqlite3 into the ledger's schema," \
        "ledger bal|stock|ledger bal ÷ stockpile stock," \
        "hledger bal|stock|hledger bal ÷ stockpile stock," \
        "ledger bal|stock --by lot|ledger bal ÷ stockpile stock --by lot," \
        "hledger bal|stock --by lot|hledger bal ÷ stockpile stock --by lot", pairs, ",")
  for (p = 1; p in pairs; p++) {
    split(pairs[p], q, "|")
    printf "| %s |", q[3]
    for (i = 1; i <= nsizes; i++) printf " %s |", ratio_cell(size[i], q[1], q[2])
    printf "\n"
  }

  # ---- scaling ---------------------------------------------------------------------------------
  if (nsizes > 1) {
    printf "\n## Scaling: time at one size ÷ time at the size before\n\n| step |"
    for (i = 2; i <= nsizes; i++) printf " %s ÷ %s |", human(size[i]), human(size[i - 1])
    printf "\n|---|"
    for (i = 2; i <= nsizes; i++) printf "---:|"
    printf "\n"
    for (j = 1; j <= nlabels; j++) {
      l = order[j]
      if (l == "generate") continue
      printf "| %s |", l
      for (i = 2; i <= nsizes; i++) printf " %s |", ratio(med_of(size[i], l), med_of(size[i - 1], l))
      printf "\n"
    }
  }

  # ---- the targets of issue 8 -----------------------------------------------------------------
  big = size[nsizes]
  for (i = 1; i <= nsizes; i++) { if (size[i] == 1000000) m1 = 1; if (size[i] == 100000) m100 = 1 }
  at1m = m1 ? 1000000 : big
  note1m = m1 ? "" : sprintf(" (at N = %s: 1,000,000 not measured)", human(big))
  printf "\n## Targets (issue 8)\n\nThe verdict is by wall time, as the targets are stated; the last column judges the median CPU\ntime the same way (what the step costs when it does not wait for a core).\n\n| target | measured (wall) | verdict | by CPU time |\n|---|---|---|---|\n"

  a = med_of(at1m, "import movements"); b = med_of(at1m, "sqlite3 .import (floor)")
  c = cpu_of(at1m, "import movements"); d = cpu_of(at1m, "sqlite3 .import (floor)")
  printf "| import ≤ 2 × the sqlite3 floor at 1M movements | %s%s | %s | %s |\n", ratio(a, b), note1m,
    ((a > 0 && b > 0) ? verdict1m(a <= 2 * b) : "not measured"),
    ((c > 0 && d > 0) ? ratio(c, d) (c <= 2 * d ? " (holds)" : " (does not hold)") : "—")

  if (m100) {
    a = med_of(100000, "ledger bal"); b = med_of(100000, "stock")
    c = cpu_of(100000, "ledger bal"); d = cpu_of(100000, "stock")
    printf "| `stock` ≥ 100 × faster than `ledger bal` at 100k | %s | %s | %s |\n", ratio(a, b),
      ((a > 0 && b > 0) ? verdict(a >= 100 * b) : "not measured"),
      ((c > 0 && d > 0) ? ratio(c, d) (c >= 100 * d ? " (holds)" : " (does not hold)") : "—")
  } else printf "| `stock` ≥ 100 × faster than `ledger bal` at 100k | 100,000 not measured | | |\n"

  a = med_of(at1m, "report expiry --within 90d"); c = cpu_of(at1m, "report expiry --within 90d")
  printf "| `report expiry` over 1M lots < 50 ms | %s%s; the lots at this size are in the data table | %s | %s |\n",
    (a > 0 ? t(a) : "—"), note1m, (a > 0 ? verdict1m(a < 50) : "not measured"), by_cpu(c, c < 50)
  a = med_of(at1m, "verify"); c = cpu_of(at1m, "verify")
  printf "| `verify` of 1M movements < 2 s | %s%s | %s | %s |\n", (a > 0 ? t(a) : "—"), note1m,
    (a > 0 ? verdict1m(a < 2000) : "not measured"), by_cpu(c, c < 2000)
  k = big SUBSEP "issue (one process)"
  if (ok(big, "issue (one process)"))
    printf "| one `issue`: p50 < 10 ms, p99 < 30 ms | p50 %s, p99 %s at N = %s | %s | p50 %s |\n",
      t(med[k]), t(p99[k]), human(big), verdict(med[k] < 10 && p99[k] < 30),
      by_cpu(cpu[k], cpu[k] < 10)
  else printf "| one `issue`: p50 < 10 ms, p99 < 30 ms | not measured | | |\n"
  l = label_at(big, "stocktake close")
  a = l == "" ? -1 : med_of(big, l); c = l == "" ? -1 : cpu_of(big, l)
  printf "| closing a 100k-line stocktake < 3 s | %s (%s at N = %s) | %s | %s |\n", (a > 0 ? t(a) : "—"),
    (l == "" ? "no stocktake" : l), human(big),
    ((a > 0 && l ~ /100,?000 lines/) ? verdict(a < 3000) : (a > 0 ? "not at 100k lines" : "not measured")),
    by_cpu(c, c < 3000)
  l = label_at(at1m, "allocate")
  a = l == "" ? -1 : med_of(at1m, l); c = l == "" ? -1 : cpu_of(at1m, l)
  printf "| a 100-line allocation plan < 100 ms at 1M lots | %s%s | %s | %s |\n", (a > 0 ? t(a) : "—"),
    note1m, (a > 0 ? verdict1m(a < 100) : "not measured"), by_cpu(c, c < 100)
  worst_rss = 0; worst_l = ""
  for (j = 1; j <= nlabels; j++) {
    l = order[j]
    if (l !~ /^(import movements|export )/ || !ok(at1m, l)) continue
    if (rss[at1m SUBSEP l] > worst_rss) { worst_rss = rss[at1m SUBSEP l]; worst_l = l }
  }
  printf "| peak memory < 100 MiB for any 1M-row import or export | largest: %s (%s)%s | %s | |\n",
    (worst_l == "" ? "—" : mem(worst_rss)), worst_l, note1m,
    (worst_l == "" ? "not measured" : verdict1m(worst_rss < 102400))
  if (m1 && m100) {
    split("stock|report expiry --within 90d", flat, "|")
    for (f = 1; f in flat; f++) {
      a = med_of(1000000, flat[f]); b = med_of(100000, flat[f])
      c = cpu_of(1000000, flat[f]); d = cpu_of(100000, flat[f])
      printf "| `%s` at 1M about the time at 100k (within 1.5×) | %s | %s | %s |\n", flat[f],
        ratio(a, b), ((a > 0 && b > 0) ? verdict(a <= 1.5 * b) : "not measured"),
        ((c > 0 && d > 0) ? ratio(c, d) (c <= 1.5 * d ? " (holds)" : " (does not hold)") : "—")
    }
  } else printf "| `stock`, `report expiry` at 1M about the time at 100k | needs both sizes | | |\n"
}
