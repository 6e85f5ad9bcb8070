#!/bin/sh
# fllm serve with the built-in synthetic model on the emulated card (no
# files needed): whole and streamed completions and chat, 8 concurrent
# requests giving the texts they give one at a time with fewer weight bytes
# per token, fllm loadtest's figures, every kind of bad request refused with
# a JSON error while the server goes on, a client leaving mid-stream or
# giving up on a whole answer (curl --max-time), bearer auth, queue
# overflow, SIGTERM (in-flight stream finished, exit 0), the ChatML template
# and bad command lines.
# usage: serve_synthetic.sh FLLM_BINARY SERVE_TEXT MODELS_DIR
. "$(dirname "$0")/../cli/lib.sh"
. "$(dirname "$0")/lib_serve.sh"

serve_start --max-batch 16
greedy='"temperature":0,"max_tokens":24'

# whole and streamed: the same greedy text
expect_status 200 whole /v1/completions "{\"prompt\":\"Hello\",$greedy}"
text whole
[ "$(field whole object)" = text_completion ] || fail "object is not text_completion"
n=$(field whole usage.completion_tokens)
[ "$n" -ge 1 ] && [ "$n" -le 24 ] || fail "usage.completion_tokens $n"
expect_status 200 stream /v1/completions "{\"prompt\":\"Hello\",$greedy,\"stream\":true}"
text stream
same whole stream
[ "$(field stream choices.0.finish_reason)" = "$(field whole choices.0.finish_reason)" ] ||
	fail "finish reasons differ"

# chat, whole and streamed
msgs='"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}]'
expect_status 200 chat /v1/chat/completions "{$msgs,$greedy}"
text chat
[ "$(field chat object)" = chat.completion ] || fail "object is not chat.completion"
[ "$(field chat choices.0.message.role)" = assistant ] || fail "role is not assistant"
expect_status 200 chats /v1/chat/completions "{$msgs,$greedy,\"stream\":true}"
text chats
same chat chats
curl -s "$URL/v1/models" >"$TMP/models"
expect_in "$TMP/models" '"id":"synthetic"'

# 8 requests one at a time, then the same 8 at once
weight_mark
for i in 1 2 3 4 5 6 7 8; do
	expect_status 200 one$i /v1/completions \
		"{\"prompt\":\"Request $i\",\"temperature\":0,\"max_tokens\":96}"
	text one$i
done
alone=$(weight_per_token)
weight_mark
for i in 1 2 3 4 5 6 7 8; do
	launch all$i /v1/completions "{\"prompt\":\"Request $i\",\"temperature\":0,\"max_tokens\":96}"
done
wait_clients
batching_saves "$alone" "$(weight_per_token)"
all_ok all1 all2 all3 all4 all5 all6 all7 all8
for i in 1 2 3 4 5 6 7 8; do
	same one$i all$i
done

# fllm loadtest against it: every request answered, its figures in JSON
expect_rc 0 "$FLLM" loadtest --url "$URL" --clients 4 --requests 8 --max-tokens 16 --json
for k in '"ok": 8' '"failed": 0' '"tokens_per_s": ' '"ttft_p99_ms": ' \
	'"card_weight_bytes_per_token": '; do
	expect_in "$TMP/out" "$k"
done
expect_rc 2 "$FLLM" loadtest --url ftp://x

# bad requests: a clear 4xx JSON error each
expect_error 400 /v1/completions '{"prompt":"x",' "malformed JSON"
expect_error 400 /v1/completions '[1,2]' "must be a JSON object"
expect_error 400 /v1/completions '{"max_tokens":4}' "'prompt' is required"
expect_error 400 /v1/completions '{"prompt":["x"]}' "'prompt' must be a string"
expect_error 400 /v1/completions '{"prompt":"x","temperature":"hot"}' \
	"'temperature' must be a number"
expect_error 400 /v1/completions '{"prompt":"x","temperature":3}' "must be in [0, 2]"
expect_error 400 /v1/completions '{"prompt":"x","max_tokens":"5"}' \
	"'max_tokens' must be an integer"
expect_error 400 /v1/completions '{"prompt":"x","max_tokens":0}' "'max_tokens' is 0"
expect_error 400 /v1/completions '{"prompt":"x","max_tokens":100000}' \
	"'max_tokens' is 100000"
