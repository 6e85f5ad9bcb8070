# robust: the driver under abuse, each part in bounded time, the kernel log
# judged by the rig afterwards: ioctl fuzzing with a victim process, a
# process killed with DMA and commands in flight, a command that hangs (the
# card's watchdog, then the driver's job timeout and reset), unload with and
# without open files, and the card removed from the bus while open.
B=$FLLM_BIN
: "${FLLM_FUZZ_SECONDS:=20}"

# wait_bos_zero SECONDS: orphaned jobs finish and release their BOs
wait_bos_zero() {
	i=0
	while [ "$(card_attr memory/bos)" != 0 ]; do
		i=$((i + 1))
		[ $i -le $(($1 * 10)) ] || { echo "BOs left: $(card_attr memory/bos)"; return 1; }
		sleep 0.1
	done
}

quick_check() {
	"$B/fllm" validate --device kmd:0 --quick >/tmp/validate.txt 2>&1 ||
		{ cat /tmp/validate.txt; return 1; }
}

killed_in_flight() {
	"$B/kmd_stress" busy &
	pid=$!
	sleep 3
	kill -9 $pid
	wait $pid
	wait_bos_zero 10 && quick_check
}

job_timeout_reset() {
	before=$(card_attr driver_resets)
	echo 1500 >/sys/module/fllm/parameters/job_timeout_ms
	"$B/kmd_stress" hang 20
	rc=$?
	echo 30000 >/sys/module/fllm/parameters/job_timeout_ms
	[ $rc -eq 0 ] && [ "$(card_attr driver_resets)" -gt "$before" ] &&
		dmesg | grep -q 'resetting card: job timeout' && quick_check
}

unload_while_open() {
	"$B/kmd_stress" hold 30 &
	pid=$!
	sleep 1
	if rmmod fllm 2>/dev/null; then
		echo "rmmod succeeded with /dev/fllm0 open"
		return 1
	fi
	kill $pid
	wait $pid
	unload_fllm && load_fllm && quick_check
}

removed_while_open() {
	slot=$(basename "$(readlink /sys/class/fllm/fllm0/device)")
	"$B/kmd_stress" until-gone 30 &
	pid=$!
	sleep 1
	echo 1 >"/sys/bus/pci/devices/$slot/remove"
	wait $pid
	rc=$?
	[ ! -e /dev/fllm0 ] || { echo "/dev/fllm0 still there"; return 1; }
	echo 1 >/sys/bus/pci/rescan
	sleep 0.5
	[ $rc -eq 0 ] && [ -c /dev/fllm0 ] && quick_check
}

reload_cycles() {
	for i in 1 2 3; do
		unload_fllm && load_fllm || return 1
	done
	quick_check
}

run load load_fllm
run fuzz "$B/kmd_fuzz" --seconds "$FLLM_FUZZ_SECONDS" --seed 1
run fuzz_bos_freed wait_bos_zero 10
run killed_in_flight killed_in_flight
run job_timeout_reset job_timeout_reset
run unload_while_open unload_while_open
run removed_while_open removed_while_open
run reload_cycles reload_cycles
run unload unload_fllm
