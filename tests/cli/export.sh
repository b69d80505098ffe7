# Ledger exports (台账导出): CSV with defused formulas and a BOM, JSON Lines, an Excel workbook,
# and a journal whose balances ledger and hledger must both compute exactly as `stockpile
# stock --by lot` does (this test fails when either tool is missing or disagrees); the filters
# and the failures that must leave no file behind.
export STOCKPILE_ACTOR=wang.li

# Standard output with each CRLF line end shown as <CR>.
show() { "$@" | sed 's/\r$/<CR>/'; }
# "depot material lot quantity" per lot, sorted, quantities without trailing zeros, from the
# balance report of ledger or hledger (depot:DEPOT:MATERIAL:LOT accounts) ...
normalise() { sed -E 's/(\.[0-9]*[1-9])0+ / \1 /; s/\.0+ / /'; }
tool_lots() {
  "$@" | sed 's/"//g' | awk '{ n = split($3, a, ":"); print a[2], a[3], a[4], $1 " " }' |
    sed -E 's/(\.[0-9]*[1-9])0+ $/\1/; s/\.0+ $//; s/ $//' | sort
}
# ... and from stockpile's own stock by lot (CSV; the name column may hold quoted commas).
stock_lots() {
  stockpile --format csv stock --by lot "$@" | tail -n +2 | tr -d '\r' |
    sed -E 's/^([^,]*),([^,]*),("([^"]|"")*"|[^,]*),/\1,\2,/' |
    awk -F, '{ print $1, $2, $3, $6 }' | sort
}
# Both tools read the journal without error and agree with stockpile lot by lot.
compare_balances() {
  local journal=$1 ok=0
  shift
  stock_lots "$@" >stock.txt
  for tool in ledger hledger; do
    command -v "$tool" >/dev/null || { echo "$tool is not installed (scripts/setup)"; ok=1; continue; }
    if [ "$tool" = ledger ]; then
      tool_lots ledger -f "$journal" bal '^depot' --flat --no-total >"$tool.txt" || ok=1
    else
      tool_lots hledger -f "$journal" bal '^depot' --flat --no-total >"$tool.txt" || ok=1
    fi
    if diff -u stock.txt "$tool.txt"; then
      echo "$tool agrees with stockpile stock on $(wc -l <stock.txt) lots"
    else
      ok=1
    fi
  done
  return $ok
}

run stockpile init
# The reference data, also given to the ledger the CSV export is imported into (at the end).
reference_data() {
  run stockpile org add LZ --name 柳州市应急管理局 --level city
  run stockpile org add LZ-LN --name 柳南区应急管理局 --level district --parent LZ
  run stockpile org add LZ-YF --name 鱼峰区应急管理局 --level district --parent LZ
  run stockpile org add E-CHEM --name 柳化化工 --level enterprise --parent LZ-LN
  run stockpile depot add LN-01 --name 柳南区救灾物资仓库 --org LZ-LN
  run stockpile depot add YF-01 --name 鱼峰区救灾物资仓库 --org LZ-YF
  run stockpile depot add CHEM-01 --name 化工应急物资库 --org E-CHEM
  run stockpile custodian add wang.li --name 王丽 --roles keeper --depot LN-01 --depot YF-01
  run stockpile custodian add chen.gang --name 陈刚 --roles responsible --depot LN-01
  run stockpile material add TENT-12 --name '=HYPERLINK("x")' --unit 顶 --recoverable yes
  run stockpile material add MASK --name 医用外科口罩 --unit 个 --shelf-life 3y
  run stockpile material add CARBON --name 活性炭 --unit kg --decimals 3 --lots no
}
reference_data
# receipts (a note and a counterparty that look like a formula or carry journal syntax)
run stockpile receive --depot LN-01 --material TENT-12 --lot ZP2022-07 --qty 15 --date 2026-11-01 --document RK-001 --note +1-2 --idempotency-key rk-001
run stockpile receive --depot LN-01 --material MASK --lot K-2026 --qty 500 --production 2023-11-25 --date 2026-11-02 --counterparty '@供应商;  甲  (北区)'
run stockpile receive --depot LN-01 --material MASK --lot K-2027 --qty 1000 --expiry 2027-06-30 --date 2026-11-05
run stockpile receive --depot LN-01 --material CARBON --qty 250.5 --date 2026-11-06
run stockpile receive --depot YF-01 --material MASK --lot K-2028 --qty 300 --expiry 2028-03-31 --date 2026-11-06
# issues (first expiry first out splits across two lots), a transfer, a reversal, a write-off,
# a return and a stocktake adjustment
run stockpile issue --depot LN-01 --material TENT-12 --qty 10 --date 2026-11-10 --incident LN-COLD-01 --counterparty 第二中学安置点
run stockpile issue --depot LN-01 --material MASK --qty 600 --date 2026-11-11 --document CK-002
run stockpile transfer --from LN-01 --to CHEM-01 --material CARBON --qty 100.125 --date 2026-11-12
run stockpile issue --depot LN-01 --material CARBON --qty 0.375 --date 2026-11-13
run stockpile reverse 9 --reason 'issued twice' --date 2026-11-14
run stockpile dispose --depot LN-01 --material MASK --lot K-2027 --qty 20 --reason damaged --approved-by chen.gang --date 2026-11-15
run stockpile return --depot LN-01 --material TENT-12 --lot ZP2022-07 --qty 4 --incident LN-COLD-01 --date 2026-11-16
run stockpile stocktake start --depot YF-01 --date 2026-11-18
run stockpile stocktake count 1 --material MASK --lot K-2028 --qty 297
run stockpile stocktake close 1 --approved-by chen.gang --reason lost
run stockpile stock --by lot

