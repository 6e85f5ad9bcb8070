#!/bin/sh
# Synthesize fllm's RTL compute units with Yosys for Xilinx UltraScale+
# (synth_xilinx -family xcup) and write a machine-readable summary.
#
#   tools/synth.sh [-o OUT.json] [-p CARD_PKG.sv] [-k] [-e] [-m] [-u] UNIT...
#
# UNIT is one of: regs (common/cu_regs.sv), test (tu_top), engine (one
# LUT-GEMM engine, lg_engine), control (the LUT-GEMM control block,
# lg_ctl), lutgemm (lg_top with one engine), vector (vu_top), attention
# (at_top), tables (the LUT-GEMM table module lg_tables, for -m).
# tools/synth_fit.sh puts a card's LUT-GEMM unit together as
# ENGINES x engine + control for each configuration of sim/rtl/cards.conf. CARD_PKG is the generated fllm_card_pkg.sv (the
# build tree's sim/rtl/fllm_card_pkg.sv; default build/sim/rtl/...). -k
# keeps the Yosys logs and netlist statistics in OUT's folder. -e only
# reads and elaborates each unit (hierarchy -check), in seconds, and
# writes no summary. -m maps only the memories (synth_xilinx up to its
# map_ffram step): the summary gives per unit the block RAM and URAM cells
# and, per kind of mapping, how many memories Yosys put there
# (mem_blockram, mem_uram, mem_lutram, mem_ff), and OUT's folder gets
# UNIT.memmap.txt, one line per memory (-k not needed). -u lets Yosys put large memories in URAM288s
# (synth_xilinx -uram); without it every memory goes to block RAM or LUTs.
#
# OUT gets one JSON object: per unit its LUTs (LUT1-6, LUT-RAM and shift
# registers counted as the LUTs they occupy), FFs, BRAM36 (RAMB36E2 + half
# of each RAMB18E2), URAM (URAM288), DSPs (DSP48E2), CARRY8 cells, the
# longest combinational path in cell levels between registers, memories and
# DSPs (`ltp` over the LUT, MUXF and CARRY cells of the mapped netlist) and
# the synthesis time. docs/synthesis.md explains the numbers and what they
# do not prove (no place and route, no timing sign-off).
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
rtl=$root/sim/rtl
out=synth.json
pkg=$root/build/sim/rtl/fllm_card_pkg.sv
keep=0
elab=0
memonly=0
uramopt=""
while getopts "o:p:kemu" opt; do
	case $opt in
	o) out=$OPTARG ;;
	p) pkg=$OPTARG ;;
	k) keep=1 ;;
	e) elab=1 ;;
	m) memonly=1 ;;
	u) uramopt=-uram ;;
	*) echo "usage: $0 [-o OUT.json] [-p fllm_card_pkg.sv] [-k] [-e] [-m] [-u] UNIT..." >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
