#!/bin/sh
# hls/ is card code only: every golden unit compiles for the RV32 soft core
# with no C library at all (-ffreestanding, the cross compiler ships no libc
# headers), and the objects need nothing from outside but memcpy/memset and
# libgcc's helpers. A host-only call (stdio, malloc, libm, threads) fails.
# usage: hls_freestanding.sh SOURCE_DIR CC NM   (prints "N passed, N failed")
set -u
src=$1
cc=$2
nm=$3
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
for f in "$src"/hls/*.c; do
	o=$tmp/$(basename "$f" .c).o
	if "$cc" -march=rv32imc -mabi=ilp32 -ffreestanding -Os -c -Wall -Wextra -Werror \
		-Wno-unknown-pragmas -Wno-unused-parameter -I"$src/card/include" \
		-I"$src/hls/include" -I"$src/hls" "$f" -o "$o" 2>"$tmp/err"; then
		pass=$((pass + 1))
		echo "PASS: $f builds freestanding"
	else
		fail=$((fail + 1))
		echo "FAIL: $f does not build freestanding:"
		cat "$tmp/err"
	fi
done
# what the units need from outside, all objects linked together
if "$cc" -march=rv32imc -mabi=ilp32 -nostdlib -r -o "$tmp/hls.o" "$tmp"/*.o 2>"$tmp/err"; then
	extra=$("$nm" -u "$tmp/hls.o" | awk '{print $NF}' |
		grep -v -x -e memcpy -e memset -e '__[a-z0-9_]*' || true)
	if [ -n "$extra" ]; then
		fail=$((fail + 1))
		echo "FAIL: hls/ needs host symbols:" $extra
	else
		pass=$((pass + 1))
		echo "PASS: hls/ needs nothing but memcpy, memset and libgcc"
	fi
else
	fail=$((fail + 1))
	cat "$tmp/err"
fi
[ "$pass" -gt 0 ] || { echo "FAIL: no hls sources found"; fail=$((fail + 1)); }
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
