#!/bin/sh
# fllm plan and fllm calibrate through the real binary:
#   cli_plan.sh FLLM MODELS_DIR PLAN_JSON_CHECK
# Flag refusals, calibrate on emu:0 writing a file that plan reads (given
# with --cost, and found by itself in the cache folder), then stories260K:
# --json checked field by field (plan_json_check), budgets from 2 GiB to
# 1 KiB giving different placements, --card-layers, --no-cpu streaming and
# its refusal. Exits 77 (SKIP) after the synthetic-model checks when
# stories260K is absent.
. "$(dirname "$0")/../cli/lib.sh"
MODELS=$2
CHECK=$3
XDG_CACHE_HOME=$TMP/cache
export XDG_CACHE_HOME

# refusals: each names what is wrong
expect_rc 2 "$FLLM" plan --card-mem 12X
expect_in "$TMP/err" "--card-mem"
expect_rc 2 "$FLLM" plan --group 48
expect_in "$TMP/err" "--group 48"
expect_rc 2 "$FLLM" plan --bits 9
expect_in "$TMP/err" "--bits"
expect_rc 2 "$FLLM" plan --batch 0
expect_rc 2 "$FLLM" plan --no-cpu --card-layers 1
expect_in "$TMP/err" "exclude each other"
expect_rc 1 "$FLLM" plan --cost "$TMP/absent.txt"
expect_in "$TMP/err" "absent.txt"
printf 'device = emu:0\nbits = 4 planes\nhost_lutgemm = -1 B/s\n' >"$TMP/bad.txt"
expect_rc 1 "$FLLM" plan --cost "$TMP/bad.txt"
expect_in "$TMP/err" "line 3: host_lutgemm: negative"
expect_rc 1 "$FLLM" plan -m "$TMP/absent.bin"
expect_rc 3 "$FLLM" calibrate --device nosuch:0 --out "$TMP/x.txt" --quick
expect_in "$TMP/err" "nosuch:0: open: no such device"
expect_rc 2 "$FLLM" calibrate --group 24

# the synthetic model with the reference card
expect_rc 0 "$FLLM" plan
expect_in "$TMP/out" "the built-in reference card"
expect_in "$TMP/out" "decode (1 token per step)"
expect_in "$TMP/out" "prefill (32 tokens per step)"

# calibrate writes a file plan reads, with --cost and from the cache folder
expect_rc 0 "$FLLM" calibrate --device emu:0 --out "$TMP/cost.txt" --quick
expect_in "$TMP/cost.txt" "device = emu:0"
expect_in "$TMP/cost.txt" "# machine: "
expect_in "$TMP/cost.txt" "card_lutgemm = "
expect_rc 0 "$FLLM" plan --cost "$TMP/cost.txt"
expect_in "$TMP/out" "cost model: $TMP/cost.txt"
expect_rc 0 "$FLLM" calibrate --device emu:0 --quick
expect_in "$TMP/out" "written to $XDG_CACHE_HOME/fllm/cost-emu:0.txt"
expect_rc 0 "$FLLM" plan --json
expect_in "$TMP/out" "\"cost_model\": \"$XDG_CACHE_HOME/fllm/cost-emu:0.txt\""
rm -rf "$XDG_CACHE_HOME"

model=$MODELS/stories260K.bin
if [ ! -f "$model" ]; then
	finish
	echo "skipped: $model absent"
	exit 77
fi

# --json: valid, every field; budgets give different placements
prev=
distinct=0
streamed=
for mem in 2G 700K 400K 200K 100K 1K; do
	expect_rc 0 "$FLLM" plan -m "$model" --card-mem "$mem" --json
	if ! "$CHECK" "$TMP/out" >"$TMP/places" 2>"$TMP/cerr"; then
		fail "--card-mem $mem: $(cat "$TMP/cerr")"
		continue
	fi
	places=$(grep '^decode:' "$TMP/places")
	case $places in *streamed*) streamed=$mem ;; esac
	[ "$places" != "$prev" ] && distinct=$((distinct + 1))
	prev=$places
	case $mem in
	2G) [ "$places" = "decode: resident resident resident resident resident resident resident resident resident resident resident" ] ||
		fail "2G: not all resident: $places" ;;
	1K) [ "$places" = "decode: cpu cpu cpu cpu cpu cpu cpu cpu cpu cpu cpu" ] ||
		fail "1K: not all on the CPU: $places" ;;
	esac
done
[ "$distinct" -ge 4 ] || fail "only $distinct different placements over six budgets"
[ -n "$streamed" ] || fail "no budget streamed a unit"

# --card-layers 2: layers 0 and 1 on the card, the rest and the head on the CPU
expect_rc 0 "$FLLM" plan -m "$model" --card-layers 2 --json
"$CHECK" "$TMP/out" >"$TMP/places" || fail "--card-layers 2: bad JSON"
expect_in "$TMP/places" "decode: resident resident resident resident cpu cpu cpu cpu cpu cpu cpu"

# --no-cpu: a budget too small for all-resident streams; a tinier one is refused
expect_rc 0 "$FLLM" plan -m "$model" --card-mem 600K --no-cpu
expect_in "$TMP/out" "streamed: budget exhausted"
expect_in "$TMP/out" "(staging "
expect_rc 1 "$FLLM" plan -m "$model" --card-mem 100K --no-cpu
expect_in "$TMP/err" "no placement fits a card budget of 100 KiB: the smallest needs"
finish