expect_error 400 /v1/completions '{"prompt":"x","max_tokens":510}' "exceed the context"
expect_error 400 /v1/completions '{"prompt":"x","stream":"yes"}' "'stream' must be true"
expect_error 400 /v1/completions '{"prompt":"x","stop":[""]}' "non-empty strings"
expect_error 400 /v1/completions '{"prompt":"x","stop":["a","b","c","d","e"]}' \
	"at most 4"
expect_error 400 /v1/chat/completions '{"prompt":"x"}' "'messages' is required"
expect_error 400 /v1/chat/completions '{"messages":[{"role":"bot","content":"x"}]}' \
	"'role' must be"
long=$(head -c 600 /dev/zero | tr '\0' a)
expect_error 400 /v1/completions "{\"prompt\":\"$long\"}" "the context holds 512"
expect_error 404 /v1/nothing '{}' "unknown path"
curl -s -o "$TMP/get" -w '%{http_code}' "$URL/v1/completions" >"$TMP/get.code"
[ "$(cat "$TMP/get.code")" = 405 ] || fail "GET /v1/completions: $(cat "$TMP/get.code")"
head -c 1100000 /dev/zero | tr '\0' a >"$TMP/big"
expect_error 413 /v1/completions "@$TMP/big" "over 1 MiB"

# a client that leaves after the first chunk of a request that runs to
# max_tokens when nobody leaves: its sequence is dropped
leave='{"prompt":"Leave","max_tokens":480,"temperature":0'
expect_status 200 stay /v1/completions "$leave}"
[ "$(field stay choices.0.finish_reason)" = length ] || fail "'Leave' does not run to length"
curl -sN -H 'Content-Type: application/json' --data-binary "$leave,\"stream\":true}" \
	"$URL/v1/completions" | head -c 100 >/dev/null
i=0
while [ "$(metric fllm_serve_requests_cancelled_total)" = 0 ] && [ "$i" -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
[ "$(metric fllm_serve_requests_cancelled_total)" = 1 ] ||
	fail "the departed stream was not cancelled"

# a whole request whose client gives up (curl --max-time) is dropped as
# well, unless it ended first (480 tokens take about 0.2 s here)
c0=$(metric fllm_serve_requests_cancelled_total)
tk0=$(metric fllm_serve_tokens_generated_total)
curl -s -m 0.1 -H 'Content-Type: application/json' --data-binary "$leave}" \
	"$URL/v1/completions" >/dev/null
i=0
while [ "$(metric fllm_serve_sequences_running)" != 0 ] && [ "$i" -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
dc=$(($(metric fllm_serve_requests_cancelled_total) - c0))
dtk=$(($(metric fllm_serve_tokens_generated_total) - tk0))
echo "whole request given up by its client: $dc cancelled after $dtk of 480 tokens"
[ "$dc" -eq 1 ] || [ "$dtk" -eq 480 ] || fail "curl --max-time: $dc cancelled, $dtk tokens"
[ "$dc" -eq 0 ] || [ "$dtk" -lt 480 ] || fail "cancelled after its last token"

# still serving, same text as before
expect_status 200 again /v1/completions "{\"prompt\":\"Hello\",$greedy}"
text again
same whole again

# SIGTERM while a stream runs: it finishes, then the server exits 0
curl -sN -H 'Content-Type: application/json' --data-binary \
	'{"prompt":"Last","max_tokens":400,"temperature":0,"stream":true}' \
	"$URL/v1/completions" >"$TMP/last" &
curl_pid=$!
while [ ! -s "$TMP/last" ]; do
	sleep 0.01
done
serve_stop
wait "$curl_pid"
text last
[ "$(field last choices.0.finish_reason)" != cancelled ] || fail "the last stream was cancelled"

# bearer auth and a queue of one behind one sequence
serve_start --max-batch 1 --queue 1 --api-key sekrit
key='Authorization: Bearer sekrit'
curl -s -o /dev/null -w '%{http_code}' "$URL/health" >"$TMP/h.code"
[ "$(cat "$TMP/h.code")" = 200 ] || fail "/health needs no key, got $(cat "$TMP/h.code")"
expect_error 401 /v1/completions '{"prompt":"x"}' "API key"
[ "$(field err error.type)" = authentication_error ] || fail "401 type"
expect_status 401 wrong /v1/completions '{"prompt":"x"}' -H 'Authorization: Bearer sekrit2'
expect_status 200 right /v1/completions '{"prompt":"x","max_tokens":2}' -H "$key"
for i in 1 2 3 4 5 6; do
	launch q$i /v1/completions "$leave}" -H "$key"
done
wait_clients
n429=0
for i in 1 2 3 4 5 6; do
	case $(cat "$TMP/q$i.code") in
	200) ;;
	429)
		n429=$((n429 + 1))
		[ "$(field q$i error.type)" = rate_limit_error ] || fail "429 type"
		;;
	*) fail "queued request $i: status $(cat "$TMP/q$i.code")" ;;
	esac
