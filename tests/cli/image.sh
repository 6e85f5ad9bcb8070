#!/bin/sh
# fllm image create/inspect/verify and fllm program: an image written by
# create reads back in inspect (text and JSON) with the values given; verify
# and program accept it for a matching emu card and refuse other versions,
# other cards and damaged files with messages naming what differs; under
# XCL_EMULATION_MODE=noop the XRT backend loads it (when built with XRT).
. "$(dirname "$0")/lib.sh"

img=$TMP/card.xclbin
expect_rc 0 "$FLLM" image create -o "$img" --mem 1G --channels 8 --clock-khz 250000 \
	--units lutgemm,vector --timestamp 1
expect_in "$TMP/out" "interface 1.1, numerics 1, 2 units"
expect_rc 0 "$FLLM" image inspect "$img"
expect_in "$TMP/out" "1 GiB HBM in 8 channels"
expect_in "$TMP/out" "250.000 MHz"
expect_in "$TMP/out" "lutgemm    version 1"
expect_in "$TMP/out" "fllm_lutgemm_krnl:fllm_lutgemm_1"
expect_in "$TMP/out" "this build     compatible"
expect_rc 0 "$FLLM" image inspect --json "$img"
expect_in "$TMP/out" '"mem_channels": 8'
expect_in "$TMP/out" '"clock_khz": 250000'
expect_in "$TMP/out" '"compatible": true'

# the same options give the same bytes
expect_rc 0 "$FLLM" image create -o "$TMP/again.xclbin" --mem 1G --channels 8 \
	--clock-khz 250000 --units lutgemm,vector --timestamp 1
cmp -s "$img" "$TMP/again.xclbin" || fail "equal options gave different images"

# verify: versions against the build, then a device that differs and one that matches
expect_rc 0 "$FLLM" image verify "$img"
expect_in "$TMP/out" "interface 1.1 and numerics 1 match this build"
expect_rc 1 "$FLLM" image verify "$img" --device emu:0
expect_in "$TMP/err" "device clock 300000 kHz, image 250000 kHz"
expect_rc 0 "$FLLM" program emu:0 "$img"
expect_in "$TMP/out" "emu:0,mem=1073741824,channels=8,clock=250000,mbps=14375"
name=$(cat "$TMP/out")
expect_rc 0 "$FLLM" image verify "$img" --device "$name"
expect_in "$TMP/out" "units, clock and memory match"
expect_rc 0 "$FLLM" examine "$name"
expect_in "$TMP/out" "250.000 MHz"

# other versions are refused, saying which
expect_rc 0 "$FLLM" image create -o "$TMP/n2.xclbin" --numerics-version 2
expect_rc 1 "$FLLM" image verify "$TMP/n2.xclbin"
expect_in "$TMP/err" "numerics version 2, this build expects 1"
expect_rc 1 "$FLLM" program emu:0 "$TMP/n2.xclbin"
expect_in "$TMP/err" "numerics version 2, this build expects 1"
expect_rc 0 "$FLLM" image create -o "$TMP/if2.xclbin" --if-version 2.0
expect_rc 1 "$FLLM" image verify "$TMP/if2.xclbin"
expect_in "$TMP/err" "image speaks card interface 2.0, this build speaks 1.1"
expect_rc 0 "$FLLM" image inspect "$TMP/if2.xclbin"
expect_in "$TMP/out" "image speaks card interface 2.0"

# damaged files
head -c 700 "$img" >"$TMP/cut.xclbin"
expect_rc 1 "$FLLM" image inspect "$TMP/cut.xclbin"
expect_in "$TMP/err" "(truncated)"
expect_rc 1 "$FLLM" image inspect "$TMP/missing.xclbin"
expect_in "$TMP/err" "cannot open"
expect_rc 2 "$FLLM" image create -o "$TMP/x.xclbin" --units lutgemm,gpu
expect_in "$TMP/err" "unknown unit 'gpu'"
expect_rc 1 "$FLLM" program pci:0000:03:00.0 "$img"
expect_in "$TMP/err" "programming a hardware card is not supported"

# XRT noop: the backend loads the image (only in builds with the XRT backend)
if XCL_EMULATION_MODE=noop "$FLLM" devices 2>/dev/null | grep -q '^xrt:0'; then
	XCL_EMULATION_MODE=noop expect_rc 0 env -u XILINX_XRT "$FLLM" examine "xrt:0,image=$img"
	expect_in "$TMP/out" "backend xrt"
	expect_in "$TMP/out" "lutgemm    version 1"
	XCL_EMULATION_MODE=noop expect_rc 3 "$FLLM" examine "xrt:0,image=$TMP/n2.xclbin"
	expect_in "$TMP/err" "card interface version not supported"
	expect_in "$TMP/err" "xrt:N,image=FILE"
else
	echo "note: no XRT backend in this build; XRT part not run"
fi
finish
