#!/bin/sh
# fllm top through the real binary (label "cli;power").
# usage: top_cli.sh FLLM CASE
#   plain:  --once and --batch frames of an emulated card, and every bad flag
#   screen: the ncurses view in a pseudo-terminal (script(1); SKIP without
#           it): q ends it and the terminal is restored
. "$(dirname "$0")/../cli/lib.sh"
CASE=$2

case $CASE in
plain)
	expect_rc 0 "$FLLM" top --once --interval 100
	cp "$TMP/out" "$TMP/frame"
	expect_in "$TMP/frame" "fllm top - emu:0 (backend emu), every 100 ms"
	expect_in "$TMP/frame" "card model's activity-based estimate, not a sensor"
	# one bar per compute unit from its busy counter (interface 1.1): an idle
	# card's units are at 0% with 0 busy cycles since reset
	for u in "cu0  test" "cu1  lutgemm" "cu2  vector" "cu3  attention"; do
		grep -q "^$u  *\[\.*\]   0\.0% busy   (0 cycles since reset)\$" "$TMP/frame" ||
			fail "no idle per-unit line for $u"
	done
	expect_in "$TMP/frame" "no cross-process view of running work"
	# an idle card model draws its static power (the interval's mean depends on
	# when the model's thread last ran)
	grep -q '^power  *37\.00 W now,  *[0-9]*\.[0-9]* W over the interval' "$TMP/frame" ||
		fail "idle power line is not 37 W now"
	grep -q '^compute   \[\.*\]   0\.0% busy$' "$TMP/frame" || fail "idle compute bar"
	if grep -q "q quits" "$TMP/frame"; then fail "plain frame offers a key"; fi
	expect_rc 0 "$FLLM" top --batch --count 3 --interval 50
	[ "$(grep -c '^fllm top - ' "$TMP/out")" -eq 3 ] || fail "--batch --count 3: not 3 frames"
	[ "$(grep -c '^cu[0-3]  ' "$TMP/out")" -eq 12 ] || fail "--batch: not 4 unit lines a frame"
	expect_rc 2 "$FLLM" top
	expect_in "$TMP/err" "not a terminal; use --once or --batch"
	expect_rc 2 "$FLLM" top --once --batch
	expect_in "$TMP/err" "--once and --batch exclude each other"
	expect_rc 2 "$FLLM" top --once --count 2
	expect_in "$TMP/err" "--count needs --batch"
	expect_rc 2 "$FLLM" top --once --interval 10
	expect_in "$TMP/err" "--interval"
	expect_rc 2 "$FLLM" top --once --interval abc
	expect_in "$TMP/err" "--interval"
	expect_rc 3 "$FLLM" top --once --device nosuch:9
	expect_in "$TMP/err" "nosuch:9"
	;;
screen)
	command -v script >/dev/null || { echo "SKIP: script(1) is not installed"; exit 77; }
	(sleep 1; printf q) | TERM=xterm timeout 20 script -qfec \
		"$FLLM top --interval 100" /dev/null >"$TMP/raw" 2>"$TMP/err"
	rc=$?
	[ "$rc" -eq 0 ] || fail "fllm top in a pseudo-terminal exited $rc"
	grep -q "fllm top - emu:0 (backend emu), every 100 ms; q quits" "$TMP/raw" ||
		fail "no screen drawn"
	# leaves the alternate screen and shows the cursor again
	grep -q "$(printf '\033\\[?1049l')" "$TMP/raw" || fail "terminal not restored"
	grep -q "$(printf '\033\\[?25h')" "$TMP/raw" || fail "cursor not shown again"
	;;
*)
	echo "unknown case $CASE" >&2
	exit 2
	;;
esac
finish
