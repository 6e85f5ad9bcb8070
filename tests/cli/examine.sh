#!/bin/sh
# fllm examine shows the emulated card's identity and samples telemetry.
. "$(dirname "$0")/lib.sh"

expect_rc 0 "$FLLM" examine
for t in "device " "interface " "firmware " "memory " "clock " "compute units" "power_W"; do
	expect_in "$TMP/out" "$t"
done
expect_in "$TMP/out" "test "

expect_rc 0 "$FLLM" examine emu:0 --samples 3 --interval-ms 5 --json
n=$(grep -c '"power_mw"' "$TMP/out")
[ "$n" -eq 3 ] || fail "$n telemetry samples in JSON, expected 3"
expect_in "$TMP/out" '"interface_version": "1.'
expect_in "$TMP/out" '"compute_units": ['
finish
