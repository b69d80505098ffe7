# Readiness (战备, 保障能力), hazard coverage (灾种覆盖) and the annual report (年报).
# Every number below was worked out by hand; the clock says 2026-11-22T08:00Z (16:00 in Shanghai).
#
# A city LZ with districts LN, YF, CZ (CZ has no depot) and LN's enterprise CHEM.
# Stock on 2026-11-22 (the movements are below; the annual figures follow from them):
#   CITY-01 COAT 500                                            quota 1000, no max
#   LN-01   COAT 95; MASK M1 100 expired 2026-10-31, M3 30 quarantined  COAT 50..60, MASK 300..600
#   CHEM-01 MASK M2 200                                         quota 100..150
#   YF-01   TENT 9 (10, 4 out, 3 back); COAT 18 (20 in, stocktake −2)   TENT 5..20
# Commitments (from 2026-11-22T00:00 Shanghai): AGR-M masks 400 in 12h; SOC-M masks 50 in 3d;
#   CAP-C coats 100/day after 6h, max 1000; AGR-OLD masks 100, valid only in 2025.
# Readiness within 24h (by 2026-11-23T00:00), below quota first:
#   org LN MASK: usable 200 (CHEM-01; LN-01's 130 unusable), min 300 + 100 = 400 → short 200
#   org LZ COAT: 500 + 95 + 18 = 613 stock + 75 produced (18 h) = 688 < min 1050 → short 362
#   depot CITY-01 COAT 500 < 1000 → short 500; depot LN-01 MASK 0 < 300 → short 300
#   org LZ MASK: 200 + agreement 400 = 600, within 400..750 → ok (SOC-M is 3 days away)
#   org LN COAT / depot LN-01 COAT: 95 > 60 → over 35; CHEM-01 MASK 200 > 150 → over 50
#   3 days: SOC-M's 50 arrive (650); CAP-C makes 66 h × 100/24 = 275 coats (888, short 162).
# Coverage: LN-01 holds usable coats only (its masks are expired or quarantined) → single
#   hazard: cold; CHEM-01 masks → single hazard: epidemic; CZ has no depot → no hazard.
# Annual, LN-01 COAT: 2025: +100, −10 issued on 12-31, −20 to YF-01 on 12-31 → 70.
#   2026: the 12-31 issue reversed on 01-01 (+10), +50, −5 written off, −30 issued, +7 entered
#   twice and reversed → 70 + 50 − (30 − 10) − 5 = 95.
export STOCKPILE_ACTOR=wang.li
run stockpile init
stockpile org add LZ --name 柳州市 --level city >/dev/null
stockpile org add LN --name 柳南区 --level district --parent LZ >/dev/null
stockpile org add YF --name 鱼峰区 --level district --parent LZ >/dev/null
stockpile org add CZ --name 城中区 --level district --parent LZ >/dev/null
stockpile org add CHEM --name 柳化 --level enterprise --parent LN >/dev/null
stockpile depot add CITY-01 --name 柳州市救灾物资储备库 --org LZ >/dev/null
stockpile depot add LN-01 --name 柳南区救灾物资仓库 --org LN >/dev/null
stockpile depot add YF-01 --name 鱼峰区防汛物资仓库 --org YF >/dev/null
stockpile depot add CHEM-01 --name 柳化应急物资库 --org CHEM >/dev/null
stockpile custodian add wang.li --name 王丽 --roles keeper --depot CITY-01 --depot LN-01 --depot YF-01 --depot CHEM-01 >/dev/null
stockpile custodian add chen.gang --name 陈刚 --roles responsible --depot LN-01 --depot YF-01 >/dev/null
stockpile custodian add zhao.jun --name 赵军 --roles keeper --depot YF-01 >/dev/null
stockpile material add COAT --name 棉衣 --unit 件 --hazards cold >/dev/null
stockpile material add MASK --name 口罩 --unit 个 --shelf-life 2y --hazards epidemic >/dev/null
stockpile material add TENT --name 帐篷 --unit 顶 --hazards earthquake,flood,cold --recoverable yes >/dev/null

