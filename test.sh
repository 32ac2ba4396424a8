#!/bin/sh
# test.sh: run all of SOS's tests. On a fresh Debian machine with Go it
# first installs what the tests need (the riscv64 cross compiler and
# qemu-user, the reference the CPU is compared against); if it cannot, it
# says what is missing and fails. Nothing is skipped.
#
#   ./test.sh            the whole suite, with Go's standard-library tests on SOS
#   ./test.sh -short     the quick subset
set -eu
cd "$(dirname "$0")"
# The NFS and FAT tools live in sbin, which a user's PATH may lack.
export PATH="$PATH:/usr/sbin:/sbin"

need=""
command -v riscv64-linux-gnu-gcc >/dev/null 2>&1 || need="$need gcc-riscv64-linux-gnu libc6-dev-riscv64-cross"
command -v qemu-riscv64 >/dev/null 2>&1 || need="$need qemu-user"
# hexdump, the reference for the hexdump tool's output.
command -v hexdump >/dev/null 2>&1 || need="$need bsdextrautils"
command -v ganesha.nfsd >/dev/null 2>&1 || need="$need nfs-ganesha nfs-ganesha-vfs rpcbind"
command -v mkfs.fat >/dev/null 2>&1 || [ -x /usr/sbin/mkfs.fat ] || [ -x /sbin/mkfs.fat ] || need="$need dosfstools"
command -v mcopy >/dev/null 2>&1 || need="$need mtools"
command -v nfs-cp >/dev/null 2>&1 || need="$need libnfs-utils"
if [ -n "$need" ]; then
	echo "test.sh: installing$need" >&2
	if [ "$(id -u)" = 0 ]; then
		sudo=""
	elif command -v sudo >/dev/null 2>&1; then
		sudo="sudo"
	else
		echo "test.sh: need root or sudo to install:$need" >&2
		exit 1
	fi
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $need >/dev/null
fi

# The portmapper (port 111) is a machine-wide service that every NFS test
# shares: start it here, as the system would, so that no test process
# owns it and one test binary's exit cannot take it from another's
# running alongside.
if ! rpcinfo -p 127.0.0.1 >/dev/null 2>&1; then
	if [ "$(id -u)" = 0 ]; then rpcbind -w; else sudo rpcbind -w; fi
fi

unformatted=$(gofmt -l cmd internal user)
if [ -n "$unformatted" ]; then
	echo "test.sh: not gofmt'ed:" $unformatted >&2
	exit 1
fi
go vet ./...
go test "$@" ./...
# The packages where goroutines share state, again under the race detector.
go test -race -short ./internal/riscv/ ./internal/machine/ ./internal/mm/ ./internal/kernel/ ./internal/vfs/ ./internal/fs/... ./internal/net/... ./internal/blk/ ./internal/tty/ ./internal/nfs/... ./internal/nfsd/
# Go's own standard-library test suites, on SOS (and under qemu-riscv64 for
# any that fail there, to tell SOS's failures from their own). Minutes, so
# not in the quick subset.
case " $* " in
*" -short "*) ;;
*) go run ./cmd/sos stdtest -v ;;
esac
