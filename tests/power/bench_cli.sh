#!/bin/sh
# fllm bench through the real binary (label "cli;power").
# usage: bench_cli.sh FLLM BENCH_CHECK MODELS_DIR CASE
#   stories: stories260K on cpu and emu (emu:0), JSON, CSV and (with gnuplot)
#            the PNG checked, no RAPL (an empty powercap tree): no host energy
#            number anywhere
#   rapl:    the synthetic model with a fake powercap tree: host energy from RAPL
#   plot:    the PNG (SKIP without gnuplot)
#   flags:   every bad flag refused with a message naming it
. "$(dirname "$0")/../cli/lib.sh"
CHECK=$2
MODELS=$3
CASE=$4
SMALL="--prompt-len 8 --gen 8 --repeat 2 --probe 64M"

case $CASE in
stories)
	[ -f "$MODELS/stories260K.bin" ] || { echo "SKIP: no $MODELS/stories260K.bin"; exit 77; }
	mkdir "$TMP/norapl"
	# the PNG too when gnuplot is here (bench_cli_plot SKIPs without it)
	png=-
	command -v gnuplot >/dev/null && png=$TMP/b.png
	FLLM_RAPL_ROOT=$TMP/norapl expect_rc 0 "$FLLM" bench -m "$MODELS/stories260K.bin" \
		-z "$MODELS/tok512.bin" --device cpu --device emu $SMALL \
		--json "$TMP/b.json" --csv "$TMP/b.csv" $([ "$png" = - ] || echo --plot "$png")
	cp "$TMP/out" "$TMP/table"
	"$CHECK" "$TMP/b.json" "$TMP/b.csv" "$png" cpu emu:0 || fail "bench_check"
	expect_in "$TMP/table" "host kernels"
	expect_in "$TMP/table" "card model projection"
	expect_in "$TMP/table" "host CPU package (every core, not the card): unavailable"
	# side by side: each row has a value per device, ratios against cpu
	grep -q '^decode tokens/s  *[0-9.]*  *[0-9.]* x[0-9.e+-]*$' "$TMP/table" ||
		fail "no side-by-side decode row with a ratio"
	# an unavailable source never shows a number
	if grep '^host CPU' "$TMP/table" | grep -q '[0-9]'; then
		fail "a host energy row shows a number without RAPL"
		grep '^host CPU' "$TMP/table" >&2
	fi
	grep -q '^card J/token  *n/a  *[0-9.e-]*$' "$TMP/table" ||
		fail "card J/token: expected n/a for cpu and a figure for emu:0"
	;;
rapl)
	# package 0 and its core subzone; the counter does not move here, so the
	# figure is 0 J and tokens per joule is left out
	mkdir -p "$TMP/pc/intel-rapl:0" "$TMP/pc/intel-rapl:0:0"
	echo package-0 >"$TMP/pc/intel-rapl:0/name"
	echo 262143328850 >"$TMP/pc/intel-rapl:0/max_energy_range_uj"
	echo 1000 >"$TMP/pc/intel-rapl:0/energy_uj"
	cp "$TMP/pc/intel-rapl:0/"* "$TMP/pc/intel-rapl:0:0/"
	FLLM_RAPL_ROOT=$TMP/pc expect_rc 0 "$FLLM" bench --device cpu --device emu:0 $SMALL \
		--json "$TMP/b.json" --csv "$TMP/b.csv"
	"$CHECK" "$TMP/b.json" "$TMP/b.csv" - cpu emu:0 --host-rapl || fail "bench_check"
	expect_in "$TMP/out" "RAPL package energy"
	expect_in "$TMP/out" "sampled every 100 ms"
	;;
plot)
	command -v gnuplot >/dev/null || { echo "SKIP: gnuplot is not installed"; exit 77; }
	expect_rc 0 "$FLLM" bench --device cpu --device emu:0 $SMALL --json "$TMP/b.json" \
		--csv "$TMP/b.csv" --plot "$TMP/b.png"
	"$CHECK" "$TMP/b.json" "$TMP/b.csv" "$TMP/b.png" cpu emu:0 $(
		[ -n "$(ls /sys/class/powercap/intel-rapl:*/energy_uj 2>/dev/null)" ] &&
		cat /sys/class/powercap/intel-rapl:*/energy_uj >/dev/null 2>&1 && echo --host-rapl) ||
		fail "bench_check"
	;;
flags)
	expect_rc 2 "$FLLM" bench --device nosuch
	expect_in "$TMP/err" "unknown device 'nosuch'"
	expect_rc 2 "$FLLM" bench --device cpu --device cpu
	expect_in "$TMP/err" "'cpu' given twice"
	expect_rc 2 "$FLLM" bench --device
	expect_in "$TMP/err" "--device needs a value"
	expect_rc 2 "$FLLM" bench --device=
	expect_in "$TMP/err" "--device: empty value"
	expect_rc 2 "$FLLM" bench --gen 0
	expect_in "$TMP/err" "--gen"
	expect_rc 2 "$FLLM" bench --batch 33
	expect_in "$TMP/err" "--batch"
	expect_rc 2 "$FLLM" bench --repeat 0
	expect_in "$TMP/err" "--repeat"
	expect_rc 2 "$FLLM" bench --prompt-len x
	expect_in "$TMP/err" "--prompt-len"
	expect_rc 2 "$FLLM" bench --group 48
	expect_in "$TMP/err" "48"
	expect_rc 2 "$FLLM" bench --plot out.jpg
	expect_in "$TMP/err" "must name a .png file"
	expect_rc 2 "$FLLM" bench --frobnicate
	expect_in "$TMP/err" "--frobnicate"
	expect_rc 2 "$FLLM" bench --prompt-len 100000 --gen 8
	expect_in "$TMP/err" "the model's context is"
	expect_rc 1 "$FLLM" bench -m "$TMP/missing.gguf"
	expect_in "$TMP/err" "missing.gguf"
	expect_rc 1 "$FLLM" bench $SMALL --json "$TMP/no/such/dir/b.json"
	expect_in "$TMP/err" "--json: cannot write"
	expect_rc 3 "$FLLM" bench $SMALL --device kmd:7
	expect_in "$TMP/err" "kmd:7"
	# gnuplot missing: a clear error before any work
	PATH=/nonexistent expect_rc 1 "$FLLM" bench --plot "$TMP/x.png"
	expect_in "$TMP/err" "--plot needs gnuplot"
	;;
*)
	echo "unknown case $CASE" >&2
	exit 2
	;;
esac
finish