# 2025, crossing into 2026 at LN-01 and YF-01
stockpile receive --depot LN-01 --material COAT --lot C1 --qty 100 --date 2025-03-01 >/dev/null
wrong=$(stockpile --format csv issue --depot LN-01 --material COAT --qty 10 --date 2025-12-31 | tail -n 1 | cut -d, -f1)
stockpile transfer --from LN-01 --to YF-01 --material COAT --lot C1 --qty 20 --date 2025-12-31 >/dev/null
stockpile receive --depot YF-01 --material TENT --lot T1 --qty 10 --date 2025-06-01 >/dev/null
stockpile receive --depot LN-01 --material MASK --lot M1 --qty 100 --expiry 2026-10-31 --date 2025-01-10 >/dev/null
stockpile reverse "$wrong" --reason "entered twice" --date 2026-01-01 >/dev/null
stockpile receive --depot LN-01 --material COAT --lot C2 --qty 50 --date 2026-01-01 >/dev/null
stockpile dispose --depot LN-01 --material COAT --lot C2 --qty 5 --reason damaged --approved-by chen.gang --date 2026-01-01 >/dev/null
stockpile issue --depot LN-01 --material COAT --qty 30 --date 2026-02-01 >/dev/null
twice=$(stockpile --format csv receive --depot LN-01 --material COAT --lot C2 --qty 7 --date 2026-04-01 | tail -n 1 | cut -d, -f1)
stockpile reverse "$twice" --reason "entered twice" --date 2026-04-02 >/dev/null
stockpile issue --depot YF-01 --material TENT --qty 4 --date 2026-02-01 >/dev/null
stockpile return --depot YF-01 --material TENT --lot T1 --qty 3 --date 2026-03-01 >/dev/null
stockpile stocktake start --depot YF-01 --material COAT --date 2026-06-01 >/dev/null
stockpile stocktake count 1 --material COAT --lot C1 --qty 18 --counter zhao.jun >/dev/null
stockpile stocktake close 1 --approved-by chen.gang --line-reason COAT/C1=lost >/dev/null
stockpile receive --depot CITY-01 --material COAT --lot C1 --qty 500 --date 2026-01-10 >/dev/null
stockpile receive --depot LN-01 --material MASK --lot M3 --qty 30 --expiry 2028-05-01 --date 2026-05-10 >/dev/null
stockpile lot-status --material MASK --lot M3 --status quarantined --reason "mould on the cartons" >/dev/null
stockpile receive --depot CHEM-01 --material MASK --lot M2 --qty 200 --expiry 2028-05-01 --date 2026-05-10 >/dev/null
stockpile quota set --depot CITY-01 --material COAT --min 1000 >/dev/null
stockpile quota set --depot LN-01 --material COAT --min 50 --max 60 >/dev/null
stockpile quota set --depot LN-01 --material MASK --min 300 --max 600 >/dev/null
stockpile quota set --depot CHEM-01 --material MASK --min 100 --max 150 >/dev/null
stockpile quota set --depot YF-01 --material TENT --min 5 --max 20 >/dev/null
stockpile commitment add AGR-M --tier agreement --party 柳州口罩厂 --material MASK --qty 400 --lead-time 12h --valid-from 2026-01-01 --valid-to 2026-12-31 >/dev/null
stockpile commitment add SOC-M --tier social --party 柳州市红十字会 --material MASK --qty 50 --lead-time 3d --valid-from 2026-01-01 --valid-to 2026-12-31 >/dev/null
stockpile commitment add CAP-C --tier capacity --party 柳州被服厂 --material COAT --rate 100 --max 1000 --lead-time 6h --valid-from 2026-01-01 --valid-to 2026-12-31 >/dev/null
stockpile commitment add AGR-OLD --tier agreement --party 旧供应商 --material MASK --qty 100 --lead-time 1h --valid-from 2025-01-01 --valid-to 2025-12-31 >/dev/null

# readiness: below quota first; commitments only in the city's rows
unchanged stockpile report readiness --as-of 2026-11-22
# three days: the social pledge arrives, production reaches 275 coats (66 h)
run stockpile report readiness --as-of 2026-11-22 --horizon 3d --org LZ --format csv
run stockpile report readiness --as-of 2026-11-22 --org LN --format json
run stockpile report readiness --as-of 2026-11-22 --depot YF-01

# coverage: a matrix of scopes × hazards, then what serves each hazard at each depot
unchanged stockpile report coverage --as-of 2026-11-22
run stockpile report coverage --as-of 2026-11-22 --org LN --format json
run stockpile report coverage --as-of 2026-11-22 --depot YF-01 --format csv
# on 2026-10-31 mask M1 was still good: LN-01 served epidemics too
run stockpile report coverage --as-of 2026-10-31 --depot LN-01

# annual: every row balances; the 12-31 issue reversed on 01-01 lowers 2026's issues
unchanged stockpile report annual --year 2025 --by depot
unchanged stockpile report annual --year 2026 --by depot
run stockpile report annual --year 2026
run stockpile report annual --year 2026 --org YF --format json
run stockpile report annual --year 2025 --depot LN-01 --format csv

# bad options: one line each, nothing written
unchanged stockpile report annual --year 99999
unchanged stockpile report annual --year abc
unchanged stockpile report annual --year 2027
unchanged stockpile report annual --year 2026 --by lot
unchanged stockpile report annual
unchanged stockpile report readiness --horizon 3x
unchanged stockpile report readiness --depot NOPE
unchanged stockpile report coverage --org NOPE

# The demo ledger (data/): the 柳南区 warehouse and the year 2026 (nothing was written before
# 2026 but the opening stock, so every opening balance is that stock).
bash "$DATA/demo.sh" stockpile demo.db >/dev/null
export STOCKPILE_DB=$PWD/demo.db
unchanged stockpile report coverage --as-of 2026-11-22
unchanged stockpile report annual --year 2026
run stockpile report annual --year 2026 --depot LZ-LN-01 --by depot
run stockpile report readiness --as-of 2026-11-22 --org LZ-LN
