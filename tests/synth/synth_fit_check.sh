#!/bin/sh
# ctest synth_fit: every card configuration of sim/rtl/cards.conf fits its
# card with the stated headroom (tools/synth_fit.sh on the summaries the
# synth_<unit> tests wrote), and the check itself rejects configurations
# that do not fit: the same cards with all 32 engines (more than any card
# holds with the measured engine) and a card with a tenth of the LUTs.
#
#   synth_fit_check.sh OUTDIR CARD_PKG
set -eu
dir=$1 pkg=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$(dirname "$0")/synth_skip.sh"
conf=$root/sim/rtl/cards.conf
for u in engine control vector attention; do
	if [ ! -r "$dir/$u.json" ]; then
		echo "FAIL: $dir/$u.json missing (synth_$u did not write it)"
		exit 1
	fi
done
sums="$dir/engine.json $dir/control.json $dir/vector.json $dir/attention.json"
# shellcheck disable=SC2086
"$root/tools/synth_fit.sh" -c "$conf" -o "$dir/fit.json" $sums || {
	echo "FAIL: a card configuration of $conf does not fit (above)"
	exit 1
}
rc=0
sed 's/^\(card [a-z0-9]*\) [0-9]*/\1 32/' "$conf" > "$dir/all32.conf"
# shellcheck disable=SC2086
"$root/tools/synth_fit.sh" -c "$dir/all32.conf" $sums > "$dir/all32.txt" || rc=$?
if [ $rc -ne 1 ]; then
	echo "FAIL: 32 engines per card should not fit (exit $rc):"
	cat "$dir/all32.txt"
	exit 1
fi
rc=0
awk '$1 == "card" { $4 = int($4 / 10) } { print }' "$conf" > "$dir/small.conf"
# shellcheck disable=SC2086
"$root/tools/synth_fit.sh" -c "$dir/small.conf" $sums > "$dir/small.txt" || rc=$?
if [ $rc -ne 1 ] || ! grep -q "luts .*OVER" "$dir/small.txt"; then
	echo "FAIL: a card with a tenth of the LUTs should not fit (exit $rc):"
	cat "$dir/small.txt"
	exit 1
fi
echo "PASS: every configuration fits; 32 engines and a tenth of the LUTs are rejected"
