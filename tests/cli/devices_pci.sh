#!/bin/sh
# fllm devices shows a PCIe card found through libpci (a dump fixture stands
# in for the bus): its IDs, slot and current/maximum link.
. "$(dirname "$0")/lib.sh"
DATA=$(cd "$(dirname "$0")/data" && pwd)

FLLM_PCI_ACCESS="dump:$DATA/alveo-u280.dump"
export FLLM_PCI_ACCESS

expect_rc 0 "$FLLM" devices
expect_in "$TMP/out" "10ee:500c"
expect_in "$TMP/out" "0000:65:00.0"
expect_in "$TMP/out" "8.0 GT/s x8 (max 8.0 GT/s x16)"
expect_in "$TMP/out" "emu:0"

expect_rc 0 "$FLLM" devices --json
expect_in "$TMP/out" '"vendor_id": "10ee"'
expect_in "$TMP/out" '"device_id": "500c"'
expect_in "$TMP/out" '"bdf": "0000:65:00.0"'
expect_in "$TMP/out" '"link_width_cur": 8'
expect_in "$TMP/out" '"link_width_max": 16'
expect_in "$TMP/out" '"link_gen_max": 3'
finish