if [ $# -eq 0 ]; then
	echo "synth.sh: no unit given (regs, test, engine, control, lutgemm, vector, attention, tables)" >&2
	exit 2
fi
if ! command -v yosys >/dev/null 2>&1; then
	echo "synth.sh: yosys not found (apt-get install yosys)" >&2
	exit 3
fi
if [ ! -r "$pkg" ]; then
	echo "synth.sh: $pkg: no generated fllm_card_pkg.sv (configure the build with FLLM_RTL=ON, or give -p)" >&2
	exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/fllm-synth.XXXXXX")
trap 'rm -rf "$work"' EXIT

# count CELL in a stat -json file (0 when absent)
cells() {
	sed -n "s/^ *\"$2\": *\([0-9][0-9]*\),*$/\1/p" "$1" | tail -n 1 | grep . || echo 0
}

first=1
printf '{\n  "tool": "%s",\n  "family": "xcup",\n  "uram": %s,\n  "units": {\n' \
	"$(yosys -V | head -n 1)" "$([ -n "$uramopt" ] && echo true || echo false)" > "$work/out.json"
for unit in "$@"; do
	lg="$rtl/lutgemm/lg_pkg.sv"
	chp=""
	case $unit in
	regs) top=cu_regs; src="$rtl/common/cu_regs.sv" ;;
	test) top=tu_top; src="$rtl/common/cu_regs.sv $rtl/test/tu_top.sv" ;;
	engine)
		top=lg_engine
		src="$lg $rtl/lutgemm/lg_fifo.sv $rtl/lutgemm/lg_walk.sv $rtl/lutgemm/lg_tables.sv"
		src="$src $rtl/lutgemm/lg_engine.sv" ;;
	tables)
		top=lg_tables
		src="$lg $rtl/lutgemm/lg_tables.sv" ;;
	control)
		top=lg_ctl
		src="$lg $rtl/lutgemm/lg_ctl.sv $rtl/common/cu_regs.sv" ;;
	lutgemm)
		top=lg_top
		src="$lg $rtl/lutgemm/lg_fifo.sv $rtl/lutgemm/lg_walk.sv $rtl/lutgemm/lg_tables.sv"
		src="$src $rtl/lutgemm/lg_ctl.sv $rtl/lutgemm/lg_engine.sv $rtl/lutgemm/lg_top.sv"
		src="$src $rtl/common/cu_regs.sv"
		chp="chparam -set NE 1 lg_top;" ;;
	vector)
		top=vu_top
		src="$lg $rtl/common/cu_regs.sv $rtl/vector/vu_div.sv $rtl/vector/vu_exp2.sv"
		src="$src $rtl/vector/vu_pdiv.sv $rtl/vector/vu_top.sv" ;;
	attention)
		top=at_top
		src="$lg $rtl/common/cu_regs.sv $rtl/vector/vu_div.sv $rtl/vector/vu_exp2.sv"
		src="$src $rtl/vector/vu_pdiv.sv $rtl/attention/at_top.sv" ;;
	*) echo "synth.sh: unknown unit '$unit' (regs, test, engine, control, lutgemm, vector, attention, tables)" >&2; exit 2 ;;
	esac
	if [ $elab -eq 1 ]; then
		if ! yosys -q -l "$work/$unit.log" -p "read_verilog -sv -I$rtl/common $pkg $src; $chp
			hierarchy -check -top $top" > "$work/$unit.err" 2>&1; then
			echo "synth.sh: yosys cannot read or elaborate $unit:" >&2
			grep -i "error" "$work/$unit.log" | head -n 5 >&2
			exit 1
		fi
		echo "synth.sh: $unit ($top) reads and elaborates" >&2
		continue
	fi
	t0=$(date +%s)
	if [ $memonly -eq 1 ]; then
		if ! yosys -q -l "$work/$unit.log" -p "read_verilog -sv -I$rtl/common $pkg $src; $chp
			synth_xilinx -family xcup -top $top -flatten -noiopad $uramopt -run begin:map_ffram;
			tee -q -o $work/$unit.stat.json stat -json" > "$work/$unit.err" 2>&1; then
			echo "synth.sh: yosys failed on $unit; last lines of its log:" >&2
			tail -n 20 "$work/$unit.log" >&2
			exit 1
		fi
		t1=$(date +%s)
		s=$work/$unit.stat.json
		# memory_libmap's decisions: "mapping memory M via KIND", "using FF mapping for memory M"
		sed -n 's/^mapping memory \([^ ]*\) via \$__XILINX_\([A-Z]*\)_.*/\1 \2/p;
			s/^using FF mapping for memory \([^ ]*\)$/\1 FF/p' "$work/$unit.log" > "$work/$unit.memmap.txt"
		nk() { awk -v k="$1" '$2 == k' "$work/$unit.memmap.txt" | wc -l | tr -d ' '; }
		b36=$(cells "$s" RAMB36E2)
		b18=$(cells "$s" RAMB18E2)
		uram=$(cells "$s" URAM288)
		[ $first -eq 1 ] || printf ',\n' >> "$work/out.json"
		first=0
		printf '    "%s": {"top": "%s", "bram36": %s, "ramb36": %d, "ramb18": %d, "uram": %d, "mem_blockram": %d, "mem_uram": %d, "mem_lutram": %d, "mem_ff": %d, "seconds": %d}' \
			"$unit" "$top" "$(awk "BEGIN { printf \"%.1f\", $b36 + $b18 / 2 }")" "$b36" "$b18" \
			"$uram" "$(nk BLOCKRAM)" "$(nk URAM)" "$(nk LUTRAM)" "$(nk FF)" $((t1 - t0)) >> "$work/out.json"
		cp "$work/$unit.memmap.txt" "$(dirname "$out")/"
		[ $keep -eq 1 ] && cp "$work/$unit.log" "$work/$unit.stat.json" "$(dirname "$out")/"
		echo "synth.sh: $unit ($top) memories: ramb36 $b36 ramb18 $b18 uram $uram; block RAM $(nk BLOCKRAM), URAM $(nk URAM), LUT-RAM $(nk LUTRAM), flip-flops $(nk FF) ($((t1 - t0)) s)" >&2
		continue
	fi
	if ! yosys -q -l "$work/$unit.log" -p "read_verilog -sv -I$rtl/common $pkg $src; $chp
		synth_xilinx -family xcup -top $top -flatten -noiopad $uramopt;
		tee -q -o $work/$unit.stat.json stat -json;
		tee -q -o $work/$unit.ltp.txt ltp -noff w:* t:LUT* t:MUXF* t:CARRY*" \
		> "$work/$unit.err" 2>&1; then
		echo "synth.sh: yosys failed on $unit; last lines of its log:" >&2
		tail -n 20 "$work/$unit.log" >&2
		exit 1
	fi
	t1=$(date +%s)
	s=$work/$unit.stat.json
	luts=0
	for c in LUT1 LUT2 LUT3 LUT4 LUT5 LUT6 SRL16E SRLC32E; do
		luts=$((luts + $(cells "$s" $c)))
	done
	# distributed RAM: the LUTs each primitive occupies
	luts=$((luts + 2 * $(cells "$s" RAM32X1D) + 2 * $(cells "$s" RAM64X1D) \
		+ 4 * $(cells "$s" RAM128X1D) + 4 * $(cells "$s" RAM256X1S) \
		+ $(cells "$s" RAM32X1S) + $(cells "$s" RAM64X1S) + 2 * $(cells "$s" RAM128X1S) \
		+ 4 * $(cells "$s" RAM32M) + 4 * $(cells "$s" RAM64M) \
		+ 8 * $(cells "$s" RAM32M16) + 8 * $(cells "$s" RAM64M8)))
	ffs=0
	for c in FDRE FDSE FDCE FDPE LDCE LDPE; do
		ffs=$((ffs + $(cells "$s" $c)))
	done
	b36=$(cells "$s" RAMB36E2)
	b18=$(cells "$s" RAMB18E2)
	uram=$(cells "$s" URAM288)
	dsp=$(cells "$s" DSP48E2)
	carry=$(($(cells "$s" CARRY8) + $(cells "$s" CARRY4)))
	depth=$(sed -n 's/^Longest topological path in .* (length=\([0-9][0-9]*\)):.*/\1/p' \
		"$work/$unit.ltp.txt" | tail -n 1)
	if [ -z "$depth" ]; then
		echo "synth.sh: no ltp result for $unit" >&2
		exit 1
	fi
	# the path's last node: where the longest path ends
	endp=$(grep -E '^ +[0-9]+: ' "$work/$unit.ltp.txt" | tail -n 1 |
		sed 's/^ *[0-9]*: *//; s/ (via.*//; s/["\\]//g')
	[ $first -eq 1 ] || printf ',\n' >> "$work/out.json"
	first=0
	printf '    "%s": {"top": "%s", "luts": %d, "ffs": %d, "bram36": %s, "ramb36": %d, "ramb18": %d, "uram": %d, "dsp": %d, "carry": %d, "logic_levels": %d, "longest_path_end": "%s", "seconds": %d}' \
		"$unit" "$top" "$luts" "$ffs" "$(awk "BEGIN { printf \"%.1f\", $b36 + $b18 / 2 }")" \
		"$b36" "$b18" "$uram" "$dsp" "$carry" "$depth" "$endp" $((t1 - t0)) >> "$work/out.json"
	if [ $keep -eq 1 ]; then
		d=$(dirname "$out")
		cp "$work/$unit.log" "$work/$unit.stat.json" "$work/$unit.ltp.txt" "$d/"
	fi
	echo "synth.sh: $unit ($top): luts $luts ffs $ffs ramb36 $b36 ramb18 $b18 uram $uram dsp $dsp levels $depth ($((t1 - t0)) s)" >&2
done
[ $elab -eq 1 ] && exit 0
printf '\n  }\n}\n' >> "$work/out.json"
mv "$work/out.json" "$out"
