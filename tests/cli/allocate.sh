# Allocation across the five-in-one reserve: a worked example with numbers computed by hand.
#
# Plan time 2026-11-22T08:00 (Asia/Shanghai); 200 tents needed by 20:00 the same day.
#   LN-01 (district 柳南区, dispatches in 2h, arrives 10:00): lot T-A 60 usable, lot T-OLD 50
#         expired on 2026-10-31 (never used); quota minimum 20, so 40 may go while floors hold.
#   CITY-01 (city depot, dispatches in 4h, arrives 12:00): lot T-C 40.
#   AGR-1 agreement: 50 within 6h (arrives 14:00), valid all of 2026.
#   AGR-OLD agreement: 100 within 1h, but valid only in 2025: never used.
#   CAP-1 capacity: mobilises in 10h (starts 18:00), 24 a day, at most 100.
# Level III keeps the floors. On time (by 20:00): LN-01 40 + CITY-01 40 + AGR-1 50 + CAP-1 2
#   (24/day × 2h = 2, done 20:00) = 132; without --allow-late the other 68 are shortfall.
# With --allow-late: CAP-1 makes the 68 after 20:00; 2 + 68 = 70 made after 70/24 days =
#   2 days 22 hours from 18:00, i.e. 2026-11-25T16:00. Shortfall 0.
# Level I releases the floors: LN-01 gives all 60: on time 60 + 40 + 50 + 2 = 152, shortfall 48.
export STOCKPILE_ACTOR=wang.li STOCKPILE_NOW=2026-11-22T00:00:00Z
run stockpile init
stockpile org add LZ --name 柳州市 --level city >/dev/null
stockpile org add LN --name 柳南区 --level district --parent LZ >/dev/null
stockpile depot add LN-01 --name 柳南区救灾物资仓库 --org LN >/dev/null
stockpile depot add CITY-01 --name 柳州市救灾物资储备库 --org LZ >/dev/null
stockpile custodian add wang.li --name 王丽 --depot LN-01 >/dev/null
stockpile material add TENT --name 帐篷 --unit 顶 --recoverable yes >/dev/null
stockpile receive --depot LN-01 --material TENT --lot T-A --qty 60 --date 2026-11-01 >/dev/null
stockpile receive --depot LN-01 --material TENT --lot T-OLD --qty 50 --expiry 2026-10-31 --date 2026-01-10 >/dev/null
stockpile receive --depot CITY-01 --material TENT --lot T-C --qty 40 --date 2026-11-01 >/dev/null
run stockpile depot dispatch LN-01 --time 2h
run stockpile depot dispatch CITY-01 --time 4h
run stockpile quota set --depot LN-01 --material TENT --min 20 --max 200
run stockpile commitment add AGR-1 --tier agreement --party 柳州帐篷厂 --contact 0772-1234567 --material TENT --qty 50 --lead-time 6h --valid-from 2026-01-01 --valid-to 2026-12-31
run stockpile commitment add AGR-OLD --tier agreement --party 旧供应商 --material TENT --qty 100 --lead-time 1h --valid-from 2025-01-01 --valid-to 2025-12-31
run stockpile commitment add CAP-1 --tier capacity --party 广西篷布厂 --material TENT --rate 24 --max 100 --lead-time 10h --valid-from 2026-01-01 --valid-to 2026-12-31
run stockpile commitment add SOC-1 --tier social --party 柳州市红十字会 --material TENT --qty 5 --lead-time 1d --valid-from 2026-01-01 --valid-to 2026-12-31 --reliability 0.8
run stockpile commitment list
run stockpile incident add FLOOD-III --name "柳江洪水" --level III --opened 2026-11-22T06:30 --location 柳南区
run stockpile incident add QUAKE-I --name "地震" --level I --opened 2026-11-22T07:00
unchanged stockpile allocate --incident FLOOD-III --material TENT --qty 200 --need-by 2026-11-22T20:00 --at 2026-11-22T08:00
run stockpile allocate --incident FLOOD-III --material TENT --qty 200 --need-by 2026-11-22T20:00 --at 2026-11-22T08:00 --allow-late
run stockpile allocate --incident QUAKE-I --material TENT --qty 200 --need-by 2026-11-22T20:00 --at 2026-11-22T08:00
run stockpile allocate --incident FLOOD-III --material TENT --qty 200 --need-by 2026-11-22T20:00 --at 2026-11-22T08:00 --floors release
# the same input gives byte-identical JSON
stockpile --format json allocate --incident FLOOD-III --material TENT --qty 200 --need-by 2026-11-22T20:00 --at 2026-11-22T08:00 --allow-late > plan1.json
stockpile --format json allocate --incident FLOOD-III --material TENT --qty 200 --need-by 2026-11-22T20:00 --at 2026-11-22T08:00 --allow-late > plan2.json
run cmp plan1.json plan2.json
run cat plan1.json
# a demand file is checked whole before anything is planned
printf 'material,qty,need_by,to\nTENT,10,2026-11-22T20:00,\nNOPE,5,2026-11-22T20:00,\nTENT,1e3,2026-11-22T20:00,\nTENT,5,tomorrow,\nTENT,5,2026-11-22T20:00,NOWHERE\n' > bad-demand.csv
unchanged stockpile allocate --incident FLOOD-III --demand bad-demand.csv --at 2026-11-22T08:00
# commit: movements and calls that sum to the plan, all tagged with the incident
run stockpile allocate --incident FLOOD-III --material TENT --qty 200 --need-by 2026-11-22T20:00 --at 2026-11-22T08:00 --allow-late --commit
run stockpile stock --by lot
run stockpile commitment calls --incident FLOOD-III
run stockpile verify
# deliveries against calls: into a depot, or straight to the incident; never beyond the call
run stockpile commitment deliver 1 --qty 30 --depot LN-01 --lot AGR-2026-11
run stockpile commitment deliver 1 --qty 20 --to-incident
unchanged stockpile commitment deliver 1 --qty 1 --to-incident
unchanged stockpile commitment deliver 2 --qty 71 --to-incident
run stockpile return --depot LN-01 --material TENT --lot T-A --qty 15 --incident FLOOD-III
run stockpile incident report FLOOD-III
run stockpile commitment list
run stockpile verify
