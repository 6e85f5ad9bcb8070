# Helpers for the VM suites (sourced by /init, busybox sh).

# run NAME CMD...: run a test, report "FLLM-VM-TEST NAME rc=N s=SECONDS".
run() {
	name=$1
	shift
	echo "FLLM-VM-TEST-BEGIN $name"
	t0=$(cut -d' ' -f1 /proc/uptime)
	"$@"
	rc=$?
	t1=$(cut -d' ' -f1 /proc/uptime)
	echo "FLLM-VM-TEST $name rc=$rc s=$(echo "$t1 $t0" | awk '{printf "%.2f", $1 - $2}')"
	return 0
}

# load_fllm [ARGS]: insmod the driver for the ivshmem card model.
load_fllm() {
	insmod /lib/fllm.ko ivshmem=1 $FLLM_MODARGS "$@" && [ -c /dev/fllm0 ]
}

# unload_fllm: rmmod and check the device went away.
unload_fllm() {
	rmmod fllm && [ ! -e /dev/fllm0 ]
}

# expect_eq WHAT GOT WANT
expect_eq() {
	if [ "$2" != "$3" ]; then
		echo "$1: got '$2', expected '$3'"
		return 1
	fi
}

# sysfs value of the first card
card_attr() {
	cat "/sys/class/fllm/fllm0/$1"
}
