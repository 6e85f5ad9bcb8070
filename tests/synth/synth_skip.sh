# Sourced by the synth tests with $pkg set: exit 77 (SKIP) unless
# FLLM_SYNTH=1 (or the test sets synth_default=1: it runs by default),
# without yosys, or without the generated fllm_card_pkg.sv (a build with
# FLLM_RTL=OFF).
if [ "${synth_default:-0}" != 1 ] && [ "${FLLM_SYNTH:-0}" != 1 ]; then
	echo "SKIP: synthesis takes minutes per unit; run with FLLM_SYNTH=1 ctest -L synth"
	exit 77
fi
if ! command -v yosys >/dev/null 2>&1; then
	echo "SKIP: yosys not installed"
	exit 77
fi
if [ ! -r "$pkg" ]; then
	echo "SKIP: $pkg missing (configure with FLLM_RTL=ON)"
	exit 77
fi
