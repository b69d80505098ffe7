# Catalog import: RFC 4180 with BOM, quotes, commas, embedded newlines and CJK round-trips
# exactly; a file with bad rows lists every one and writes nothing.
run stockpile init
printf '\xef\xbb\xbfcode,name,specification,unit,shelf_life,hazards,recoverable\r\nCOAT,棉衣,"军绿色, 均码",件,,cold,no\r\nTENT,"帐篷 ""救灾""","12 m²\r\n单帐篷, 双层",顶,,"flood,earthquake",yes\r\nMASK,医用外科口罩,"50 只/盒",个,3y,epidemic,no\r\n' > catalog.csv
run stockpile material import catalog.csv
run stockpile --format json material list
run stockpile --format csv material list
printf 'code,name,unit,shelf_life\nGOOD1,好的,件,\nBAD1,坏的,件,3x\nGOOD2,也好,件,2y\nCOAT,重复,件,\n"BAD2,未闭合,件,\n' > bad.csv
unchanged stockpile material import bad.csv
printf 'code,name,unit\nONE,一,件\nTWO,二,件,extra\n' > ragged.csv
unchanged stockpile material import ragged.csv
printf 'code,name,colour\nX,y,red\n' > header.csv
unchanged stockpile material import header.csv
run stockpile material list