# CSV: the contract's columns, CRLF (shown as <CR>), defused text, numbers left as numbers
run stockpile export ledger --to csv --out ledger.csv
run sed 's/\r$/<CR>/' ledger.csv
run stockpile --bom export ledger --to csv --out bom.csv
run od -An -c -N5 bom.csv
# filters: the days, a depot, an organisation with the enterprise below it
run show stockpile export ledger --to csv --to 2026-11-11 --from 2026-11-06 --out -
run show stockpile export ledger --to csv --depot YF-01 --out -
run stockpile export ledger --to csv --org LZ-LN --out org.csv
run cut -d, -f1,5,6 org.csv
# JSON Lines: every field, with prev_hash and hash
run stockpile export ledger --to jsonl --out ledger.jsonl
run head -n 2 ledger.jsonl
run wc -l ledger.jsonl

# the journal: both tools read it and agree with stockpile stock, lot by lot
run stockpile export ledger --to journal --out ledger.journal
run cat ledger.journal
run ledger -f ledger.journal bal '^depot' --flat
run hledger -f ledger.journal bal '^depot' --flat
run show stockpile --format csv stock --by lot
run compare_balances ledger.journal
run hledger -f ledger.journal bal '^flow' --flat
# a period: an opening transaction carries the stock before --from; through --to
run stockpile export ledger --to journal --from 2026-11-10 --to 2026-11-14 --org LZ-LN --out period.journal
run grep -A 8 'opening balances' period.journal
run compare_balances period.journal --as-of 2026-11-14 --org LZ-LN

# the workbook: a zip (PK), three sheets
run stockpile export ledger --to xlsx --out 台账.xlsx
run od -An -c -N2 台账.xlsx

# failures: one line naming the field and value, non-zero exit, no file left behind
unchanged stockpile export ledger --to xml --out bad.csv
unchanged stockpile export ledger --to csv --to 2026-13-01 --out bad.csv
unchanged stockpile export ledger --to csv --to jsonl --out bad.csv
unchanged stockpile export ledger --to 2026-11-30 --out bad.csv
unchanged stockpile export ledger --to csv --from 2026-11-20 --to 2026-11-01 --out bad.csv
unchanged stockpile export ledger --to csv --depot NOPE --out bad.csv
unchanged stockpile export ledger --to csv --out no-such-dir/bad.csv
unchanged stockpile export ledger --to xlsx --out -
unchanged stockpile export ledger --to csv --out ledger.db
unchanged stockpile export ledger --to csv --out .
run ls -A

# Round trip: the CSV export imported into a new ledger with the same reference data gives the
# same stock, lot by lot; importing it a second time changes nothing.
stock_lots >original.txt
export STOCKPILE_DB=$PWD/copy.db
stockpile init >/dev/null
reference_data >/dev/null
run stockpile import movements ledger.csv
stock_lots >copy.txt
run diff original.txt copy.txt
# the history itself comes across: the copy exports the same CSV (ids, notes, keys, hashes)
stockpile export ledger --to csv --out copy.csv >/dev/null
run cmp ledger.csv copy.csv
unchanged stockpile import movements ledger.csv
run stockpile verify
