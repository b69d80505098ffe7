# The reserve ledger: the district warehouse from DOMAIN.md, FEFO, reversal, verify, tamper
# evidence and stock --as-of.
export STOCKPILE_ACTOR=wang.li
run stockpile init
run stockpile org add LZ --name 柳州市应急管理局 --level city
run stockpile org add LZ-LN --name 柳南区应急管理局 --level district --parent LZ
run stockpile org add E-CHEM --name 柳化化工 --level enterprise --parent LZ-LN
run stockpile depot add LN-01 --name 柳南区救灾物资仓库 --org LZ-LN
run stockpile depot add CHEM-01 --name 化工应急物资库 --org E-CHEM
run stockpile custodian add wang.li --name 王丽 --roles keeper --depot LN-01
run stockpile custodian add chen.gang --name 陈刚 --roles responsible --depot LN-01
run stockpile material add TENT-12 --name 帐篷 --unit 顶 --recoverable yes --hazards cold,flood
run stockpile material add MASK --name 医用外科口罩 --unit 个 --shelf-life 3y --hazards epidemic
run stockpile material add CARBON --name 活性炭 --unit kg --decimals 3 --lots no
run stockpile receive --depot LN-01 --material TENT-12 --lot ZP2022-07 --qty 15 --date 2026-11-01 --document RK-001
# 20 tents cannot leave a depot that holds 15
unchanged stockpile issue --depot LN-01 --material TENT-12 --qty 20
run stockpile issue --depot LN-01 --material TENT-12 --qty 10 --date 2026-11-10 --counterparty 第二中学安置点 --incident LN-COLD-01
run stockpile stock --depot LN-01
run stockpile reverse 2 --reason "issued to the wrong shelter"
run stockpile stock --depot LN-01
unchanged stockpile reverse 2 --reason again
unchanged stockpile reverse 3 --reason "undo the undo"
# FEFO: three dated lots and one expired; 1200 masks take all of the earliest usable lot
run stockpile receive --depot LN-01 --material MASK --lot K-EXPIRED --qty 100 --expiry 2026-10-31 --date 2026-01-05
run stockpile receive --depot LN-01 --material MASK --lot K-2027 --qty 1000 --expiry 2027-06-30 --date 2026-11-05
run stockpile receive --depot LN-01 --material MASK --lot K-2028 --qty 1000 --expiry 2028-03-31 --date 2026-11-05
run stockpile receive --depot LN-01 --material MASK --lot K-2026 --qty 500 --production 2023-11-25 --date 2026-11-05
run stockpile lots --material MASK
run stockpile issue --depot LN-01 --material MASK --qty 1200 --document CK-002
run stockpile stock --depot LN-01 --material MASK --by lot
unchanged stockpile issue --depot LN-01 --material MASK --lot K-EXPIRED --qty 1
run stockpile dispose --depot LN-01 --material MASK --lot K-EXPIRED --qty 100 --reason expired --approved-by chen.gang
unchanged stockpile dispose --depot LN-01 --material MASK --lot K-2028 --qty 1 --reason damaged --approved-by wang.li
# transfer: both legs, and a non-lot material with decimals
run stockpile receive --depot LN-01 --material CARBON --qty 250.5 --date 2026-11-20
run stockpile transfer --from LN-01 --to CHEM-01 --material CARBON --qty 100.25 --actor chen.gang
run stockpile stock --by tier
run stockpile stock --org E-CHEM
unchanged stockpile issue --depot LN-01 --material CARBON --qty 1.0001
unchanged stockpile issue --depot LN-01 --material TENT-12 --qty 0
unchanged stockpile issue --depot LN-01 --material TENT-12 --qty 1.5
unchanged stockpile issue --depot LN-01 --material TENT-12 --qty 1e3
unchanged stockpile issue --depot LN-01 --material TENT-12 --qty 1 --date 2026-11-23
unchanged stockpile issue --depot LN-01 --material TENT-12 --qty 1 --actor nobody
unchanged env -u STOCKPILE_ACTOR stockpile issue --depot LN-01 --material TENT-12 --qty 1 --actor ''
unchanged stockpile return --depot LN-01 --material MASK --lot K-2027 --qty 1
# idempotency: a retried command records nothing new; a different one with the key is refused
run stockpile issue --depot LN-01 --material TENT-12 --qty 1 --idempotency-key req-7
run stockpile issue --depot LN-01 --material TENT-12 --qty 1 --idempotency-key req-7
unchanged stockpile issue --depot LN-01 --material TENT-12 --qty 2 --idempotency-key req-7
# history and the balance at the end of a past day
run stockpile ledger --material TENT-12
run stockpile stock --as-of 2026-11-05 --by lot
run stockpile verify
# tampering with the file through the sqlite3 shell is found and named
cp ledger.db tampered.db
sqlite3 tampered.db "DROP TRIGGER movements_no_update; UPDATE movements SET quantity = -5000 WHERE id = 2"
run stockpile --db tampered.db verify
cp ledger.db tampered.db
sqlite3 tampered.db "UPDATE balances SET quantity = quantity + 1000"
run stockpile --db tampered.db verify
run sqlite3 ledger.db "DELETE FROM movements WHERE id = 1"
