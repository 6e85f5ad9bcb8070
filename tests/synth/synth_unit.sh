#!/bin/sh
# ctest synth_<unit>: synthesize one RTL unit with tools/synth.sh and check
# its summary: every count is there and a number, the unit maps to real
# cells (LUTs and FFs), and its longest combinational path stays within
# the bound docs/synthesis.md states (MAX_LEVELS cells).
#
#   synth_unit.sh UNIT OUTDIR CARD_PKG MAX_LEVELS
# exits 77 (SKIP) unless FLLM_SYNTH=1, without yosys or without the
# generated package (a build with FLLM_RTL=OFF).
set -eu
unit=$1 dir=$2 pkg=$3 max=$4
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$(dirname "$0")/synth_skip.sh"
mkdir -p "$dir"
rm -f "$dir/$unit.json"
"$root/tools/synth.sh" -o "$dir/$unit.json" -p "$pkg" "$unit"
line=$(grep "^ *\"$unit\": {" "$dir/$unit.json") || {
	echo "FAIL: no '$unit' entry in $dir/$unit.json"
	exit 1
}
get() {
	v=$(echo "$line" | sed -n "s/.*\"$1\": \([0-9][0-9.]*\).*/\1/p")
	if [ -z "$v" ]; then
		echo "FAIL: $unit: no numeric '$1' in its summary: $line" >&2
		exit 1
	fi
	echo "$v"
}
luts=$(get luts) ffs=$(get ffs) b36=$(get bram36) uram=$(get uram) dsp=$(get dsp)
lv=$(get logic_levels)
echo "$unit: luts $luts ffs $ffs bram36 $b36 uram $uram dsp $dsp logic levels $lv (bound $max)"
if [ "$luts" -le 0 ] || [ "$ffs" -le 0 ]; then
	echo "FAIL: $unit mapped to no LUTs or no FFs"
	exit 1
fi
if [ "$lv" -gt "$max" ]; then
	echo "FAIL: $unit: longest path $lv cells > bound $max"
	exit 1
fi
echo "PASS"
