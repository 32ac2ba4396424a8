#!/bin/sh
# run-qemu.sh: build every differential test program in this directory with
# the same commands as the Go harness and run each under qemu-riscv64,
# printing its name, exit status, output line count and size.
#
# usage: run-qemu.sh [-o OUTDIR] [NAME...]
#
#   -o OUTDIR  keep the binaries and the outputs (NAME, NAME.out) in OUTDIR
#   NAME       only these programs (file names with or without .c/.S)
#
# It fails if a build fails, if a program dies of a signal or times out,
# or if rvc.S's disassembly lacks one of the compressed forms it must
# contain. Environment: CC (riscv64-linux-gnu-gcc), QEMU (qemu-riscv64),
# OBJDUMP (riscv64-linux-gnu-objdump), RT (the directory holding the
# runtime's start.S and rt.h; default user/rt/src, or user/rt).
set -u

here=$(cd "$(dirname "$0")" && pwd)
# The runtime (start.S, rt.h): $RT, else user/rt/src or user/rt.
root=$(cd "$here/../../../.." && pwd)
if [ -n "${RT:-}" ]; then
	rt=$RT
elif [ -f "$root/user/rt/src/start.S" ]; then
	rt=$root/user/rt/src
else
	rt=$root/user/rt
fi
if [ ! -f "$rt/start.S" ] || [ ! -f "$rt/rt.h" ]; then
	echo "run-qemu.sh: no start.S and rt.h in $rt (set RT)" >&2
	exit 1
fi
CC=${CC:-riscv64-linux-gnu-gcc}
QEMU=${QEMU:-qemu-riscv64}
OBJDUMP=${OBJDUMP:-riscv64-linux-gnu-objdump}

out=
if [ "${1:-}" = "-o" ]; then
	out=$2
	shift 2
	mkdir -p "$out"
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[ -n "$out" ] || out=$tmp

if [ $# -eq 0 ]; then
	set -- $(cd "$here" && ls *.c *.S 2>/dev/null)
fi

# Extra flags come from a first line "// build: FLAGS" or "# build: FLAGS".
extra_flags() {
	sed -n '1s/^\(\/\/\|#\) build: //p' "$1"
}

fail=0
for f in "$@"; do
	name=${f%.c}
	name=${name%.S}
	if [ -f "$here/$name.c" ]; then
		src=$here/$name.c
		set -- -static -nostdlib -nostartfiles -ffreestanding -fno-builtin -O2 \
			-march=rv64gc_zba_zbb_zbs -mabi=lp64d -I"$rt" "$rt/start.S" "$src" -lgcc
	elif [ -f "$here/$name.S" ]; then
		src=$here/$name.S
		set -- -static -nostdlib -nostartfiles -march=rv64gc_zba_zbb_zbs -mabi=lp64d "$src"
	else
		echo "$name: no such program" >&2
		fail=1
		continue
	fi
	# shellcheck disable=SC2046
	if ! "$CC" "$@" -o "$out/$name" $(extra_flags "$src") 2>"$out/$name.build"; then
		echo "$name: BUILD FAILED" >&2
		cat "$out/$name.build" >&2
		fail=1
		continue
	fi
	timeout 60 "$QEMU" "$out/$name" >"$out/$name.out"
	status=$?
	lines=$(wc -l <"$out/$name.out")
	bytes=$(wc -c <"$out/$name.out")
	printf '%-12s status=%-3d lines=%-6d bytes=%d\n' "$name" "$status" "$lines" "$bytes"
	if [ "$status" -ge 124 ]; then
		echo "$name: killed or timed out (status $status)" >&2
		fail=1
	fi
	if [ "$name" = rvc ]; then
		dis=$("$OBJDUMP" -d -M no-aliases "$out/$name")
		for m in c.addi4spn c.fld c.lw c.ld c.fsd c.sw c.sd c.nop c.addi \
			c.addiw c.li c.addi16sp c.lui c.srli c.srai c.andi c.sub \
			c.xor c.or c.and c.subw c.addw c.j c.beqz c.bnez c.slli \
			c.fldsp c.lwsp c.ldsp c.jr c.mv c.jalr c.add c.fsdsp \
			c.swsp c.sdsp; do
			# objdump -M no-aliases shows c.nop as "c.addi zero,0".
			pat="[[:space:]]$m[[:space:]]"
			[ "$m" = c.nop ] && pat='[[:space:]]c\.addi[[:space:]]+zero,0$'
			if ! printf '%s\n' "$dis" | grep -Eq "$pat"; then
				echo "rvc: compressed form $m missing from the disassembly" >&2
				fail=1
			fi
		done
	fi
done
exit $fail
