#!/bin/sh
# fllm run on the emulated card, fllm quantize and fllm eval, with the
# built-in synthetic model (no model files needed): outputs, statistics,
# packages used by run and eval, and the commands' refusals.
# usage: cli_decoder.sh FLLM_BINARY STORY_TEXT
. "$(dirname "$0")/../cli/lib.sh"
story=$2

# the README's main command: the card decoder on the synthetic model
expect_rc 0 "$FLLM" run --device emu -n 32 --seed 3
expect_in "$TMP/err" "built-in synthetic model"
expect_in "$TMP/err" "card emu: weights q<=4 g=32"
expect_in "$TMP/err" "1.0 lists, 32.0 commands per token"
expect_in "$TMP/err" "tokens/s"
cp "$TMP/out" "$TMP/card1"
# same seed, same text; another channel count, same arithmetic, same text
expect_rc 0 "$FLLM" run --device emu:0,channels=4 -n 32 --seed 3
cmp -s "$TMP/out" "$TMP/card1" || fail "channels=4 changed the card's text"
# the hls/ C units (golden=1) and the host's fast twins of them: the same text
expect_rc 0 "$FLLM" run --device emu:0,golden=1 -n 32 --seed 3
cmp -s "$TMP/out" "$TMP/card1" || fail "golden=1 changed the card's text"
expect_rc 0 "$FLLM" run --device emu --bits 8 --group 64 -n 8 --seed 3
expect_in "$TMP/err" "q<=8 g=64"

# quantize the synthetic model into a package: report on stdout, progress on stderr
expect_rc 0 "$FLLM" quantize -o "$TMP/syn.fllm" --bits 4 --group 32
expect_in "$TMP/out" "blk.1.ffn_down.weight"
expect_in "$TMP/out" "15 matrices"
expect_in "$TMP/err" "15/15"
expect_in "$TMP/err" "wrote $TMP/syn.fllm"
[ -f "$TMP/syn.fllm.part" ] && fail "a .part file was left behind"
# the package runs on the card exactly as the on-the-fly quantization did
expect_rc 0 "$FLLM" run -m "$TMP/syn.fllm" --device emu -n 32 --seed 3
cmp -s "$TMP/out" "$TMP/card1" || fail "the package's text differs from on-the-fly"
expect_in "$TMP/err" "quantized in 0.0 ms"
# and on the CPU (its dequantized weights in fp32)
expect_rc 0 "$FLLM" run -m "$TMP/syn.fllm" -n 4 --seed 3
expect_rc 2 "$FLLM" run -m "$TMP/syn.fllm" --device emu --bits 8 -n 1
expect_in "$TMP/err" "differ from the package's quantization"

# card memory smaller than the whole model: the layer scheduler places the
# layers (resident, streamed or on the host) and the text stays the same
for mem in 370K 300K; do
	expect_rc 0 "$FLLM" run -m "$TMP/syn.fllm" --device emu -n 32 --seed 3 --card-mem $mem
	cmp -s "$TMP/out" "$TMP/card1" || fail "--card-mem $mem changed the card's text"
	expect_in "$TMP/err" "of 3 units resident"
	expect_in "$TMP/err" "plan predicts"
done
expect_rc 2 "$FLLM" run -m "$TMP/syn.fllm" --device emu -n 1 --card-mem 10K
expect_in "$TMP/err" "--card-mem 10240: too small"

# layers on the host (mixed plans): the same text, however many are on the card
for n in 1 0; do
	expect_rc 0 "$FLLM" run -m "$TMP/syn.fllm" --device emu -n 32 --seed 3 --card-layers $n
	cmp -s "$TMP/out" "$TMP/card1" || fail "--card-layers $n changed the card's text"
done
expect_in "$TMP/err" "0 of 3 units resident (0.00 MiB), 0 streamed each step, 3 on the host"
expect_rc 2 "$FLLM" run -m "$TMP/syn.fllm" --device emu -n 1 --card-layers 3
expect_in "$TMP/err" "the model has 2 layers"

