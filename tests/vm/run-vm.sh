#!/bin/sh
# The VM rig: boot Debian's cloud kernel under QEMU (TCG) with fllm.ko and a
# card model (fllm-card-vm) attached through ivshmem, run one suite of tests
# inside, and judge it from the serial log. docs/vm-rig.md explains it.
#
# usage: tests/vm/run-vm.sh --build DIR --suite NAME [--timeout SEC] [--keep]
#                           [--ram MiB] [--card-mem SIZE] [--card-channels N]
#                           [--modargs "k=v ..."]
# Exit: 0 passed, 1 failed, 77 skipped (QEMU, kernel or headers missing).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build= suite= tmo=300 keep=0 ram=512 card_mem=1G card_channels=8 modargs=

die() { echo "run-vm: $*" >&2; exit 1; }
skip() { echo "run-vm: SKIP: $*"; exit 77; }

while [ $# -gt 0 ]; do
	case "$1" in
	--build) build=$2; shift 2 ;;
	--suite) suite=$2; shift 2 ;;
	--timeout) tmo=$2; shift 2 ;;
	--keep) keep=1; shift ;;
	--ram) ram=$2; shift 2 ;;
	--card-mem) card_mem=$2; shift 2 ;;
	--card-channels) card_channels=$2; shift 2 ;;
	--modargs) modargs=$2; shift 2 ;;
	*) die "unknown argument '$1'" ;;
	esac
done
[ -n "$build" ] && [ -n "$suite" ] || die "--build and --suite are required"
build=$(cd "$build" && pwd)
[ -f "$here/suites/$suite.sh" ] || die "no suite '$suite' in $here/suites"
case "$ram" in *[!0-9]*) die "--ram takes MiB" ;; esac
[ "$ram" -le 2048 ] || die "--ram above 2048 MiB breaks bus address == file offset"

# ---- what the host needs (tools/install-deps.sh --test installs it all) ----
qemu=$(command -v qemu-system-x86_64 || true)
[ -n "$qemu" ] || skip "qemu-system-x86_64 not installed (apt-get install qemu-system-x86)"
for t in cpio gzip timeout ldd make; do
	command -v "$t" >/dev/null || skip "$t not installed"
done
[ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1 ||
	skip "a static /bin/busybox is needed (apt-get install busybox-static)"
# the newest cloud kernel in /boot, with headers of the same release
kver=
for k in $(ls -1 /boot 2>/dev/null | sed -n 's/^vmlinuz-\(.*-cloud-amd64\)$/\1/p' | sort -V); do
	[ -d "/lib/modules/$k/build" ] && kver=$k
done
[ -n "$kver" ] || skip "no /boot/vmlinuz-*-cloud-amd64 with matching /lib/modules/*/build" \
	"(apt-get install linux-image-cloud-amd64 linux-headers-cloud-amd64, in one call)"
[ -r "/boot/vmlinuz-$kver" ] || skip "/boot/vmlinuz-$kver is not readable"
card_vm=$build/bin/fllm-card-vm
[ -x "$card_vm" ] || die "$card_vm missing: build the fllm_card_vm target"

work=$(mktemp -d "${TMPDIR:-/tmp}/fllm-vm.XXXXXX")
ramfile=/dev/shm/fllm-vm-$$-ram
model_pid=
cleanup() {
	[ -n "$model_pid" ] && kill "$model_pid" 2>/dev/null || true
	rm -f "$ramfile"
	[ "$keep" -eq 1 ] && echo "run-vm: kept $work" || rm -rf "$work"
}
trap cleanup EXIT INT TERM

t0=$(date +%s.%N)
elapsed() { echo "$(date +%s.%N) $t0" | awk '{printf "%.1f", $1 - $2}'; }

# ---- the module, built out of tree in a copy of driver/ ----
mkdir -p "$work/kbuild"
cp -r "$src/driver/"*.c "$src/driver/"*.h "$src/driver/Kbuild" "$src/driver/include" "$work/kbuild/"
mkdir -p "$work/kbuild/card" && cp -r "$src/card/include" "$work/kbuild/card/"
make -s -C "/lib/modules/$kver/build" M="$work/kbuild" W=1 modules >"$work/kbuild.log" 2>&1 ||
	{ cat "$work/kbuild.log"; die "module build failed"; }
if grep -q 'warning:' "$work/kbuild.log"; then
	cat "$work/kbuild.log"
	die "module build has warnings"
fi

# ---- the initramfs: busybox, the module, test programs and their libraries ----
root=$work/root
mkdir -p "$root/bin" "$root/lib" "$root/proc" "$root/sys" "$root/dev" "$root/tmp" \
	"$root/suites" "$root/etc"
cp /bin/busybox "$root/bin/busybox"
cp "$work/kbuild/fllm.ko" "$root/lib/fllm.ko"
cp "$here/suites/"*.sh "$root/suites/"
cp "$here/init.sh" "$root/init"
chmod +x "$root/init"
# programs keep their build paths so their RPATH to libfllm still resolves
copy_with_libs() {
	mkdir -p "$root$(dirname "$1")"
	cp "$1" "$root$1"
	ldd "$1" 2>/dev/null | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) .*/\1/p' |
	while read -r lib; do
		[ -e "$root$lib" ] && continue
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}
progs=
for p in fllm test_device test_bo test_cmdlist test_kmd_uapi test_kmd_ioctl test_kmd_backend \
	test_kmd_units kmd_fuzz kmd_stress bench_kmd bench_dma; do
	if [ -x "$build/bin/$p" ]; then
		copy_with_libs "$build/bin/$p"
		progs="$progs $p"
	fi
