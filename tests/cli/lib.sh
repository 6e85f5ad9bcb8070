# Shared helpers for the CLI tests (sourced by each script; POSIX sh).
# Every script gets the fllm binary as $1 and keeps scratch files in $TMP.

FLLM=$1
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failures=0

fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

# expect_rc WANT CMD...: run CMD, stdout to $TMP/out, stderr to $TMP/err, check its status.
expect_rc() {
	want=$1
	shift
	"$@" >"$TMP/out" 2>"$TMP/err"
	got=$?
	if [ "$got" -ne "$want" ]; then
		fail "'$*' exited $got, expected $want"
		sed 's/^/  stdout: /' "$TMP/out" >&2
		sed 's/^/  stderr: /' "$TMP/err" >&2
	fi
}

# expect_in FILE TEXT: FILE must contain the fixed string TEXT.
expect_in() {
	if ! grep -qF -- "$2" "$1"; then
		fail "$(basename "$1") lacks '$2'"
		sed 's/^/  | /' "$1" >&2
	fi
}

finish() {
	if [ "$failures" -ne 0 ]; then
		echo "$failures check(s) failed" >&2
		exit 1
	fi
	echo "all checks passed"
	exit 0
}