# a random package of a given shape: reads back, runs identically on card and cpu-q
expect_rc 0 "$FLLM" quantize --random 128:384:3:4:2:300 --bits 3 --group 64 --seed 7 \
	-o "$TMP/rnd.fllm"
expect_in "$TMP/out" "22 matrices"
expect_in "$TMP/out" "bcq"
expect_rc 0 "$FLLM" run -m "$TMP/rnd.fllm" --device emu -n 16 --temp 0 -p "ab"
cp "$TMP/out" "$TMP/rnd_card"
expect_rc 0 "$FLLM" run -m "$TMP/rnd.fllm" --device cpu-q -n 16 --temp 0 -p "ab"
cmp -s "$TMP/out" "$TMP/rnd_card" || fail "random package: cpu-q text differs from the card's"
expect_rc 0 "$FLLM" quantize --random 128:384:3:4:2:300 --bits 3 --group 64 --seed 7 \
	-o "$TMP/rnd2.fllm"
cmp -s "$TMP/rnd.fllm" "$TMP/rnd2.fllm" || fail "same seed, different random package"
expect_rc 2 "$FLLM" quantize --random 128:384:3 -o "$TMP/x.fllm"
expect_in "$TMP/err" "expected llama2-7b"
expect_rc 2 "$FLLM" quantize --random llama2-7b -m "$TMP/syn.fllm" -o "$TMP/x.fllm"
expect_in "$TMP/err" "leave out -m"
expect_rc 1 "$FLLM" quantize --random 128:384:3:5:5:300 -o "$TMP/x.fllm"
expect_in "$TMP/err" "does not divide"
expect_rc 1 "$FLLM" quantize --random 128:384:3:4:2:100 -o "$TMP/x.fllm"
expect_in "$TMP/err" "at least 259"

# eval: JSON with the issue's keys
expect_rc 0 "$FLLM" eval -f "$story" --max-tokens 40 --json
for key in ppl_fp32 ppl_quant top1_agreement kl_mean tokens; do
	expect_in "$TMP/out" "\"$key\""
done
expect_in "$TMP/out" '"tokens": 39'
expect_rc 0 "$FLLM" eval -m "$TMP/syn.fllm" -f "$story" --max-tokens 20
expect_in "$TMP/out" "top-1 agreement"
expect_in "$TMP/err" "a package holds no fp32 weights"

# refusals
expect_rc 2 "$FLLM" quantize --bits 4
expect_in "$TMP/err" "-o OUT.fllm is required"
expect_rc 2 "$FLLM" quantize -o "$TMP/x.fllm" --group 48
expect_in "$TMP/err" "--group: 48 is not one of"
expect_rc 2 "$FLLM" quantize -o "$TMP/x.fllm" --bits 9
expect_rc 1 "$FLLM" quantize -m "$TMP/syn.fllm" -o "$TMP/x.fllm"
expect_in "$TMP/err" "is already a package"
expect_rc 1 "$FLLM" quantize -o /nonexistent-dir/x.fllm
expect_in "$TMP/err" "cannot create"
expect_rc 2 "$FLLM" eval --max-tokens 4
expect_in "$TMP/err" "-f TEXT is required"
expect_rc 2 "$FLLM" eval -f "$story" --device cpu
expect_in "$TMP/err" "is not a card"
expect_rc 1 "$FLLM" eval -f "$TMP/absent.txt"
expect_in "$TMP/err" "$TMP/absent.txt: No such file or directory"
expect_rc 3 "$FLLM" eval -f "$story" --device emu:5 --max-tokens 4

# a damaged package: refused with the section named, exit 1
cp "$TMP/syn.fllm" "$TMP/bad.fllm"
printf 'X' | dd of="$TMP/bad.fllm" bs=1 seek=5000 conv=notrunc 2>/dev/null
expect_rc 1 "$FLLM" run -m "$TMP/bad.fllm" --device emu -n 1
expect_in "$TMP/err" "checksum mismatch"
head -c 1000 "$TMP/syn.fllm" >"$TMP/short.fllm"
expect_rc 1 "$FLLM" run -m "$TMP/short.fllm" -n 1
expect_in "$TMP/err" "truncated"
finish
