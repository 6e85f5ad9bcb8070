#!/bin/sh
# Usage errors exit 2 with a message naming the culprit; an unknown device
# exits 3; help and --version work.
. "$(dirname "$0")/lib.sh"

# usage_error TEXT ARGS...: exit 2 and TEXT in the message
usage_error() {
	text=$1
	shift
	expect_rc 2 "$FLLM" "$@"
	expect_in "$TMP/err" "$text"
}

usage_error "unknown command 'nosuch'" nosuch
usage_error "usage: fllm" 
usage_error "unknown option '--bogus'" validate --bogus
usage_error "unknown option '--frob'" devices --frob=1
usage_error "--samples needs a value" examine --samples
usage_error "--samples: 'abc' is not a valid number" examine --samples abc
usage_error "--samples: 0 is out of range" examine --samples 0
usage_error "--samples: '-1' is not a valid number" examine --samples=-1
usage_error "--interval-ms: '5ms' is not a valid number" examine --interval-ms 5ms
usage_error "--max-dma: '12Q' is not a valid size" validate --max-dma 12Q
usage_error "--max-dma: 1K is out of range" validate --max-dma 1K
usage_error "--junit needs a value" validate --junit
usage_error "--json takes no value" validate --json=yes
usage_error "unexpected argument 'extra'" devices extra
usage_error "unexpected argument 'b'" examine a b

expect_rc 3 "$FLLM" validate --device nosuch:7
expect_in "$TMP/err" "nosuch:7"
expect_rc 3 "$FLLM" examine nosuch:7

expect_rc 0 "$FLLM" --version
expect_in "$TMP/out" "fllm "
expect_rc 0 "$FLLM" help
for c in devices examine validate; do
	expect_in "$TMP/out" "$c"
done
expect_rc 0 "$FLLM" help validate
expect_in "$TMP/out" "--max-dma"
expect_rc 0 "$FLLM" examine --help
expect_in "$TMP/out" "--interval-ms"
finish
