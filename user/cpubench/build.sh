#!/bin/sh
# build.sh OUTDIR: build every CPU benchmark workload into OUTDIR, one static
# riscv64 binary per user/cpubench/*.c, with exactly the documented command.
set -eu
if [ $# -ne 1 ]; then
	echo "usage: $0 OUTDIR" >&2
	exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
rt=$(cd "$here/../rt/src" && pwd)
mkdir -p "$1"
out=$(cd "$1" && pwd)
cd "$here"
for src in sha256 crc32 qsort hashtable intloop fploop memops; do
	riscv64-linux-gnu-gcc -static -nostdlib -nostartfiles -ffreestanding -fno-builtin -O2 -march=rv64gc -mabi=lp64d -I"$rt" "$rt/start.S" "src/$src.c" -lgcc -o "$out/$src"
done
