#!/bin/sh
# fllm run --parallel on the emulated card with stories260K: several
# sequences in one context, their KV cache in a --kv-mem budget too small
# for all of them (so idle ones swap to host memory and back), giving
# exactly the text of an unconstrained run; a budget below one sequence is
# refused. SKIP (exit 77) without the shared model files.
# usage: cli_parallel.sh FLLM_BINARY MODELS_DIR
. "$(dirname "$0")/../cli/lib.sh"
models=$2
if [ ! -r "$models/stories260K.bin" ] || [ ! -r "$models/tok512.bin" ]; then
	echo "SKIP: $models/stories260K.bin or tok512.bin missing"
	exit 77
fi
run="$FLLM run -m $models/stories260K.bin -z $models/tok512.bin -p Once --device emu
	--parallel 4 --temp 0.8 --seed 3 -n 200"

# shellcheck disable=SC2086 # the command line splits into words
expect_rc 0 $run
expect_in "$TMP/out" "=== sequence 3, seed 6 ==="
expect_in "$TMP/err" "0 swaps out, 0 in"
cp "$TMP/out" "$TMP/free"
# 240 KiB: 32 blocks of 7.5 KiB, one whole sequence of 512 positions
# shellcheck disable=SC2086
expect_rc 0 $run --kv-mem 240K
expect_in "$TMP/err" "card KV cache: 32 blocks"
grep -q "card KV cache: 32 blocks of 7.5 KiB; 0 swaps" "$TMP/err" &&
	fail "no sequence was swapped under --kv-mem 240K"
cmp -s "$TMP/out" "$TMP/free" || fail "swapping changed the text"
# shellcheck disable=SC2086
expect_rc 2 $run --kv-mem 200K
expect_in "$TMP/err" "must hold one whole sequence"
# shellcheck disable=SC2086
expect_rc 2 $run --batch 33
finish
