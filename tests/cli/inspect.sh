# Inspection schedules: calendar-correct recurrence anchored to the plan, due and overdue,
# failed inspections with findings until resolved; bulk write-off of expired lots.
export STOCKPILE_ACTOR=wang.li STOCKPILE_NOW=2027-05-10T02:00:00Z
run stockpile init
stockpile org add LZ --name 柳州市 --level city >/dev/null
stockpile org add LN --name 柳南区 --level district --parent LZ >/dev/null
stockpile depot add LN-01 --name 柳南区救灾物资仓库 --org LN >/dev/null
stockpile custodian add wang.li --name 王丽 --phone 0772-3802001 --depot LN-01 >/dev/null
stockpile custodian add chen.gang --name 陈刚 --phone 0772-3802002 --roles inspector >/dev/null
stockpile material add GEN --name 发电机组 --unit 台 --recoverable yes >/dev/null
stockpile material add MASK --name 口罩 --unit 个 --shelf-life 3y >/dev/null
stockpile receive --depot LN-01 --material GEN --lot FD-01 --qty 2 --date 2027-01-05 >/dev/null
# monthly on day 31 from 2027-01-31: due 2027-01-31, 02-28, 03-31, 04-30 ...
run stockpile inspect plan add --target depot:LN-01 --every 1m --on-day 31 --custodian chen.gang --starting 2027-01-31
run stockpile inspect plan add --target lot:LN-01/GEN/FD-01 --every 3m --custodian wang.li --starting 2027-01-15
run stockpile inspect plan add --target depot:LN-01 --every 1m --on-day 31 --custodian chen.gang --starting 2028-01-31
unchanged stockpile inspect plan add --target depot:NOWHERE --every 1m --custodian chen.gang --starting 2027-01-31
unchanged stockpile inspect plan add --target shelf:3 --every 1m --custodian chen.gang --starting 2027-01-31
unchanged stockpile inspect plan add --target depot:LN-01 --every 2w --on-day 3 --custodian chen.gang --starting 2027-01-31
run stockpile inspect plan list
run stockpile inspect plan dates 1 --count 5
run stockpile inspect plan dates 3 --count 3
run stockpile inspect plan dates 2 --count 3
run stockpile inspect due --as-of 2027-01-30
run stockpile inspect due --as-of 2027-02-28
run stockpile inspect record 1 --date 2027-02-28 --by chen.gang --result pass
run stockpile inspect due --as-of 2027-03-01 --within 1m
# skipped March: on 2027-05-10 plan 1 has been overdue since 03-31 (2 occurrences missed)
run stockpile inspect due
run stockpile inspect due --as-of 2028-02-29 --within 1d
unchanged stockpile inspect record 2 --result fail --by chen.gang
run stockpile inspect record 2 --result fail --by chen.gang --finding "启动电池亏电" --finding "机油低于下限"
run stockpile inspect findings
run stockpile inspect resolve 1 --by wang.li --note "更换电池, 试运行 30 分钟正常"
unchanged stockpile inspect resolve 1 --by wang.li --note again
run stockpile inspect findings --all
run stockpile inspect history
run stockpile --format json inspect due --as-of 2027-05-10
# bulk write-off of expired lots: one dispose per lot, verify passes
stockpile receive --depot LN-01 --material MASK --lot K-1 --qty 100 --expiry 2027-03-31 --date 2027-01-05 >/dev/null
stockpile receive --depot LN-01 --material MASK --lot K-2 --qty 50 --expiry 2027-05-09 --date 2027-01-05 >/dev/null
stockpile receive --depot LN-01 --material MASK --lot K-3 --qty 70 --expiry 2027-05-10 --date 2027-01-05 >/dev/null
unchanged stockpile dispose --expired --depot LN-01 --approved-by wang.li
run stockpile dispose --expired --depot LN-01 --approved-by chen.gang
run stockpile dispose --expired --depot LN-01 --approved-by chen.gang
run stockpile stock --by lot --material MASK
run stockpile verify
