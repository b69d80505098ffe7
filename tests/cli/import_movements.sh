# import movements (台账导入): opening balances from a spreadsheet, a dry run, a re-import that
# changes nothing, and files with bad rows that leave the ledger exactly as it was.
run stockpile init
stockpile org add LZ --name 柳州市 --level city >/dev/null
stockpile depot add LZ-01 --name 柳州市救灾物资储备库 --org LZ >/dev/null
stockpile depot add LZ-02 --name 柳州市防汛物资仓库 --org LZ >/dev/null
stockpile custodian add wang.li --name 王丽 --roles keeper --depot LZ-01 --depot LZ-02 >/dev/null
stockpile custodian add chen.gang --name 陈刚 --roles responsible --depot LZ-01 >/dev/null
stockpile material add TENT --name 帐篷 --unit 顶 --recoverable yes >/dev/null
stockpile material add MASK --name 口罩 --unit 个 --shelf-life 3y >/dev/null
stockpile material add CARBON --name 活性炭 --unit kg --decimals 3 --lots no >/dev/null
# opening balances as a keeper types them (quantities out of a depot written positive)
cat > opening.csv <<'CSV'
kind,date,depot,material,lot,quantity,production,expiry,actor,document,note,idempotency_key
receive,2026-01-02,LZ-01,TENT,T-2024,120,2024-05-01,,wang.li,期初-001,期初余额,open-1
receive,2026-01-02,LZ-01,MASK,K-2025,5000,2025-03-01,,wang.li,期初-002,期初余额,open-2
receive,2026-01-02,LZ-02,CARBON,,250.5,,,wang.li,期初-003,"活性炭, 散装",open-3
issue,2026-03-15,LZ-01,MASK,K-2025,1200,,,wang.li,出-017,春季演练,open-4
CSV
unchanged stockpile import movements opening.csv --dry-run
run stockpile import movements opening.csv
run stockpile stock --by lot
# the same file again: every operation is already there
unchanged stockpile import movements opening.csv
# bad rows: each is listed with its line, and nothing is written; rows that cannot be read
# are reported first, then the rules of the ledger (stock, codes) for a file that reads
cat > bad.csv <<'CSV'
kind,date,depot,material,lot,quantity,actor
receive,2026-04-01,LZ-01,TENT,T-2026,10,wang.li
receive,2026-04-31,LZ-01,TENT,T-2026,10,wang.li
issue,2026-04-02,LZ-01,TENT,T-2024,1e3,wang.li
lend,2026-04-02,LZ-01,TENT,T-2024,1,wang.li
receive,2026-04-02,LZ-09,TENT,T-2024,1,wang.li
dispose,2026-04-02,LZ-01,MASK,K-2025,10,wang.li
transfer,2026-04-02,LZ-01,MASK,K-2025,10,wang.li
CSV
unchanged stockpile import movements bad.csv
cat > over.csv <<'CSV'
kind,date,depot,material,lot,quantity,actor,reason,approver
issue,2026-04-02,LZ-01,TENT,T-2024,121,wang.li,,
receive,2026-04-02,LZ-09,TENT,T-2024,1,wang.li,,
transfer-out,2026-04-03,LZ-01,TENT,T-2024,5,wang.li,,
transfer-in,2026-04-03,LZ-02,TENT,T-2024,5,wang.li,,
issue,2026-04-03,LZ-02,CARBON,,250.6,wang.li,,
CSV
unchanged stockpile import movements over.csv
unchanged stockpile import movements missing.csv
printf 'kind,date,depot\nreceive,2026-04-02,LZ-01\n' > columns.csv
unchanged stockpile import movements columns.csv
run stockpile verify
