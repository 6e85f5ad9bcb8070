#!/bin/sh
# Install the Debian 12 packages fllm needs: to build and run (default), or
# also to run the test suite (--test). docs/dependencies.md says why each one.
set -eu

usage() {
	echo "usage: tools/install-deps.sh [--test]" >&2
	exit 2
}

test_deps=0
for arg in "$@"; do
	case "$arg" in
	--test) test_deps=1 ;;
	-h | --help)
		echo "usage: tools/install-deps.sh [--test]"
		echo "Install the Debian packages to build fllm (--test: and to run its tests)."
		exit 0
		;;
	*)
		echo "install-deps.sh: unknown option '$arg'" >&2
		usage
		;;
	esac
done

if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		exec sudo -- "$0" "$@"
	fi
	echo "install-deps.sh: must run as root (and sudo is not installed)" >&2
	exit 1
fi

# build and run: compiler, CMake, libpci (PCIe discovery) and pci.ids names;
# CUnit too, because the default configuration builds the test programs
pkgs="build-essential cmake pkg-config libpci-dev pciutils pci.ids libcunit1-dev"
# zlib: crc32() for the model packages' checksums (docs/package-format.md)
pkgs="$pkgs zlib1g-dev"
# fllm serve: libmicrohttpd (the HTTP server) and Jansson (JSON requests and
# responses), docs/serve.md
pkgs="$pkgs libmicrohttpd-dev libjansson-dev"
# fllm top's live screen (docs/power.md)
pkgs="$pkgs libncurses-dev"
# fllm bench --plot draws its PNG charts with gnuplot (optional at run time;
# the plot test SKIPs without it), docs/power.md
pkgs="$pkgs gnuplot-nox"
# Verilator: builds the RTL compute units into the rtlsim backend (sim/rtl,
# docs/rtl.md; optional in CMake, FLLM_RTL follows it; needs g++, which
# build-essential brings)
pkgs="$pkgs verilator"
# XRT (libxrt-dev): the structs of <xrt/xclbin.h> for card images
# (bitstreams/, needed) and libxrt_coreutil for the XRT backend (optional in
# CMake, FLLM_XRT follows it); docs/images.md, docs/xrt.md
pkgs="$pkgs libxrt-dev"
# OpenCL platform (runtime/opencl, docs/opencl.md): the Khronos headers with
# <CL/cl_icd.h> to build libfllm_ocl, and Debian's ICD loader that opens it
# (libOpenCL, which the OpenCL tests link)
pkgs="$pkgs opencl-headers ocl-icd-opencl-dev ocl-icd-libopencl1"
# RV32 firmware cross-build (optional in CMake, installed so it is checked)
pkgs="$pkgs gcc-riscv64-unknown-elf binutils-riscv64-unknown-elf"
if [ "$test_deps" -eq 1 ]; then
	# a second compiler for warnings and sanitizers (its recommended
	# libclang-rt holds the ASan/UBSan runtimes), xmllint for the JUnit test
	pkgs="$pkgs clang libxml2-utils"
	# yosys: reads the shared RTL register block as a synthesis tool would,
	# and synthesizes the RTL units for UltraScale+ (tools/synth.sh, ctest -L synth)
	pkgs="$pkgs yosys"
	# named explicitly: its libFuzzer runtime builds the engine's fuzzers
	# (tests/fuzz, -fsanitize=fuzzer), even where recommends are off
	pkgs="$pkgs libclang-rt-14-dev"
	# the fllm serve tests talk HTTP with curl (tests/serve)
	pkgs="$pkgs curl"
	# clinfo lists the fllm OpenCL platform through the loader (tests/opencl)
	pkgs="$pkgs clinfo"
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update
# shellcheck disable=SC2086 # the list is meant to split into words
apt-get install -y $pkgs
if [ "$test_deps" -eq 1 ]; then
	# the VM rig (tests/vm, docs/vm-rig.md): QEMU, a static busybox and cpio
	# for the initramfs, and Debian's cloud kernel with the headers of the
	# same release, which is only guaranteed when both come in one call
	apt-get install -y --no-install-recommends qemu-system-x86 busybox-static cpio \
		linux-image-cloud-amd64 linux-headers-cloud-amd64
fi
