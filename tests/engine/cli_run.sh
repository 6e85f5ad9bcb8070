#!/bin/sh
# fllm run without model files: the built-in synthetic model, option checks,
# device refusals and error messages for broken files.
# usage: cli_run.sh FLLM_BINARY
. "$(dirname "$0")/../cli/lib.sh"

# usage_error TEXT ARGS...: exit 2 and TEXT in stderr
usage_error() {
	text=$1
	shift
	expect_rc 2 "$FLLM" run "$@"
	expect_in "$TMP/err" "$text"
}

# the synthetic model: a stderr note, a statistics line, seeded output
expect_rc 0 "$FLLM" run -n 20 --seed 5 -p "Hi there"
expect_in "$TMP/err" "built-in synthetic model"
expect_in "$TMP/err" "meaningless"
expect_in "$TMP/err" "tokens/s"
cp "$TMP/out" "$TMP/first"
case "$(head -c 8 "$TMP/out")" in
"Hi there") ;;
*) fail "stdout does not start with the prompt" ;;
esac
expect_rc 0 "$FLLM" run -n 20 --seed 5 -p "Hi there"
cmp -s "$TMP/out" "$TMP/first" || fail "same seed gave different text"
expect_rc 0 "$FLLM" run -n 20 --seed 6 -p "Hi there"
cmp -s "$TMP/out" "$TMP/first" && fail "another seed gave the same text"
# -n 0: exactly the prompt, nothing else
expect_rc 0 "$FLLM" run -n 0 -p "just the prompt"
[ "$(cat "$TMP/out")" = "just the prompt" ] || fail "-n 0 printed '$(cat "$TMP/out")'"
# greedy with 1 and 2 threads: same text
expect_rc 0 "$FLLM" run -n 30 --temp 0 --threads 1
cp "$TMP/out" "$TMP/t1"
# -p "": an empty prompt, the same as no -p (generation from BOS)
expect_rc 0 "$FLLM" run -n 30 --temp 0 --threads 1 -p ""
cmp -s "$TMP/out" "$TMP/t1" || fail "-p \"\" differs from no prompt"
expect_rc 0 "$FLLM" run -n 30 --temp 0 --threads 1 --prompt=
cmp -s "$TMP/out" "$TMP/t1" || fail "--prompt= differs from no prompt"
expect_rc 0 "$FLLM" run -n 30 --temp 0 --threads 2
cmp -s "$TMP/out" "$TMP/t1" || fail "--threads 2 changed greedy output"

# card devices run the quantized decoder (tests/decoder/cli_decoder.sh); one
# that cannot be opened exits 3 with its name
expect_rc 3 "$FLLM" run -n 1 --device xrt:1
expect_in "$TMP/err" "--device xrt:1: cannot open the card"
usage_error "unknown device 'gpu'" --device gpu
usage_error "--temp: 'abc' is not a number" --temp abc
usage_error "--temp: '-1' is not a number in [0, 100]" --temp=-1
usage_error "--top-p: '1.5' is not a number in [0, 1]" --top-p 1.5
usage_error "--bits: 9 is out of range" --bits 9
usage_error "--group: 48 is not one of 16, 32, 64, 128, 256" --group 48
usage_error "--threads: 0 is out of range" --threads 0
usage_error "-z needs -m" -z tok.bin
usage_error "unknown option '--bogus'" --bogus
# --bits/--group are accepted (for the card decoder) with a note on the CPU
expect_rc 0 "$FLLM" run -n 1 --bits 4 --group 128
expect_in "$TMP/err" "ignores them"

# broken files: exit 1, the problem named
expect_rc 1 "$FLLM" run -m "$TMP/absent.gguf"
expect_in "$TMP/err" "$TMP/absent.gguf: No such file or directory"
printf 'GGUF\003\000\000\000' >"$TMP/short.gguf"
expect_rc 1 "$FLLM" run -m "$TMP/short.gguf"
expect_in "$TMP/err" "GGUF header truncated"
head -c 100 /dev/zero >"$TMP/zeros.bin"
expect_rc 1 "$FLLM" run -m "$TMP/zeros.bin"
expect_in "$TMP/err" "dim = 0 (must be positive)"
finish
