# Reference data: organisations, depots, custodians, materials; listings in every format.
run stockpile init
run stockpile org add LZ --name 柳州市应急管理局 --level city
run stockpile org add LZ-LN --name 柳南区应急管理局 --level district --parent LZ
run stockpile org add E-CHEM --name 柳化化工 --level enterprise --parent LZ-LN
run stockpile depot add LN-01 --name 柳南区救灾物资仓库 --org LZ-LN --address "航鹰大道 101 号"
run stockpile depot add CHEM-01 --name 化工应急物资库 --org E-CHEM
run stockpile custodian add wang.li --name 王丽 --phone 0772-3802001 --roles keeper,responsible --depot LN-01
run stockpile custodian add chen.gang --name 陈刚 --roles inspector
run stockpile custodian assign chen.gang --depot LN-01
run stockpile material add COTTON-COAT --name 棉衣 --unit 件 --hazards cold --gb-code 1010101
run stockpile material add TENT-12 --name 帐篷 --unit 顶 --spec "12 m²" --hazards flood,earthquake,cold --recoverable yes
run stockpile material add CARBON --name "activated carbon" --unit kg --decimals 3 --shelf-life 3y
run stockpile material edit COTTON-COAT --name "棉衣(冬季)"
run stockpile material list
run stockpile material show TENT-12
run stockpile material show COTTON-COAT --history
run stockpile --format json org list
run stockpile --format csv depot list
run stockpile depot list
run stockpile custodian list
run stockpile --format json custodian list
