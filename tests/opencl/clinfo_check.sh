#!/bin/sh
# clinfo through the ICD loader lists the fllm platform and its emulated card.
#   clinfo_check.sh build VENDORS      the build tree's vendor folder
#   clinfo_check.sh install BUILD_DIR  `cmake --install` of the opencl
#                                      component into a temporary prefix, then
#                                      clinfo with that prefix's vendor folder
# Exit 77 (ctest SKIP) when clinfo is not installed. In sanitizer builds
# FLLM_SANITIZER_PRELOAD names the sanitizer runtime that the uninstrumented
# clinfo must load first.
set -eu
command -v clinfo >/dev/null 2>&1 || { echo "SKIP: clinfo is not installed"; exit 77; }

mode=$1
case $mode in
build)
	vendors=$2
	;;
install)
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	cmake --install "$2" --component opencl --prefix "$tmp/prefix" >"$tmp/install.log"
	vendors=$tmp/prefix/etc/OpenCL/vendors
	[ -f "$vendors/fllm.icd" ] || { echo "FAIL: no $vendors/fllm.icd"; cat "$tmp/install.log"; exit 1; }
	lib=$(cat "$vendors/fllm.icd")
	case $lib in
	"$tmp/prefix/"*) ;;
	*) echo "FAIL: fllm.icd names '$lib', not a file under the prefix"; exit 1 ;;
	esac
	[ -f "$lib" ] || { echo "FAIL: fllm.icd names '$lib', which was not installed"; exit 1; }
	;;
*)
	echo "usage: $0 build VENDORS | install BUILD_DIR" >&2
	exit 2
	;;
esac

out=${TMPDIR:-/tmp}/fllm-clinfo.$$
rc=0
env OCL_ICD_VENDORS="$vendors" FLLM_OCL_DEVICES=emu:0 \
	${FLLM_SANITIZER_PRELOAD:+LD_PRELOAD=$FLLM_SANITIZER_PRELOAD} \
	ASAN_OPTIONS=detect_leaks=0 clinfo >"$out" 2>&1 || rc=$?
status=0
if [ "$rc" -ne 0 ]; then
	echo "FAIL: clinfo exited $rc"
	status=1
fi
for want in 'Platform Name +fllm' 'Platform Extensions function suffix +FLLM' \
	'Device Name +fllm emu:0' 'Device Type +Accelerator' \
	'Built-in kernels +fllm_lutgemm;' 'Global memory size +[1-9]'; do
	if ! grep -Eq "$want" "$out"; then
		echo "FAIL: clinfo output lacks /$want/"
		status=1
	fi
done
[ "$status" -eq 0 ] || cat "$out"
rm -f "$out"
[ "$status" -eq 0 ] && echo "clinfo ($mode): fllm platform listed"
exit "$status"
