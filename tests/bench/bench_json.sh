#!/bin/sh
# Run a benchmark's smoke run and check its JSON output:
#   bench_json.sh BENCH [ARGS...] -- KEY...
# The run must exit 0 and print at least one object with a "bench" name;
# each KEY must appear at least once as "KEY": <number>; no value may be nan
# or inf. Exit 77 (SKIP) from the benchmark is
# passed on with its reason.
if [ $# -lt 3 ]; then
	echo "usage: bench_json.sh BENCH [ARGS...] -- KEY..." >&2
	exit 2
fi
bench=$1
shift
args=
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
	args="$args $1"
	shift
done
[ "$1" = "--" ] && shift
out=$(mktemp) || exit 1
trap 'rm -f "$out"' EXIT
# shellcheck disable=SC2086
"$bench" $args >"$out"
rc=$?
cat "$out"
if [ "$rc" -eq 77 ]; then
	exit 77
fi
if [ "$rc" -ne 0 ]; then
	echo "FAIL: $(basename "$bench") exited $rc" >&2
	exit 1
fi
failures=0
for key in "$@"; do
	if ! grep -Eq "\"$key\": -?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?[,} ]" "$out"; then
		echo "FAIL: no numeric \"$key\" in the JSON output" >&2
		failures=$((failures + 1))
	fi
done
if grep -Eqi '": -?(nan|inf)' "$out"; then
	echo "FAIL: a value is nan or inf" >&2
	failures=$((failures + 1))
fi
if ! grep -q '"bench": "' "$out"; then
	echo "FAIL: no \"bench\" object in the JSON output" >&2
	failures=$((failures + 1))
fi
if [ "$failures" -ne 0 ]; then
	echo "$failures check(s) failed" >&2
	exit 1
fi
echo "all checks passed"
