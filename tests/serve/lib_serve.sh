# Helpers for the fllm serve tests (sourced after ../cli/lib.sh; POSIX sh).
# Every script gets the fllm binary as $1, serve_text as $2 and the models
# folder as $3. One server runs at a time: $SRV_PID, reached at $URL.
TEXT=$2
if ! command -v curl >/dev/null 2>&1; then
	echo "SKIP: curl is not installed (tools/install-deps.sh --test)"
	exit 77
fi
SRV_PID=

# The kernel picks the port (--port 0); the server prints it.
# serve_start ARGS...: start fllm serve, wait until /health answers 200.
serve_start() {
	"$FLLM" serve --port 0 "$@" >"$TMP/srv.out" 2>"$TMP/srv.err" &
	SRV_PID=$!
	port=
	i=0
	while [ "$i" -lt 600 ] && [ -z "$port" ] && kill -0 "$SRV_PID" 2>/dev/null; do
		sleep 0.1
		port=$(sed -n 's/^fllm serve: listening on .* port \([0-9]*\)$/\1/p' "$TMP/srv.err")
		i=$((i + 1))
	done
	if [ -z "$port" ]; then
		sed 's/^/  server: /' "$TMP/srv.err" >&2
		echo "FAIL: fllm serve $* did not start" >&2
		exit 1
	fi
	URL=http://127.0.0.1:$port
	until curl -sf -o /dev/null "$URL/health"; do
		sleep 0.1
	done
}

# serve_stop: SIGTERM, which must end the server with status 0.
serve_stop() {
	kill -TERM "$SRV_PID"
	wait "$SRV_PID"
	rc=$?
	[ "$rc" -eq 0 ] || fail "fllm serve exited $rc after SIGTERM"
	expect_in "$TMP/srv.err" "fllm serve: stopped"
	SRV_PID=
}
trap '[ -n "$SRV_PID" ] && kill -KILL "$SRV_PID" 2>/dev/null; rm -rf "$TMP"' EXIT

# post NAME PATH BODY [CURL_ARGS...]: the response body in $TMP/NAME, the
# status in $TMP/NAME.code.
post() {
	name=$1
	path=$2
	body=$3
	shift 3
	curl -s -o "$TMP/$name" -w '%{http_code}' -H 'Content-Type: application/json' \
		--data-binary "$body" "$@" "$URL$path" >"$TMP/$name.code"
}

# expect_status WANT NAME PATH BODY [CURL_ARGS...]
expect_status() {
	want=$1
	shift
	post "$@"
	if [ "$(cat "$TMP/$1.code")" != "$want" ]; then
		fail "POST $2 $3: status $(cat "$TMP/$1.code"), expected $want"
		sed 's/^/  | /' "$TMP/$1" >&2
		echo >&2
	fi
}

# expect_error STATUS PATH BODY MESSAGE_PART: a JSON error naming the problem.
expect_error() {
	expect_status "$1" err "$2" "$3"
	"$TEXT" field "$TMP/err" error.message >"$TMP/err.msg" || fail "no error.message"
	expect_in "$TMP/err.msg" "$4"
}

# field NAME PATH: a member of the response in $TMP/NAME.
field() {
	"$TEXT" field "$TMP/$1" "$2"
}

# text NAME: the generated text of the response in $TMP/NAME into $TMP/NAME.txt.
text() {
	"$TEXT" text "$TMP/$1" >"$TMP/$1.txt" || fail "response $1 is malformed"
}

# metric NAME: its value on /metrics (NAME with its labels, if any).
metric() {
	curl -s "$URL/metrics" | awk -v name="$1" '$1 == name { print $2 }'
}

# launch NAME PATH BODY [CURL_ARGS...]: post in the background (wait_clients).
launch() {
	post "$@" &
	pids="$pids $!"
}

# wait_clients: wait for the background clients in $pids (a bare `wait`
# would wait for the server too).
wait_clients() {
	for p in $pids; do
		wait "$p"
	done
	pids=
}

# weight_mark: note the card weight bytes and generated tokens so far;
# weight_per_token: card weight bytes per token generated since the mark.
weight_mark() {
	wb_mark=$(metric fllm_serve_card_weight_bytes_total)
	tk_mark=$(metric fllm_serve_tokens_generated_total)
}
weight_per_token() {
	wb=$(metric fllm_serve_card_weight_bytes_total)
	tk=$(metric fllm_serve_tokens_generated_total)
	echo $(((wb - wb_mark) / (tk - tk_mark)))
}

# batching_saves ALONE TOGETHER: batched requests read fewer weight bytes per token.
batching_saves() {
	echo "card weight bytes per generated token: $1 one at a time, $2 8 at once"
	[ "$2" -lt "$1" ] || fail "batching did not lower weight bytes per token"
}

# all_ok NAME...: each concurrent response NAME answered 200 and has its text.
all_ok() {
	for r in "$@"; do
		[ "$(cat "$TMP/$r.code")" = 200 ] || fail "request $r: status $(cat "$TMP/$r.code")"
		text "$r"
	done
}

# same A B: responses A and B carry the same text.
same() {
	cmp -s "$TMP/$1.txt" "$TMP/$2.txt" ||
		fail "$1 and $2 differ: '$(cat "$TMP/$1.txt")' / '$(cat "$TMP/$2.txt")'"
}
