#!/bin/sh
# Does each card configuration of sim/rtl/cards.conf fit its card?
#
#   tools/synth_fit.sh [-c cards.conf] [-o fit.json] SYNTH.json...
#
# SYNTH.json are summaries written by tools/synth.sh that together hold
# the units engine, control, vector and attention. Per card the compute
# units take
#
#   ENGINES x engine + control + vector + attention
#
# (the LUT-GEMM unit is its control block and ENGINES engines), plus the
# card's shell allowance. Every resource class (LUTs,
# FFs, BRAM36, URAM, DSPs) must stay at or below (100 - headroom)% of the
# card's. Prints a table, writes fit.json, exits 1 when a card does not
# fit, 2 on bad input.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
conf=$root/sim/rtl/cards.conf
out=""
while getopts "c:o:" opt; do
	case $opt in
	c) conf=$OPTARG ;;
	o) out=$OPTARG ;;
	*) echo "usage: $0 [-c cards.conf] [-o fit.json] SYNTH.json..." >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
if [ $# -eq 0 ]; then
	echo "synth_fit.sh: no synth.sh summary given" >&2
	exit 2
fi
for f in "$@"; do
	if [ ! -r "$f" ]; then
		echo "synth_fit.sh: $f: cannot read" >&2
		exit 2
	fi
done
if [ ! -r "$conf" ]; then
	echo "synth_fit.sh: $conf: cannot read" >&2
	exit 2
fi

# one line per unit: NAME LUTS FFS BRAM36 URAM DSP
units=$(cat "$@" | awk '
	/^ *"[a-z]+": \{"top"/ {
		name = $1; gsub(/[":]/, "", name)
		line = $0; v = ""
		n = split("luts ffs bram36 uram dsp", k, " ")
		for (i = 1; i <= n; i++) {
			if (match(line, "\"" k[i] "\": [0-9.]+") == 0) { print "BAD " name " " k[i]; next }
			x = substr(line, RSTART, RLENGTH); sub(/.*: /, "", x); v = v " " x
		}
		print name v
	}')
if echo "$units" | grep -q '^BAD'; then
	echo "synth_fit.sh: a summary lacks a count: $(echo "$units" | grep '^BAD' | head -n 1)" >&2
	exit 2
fi
for u in engine control vector attention; do
	if ! echo "$units" | grep -q "^$u "; then
		echo "synth_fit.sh: no '$u' unit in the summaries (run tools/synth.sh engine control vector attention)" >&2
		exit 2
	fi
done

printf '%s\n' "$units" | awk -v out="$out" -v conf="$conf" '
	function die(msg) { print "synth_fit.sh: " conf ": " msg > "/dev/stderr"; bad = 2; exit 2 }
	NR == FNR { for (i = 2; i <= 6; i++) u[$1, i - 1] = $i; next }
	/^#/ || NF == 0 { next }
	$1 == "headroom" {
		if ($2 !~ /^[0-9]+$/ || $2 >= 100) die("headroom must be a percentage below 100: " $2)
		head = $2; next
	}
	$1 == "card" {
		if (NF < 10) die("card line needs NAME ENGINES LUTS FFS BRAM36 URAM DSP HBM_GBPS PCS: " $0)
		for (i = 3; i <= 10; i++) if ($i !~ /^[0-9]+$/) die("card " $2 ": field " i " is not a number: " $i)
		if ($3 < 1 || $3 > $10) die("card " $2 ": engines " $3 " not in 1.." $10 " (its pseudo-channels)")
		nc++; cn[nc] = $2; eng[$2] = $3
		for (i = 1; i <= 5; i++) cap[$2, i] = $(i + 3)
		next
	}
	$1 == "shell" {
		if (NF < 7) die("shell line needs NAME LUTS FFS BRAM36 URAM DSP: " $0)
		for (i = 3; i <= 7; i++) if ($i !~ /^[0-9]+$/) die("shell " $2 ": field " i " is not a number: " $i)
		for (i = 1; i <= 5; i++) sh[$2, i] = $(i + 2)
		hs[$2] = 1; next
	}
	{ die("unknown line: " $0) }
	END {
		if (bad) exit bad
		if (head == "") die("no headroom line")
		if (nc == 0) die("no card line")
		split("luts ffs bram36 uram dsp", cls, " ")
		fail = 0
		if (out != "") printf "{\n  \"headroom_percent\": %d,\n  \"cards\": {\n", head > out
		for (c = 1; c <= nc; c++) {
			n = cn[c]
			if (!(n in hs)) die("card " n " has no shell line")
			printf "%-6s %2d engines:", n, eng[n]
			if (out != "") printf "    \"%s\": {\"engines\": %d", n, eng[n] > out
			for (i = 1; i <= 5; i++) {
				t = eng[n] * u["engine", i] + u["control", i] + \
				    u["vector", i] + u["attention", i] + sh[n, i]
				pct = cap[n, i] > 0 ? 100 * t / cap[n, i] : (t > 0 ? 1000 : 0)
				ok = pct <= 100 - head
				if (!ok) fail = 1
				printf " %s %.0f/%d (%.1f%%%s)", cls[i], t, cap[n, i], pct, (ok ? "" : " OVER")
				if (out != "") printf ", \"%s\": {\"used\": %.1f, \"of\": %d, \"percent\": %.2f}", cls[i], t, cap[n, i], pct > out
			}
			printf "\n"
			if (out != "") printf "}%s\n", (c < nc ? "," : "") > out
		}
		if (out != "") printf "  }\n}\n" > out
		exit fail
	}' /dev/stdin "$conf"
