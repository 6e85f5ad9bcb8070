#!/bin/sh
# fllm validate's lab additions on the emulated card (label "cli;power"):
# soak runs (--repeat, --duration) with JSON and JUnit still right, the DMA
# bandwidth floor, the PCIe link reported as not applicable, power and
# temperature under load against their limits, and every bad value refused.
. "$(dirname "$0")/../cli/lib.sh"
Q="--quick --max-dma 64K --load-secs 0.2"

# check_status NAME STATUS: the JSON report's check NAME has STATUS
check_status() {
	grep -A1 "\"name\": \"$1\"" "$TMP/out" | grep -q "\"status\": \"$2\"" ||
		fail "check $1 is not $2 in the JSON report"
}

expect_rc 0 "$FLLM" validate $Q --repeat 3 --json
expect_in "$TMP/out" '"runs": 3'
expect_in "$TMP/out" '"failed": 0'
expect_in "$TMP/err" "soak: 3 runs of the suite"
[ "$(grep -c '^run 3 .*power_load' "$TMP/err")" -eq 1 ] || fail "no third run of power_load"
check_status dma_bandwidth pass
check_status pcie_link skip
expect_in "$TMP/out" "not applicable: a simulated card has no PCIe link"
check_status power_load pass
check_status telemetry pass

# --duration: the suite repeats until the time is up
start=$(date +%s)
expect_rc 0 "$FLLM" validate $Q --duration 2 --json
[ $(($(date +%s) - start)) -ge 2 ] || fail "--duration 2 ended early"
grep -q '"runs": [1-9]' "$TMP/out" || fail "--duration: no run count"

# limits that the card cannot meet fail the check that owns them, with the figures
expect_rc 1 "$FLLM" validate $Q --dma-floor 900
expect_in "$TMP/out" "fail dma_bandwidth"
expect_in "$TMP/out" "floor 900.00 GB/s (--dma-floor)"
expect_rc 1 "$FLLM" validate $Q --temp-max 20
expect_in "$TMP/out" "fail power_load"
expect_in "$TMP/out" "above the 20.0 C limit"

# a soak with a faulty unit: the report names the command, shape and first
# differing word, and JUnit records the failure
expect_rc 1 "$FLLM" validate $Q --repeat 2 --device "emu:0,fault=2" --junit "$TMP/s.xml"
expect_in "$TMP/out" "fail unit_lutgemm"
expect_in "$TMP/out" "LUTGEMM M="
expect_in "$TMP/out" "output word 0 (byte 0): card 0x"
expect_in "$TMP/s.xml" 'name="unit_lutgemm"'
expect_in "$TMP/s.xml" "<failure"
if command -v xmllint >/dev/null && ! xmllint --noout "$TMP/s.xml"; then
	fail "soak JUnit XML is not well-formed"
fi

for bad in "--dma-floor x" "--dma-floor 0" "--load-secs 0.01" "--load-secs 601" \
	   "--temp-max 200" "--temp-max nan" "--repeat 0" "--duration 0"; do
	expect_rc 2 "$FLLM" validate $bad
	expect_in "$TMP/err" "${bad%% *}"
done
finish
