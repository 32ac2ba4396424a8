#!/bin/sh
# measure.sh BINDIR [scale]: for each workload built by ../build.sh into
# BINDIR, print its output, its guest instruction count under qemu-riscv64
# (with the insncount.c plugin, built here with the host gcc) and the best
# of three qemu-riscv64 wall times. Runs one qemu at a time.
set -eu
if [ $# -lt 1 ]; then
	echo "usage: $0 BINDIR [scale]" >&2
	exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
bin=$(cd "$1" && pwd)
scale=${2:-1}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
gcc -O2 -shared -fPIC -o "$tmp/libinsncount.so" "$here/insncount.c"
for w in sha256 crc32 qsort hashtable intloop fploop memops; do
	out=$(qemu-riscv64 -plugin "$tmp/libinsncount.so" -d plugin -D "$tmp/log" "$bin/$w" "$scale")
	insns=$(sed -n 's/^insns: //p' "$tmp/log")
	best=
	for i in 1 2 3; do
		t=$( { /usr/bin/time -f %e qemu-riscv64 "$bin/$w" "$scale" >/dev/null; } 2>&1 )
		if [ -z "$best" ] || awk "BEGIN { exit !($t < $best) }"; then best=$t; fi
	done
	printf '%-40s insns=%-12s qemu_best_of_3=%ss\n' "$out" "$insns" "$best"
done
