#!/bin/sh
# Build the card-image reader's libFuzzer harness (fuzz_image.c) with clang
# and run it for a bounded time, seeded with an image from `fllm image
# create`. Exit 77 (ctest SKIP) when clang or libFuzzer is missing; 1 on any
# crash or sanitizer report.
# usage: run_fuzz_image.sh SOURCE_DIR WORK_DIR FLLM_PROGRAM XCLBIN_INCLUDE_DIR
set -u
src=$1
work=$2
fllm=$3
xinc=$4
secs=${FLLM_FUZZ_SECONDS:-20}
CLANG=${FLLM_FUZZ_CC:-clang}

if ! command -v "$CLANG" >/dev/null 2>&1; then
	echo "SKIP: $CLANG not found (install clang and libclang-rt-14-dev)"
	exit 77
fi
mkdir -p "$work/seeds" "$work/corpus" || exit 1
if ! "$CLANG" -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all -I"$src/bitstreams/include" -I"$src/bitstreams/src" \
	-I"$src/card/include" -isystem "$xinc" "$src"/bitstreams/src/*.c \
	"$src/tests/fuzz/fuzz_image.c" -o "$work/fuzz_image" >"$work/build.log" 2>&1; then
	if grep -q "fuzzer" "$work/build.log" && grep -qi "cannot find\|no such file" "$work/build.log"; then
		echo "SKIP: $CLANG cannot link -fsanitize=fuzzer (libclang-rt-14-dev missing?)"
		exit 77
	fi
	echo "FAIL: building fuzz_image:"
	cat "$work/build.log"
	exit 1
fi
"$fllm" image create -o "$work/seeds/ref.xclbin" --timestamp 1 >/dev/null || exit 1
"$fllm" image create -o "$work/seeds/small.xclbin" --timestamp 1 --mem 1M --channels 1 \
	--units test >/dev/null || exit 1
echo "== fuzz_image for ${secs}s"
if ! "$work/fuzz_image" -max_total_time="$secs" -rss_limit_mb=2048 \
	-artifact_prefix="$work/crash-" -print_final_stats=1 "$work/corpus" "$work/seeds" \
	>"$work/log" 2>&1; then
	echo "FAIL: fuzz_image found a problem (artifacts: $work/crash-*):"
	tail -60 "$work/log"
	exit 1
fi
grep -E "stat::number_of_executed_units" "$work/log"
exit 0
