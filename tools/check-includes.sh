#!/bin/sh
# The one-way arrows of docs/architecture.md, checked: every `#include "..."`
# in the tree must point into the including file's own part or into a part
# that the table below allows. A part is a folder; a file belongs to the
# longest part that is a prefix of its path; an allowed entry may also name
# a folder inside another part (hls/vitis's testbench reads one reference
# model from tests/lutgemm). A part may include its own sub-parts. An include is resolved to the
# project header whose path ends with the included name (the file's own
# folder first); names that match no project header (libc, CUnit, Verilator,
# generated headers) are not checked.
#
# usage: tools/check-includes.sh [SOURCE_DIR]   (default: the repository root)
# Exit status: 0 when every include is allowed, 1 otherwise (each offending
# line printed as FILE:LINE: PART may not include HEADER (PART)), 2 on usage.
set -eu

src=${1:-$(cd "$(dirname "$0")/.." && pwd)}
[ -d "$src/card/include" ] || {
	echo "check-includes.sh: $src is not an fllm source tree" >&2
	exit 2
}

# part                 parts it may include besides its own ("-": none)
rules='
card/include           -
hls                    card/include
hls/vitis/tb_lutgemm.c card/include hls runtime/cardpack tests/lutgemm
firmware               card/include
driver/include/uapi    -
driver                 card/include driver/include/uapi
sim                    card/include hls firmware
bitstreams             card/include
runtime/include        -
runtime/core           runtime/include card/include
runtime/quant          runtime/include runtime/core
runtime/cardpack       runtime/include card/include hls
runtime/cpu            runtime/include runtime/core runtime/cardpack card/include hls
runtime/engine         -
runtime/backends       runtime/include runtime/core runtime/cpu card/include driver/include/uapi hls sim bitstreams
runtime/engine/io      runtime/include runtime/core
runtime/engine/gguf    runtime/include runtime/core runtime/engine/io
runtime/engine/model   runtime/include runtime/core runtime/quant runtime/engine/io runtime/engine/gguf
runtime/engine/tokenizer runtime/include runtime/core runtime/engine/io runtime/engine/gguf runtime/engine/model
runtime/engine/bcq     runtime/include runtime/core runtime/quant runtime/cardpack card/include hls runtime/engine/io runtime/engine/gguf runtime/engine/model
runtime/engine/package runtime/include runtime/core runtime/quant runtime/cardpack card/include hls runtime/engine/io runtime/engine/gguf runtime/engine/model runtime/engine/tokenizer runtime/engine/bcq
runtime/engine/load    runtime/include runtime/core runtime/engine/io runtime/engine/gguf runtime/engine/model runtime/engine/package
runtime/engine/kv      runtime/include runtime/core
runtime/engine/exec    runtime/include runtime/core runtime/quant runtime/cpu runtime/cardpack card/include hls runtime/engine/io runtime/engine/gguf runtime/engine/model runtime/engine/tokenizer runtime/engine/bcq runtime/engine/package runtime/engine/kv
runtime/engine/forward runtime/include runtime/core runtime/quant runtime/cpu runtime/cardpack card/include hls runtime/engine
runtime/engine/sched   runtime/include runtime/core runtime/cpu runtime/cardpack card/include hls runtime/engine/io runtime/engine/model
runtime/opencl         runtime/include runtime/cardpack card/include hls
tools                  runtime/include card/include driver/include/uapi hls runtime/cardpack bitstreams runtime/engine/sched
bench                  runtime card/include hls sim tools
tests                  card/include driver firmware hls sim runtime tools tests bitstreams
'

cd "$src"
find card driver firmware hls sim bitstreams runtime tools bench tests \
	\( -name '*.c' -o -name '*.h' -o -name '*.cpp' -o -name '*.hpp' \) -type f |
	sort >"${TMPDIR:-/tmp}/fllm-inc.$$"
trap 'rm -f "${TMPDIR:-/tmp}/fllm-inc.$$"' EXIT

# Pass 1: the rules, then the list of files; pass 2: each file's includes.
awk -v rules="$rules" -v list="${TMPDIR:-/tmp}/fllm-inc.$$" '
function part_of(path,    p, best) {
	best = ""
	for (p in allow)
		if (index(path "/", p "/") == 1 && length(p) > length(best))
			best = p
	return best
}
function dir_of(path) {
	sub(/\/[^\/]*$/, "", path)
	return path
}
# dir/a/../b -> dir/b, dir/./b -> dir/b
function normal(path,    prev) {
	do {
		prev = path
		sub(/\/\.\//, "/", path)
		sub(/[^\/.][^\/]*\/\.\.\//, "", path)
	} while (path != prev)
	return path
}
function resolve(inc, from,    f, hit, n) {
	if (normal(dir_of(from) "/" inc) in files)
		return normal(dir_of(from) "/" inc)
	n = 0
	for (f in files)
		if (f == inc || substr(f, length(f) - length(inc)) == "/" inc) {
			hit = f
			n++
		}
	return n ? hit : ""
}
BEGIN {
	nr = split(rules, line, "\n")
	for (i = 1; i <= nr; i++) {
		nw = split(line[i], w, /[ \t]+/)
		if (nw < 2)
			continue
		allow[w[1]] = " "
		for (j = 2; j <= nw; j++)
			if (w[j] != "-")
				allow[w[1]] = allow[w[1]] w[j] " "
	}
	while ((getline f < list) > 0)
		if (f ~ /\.(h|hpp)$/)
			files[f] = 1
	close(list)
	bad = 0
	while ((getline f < list) > 0) {
		from = part_of(f)
		if (from == "") {
			printf "%s: in no part of the table\n", f
			bad++
			continue
		}
		ln = 0
		while ((getline text < f) > 0) {
			ln++
			if (text !~ /^[ \t]*#[ \t]*include[ \t]*"/)
				continue
			inc = text
			sub(/^[^"]*"/, "", inc)
			sub(/".*$/, "", inc)
			target = resolve(inc, f)
			if (target == "")
				continue
			to = part_of(target)
			if (index(to "/", from "/") == 1)
				continue
			ok = 0
			n = split(allow[from], a, " ")
			for (j = 1; j <= n; j++)
				if (index(target, a[j] "/") == 1)
					ok = 1
			if (!ok) {
				printf "%s:%d: %s may not include %s (%s)\n", f, ln, from, target, to
				bad++
			}
		}
		close(f)
	}
	if (bad) {
		printf "%d include(s) break the one-way arrows of docs/architecture.md\n", bad
		exit 1
	}
	print "includes: every part includes only what docs/architecture.md allows"
}'
