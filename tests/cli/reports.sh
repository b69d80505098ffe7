# Reports: expiry (有效期), rotation (轮换), aging (倒垛, 抽样检测), custodians' contact cards.
# Every number below was computed by hand; the as-of day is 2026-11-22 unless a run says not.
#
# Depots: LN-01 (district 柳南区), YF-01 (district 鱼峰区), CHEM-01 (enterprise 柳化).
# Materials: MASK 口罩 2y, warn in the last 10 % of life; WATER 瓶装水 1y, warn 30d before;
#   MED 药品 24m, no window of its own (the report's default, 90 days); QUILT 棉胎, no expiry.
# Lots held on 2026-11-22 (expiry; days left; bucket; warning; received; days held):
#   LN-01   WATER W1 100  2026-11-01   -21 expired  yes   2025-11-20  367 re-stack
#   LN-01   WATER W2  40  2026-11-22     0 ≤ 30     yes   2026-11-10   12
#   CHEM-01 MASK  M1 100  2026-12-22    30 ≤ 30     yes   2025-11-21  366 re-stack (transfer in)
#   LN-01   MASK  M1 400  2026-12-22    30 ≤ 30     yes   2025-01-05  686 re-stack
#           (MASK M1: produced 2024-12-22, life 730 days, 10 % = 73 days; 30 ≤ 73)
#   YF-01   WATER W3  10  2027-01-01    40 ≤ 60     no    2026-01-05  321  (30d window: 40 > 30)
#   YF-01   MED   D1  60  2027-02-01    71 ≤ 90     yes   2025-03-01  631 re-stack
#   LN-01   MASK  M2 300  2028-06-01   557 later    no    2026-06-10  165
#   LN-01   QUILT Q1  80  none             no expiry      2023-06-01 1270 quality test
#   YF-01   QUILT Q2  20  none             no expiry      2025-11-22  365 (exactly one year)
# Quotas: LN-01 MASK 300..600, CHEM-01 MASK 150..200, YF-01 MASK 50..120,
#   LN-01 WATER 50..200, YF-01 WATER 10..30. No quota of MED or QUILT.
# Rotation within 90 days (by 2027-02-20), soonest expiry first:
#   W1 expired: write off.
#   W2: LN-01 WATER 140 − 100 − 40 = 0 < 50; the only other WATER quota, YF-01, is short itself
#       (W3 leaves, 0 < 10): no depot can take it, issue for use.
#   CHEM-01 M1: 100 − 100 = 0 < 150; LN-01 holds 700 > max 600 (no room), YF-01 holds 0 of
#       max 120: transfer to YF-01.
#   LN-01 M1: 700 − 400 = 300 ≥ 300 (meets the minimum exactly): issue for use.
#   W3: YF-01 keeps 0 < 10; LN-01 is short of WATER itself: issue for use.
#   D1: YF-01 MED has no quota: issue for use.
# Procurement = max(0, min − (stock − out)):
#   CHEM-01 MASK 150 − (100 − 100) = 150; LN-01 MASK 300 − (700 − 400) = 0;
#   LN-01 WATER 50 − (140 − 140) = 50; YF-01 MASK 50 − 0 = 50 (no stock, nothing rotates);
#   YF-01 MED no quota: 0; YF-01 WATER 10 − (10 − 10) = 10.
export STOCKPILE_ACTOR=wang.li
run stockpile init
stockpile org add LZ --name 柳州市 --level city >/dev/null
stockpile org add LN --name 柳南区 --level district --parent LZ >/dev/null
stockpile org add YF --name 鱼峰区 --level district --parent LZ >/dev/null
stockpile org add CHEM --name 柳化 --level enterprise --parent LN >/dev/null
stockpile depot add LN-01 --name 柳南区救灾物资仓库 --org LN >/dev/null
stockpile depot add YF-01 --name 鱼峰区救灾物资仓库 --org YF >/dev/null
stockpile depot add CHEM-01 --name 柳化应急物资库 --org CHEM >/dev/null
stockpile custodian add wang.li --name 王丽 --phone 13800000001 --roles keeper --depot LN-01 >/dev/null
stockpile custodian add zhao.min --name 赵敏 --phone 13900000002 --roles responsible --depot LN-01 >/dev/null
stockpile custodian add chen.gang --name 陈刚 --roles keeper --depot CHEM-01 >/dev/null
stockpile material add MASK --name 口罩 --unit 个 --shelf-life 2y --warning 10% >/dev/null
stockpile material add WATER --name 瓶装水 --unit 箱 --shelf-life 1y --warning 30d >/dev/null
stockpile material add MED --name 药品 --unit 盒 --shelf-life 24m >/dev/null
stockpile material add QUILT --name 棉胎 --unit 床 >/dev/null
stockpile receive --depot LN-01 --material QUILT --lot Q1 --qty 80 --date 2023-06-01 >/dev/null
stockpile receive --depot LN-01 --material MASK --lot M1 --qty 500 --production 2024-12-22 --date 2025-01-05 >/dev/null
stockpile receive --depot YF-01 --material MED --lot D1 --qty 60 --production 2025-02-01 --date 2025-03-01 >/dev/null
stockpile receive --depot LN-01 --material WATER --lot W1 --qty 100 --production 2025-11-01 --date 2025-11-20 >/dev/null
stockpile transfer --from LN-01 --to CHEM-01 --material MASK --lot M1 --qty 100 --date 2025-11-21 >/dev/null
stockpile receive --depot YF-01 --material QUILT --lot Q2 --qty 20 --date 2025-11-22 >/dev/null
stockpile receive --depot YF-01 --material WATER --lot W3 --qty 10 --production 2026-01-01 --date 2026-01-05 >/dev/null
stockpile receive --depot LN-01 --material MASK --lot M2 --qty 300 --production 2026-06-01 --date 2026-06-10 >/dev/null
stockpile receive --depot LN-01 --material WATER --lot W2 --qty 40 --expiry 2026-11-22 --date 2026-11-10 >/dev/null
stockpile quota set --depot LN-01 --material MASK --min 300 --max 600 >/dev/null
stockpile quota set --depot CHEM-01 --material MASK --min 150 --max 200 >/dev/null
stockpile quota set --depot YF-01 --material MASK --min 50 --max 120 >/dev/null
stockpile quota set --depot LN-01 --material WATER --min 50 --max 200 >/dev/null
stockpile quota set --depot YF-01 --material WATER --min 10 --max 30 >/dev/null

