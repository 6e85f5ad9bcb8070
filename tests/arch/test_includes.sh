#!/bin/sh
# The include-rule checker (tools/check-includes.sh) on the real tree, which
# must pass, and on small trees that each break one arrow, which must fail
# naming the offending line. Prints "N passed, N failed".
set -u

src=$1
check=$src/tools/check-includes.sh
pass=0
fail=0
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

ok() {
	pass=$((pass + 1))
	echo "PASS: $*"
}
bad() {
	fail=$((fail + 1))
	echo "FAIL: $*"
}

if out=$("$check" "$src" 2>&1); then
	ok "the source tree follows the rules"
else
	bad "the source tree breaks the rules:"
	echo "$out"
fi

# tree DIR: a minimal valid tree (a card header, a public runtime header,
# an hls unit using the card header, a tool using the public header).
tree() {
	rm -rf "$1"
	mkdir -p "$1/card/include" "$1/runtime/include/fllm" "$1/hls" "$1/tools/x" \
		"$1/runtime/core" "$1/firmware/src"
	echo '#define C 1' >"$1/card/include/card_x.h"
	echo '#define P 1' >"$1/runtime/include/fllm/pub_x.h"
	echo '#define I 1' >"$1/runtime/core/core_x.h"
	echo '#define H 1' >"$1/hls/hls_x.h"
	printf '#include "card_x.h"\n' >"$1/hls/unit_x.c"
	printf '#include "fllm/pub_x.h"\n#include "card_x.h"\n#include <stdio.h>\n' \
		>"$1/tools/x/tool_x.c"
	printf '#include "card_x.h"\n' >"$1/firmware/src/fw_x.c"
}

tree "$tmp/good"
if "$check" "$tmp/good" >/dev/null 2>&1; then
	ok "a minimal valid tree passes"
else
	bad "a minimal valid tree fails"
fi

# expect_break NAME FILE LINE_TO_APPEND WANT: append an include, expect rc 1
# and a message naming FILE.
expect_break() {
	tree "$tmp/$1"
	printf '%s\n' "$3" >>"$tmp/$1/$2"
	out=$("$check" "$tmp/$1" 2>&1)
	rc=$?
	if [ "$rc" -eq 1 ] && printf '%s\n' "$out" | grep -q "^$2:.*$4"; then
		ok "$1 is refused"
	else
		bad "$1: rc $rc, output: $out"
	fi
}
expect_break hls-includes-runtime hls/unit_x.c '#include "fllm/pub_x.h"' "may not include"
expect_break firmware-includes-runtime-core firmware/src/fw_x.c '#include "core_x.h"' \
	"may not include runtime/core/core_x.h"
expect_break tool-includes-runtime-core tools/x/tool_x.c '#include "core_x.h"' \
	"tools may not include"
expect_break card-includes-hls card/include/card_x.h '#include "hls_x.h"' \
	"card/include may not include hls/hls_x.h"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