done
echo "$build/bin" >"$root/etc/fllm-bin"
# a suite's host side (suites/NAME.host) adds its files, or SKIPs
[ -f "$here/suites/$suite.host" ] && . "$here/suites/$suite.host"
(cd "$root" && find . | cpio -o -H newc 2>/dev/null | gzip -1) >"$work/initramfs.gz"
echo "run-vm: kernel $kver, module and initramfs ($(du -k "$work/initramfs.gz" | cut -f1) KiB)" \
	"ready in $(elapsed) s; programs:$progs"

# ---- the card model, then QEMU ----
sock=$work/card.sock
timeout "$((tmo + 30))" "$card_vm" --socket "$sock" --ram "$ramfile" --ram-size "${ram}M" \
	--mem "$card_mem" --channels "$card_channels" >"$work/model.log" 2>&1 &
model_pid=$!
i=0
while [ ! -S "$sock" ]; do
	i=$((i + 1))
	[ $i -lt 100 ] || { cat "$work/model.log"; die "the card model did not start"; }
	kill -0 "$model_pid" 2>/dev/null || { cat "$work/model.log"; die "the card model exited"; }
	sleep 0.05
done

args="console=ttyS0 loglevel=4 panic=-1 fllm_suite=$suite"
[ -n "$modargs" ] && args="$args fllm_modargs=$(echo "$modargs" | tr ' ' ',')"
set +e
timeout "$tmo" "$qemu" -accel tcg -M q35,memory-backend=ram -cpu max -smp 1 -m "${ram}M" \
	-object "memory-backend-file,id=ram,share=on,mem-path=$ramfile,size=${ram}M" \
	-chardev "socket,path=$sock,id=ivsh" -device ivshmem-doorbell,chardev=ivsh,vectors=4 \
	-kernel "/boot/vmlinuz-$kver" -initrd "$work/initramfs.gz" -append "$args" \
	-display none -monitor none -serial "file:$work/serial.log" -no-reboot \
	>"$work/qemu.log" 2>&1
qrc=$?
set -e
wait "$model_pid" 2>/dev/null || true
model_pid=
log=$work/serial.log
tr -d "\r\000" <"$log" >"$log.txt" 2>/dev/null || : >"$log.txt"
echo "run-vm: QEMU exited with $qrc after $(elapsed) s"

# ---- the verdict, from the serial log ----
fail=0
cat "$log.txt"
echo "---- card model ----"
cat "$work/model.log"
if [ "$qrc" -eq 124 ]; then
	echo "run-vm: FAIL: QEMU ran past ${tmo} s"
	fail=1
elif [ "$qrc" -ne 0 ]; then
	cat "$work/qemu.log"
	echo "run-vm: FAIL: QEMU exited with $qrc"
	fail=1
fi
grep -aq '^FLLM-VM-DONE' "$log.txt" || { echo "run-vm: FAIL: the suite did not finish"; fail=1; }
grep -a '^FLLM-VM-TEST .* rc=' "$log.txt" >"$work/results" || true
[ -s "$work/results" ] || { echo "run-vm: FAIL: no test results"; fail=1; }
if grep -v ' rc=0 ' "$work/results" | grep -v ' rc=77 ' >"$work/failed"; then
	echo "run-vm: FAIL: tests failed:"
	cat "$work/failed"
	fail=1
fi
# any kernel complaint fails the run, whatever the tests said
if sed -n '/^FLLM-VM-DMESG-BEGIN/,/^FLLM-VM-DMESG-END/p' "$log.txt" | grep -aE \
	'WARNING:|BUG:|Oops|general protection|Kernel panic|Call Trace|UBSAN|KASAN|kmemleak|list_(add|del) corruption|refcount_t|blocked for more than|leaked' \
	>"$work/kernel-complaints"; then
	echo "run-vm: FAIL: the kernel log has complaints:"
	cat "$work/kernel-complaints"
	fail=1
fi
grep -aq '^FLLM-VM-DMESG-END' "$log.txt" || { echo "run-vm: FAIL: no kernel log captured"; fail=1; }
passed=$(grep -c ' rc=0 ' "$work/results" || true)
skipped=$(grep -c ' rc=77 ' "$work/results" || true)
echo "run-vm: suite $suite: $passed passed, $skipped skipped, $(elapsed) s in all"
[ "$fail" -eq 0 ] && echo "run-vm: PASS" || echo "run-vm: FAIL"
exit "$fail"
