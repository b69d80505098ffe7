#!/usr/bin/env bash
# Builds the small ledger every bad-input case runs against, in the current directory.
# run.sh puts `stockpile` on PATH and sets STOCKPILE_DB, STOCKPILE_NOW (2026-11-22T08:00:00Z)
# and TZ (Asia/Shanghai), so "today" is 2026-11-22.
set -euo pipefail
export STOCKPILE_ACTOR=wang.li
q() { stockpile "$@" >/dev/null; }

q init
# organisations: city LZ → district LN → enterprise ENT
q org add LZ --name 柳州市应急管理局 --level city
q org add LN --name 柳南区应急管理局 --level district --parent LZ
q org add ENT --name 柳州化工有限公司 --level enterprise --parent LN
# depots
q depot add LN-01 --name 柳南区救灾物资仓库 --org LN --address 柳南区航鹰大道101号
q depot add CITY-01 --name 柳州市救灾物资储备库 --org LZ
q depot add ENT-01 --name 化工厂应急仓库 --org ENT
q depot dispatch LN-01 --time 2h
# custodians
q custodian add wang.li --name 王丽 --phone 0772-3802001 --roles keeper,responsible --depot LN-01 --depot CITY-01
q custodian add chen.gang --name 陈刚 --roles responsible --depot LN-01 --depot CITY-01
q custodian add zhao.jun --name 赵军 --roles inspector --depot LN-01
# materials: a lot-tracked recoverable tent, masks with a shelf life, carbon in kg without lots
q material add TENT --name 帐篷 --unit 顶 --spec 12m² --gb-code 2010101 --recoverable yes --hazards flood,earthquake
q material add MASK --name 口罩 --unit 个 --shelf-life 3y --hazards epidemic
q material add CARBON --name 活性炭 --unit kg --decimals 3 --lots no --hazards chemical-spill
q material add QUILT --name 棉胎 --unit 床 --hazards cold
# receipts
q receive --depot LN-01 --material TENT --lot T1 --qty 20 --date 2026-11-01 --document RK-001
q receive --depot LN-01 --material MASK --lot M1 --qty 1000 --production 2025-01-10 --date 2026-10-01
q receive --depot LN-01 --material CARBON --qty 50.5 --date 2026-11-01
q receive --depot CITY-01 --material TENT --lot T2 --qty 10 --date 2026-11-01
q receive --depot CITY-01 --material QUILT --lot Q1 --qty 80 --date 2026-11-01
q issue --depot LN-01 --material TENT --lot T1 --qty 5 --date 2026-11-10
q quota set --depot LN-01 --material TENT --min 2 --max 100
# an open stocktake of CITY-01 (id 1)
q stocktake start --depot CITY-01 --date 2026-11-20
# an incident, an agreement commitment and a call on it (allocate --commit)
q incident add FLOOD --name 柳江洪水 --level III --opened 2026-11-22T06:30 --location 柳南区
q commitment add AGR-1 --tier agreement --party 柳州帐篷厂 --contact 0772-1234567 --material QUILT --qty 50 --lead-time 6h --valid-from 2026-01-01 --valid-to 2026-12-31
q allocate --incident FLOOD --material QUILT --qty 100 --need-by 2026-11-23T20:00 --at 2026-11-22T08:00 --commit
# an inspection plan (id 1) with a failed inspection: finding 1 open, finding 2 resolved
q inspect plan add --target depot:LN-01 --every 1m --on-day 5 --custodian zhao.jun --starting 2026-01-05
q inspect record 1 --date 2026-11-05 --by zhao.jun --result fail --finding 灭火器过期 --finding 消防通道堵塞
q inspect resolve 2 --by zhao.jun --note 通道已清理
