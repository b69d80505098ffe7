# Every refused command: one line naming the field and the value, exit 1 (data or rule) or
# 2 (usage), and the ledger exactly as it was.
run stockpile material list
run stockpile init
run stockpile org add LZ --name 柳州市 --level city
run stockpile org add LZ-LN --name 柳南区 --level district --parent LZ
run stockpile depot add LN-01 --name 仓库 --org LZ-LN
run stockpile material add COAT --name 棉衣 --unit 件
unchanged stockpile material add COAT --name 棉衣 --unit 件
unchanged stockpile material add TENT --name 帐篷 --unit 顶 --shelf-life 3x
unchanged stockpile material add TENT --name 帐篷 --unit 顶 --shelf-life 0d
unchanged stockpile material add TENT --name 帐篷 --unit 顶 --gb-code 12345
unchanged stockpile material add TENT --name 帐篷 --unit 顶 --decimals 4
unchanged stockpile material add "TE NT" --name 帐篷 --unit 顶
unchanged stockpile material add TENT --name "" --unit 顶
unchanged stockpile material add TENT --name 帐篷 --unit 顶 --hazards "cold,Flood!"
unchanged stockpile material edit COAT --unit 套
unchanged stockpile material edit NOPE --name x
unchanged stockpile org add LZ-LN --name 重复 --level district --parent LZ
unchanged stockpile org add LOOP --name 自己 --level district --parent LOOP
unchanged stockpile org add E1 --name 企业 --level enterprise --parent LZ
unchanged stockpile org add LZ2 --name 市 --level city --parent LZ
unchanged stockpile org add D2 --name 区 --level district
unchanged stockpile org add D3 --name 区 --level province
unchanged stockpile depot add LN-02 --name 仓库 --org NOWHERE
unchanged stockpile custodian add x --name 某人 --roles cook
unchanged stockpile custodian add x --name 某人 --phone abc
unchanged stockpile custodian add x --name 某人 --depot NOWHERE
unchanged stockpile custodian assign nobody --depot LN-01
unchanged stockpile material show NOPE
unchanged stockpile material add
unchanged stockpile material frobnicate
unchanged stockpile --format xml material list
unchanged stockpile material import does-not-exist.csv
run stockpile --db missing.db material list
run ls missing.db
# the acceptance list of the foundation: each exits 1, one line, ledger unchanged
run stockpile custodian add wang.li --name 王丽 --depot LN-01
unchanged stockpile receive --depot LN-01 --material COAT --lot L1 --qty 1e3 --actor wang.li
unchanged stockpile receive --depot LN-01 --material COAT --lot L1 --qty 10 --date 2026-02-30 --actor wang.li
unchanged stockpile receive --depot LN-01 --material COAT --lot L1 --qty 10 --expiry 2026-13-01 --actor wang.li
unchanged stockpile receive --depot LN-01 --material COAT --lot L1 --qty 10 --production 26-1-1 --actor wang.li
printf 'code,name,unit,shelf_life\nGOOD1,好的,件,\nBAD1,坏的,件,3x\nGOOD2,也好,件,2y\n' > one-bad-row.csv
unchanged stockpile material import one-bad-row.csv
# a command registers only its own group of commands (cli/main.cpp): none, or a word that is
# not a command, lists every choice; depot lists dispatch, which the reserve group adds to
# it; global options before the command, with their values, are not taken for it
run stockpile
run stockpile --db=other.db frobnicate
run stockpile depot frobnicate
run stockpile --format json --tz Asia/Shanghai incident frobnicate
run stockpile --db issue stock