done
echo "queue of one: $n429 of 6 requests refused with 429"
[ "$n429" -ge 1 ] || fail "no request was refused with a full queue"
curl -s -H "$key" "$URL/metrics" >"$TMP/metrics"
expect_in "$TMP/metrics" 'fllm_serve_requests_total{status="429"}'
expect_in "$TMP/metrics" 'fllm_serve_requests_total{status="401"} 2'
expect_in "$TMP/metrics" 'fllm_serve_kv_blocks_used 0'
serve_stop

# ChatML on request: another prompt for the same messages
serve_start --chat-template chatml
expect_status 200 chatml /v1/chat/completions "{$msgs,$greedy}"
text chatml
[ "$(field chatml usage.prompt_tokens)" != "$(field chat usage.prompt_tokens)" ] ||
	fail "chatml gave the llama2 prompt"
serve_stop
# slow and silent clients, a flood of connections: with --timeout 1 a client
# that sends half a request and goes quiet is closed, and with --max-conns 8
# forty idle connections neither crash the server nor keep it from serving
# once the timeout has closed them (bash for /dev/tcp)
serve_start --timeout 1 --max-conns 8
port=${URL##*:}
bash -c 'exec 3<>/dev/tcp/127.0.0.1/'"$port"'
printf "POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n{\"pro" >&3
sleep 3
# the server has closed it: reading ends at once (empty, or its error reply)
timeout 2 cat <&3 >/dev/null' || fail "a silent half-sent request was not closed"
bash -c 'for i in $(seq 3 42); do eval "exec $i<>/dev/tcp/127.0.0.1/'"$port"'" 2>/dev/null; done
sleep 2.5
curl -s -o /dev/null -w "%{http_code}" -H "Content-Type: application/json" \
	--data-binary "{\"prompt\":\"x\",\"max_tokens\":2}" '"$URL"'/v1/completions' \
	>"$TMP/flood.code"
kill -0 "$SRV_PID" || fail "the server died under a flood of connections"
[ "$(cat "$TMP/flood.code")" = 200 ] ||
	fail "after a flood of idle connections: status $(cat "$TMP/flood.code")"
serve_stop

# --chat-template auto (the default) recognises a GGUF model's own template
GGUF_CHAT=$4
"$GGUF_CHAT" "$TMP/chatml.gguf" "{% for m in messages %}<|im_start|>{{ m.role }}" ||
	fail "gguf_chat failed"
"$GGUF_CHAT" "$TMP/inst.gguf" "{{ bos_token }}[INST] {{ m.content }} [/INST]" ||
	fail "gguf_chat failed"
serve_start -m "$TMP/chatml.gguf"
expect_in "$TMP/srv.err" "chat template chatml (the model's chat template is ChatML)"
# (the test model's context is 64 positions: a short chat, 4 new tokens)
short='"messages":[{"role":"user","content":"Hi"}],"temperature":0,"max_tokens":4'
expect_status 200 auto /v1/chat/completions "{$short}"
serve_stop
serve_start -m "$TMP/chatml.gguf" --chat-template chatml
expect_status 200 forced /v1/chat/completions "{$short}"
serve_stop
[ "$(field auto usage.prompt_tokens)" = "$(field forced usage.prompt_tokens)" ] ||
	fail "auto did not give the ChatML prompt"
serve_start -m "$TMP/inst.gguf"
expect_in "$TMP/srv.err" "chat template llama2 (the model's chat template is Llama-2's)"
expect_status 200 inst /v1/chat/completions "{$short}"
serve_stop
[ "$(field inst usage.prompt_tokens)" != "$(field auto usage.prompt_tokens)" ] ||
	fail "the Llama-2 template gave the ChatML prompt"

expect_rc 2 "$FLLM" serve --chat-template nope
expect_in "$TMP/err" "not auto, llama2 or chatml"
expect_rc 1 "$FLLM" serve --port 0 --host nowhere
expect_in "$TMP/err" "not an IPv4 or IPv6 address"
finish
