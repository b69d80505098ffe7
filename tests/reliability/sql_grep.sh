#!/usr/bin/env bash
# Security (issue 9): no SQL built by pasting a value into quotes. Fails on the shapes that
# injection takes in C++ — a quote closed around concatenation ('" + value + "') or a
# formatted placeholder inside SQL quotes ('{}') — anywhere in lib/ and cli/. The runtime
# check is tests/sql_binding_test.cpp (no value ever appears in a statement's text); this one
# catches the shape before it runs.
#   sql_grep.sh SOURCE_DIR
set -uo pipefail
src=$1
hits=$(grep -rnE --include='*.cpp' --include='*.hpp' \
  -e "'\"[[:space:]]*\+" -e "\+[[:space:]]*\"'" -e "'\{[^}]*\}'" -e "'%[sdq]'" \
  "$src/lib" "$src/cli")
if [ -n "$hits" ]; then
  echo "SQL built from values (use a bound parameter, ?N):"
  echo "$hits"
  exit 1
fi
files=$(find "$src/lib" "$src/cli" -name '*.cpp' -o -name '*.hpp' | wc -l)
echo "sql_grep: $files source files, no value pasted into SQL"
