#!/bin/sh
# fllm run on stories260K (exit 77, SKIP, without ../shared/models): greedy
# output equals llama2.c run.c's published text for both file formats; the
# prompt comes back exactly; a .bin needs its tokenizer.
# usage: cli_run_stories.sh FLLM_BINARY MODELS_DIR EXPECTED_TEXT_FILE
. "$(dirname "$0")/../cli/lib.sh"
models=${FLLM_MODELS_DIR:-$2}
expected=$3
for f in stories260K.bin stories260K.gguf tok512.bin; do
	if [ ! -r "$models/$f" ]; then
		echo "SKIP: $models/$f not found (set FLLM_MODELS_DIR)"
		exit 77
	fi
done

expect_rc 0 "$FLLM" run -m "$models/stories260K.bin" -z "$models/tok512.bin" --temp 0 -n 200
cmp -s "$TMP/out" "$expected" || fail "stories260K.bin greedy output differs from run.c's"
expect_in "$TMP/err" "generated 200 tokens"
expect_rc 0 "$FLLM" run -m "$models/stories260K.gguf" --temp 0 -n 200 --threads 2
cmp -s "$TMP/out" "$expected" || fail "stories260K.gguf greedy output differs from run.c's"
# the prompt comes back exactly, leading space and all
expect_rc 0 "$FLLM" run -m "$models/stories260K.gguf" -p " Once upon a time" -n 0
[ "$(cat "$TMP/out")" = " Once upon a time" ] || fail "prompt echo: '$(cat "$TMP/out")'"
# a .bin without -z looks for tokenizer.bin beside it
expect_rc 1 "$FLLM" run -m "$models/stories260K.bin"
expect_in "$TMP/err" "needs -z TOKENIZER"
# a tokenizer of the wrong size is refused
expect_rc 1 "$FLLM" run -m "$models/stories260K.gguf" -z "$TMP/none.bin"
finish