# expiry: every lot with stock; W2 expires today and is still usable
unchanged stockpile report expiry --as-of 2026-11-22
# one day later W2 is expired too (and the 30-day buckets move by a day)
run stockpile report expiry --as-of 2026-11-23 --within 30d
run stockpile report expiry --as-of 2026-11-22 --within 60d --buckets 7,30,60
run stockpile report expiry --as-of 2026-11-22 --org CHEM --format json
run stockpile report expiry --as-of 2026-11-22 --material WATER --depot LN-01 --format csv
# the stock held on an earlier day: W2 and M2 had not arrived, W1 was not yet expired
run stockpile report expiry --as-of 2026-06-01 --material WATER

# rotation: two tables, in every format
unchanged stockpile report rotation --as-of 2026-11-22
run stockpile report rotation --as-of 2026-11-22 --within 30d --format json
run stockpile report rotation --as-of 2026-11-22 --within 30d --format csv

# aging: over one year re-stack, over three years quality test; Q2 is exactly one year old
unchanged stockpile report aging --as-of 2026-11-22
run stockpile report aging --as-of 2026-11-23 --depot YF-01

# custodians: YF-01 has nobody, CHEM-01 no responsible person and no phone for its keeper
unchanged stockpile report custodians
run stockpile report custodians --format json

# The same --as-of gives the same report in any zone. At 2026-11-22T20:00Z it is already
# 2026-11-23 in Shanghai: without --as-of the two zones see different days (W2 expired or not).
export STOCKPILE_NOW=2026-11-22T20:00:00Z
TZ=UTC stockpile report expiry --as-of 2026-11-22 > utc.txt
TZ=Asia/Shanghai stockpile report expiry --as-of 2026-11-22 > shanghai.txt
run cmp utc.txt shanghai.txt
TZ=UTC stockpile report aging --as-of 2026-11-22 --format json > utc.json
TZ=Asia/Shanghai stockpile report aging --as-of 2026-11-22 --format json > shanghai.json
run cmp utc.json shanghai.json
TZ=UTC stockpile report expiry --within 1d > utc-today.txt
TZ=Asia/Shanghai stockpile report expiry --within 1d > shanghai-today.txt
run diff utc-today.txt shanghai-today.txt
# --tz overrides $TZ
TZ=UTC stockpile --tz Asia/Shanghai report expiry --within 1d > tz-option.txt
run cmp shanghai-today.txt tz-option.txt

# bad options: one line each, exit 1, nothing written
unchanged stockpile report expiry --within 3x
unchanged stockpile report expiry --as-of 2026-02-30
unchanged stockpile report expiry --buckets 30,20
unchanged stockpile report rotation --within 0d
unchanged stockpile report aging --as-of 2026-11-22T08:00
unchanged stockpile report expiry --depot NOPE
unchanged stockpile report
