#!/bin/sh
# Check that $2 is a 32-bit RISC-V ELF with a non-empty .text ($1 = readelf).
set -e
readelf=$1
elf=$2
hdr=$("$readelf" -h "$elf")
echo "$hdr" | grep -q 'Class:[[:space:]]*ELF32' || { echo "$elf: not ELF32"; exit 1; }
echo "$hdr" | grep -q 'Machine:[[:space:]]*RISC-V' || { echo "$elf: not RISC-V"; exit 1; }
size=$("$readelf" -S -W "$elf" | sed 's/^ *\[ *[0-9]*\] *//' | awk '$1 == ".text" { print $5 }')
[ -n "$size" ] && [ $((0x$size)) -gt 0 ] || { echo "$elf: empty or missing .text"; exit 1; }
echo "$elf: ELF32 RISC-V, .text size 0x$size"
