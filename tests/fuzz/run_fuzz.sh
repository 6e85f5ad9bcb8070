#!/bin/sh
# Build the engine's libFuzzer harnesses with clang and run each for a
# bounded time: the GGUF loader, the llama2.c loader (same harness, own
# corpus), the tokenizer.bin loader, the model-package reader and the
# scheduler's cost-file reader. Exit 77 (ctest SKIP) when clang or
# its libFuzzer runtime is missing; 1 on any crash, leak or sanitizer report.
# usage: run_fuzz.sh SOURCE_DIR WORK_DIR FUZZ_SEEDS_PROGRAM
# FLLM_FUZZ_SECONDS sets the time per harness (default 20).
set -u
src=$1
work=$2
seeds=$3
secs=${FLLM_FUZZ_SECONDS:-20}
CLANG=${FLLM_FUZZ_CC:-clang}

if ! command -v "$CLANG" >/dev/null 2>&1; then
	echo "SKIP: $CLANG not found (install clang and libclang-rt-14-dev)"
	exit 77
fi
mkdir -p "$work" || exit 1
probe=$work/probe.c
echo 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n);
int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; return (int)(n & 0); }' >"$probe"
if ! "$CLANG" -fsanitize=fuzzer "$probe" -o "$work/probe" >"$work/probe.log" 2>&1; then
	echo "SKIP: $CLANG cannot link -fsanitize=fuzzer (libclang-rt-14-dev missing?):"
	sed 's/^/  /' "$work/probe.log"
	exit 77
fi

flags="-std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined
	-fno-sanitize-recover=all -fno-omit-frame-pointer
	-I$src/runtime/include -I$src/tests/engine
	-I$src/runtime/core -I$src/runtime/quant -I$src/runtime/cardpack -I$src/hls/include
	-I$src/hls -I$src/card/include"
for d in "$src"/runtime/engine/*/; do
	flags="$flags -I$d"
done
# the engine without the card executor (fuzz_card_stub.c stands in for it)
# and of the scheduler only its cost file (with the cycle models its
# reference card uses), plus what the parsers and the package reader use:
# handle counters, status text, the thread pool, the BCQ quantizer and the
# LUT-GEMM record helpers
engine=$(ls "$src"/runtime/engine/*/*.c | grep -v -e '/exec_card\.c$' -e '/card_weights\.c$' \
	-e '/card_plan\.c$' -e '/card_step\.c$' -e '/card_prog\.c$' -e '/exec_hostq\.c$' \
	-e '/engine/sched/')
common="$engine $src/runtime/engine/sched/cost.c $src/hls/lutgemm_cycles.c
	$src/hls/vector_cycles.c $src/runtime/core/handles.c $src/runtime/core/status.c
	$src/runtime/core/threadpool.c $src/runtime/quant/*.c $src/runtime/cardpack/lutgemm_pack.c
	$src/hls/lutgemm_params.c $src/tests/fuzz/fuzz_card_stub.c
	$src/tests/engine/fuzz_inputs.c
	$src/tests/engine/model_writer.c $src/tests/engine/gguf_writer.c
	$src/tests/engine/bytebuf.c"
for h in model tokbin package cost; do
	# shellcheck disable=SC2086 # flag and file lists split into words
	if ! "$CLANG" $flags $common "$src/tests/fuzz/fuzz_$h.c" -lz -lm -lpthread \
		-o "$work/fuzz_$h" 2>"$work/build_$h.log"; then
		echo "FAIL: building fuzz_$h:"
		cat "$work/build_$h.log"
		exit 1
	fi
done
rm -rf "$work/seeds"
"$seeds" "$work/seeds" || exit 1

status=0
for run in gguf:model llama2c:model tokbin:tokbin package:package cost:cost; do
	corpus=${run%%:*}
	harness=${run#*:}
	mkdir -p "$work/corpus_$corpus"
	echo "== fuzz_$harness on $corpus seeds for ${secs}s"
	if ! "$work/fuzz_$harness" -max_total_time="$secs" -rss_limit_mb=2048 \
		-artifact_prefix="$work/crash_$corpus-" -print_final_stats=1 \
		"$work/corpus_$corpus" "$work/seeds/$corpus" >"$work/log_$corpus" 2>&1; then
		echo "FAIL: fuzz_$harness found a problem (artifacts: $work/crash_$corpus-*):"
		tail -60 "$work/log_$corpus"
		status=1
	else
		grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$work/log_$corpus"
	fi
done
exit $status
