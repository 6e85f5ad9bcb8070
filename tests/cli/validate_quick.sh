#!/bin/sh
# fllm validate --quick passes on the emulated card and writes well-formed
# JUnit XML with one test case per check; --json agrees. A card model that
# corrupts one unit's results (fault=TYPE) fails exactly that unit's check,
# naming the command, its shape and the first differing word.
. "$(dirname "$0")/lib.sh"
CHECKS="identity register_scratch dma_loopback dma_unaligned card_view memory_patterns
command_errors watchdog timestamps telemetry dma_bandwidth pcie_link power_load unit_lutgemm
unit_vector unit_attention"

expect_rc 0 "$FLLM" validate --quick --junit "$TMP/out.xml"
cp "$TMP/out" "$TMP/text"
expect_in "$TMP/text" "0 failed"
if ! grep -qE '^[0-9]+ passed, 0 failed, [0-9]+ skipped$' "$TMP/text"; then
	fail "no summary line 'N passed, 0 failed, N skipped'"
fi
expect_in "$TMP/err" "identity"

if [ ! -s "$TMP/out.xml" ]; then
	fail "no JUnit file written"
elif ! xmllint --noout "$TMP/out.xml"; then
	fail "JUnit XML is not well-formed"
else
	n=0
	for c in $CHECKS; do
		expect_in "$TMP/out.xml" "name=\"$c\""
		n=$((n + 1))
	done
	cases=$(grep -c '<testcase ' "$TMP/out.xml")
	[ "$cases" -eq "$n" ] || fail "$cases test cases in the XML, expected $n"
	expect_in "$TMP/out.xml" "tests=\"$n\" failures=\"0\""
	if grep -q '<failure' "$TMP/out.xml"; then
		fail "the XML reports failures"
	fi
fi

expect_rc 0 "$FLLM" validate --quick --json --max-dma 64K
expect_in "$TMP/out" '"failed": 0'
for c in $CHECKS; do
	expect_in "$TMP/out" "\"name\": \"$c\""
done
# a report that cannot be written fails the run, with the path in the message
expect_rc 1 "$FLLM" validate --quick --max-dma 4K --junit "$TMP/no/such/dir/out.xml"
expect_in "$TMP/err" "no/such/dir/out.xml"

# fault injection: 2 LUT-GEMM, 4 vector, 3 attention (fllm_card.h FLLM_CU_*)
for f in "2 unit_lutgemm LUTGEMM M=" "4 unit_vector VECTOR " "3 unit_attention ATTENTION APPEND+DECODE"; do
	set -- $f
	expect_rc 1 "$FLLM" validate --quick --max-dma 4K --device "emu:0,fault=$1"
	expect_in "$TMP/out" "fail $2"
	expect_in "$TMP/out" "$3"
	expect_in "$TMP/out" "output word 0 (byte 0): card 0x"
	expect_in "$TMP/out" "1 failed"
done
finish
