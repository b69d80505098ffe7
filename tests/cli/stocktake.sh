# Stocktakes (盘点): counts that tolerate movement, blind sheets, approval, adjustments.
export STOCKPILE_ACTOR=wang.li
run stockpile init
stockpile org add LZ --name 柳州市 --level city >/dev/null
stockpile org add LN --name 柳南区 --level district --parent LZ >/dev/null
stockpile depot add LN-01 --name 柳南区救灾物资仓库 --org LN >/dev/null
stockpile custodian add wang.li --name 王丽 --roles keeper --depot LN-01 >/dev/null
stockpile custodian add zhao.jun --name 赵军 --roles keeper --depot LN-01 >/dev/null
stockpile custodian add chen.gang --name 陈刚 --roles responsible --depot LN-01 >/dev/null
stockpile material add QUILT --name 棉胎 --unit 床 >/dev/null
stockpile material add TENT --name 帐篷 --unit 顶 --recoverable yes >/dev/null
stockpile material add CARBON --name 活性炭 --unit kg --decimals 3 --lots no >/dev/null
stockpile receive --depot LN-01 --material QUILT --lot Q1 --qty 80 --date 2026-11-01 >/dev/null
stockpile receive --depot LN-01 --material TENT --lot T1 --qty 15 --date 2026-11-01 >/dev/null
stockpile receive --depot LN-01 --material CARBON --qty 250.5 --date 2026-11-01 >/dev/null
run stockpile stocktake start --depot LN-01
unchanged stockpile stocktake start --depot LN-01
run stockpile stocktake sheet 1
# goods move while counting: 10 in, 5 out of Q1 before it is counted
run stockpile receive --depot LN-01 --material QUILT --lot Q1 --qty 10
run stockpile issue --depot LN-01 --material QUILT --lot Q1 --qty 5
run stockpile stocktake count 1 --material QUILT --lot Q1 --qty 85 --counter zhao.jun
run stockpile stocktake count 1 --material TENT --lot T1 --qty 11 --counter zhao.jun
run stockpile stocktake count 1 --material TENT --lot T1 --qty 12 --counter zhao.jun --note recount
run stockpile stocktake review 1
run stockpile stocktake review 1 --totals
# the carbon is not counted yet: closing must say what that means
unchanged stockpile stocktake close 1 --approved-by chen.gang --reason lost
# the counter cannot approve; a variance needs a reason
unchanged stockpile stocktake close 1 --approved-by zhao.jun --reason lost --uncounted keep
unchanged stockpile stocktake close 1 --approved-by chen.gang --uncounted keep
unchanged stockpile stocktake close 1 --approved-by chen.gang --reason other --uncounted keep
run stockpile stocktake close 1 --approved-by chen.gang --line-reason TENT/T1=lost --uncounted keep
run stockpile stock --by lot
unchanged stockpile stocktake count 1 --material TENT --lot T1 --qty 12 --counter zhao.jun
run stockpile stocktake list
run stockpile verify
# a blind stocktake shows no book quantity anywhere until it is closed
run stockpile stocktake start --depot LN-01 --blind
run stockpile stocktake sheet 2
run stockpile --format json stocktake sheet 2
run stockpile stocktake count 2 --material CARBON --lot - --qty 250 --counter zhao.jun
run stockpile stocktake review 2
run stockpile --format json stocktake review 2
run stockpile --format csv stocktake review 2 --totals
run stockpile stocktake sheet 2 --out sheet.csv
run cat sheet.csv
# a filled sheet with a found lot; --dry-run writes nothing
printf 'line,material,lot,counted,expiry\n1,CARBON,-,250,\n2,QUILT,Q1,85,\n3,TENT,T1,12,\n,TENT,T-NEW,2,2030-01-01\n' > counts.csv
unchanged stockpile stocktake import 2 counts.csv --dry-run --counter zhao.jun
run stockpile stocktake import 2 counts.csv --counter zhao.jun
run stockpile stocktake close 2 --approved-by chen.gang --line-reason CARBON/-=lost --line-reason TENT/T-NEW=found
run stockpile stocktake review 2
run stockpile stock --by lot
run stockpile verify
run stockpile stocktake start --depot LN-01 --material TENT
run stockpile stocktake cancel 3 --reason "started by mistake"
run stockpile stocktake show 3
