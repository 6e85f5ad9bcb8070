#!/bin/sh
# ctest synth_tables_mem: Yosys maps every one of the LUT-GEMM engine's 32
# table memories (lg_tables.sv) to block RAM (tools/synth.sh -m: memory
# mapping only, a few minutes of CPU). It fails when a change to the lookup
# makes a memory that block RAM cannot hold (a read that is not a plain
# registered word, a third port), which turns 1.5 Mbit an engine into
# flip-flops or LUT-RAM (docs/synthesis.md "Memories in block RAM").
#
#   synth_tables_mem.sh OUTDIR CARD_PKG
# runs by default; exits 77 (SKIP) without yosys or without the generated
# package (a build with FLLM_RTL=OFF).
set -eu
dir=$1 pkg=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
synth_default=1
. "$(dirname "$0")/synth_skip.sh"
mkdir -p "$dir"
rm -f "$dir/tables_mem.json" "$dir/tables.memmap.txt"
"$root/tools/synth.sh" -m -o "$dir/tables_mem.json" -p "$pkg" tables
map=$dir/tables.memmap.txt
if [ ! -r "$map" ]; then
	echo "FAIL: no memory map $map"
	exit 1
fi
# memory names are TOP.g_mem[P].mem
tabs=$(grep 'g_mem\[[0-9]*\]\.mem ' "$map" | wc -l | tr -d ' ')
inbram=$(grep 'g_mem\[[0-9]*\]\.mem BLOCKRAM$' "$map" | wc -l | tr -d ' ')
cat "$map"
echo "table memories: $tabs, in block RAM: $inbram"
if [ "$tabs" -ne 32 ]; then
	echo "FAIL: expected 32 table memories in the map, found $tabs"
	exit 1
fi
if [ "$inbram" -ne 32 ]; then
	echo "FAIL: $((32 - inbram)) table memories are not in block RAM:"
	grep 'g_mem' "$map" | grep -v 'BLOCKRAM$'
	exit 1
fi
b=$(sed -n 's/.*"bram36": \([0-9.]*\).*/\1/p' "$dir/tables_mem.json")
if [ -z "$b" ] || [ "$(echo "$b" | cut -d. -f1)" -le 0 ]; then
	echo "FAIL: no block RAM cells in $dir/tables_mem.json"
	exit 1
fi
echo "PASS: the 32 table memories map to block RAM ($b BRAM36)"
