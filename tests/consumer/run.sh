#!/usr/bin/env bash
# Installs the built project into a temporary prefix, then builds and runs tests/consumer
# against the installed CMake package, and compiles it once more through pkg-config.
set -euo pipefail
build=$1
source_dir=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" >/dev/null
# The library was built with the sanitizers when the build tree was; a consumer links them too.
sanitize=()
if grep -q 'STOCKPILE_SANITIZE:BOOL=ON' "$build/CMakeCache.txt"; then sanitize=(-fsanitize=address,undefined); fi
cmake -S "$source_dir" -B "$work/build" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" \
      -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS="${sanitize[*]}" >/dev/null
cmake --build "$work/build" >/dev/null
"$work/build/consumer" "$work/cmake.db"

# pkg-config: the same program, compiled by hand.
PKG_CONFIG_PATH=$(dirname "$(find "$work/prefix" -name stockpile.pc)")
export PKG_CONFIG_PATH
flags=$(pkg-config --cflags --libs --static stockpile)
# shellcheck disable=SC2086
c++ -std=c++20 "${sanitize[@]}" "$source_dir/main.cpp" -o "$work/pc-consumer" $flags
"$work/pc-consumer" "$work/pc.db"
