#!/bin/sh
# fllm validate --quick passes on the emulated card and writes well-formed
# JUnit XML with one test case per check; --json agrees.
. "$(dirname "$0")/lib.sh"
CHECKS="identity register_scratch dma_loopback dma_unaligned card_view memory_patterns
command_errors watchdog timestamps telemetry"

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
finish
