#!/bin/sh
# fllm devices lists the emulated card, as a table and as JSON.
. "$(dirname "$0")/lib.sh"

expect_rc 0 "$FLLM" devices
if ! grep -q '^emu:0 ' "$TMP/out"; then
	fail "no 'emu:0' row in the devices table"
	cat "$TMP/out" >&2
fi
expect_in "$TMP/out" "NAME"

expect_rc 0 "$FLLM" devices --json
expect_in "$TMP/out" '"name": "emu:0"'
expect_in "$TMP/out" '"backend": "emu"'
expect_in "$TMP/out" '"openable": true'
finish
