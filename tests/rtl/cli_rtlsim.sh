#!/bin/sh
# The rtlsim card end to end through the fllm binary: listed with its RTL
# units, `fllm validate` passes every check (power_load with a load sized
# for the RTL), and greedy stories260K on
# rtlsim:0 (every unit command on the Verilated RTL) prints exactly the
# text of emu:0. Exit 77 (SKIP) without the RTL models or ../shared/models.
# usage: cli_rtlsim.sh FLLM_BINARY MODELS_DIR
. "$(dirname "$0")/../cli/lib.sh"
models=${FLLM_MODELS_DIR:-$2}

"$FLLM" devices >"$TMP/devices" 2>&1
if grep -q "not built" "$TMP/devices"; then
	echo "SKIP: $(grep rtlsim "$TMP/devices")"
	exit 77
fi
expect_in "$TMP/devices" "test, LUT-GEMM, vector and attention units in Verilator RTL"

expect_rc 0 "$FLLM" validate --device rtlsim:0 --json
expect_in "$TMP/out" '"failed": 0'
# power_load runs on the RTL too, with a load sized for it, and says so
grep -A1 '"name": "power_load"' "$TMP/out" | grep -q '"status": "pass"' ||
	fail "power_load did not pass on rtlsim"
expect_in "$TMP/out" "rtlsim load, sized for RTL simulation: 16 SPINs of 262144 cycles"

for f in stories260K.bin tok512.bin; do
	if [ ! -r "$models/$f" ]; then
		echo "SKIP: $models/$f not found (set FLLM_MODELS_DIR)"
		exit 77
	fi
done
set -- -m "$models/stories260K.bin" -z "$models/tok512.bin" --temp 0 -n 12 \
	-p "Once upon a time"
expect_rc 0 "$FLLM" run "$@" --device emu
cp "$TMP/out" "$TMP/emu.txt"
expect_rc 0 "$FLLM" run "$@" --device rtlsim
cmp -s "$TMP/out" "$TMP/emu.txt" || fail "rtlsim text differs from emu: '$(cat "$TMP/out")'"
expect_in "$TMP/err" "card rtlsim:"
expect_in "$TMP/err" "generated 12 tokens"
finish
