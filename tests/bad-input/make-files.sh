#!/usr/bin/env bash
# Writes the input files that cannot live in the repository as text (invalid UTF-8, NUL bytes,
# 100 KB fields), into the current directory. run.sh calls it inside its temp copy of files/.
set -euo pipefail
H='kind,date,depot,material,lot,quantity,actor'
long() { head -c 102400 /dev/zero | tr '\0' "$1"; }   # 100 KB of one ASCII character

printf 'code,name,unit\nA1,\xff\xfe,件\n' > mat-invalid-utf8.csv
printf 'code,name,unit\nA1,caf\xe9,件\n' > mat-latin1.csv
printf 'code,name,unit\nA1,甲\x00乙,件\n' > mat-nul.csv
printf '\xef\xbb\xbf\xef\xbb\xbfcode,name,unit\nA1,甲,件\n' > mat-double-bom.csv
printf '\xff\xfec\x00o\x00d\x00e\x00,\x00n\x00a\x00m\x00e\x00,\x00u\x00n\x00i\x00t\x00\n\x00' > mat-utf16.csv
{ printf 'code,name,unit\n'; long A; printf ',甲,件\n'; } > mat-long-code.csv
{ printf 'code,name,unit\nA1,'; long A; printf ',件\n'; } > mat-long-name.csv
printf 'code,name,level,parent\nP1,\xe5\xb8,district,LZ\n' > org-cut-utf8.csv
printf 'code,name,org,address\nX1,库,LN,a\xffb\n' > depot-invalid-utf8.csv
printf 'id,name,phone,roles,depots\nk1,甲\x00,,keeper,\n' > cust-nul.csv
printf 'material,lot,counted,note\nQUILT,Q1,1,\x00\n' > st-nul.csv
printf 'material,lot,counted,note\nQUILT,Q1,1,caf\xe9\n' > st-latin1-note.csv
printf '%s,note\nreceive,2026-11-22,LN-01,TENT,T1,1,wang.li,\xff\xfe\n' "$H" > mv-invalid-utf8-note.csv
printf '%s,note\nreceive,2026-11-22,LN-01,TENT,T1,1,wang.li,a\x00b\n' "$H" > mv-nul.csv
{ printf '%s,note\nreceive,2026-11-22,LN-01,TENT,T1,1,wang.li,' "$H"; long x; printf '\n'; } > mv-long-note.csv
{ printf '%s\nreceive,2026-11-22,LN-01,TENT,' "$H"; long L; printf ',1,wang.li\n'; } > mv-long-lot.csv
printf 'material,qty,need_by\n\xff,1,2026-11-22T20:00\n' > dm-invalid-utf8.csv
