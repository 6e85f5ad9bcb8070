#!/bin/sh
# fllm devices on a fake sysfs tree, the PCI access method that also carries
# BAR sizes, the NUMA node and the bound driver (a dump has none of these).
# The tree is built here: config space from the dump fixture, BARs from
# data/alveo-u280.resource (BAR0 16 MiB, BAR2 128 KiB).
. "$(dirname "$0")/lib.sh"
DATA=$(cd "$(dirname "$0")/data" && pwd)
DEV="$TMP/sys/devices/0000:65:00.0"

mkdir -p "$DEV" "$TMP/sys/bus/pci/drivers/xdma"
# hex lines "NN: xx xx ..." of the dump -> 256 bytes of binary config space
LC_ALL=C awk '
function hex(s) {
	return (index("0123456789abcdef", substr(s, 1, 1)) - 1) * 16 + \
	       index("0123456789abcdef", substr(s, 2, 1)) - 1
}
/^[0-9a-f][0-9a-f]: / { for (i = 2; i <= NF; i++) printf "%c", hex($i) }
' "$DATA/alveo-u280.dump" >"$DEV/config"
cp "$DATA/alveo-u280.resource" "$DEV/resource"
echo 0x10ee >"$DEV/vendor"
echo 0x500c >"$DEV/device"
echo 0x120000 >"$DEV/class"
echo 0 >"$DEV/irq"
echo 1 >"$DEV/numa_node"
ln -s ../../bus/pci/drivers/xdma "$DEV/driver"

size=$(wc -c <"$DEV/config")
[ "$size" -eq 256 ] || fail "config space is $size bytes, expected 256"

FLLM_PCI_ACCESS="sysfs:$TMP/sys"
export FLLM_PCI_ACCESS
expect_rc 0 "$FLLM" devices
expect_in "$TMP/out" "10ee:500c"
expect_in "$TMP/out" "8.0 GT/s x8 (max 8.0 GT/s x16)"
expect_in "$TMP/out" "BAR0 16 MiB"
expect_in "$TMP/out" "BAR2 128 KiB"
expect_in "$TMP/out" "numa node  1"
expect_in "$TMP/out" "driver     xdma"

expect_rc 0 "$FLLM" devices --json
expect_in "$TMP/out" '"bar_sizes": ['
expect_in "$TMP/out" '16777216'
expect_in "$TMP/out" '"numa_node": 1'
expect_in "$TMP/out" '"driver": "xdma"'

# opening: another driver and no driver are refused with the driver to load;
# a card bound to fllm.ko is opened through its node /dev/fllmN (kmd backend),
# here FLLM_KMD_DEV_DIR with no such node
expect_rc 3 "$FLLM" examine pci:0000:65:00.0
expect_in "$TMP/err" "not supported"
expect_in "$TMP/err" "modprobe fllm"
rm "$DEV/driver"
expect_rc 0 "$FLLM" devices
expect_in "$TMP/out" "no driver: modprobe fllm"
mkdir -p "$TMP/sys/bus/pci/drivers/fllm" "$DEV/fllm/fllm7" "$TMP/dev"
ln -s ../../bus/pci/drivers/fllm "$DEV/driver"
expect_rc 0 "$FLLM" devices
expect_in "$TMP/out" "bound to fllm.ko"
FLLM_KMD_DEV_DIR=$TMP/dev
export FLLM_KMD_DEV_DIR
expect_rc 3 "$FLLM" examine pci:0000:65:00.0
expect_in "$TMP/err" "no such device"
finish
