#!/bin/sh
# fllm serve with stories260K on the emulated card: greedy completions,
# whole and streamed, one at a time and 8 at once, give exactly the text of
# `fllm run --temp 0` for the same prompt, with fewer card weight bytes per
# token when batched; a stop string cuts the text where it first appears,
# streamed too (the text that might start it is held back);
# chat answers; under fllm loadtest 16 concurrent clients read at least 8
# times fewer card weight bytes per generated token than one; under a KV
# budget of one sequence, swapping keeps the texts.
# SKIP (exit 77) without the shared model files.
# usage: serve_stories.sh FLLM_BINARY SERVE_TEXT MODELS_DIR
. "$(dirname "$0")/../cli/lib.sh"
. "$(dirname "$0")/lib_serve.sh"
models=$3
if [ ! -r "$models/stories260K.bin" ] || [ ! -r "$models/tok512.bin" ]; then
	echo "SKIP: $models/stories260K.bin or tok512.bin missing"
	exit 77
fi
model="-m $models/stories260K.bin -z $models/tok512.bin"
n=40

# what fllm run prints: the prompt, then the generated text
for i in 1 2 3 4 5 6 7 8; do
	# shellcheck disable=SC2086 # the model options split into words
	"$FLLM" run $model --device emu --temp 0 -n $n -p "Once upon a time $i" \
		>"$TMP/run$i" 2>"$TMP/run.err" || fail "fllm run $i failed"
done

# shellcheck disable=SC2086
serve_start $model --max-batch 16

# matches: response NAME for prompt I is fllm run's text.
matches() {
	printf 'Once upon a time %s' "$2" >"$TMP/$1.full"
	cat "$TMP/$1.txt" >>"$TMP/$1.full"
	cmp -s "$TMP/$1.full" "$TMP/run$2" ||
		fail "$1 differs from fllm run: '$(cat "$TMP/$1.full")' / '$(cat "$TMP/run$2")'"
}

body() {
	echo "{\"prompt\":\"Once upon a time $1\",\"temperature\":0,\"max_tokens\":$n$2}"
}

weight_mark
for i in 1 2 3 4 5 6 7 8; do
	expect_status 200 one$i /v1/completions "$(body $i)"
	text one$i
	matches one$i $i
done
alone=$(weight_per_token)
expect_status 200 stream /v1/completions "$(body 1 ',"stream":true')"
text stream
matches stream 1

# 8 at once, every other one streamed
weight_mark
for i in 1 2 3 4 5 6 7 8; do
	extra=
	[ $((i % 2)) -eq 0 ] && extra=',"stream":true'
	launch all$i /v1/completions "$(body $i "$extra")"
done
wait_clients
batching_saves "$alone" "$(weight_per_token)"
all_ok all1 all2 all3 all4 all5 all6 all7 all8
for i in 1 2 3 4 5 6 7 8; do
	matches all$i $i
done

# a stop string: the greedy text up to its first appearance
stop=$(cut -c 20-23 "$TMP/one1.txt" | head -n 1)
expect_status 200 stop /v1/completions "$(body 1 ",\"stop\":[\"zzzz\",\"$stop\"]")"
text stop
[ "$(field stop choices.0.finish_reason)" = stop ] || fail "finish_reason is not stop"
len=$(wc -c <"$TMP/stop.txt")
cmp -s -n "$len" "$TMP/stop.txt" "$TMP/one1.txt" || fail "the stopped text is no prefix"
[ "$(tail -c +$((len + 1)) "$TMP/one1.txt" | head -c ${#stop})" = "$stop" ] ||
	fail "the text did not stop at '$stop': '$(cat "$TMP/stop.txt")'"
expect_status 200 stops /v1/completions "$(body 1 ",\"stop\":\"$stop\",\"stream\":true")"
text stops
same stop stops

expect_status 200 chat /v1/chat/completions \
	'{"messages":[{"role":"user","content":"Tell me a story."}],"max_tokens":20}'
text chat
[ -s "$TMP/chat.txt" ] || fail "the chat answer is empty"

# fllm loadtest, 1 client then 16: the 16 share decode steps, so the card
# reads at least 8 times fewer weight bytes per generated token
lt_run() {
	expect_rc 0 "$FLLM" loadtest --url "$URL" --clients "$1" --requests "$2" \
		--max-tokens 64 --json
	expect_in "$TMP/out" '"failed": 0'
	cp "$TMP/out" "$TMP/lt$1.json"
}
# lt_field FILE KEY: the integer part of a number in loadtest's JSON
lt_field() {
	sed -n "s/.*\"$2\": \([0-9]*\).*/\1/p" "$1"
}
lt_run 1 4
lt_run 16 64
one=$(lt_field "$TMP/lt1.json" card_weight_bytes_per_token)
many=$(lt_field "$TMP/lt16.json" card_weight_bytes_per_token)
echo "loadtest: card weight bytes per generated token: $one with 1 client, $many with 16"
[ -n "$one" ] && [ -n "$many" ] && [ "$many" -gt 0 ] || fail "loadtest gave no weight figures"
[ $((one / many)) -ge 8 ] || fail "16 clients read only $((one / many))x fewer weight bytes per token"
# and the card's own time per token falls with them: tokens per second of
# card time (the units' busy cycles, not the host's emulation) at least
# triple (measured 3.7x: the LUT-GEMMs' time per token falls about 9x with the
# weight reads; attention and the vector unit's per-row work are each
# sequence's own, which batching does not share)
cone=$(lt_field "$TMP/lt1.json" card_tokens_per_s)
cmany=$(lt_field "$TMP/lt16.json" card_tokens_per_s)
echo "loadtest: tokens per second of card time: $cone with 1 client, $cmany with 16"
[ -n "$cone" ] && [ -n "$cmany" ] && [ "$cone" -gt 0 ] || fail "loadtest gave no card-time figures"
[ $((cmany / cone)) -ge 3 ] || fail "16 clients: card-time tokens/s only $((cmany / cone))x one client's"
serve_stop

# a KV budget of one sequence (240 KiB: 32 blocks of 16 positions, as in
# cli_parallel.sh) for 4 requests of 200 tokens (13 blocks each): some swap
# to host memory and back, the texts stay fllm run's
n=200
for i in 1 2 3 4; do
	# shellcheck disable=SC2086
	"$FLLM" run $model --device emu --temp 0 -n $n -p "Once upon a time $i" \
		>"$TMP/run$i" 2>"$TMP/run.err" || fail "fllm run $i failed"
done
# shellcheck disable=SC2086
serve_start $model --max-batch 4 --kv-mem 240K
for i in 1 2 3 4; do
	launch kv$i /v1/completions "$(body $i)"
done
wait_clients
all_ok kv1 kv2 kv3 kv4
for i in 1 2 3 4; do
	matches kv$i $i
done
swaps=$(metric fllm_serve_kv_swaps_out_total)
echo "--kv-mem 240K: $swaps sequences swapped out"
[ "$swaps" -gt 0 ] || fail "no sequence was swapped under --kv-mem 240K"
serve_stop
finish
