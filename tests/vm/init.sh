#!/bin/busybox sh
# /init of the VM rig's initramfs: mount the basics, load fllm.ko for the
# card model behind ivshmem, run /suites/$fllm_suite.sh, print the kernel log
# between markers and power off. Results go to the serial console as
# "FLLM-VM-TEST <name> rc=<code> s=<seconds>" lines (see suites/lib.sh).
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
# /tmp stays on the initramfs root, which is already in memory and
# writable: a tmpfs over it would hide the programs copied there when the
# build folder is under /tmp (they keep their build paths).
chmod 1777 /tmp
echo "FLLM-VM-BOOT uptime=$(cut -d' ' -f1 /proc/uptime) suite=$fllm_suite"
FLLM_BIN=$(cat /etc/fllm-bin)
FLLM_MODARGS=$(echo "${fllm_modargs:-}" | tr ',' ' ')
export FLLM_BIN FLLM_MODARGS
. /suites/lib.sh
. "/suites/$fllm_suite.sh"
echo "FLLM-VM-DONE uptime=$(cut -d' ' -f1 /proc/uptime)"
echo "FLLM-VM-DMESG-BEGIN"
dmesg
echo "FLLM-VM-DMESG-END"
sync
poweroff -f
