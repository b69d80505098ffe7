# stock --as-of a past day prints what stock printed on that day, after later movements
# (and a late entry dated before it) have been recorded.
export STOCKPILE_ACTOR=wang.li
run stockpile init
stockpile org add LZ --name 柳州市 --level city >/dev/null
stockpile org add LN --name 柳南区 --level district --parent LZ >/dev/null
stockpile depot add LN-01 --name 柳南区救灾物资仓库 --org LN >/dev/null
stockpile depot add LN-02 --name 柳南区二号库 --org LN >/dev/null
stockpile custodian add wang.li --name 王丽 --depot LN-01 >/dev/null
stockpile material add QUILT --name 棉胎 --unit 床 >/dev/null
stockpile material add WATER --name 瓶装水 --unit 箱 --shelf-life 1y >/dev/null
# 5 November, 17:00 in Liuzhou
export STOCKPILE_NOW=2026-11-05T09:00:00Z
stockpile receive --depot LN-01 --material QUILT --lot Q1 --qty 80 --date 2026-11-03 >/dev/null
stockpile receive --depot LN-01 --material WATER --lot W1 --qty 300 --production 2026-03-01 --date 2026-11-04 >/dev/null
stockpile issue --depot LN-01 --material WATER --qty 40 >/dev/null
run stockpile stock --by lot
stockpile stock --by lot > printed-on-2026-11-05.txt
# later days
export STOCKPILE_NOW=2026-11-20T09:00:00Z
stockpile issue --depot LN-01 --material QUILT --qty 30 --date 2026-11-12 >/dev/null
stockpile transfer --from LN-01 --to LN-02 --material WATER --qty 100 --date 2026-11-15 >/dev/null
stockpile receive --depot LN-01 --material QUILT --lot Q2 --qty 50 --date 2026-11-18 >/dev/null
run stockpile stock --by lot
run stockpile stock --as-of 2026-11-05 --by lot
stockpile stock --as-of 2026-11-05 --by lot > as-of-2026-11-05.txt
run diff printed-on-2026-11-05.txt as-of-2026-11-05.txt
run stockpile stock --as-of 2026-11-15 --by depot
# a late entry may not be dated so that an earlier day's balance would have gone negative
unchanged stockpile issue --depot LN-01 --material QUILT --lot Q1 --qty 60 --date 2026-11-04
run stockpile issue --depot LN-01 --material QUILT --lot Q1 --qty 50 --date 2026-11-04
run stockpile stock --as-of 2026-11-04 --material QUILT
run stockpile verify
