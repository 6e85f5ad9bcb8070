# Vitis HLS flow of the LUT-GEMM kernel: C simulation with the testbench,
# synthesis, and RTL co-simulation with the same testbench.
#
#   vitis_hls -f hls_lutgemm.tcl -tclargs <csim|csynth|cosim> [part] [MHz]
#
# csim runs tb_lutgemm.c against the C kernel; cosim runs it against the
# synthesized RTL (the m_axi depth pragmas match the testbench's 256 KiB
# card memory). Not run here: see docs/hls.md.

set step [lindex $argv 0]
set part [expr {[llength $argv] > 1 ? [lindex $argv 1] : "xcu280-fsvh2892-2L-e"}]
set mhz [expr {[llength $argv] > 2 ? [lindex $argv 2] : 300}]
if {[lsearch -exact {csim csynth cosim} $step] < 0} {
	puts "usage: vitis_hls -f hls_lutgemm.tcl -tclargs <csim|csynth|cosim> \[part\] \[MHz\]"
	exit 1
}

set here [file dirname [file normalize [info script]]]
set top [file normalize $here/../..]
set cflags "-I$top/hls/include -I$top/hls -I$top/card/include -I$here"
set tbflags "$cflags -I$top/tests/lutgemm -I$top/runtime/cardpack"

open_project -reset build/hls_lutgemm
set_top fllm_lutgemm_krnl
add_files $here/fllm_lutgemm_krnl.c -cflags $cflags
add_files $top/hls/lutgemm.c -cflags $cflags
add_files $top/hls/lutgemm_params.c -cflags $cflags
# host-side code used only by the testbench (the block builder is the runtime's)
add_files -tb $here/tb_lutgemm.c -cflags $tbflags
add_files -tb $top/runtime/cardpack/lutgemm_pack.c -cflags $tbflags
add_files -tb $top/tests/lutgemm/lutgemm_ref.c -cflags $tbflags

open_solution -reset sol -flow_target vitis
set_part $part
create_clock -period [expr {1000.0 / $mhz}] -name default

if {$step eq "csim"} {
	csim_design
} else {
	csynth_design
	if {$step eq "cosim"} {
		cosim_design
	}
}
exit
