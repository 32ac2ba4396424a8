// Package rvtool drives the host's riscv64 cross toolchain and
// qemu-riscv64 for tests and benchmarks: it builds freestanding and glibc
// test programs and runs them under qemu as the reference. It is host
// tooling, never part of the running system.
package rvtool

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"sos/user/rt"
)

// Tool names, as Debian installs them.
const (
	GCC  = "riscv64-linux-gnu-gcc"
	Qemu = "qemu-riscv64"
)

// Missing explains how to get the tools.
const Missing = "install Debian's qemu-user, gcc-riscv64-linux-gnu and libc6-dev-riscv64-cross (the README's test command does)"

// Check reports an error naming every missing tool.
func Check() error {
	var missing []string
	for _, t := range []string{GCC, Qemu} {
		if _, err := exec.LookPath(t); err != nil {
			missing = append(missing, t)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%s not found: %s", strings.Join(missing, " and "), Missing)
	}
	return nil
}

var (
	rtOnce sync.Once
	rtDir  string
	rtErr  error
)

// runtimeDir returns a directory holding start.S and rt.h.
func runtimeDir() (string, error) {
	rtOnce.Do(func() {
		rtDir, rtErr = os.MkdirTemp("", "sos-rt-")
		if rtErr != nil {
			return
		}
		rtErr = fs.WalkDir(rt.Files, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := rt.Files.ReadFile(p)
			if err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(rtDir, filepath.Base(p)), b, 0o644)
		})
	})
	return rtDir, rtErr
}

// March is the ISA the freestanding test programs are built for.
const March = "rv64gc_zba_zbb_zbs"

// BuildFreestanding builds one freestanding program: a C file linked with
// the SOS test runtime, or an assembly file with its own _start. A first
// line "// build: FLAGS" (or "# build: FLAGS") adds linker or compiler
// flags. march selects the ISA (March if empty).
func BuildFreestanding(src, out, march string) error {
	if march == "" {
		march = March
	}
	args := []string{"-static", "-nostdlib", "-nostartfiles", "-march=" + march, "-mabi=lp64d", "-o", out}
	extra, err := buildFlags(src)
	if err != nil {
		return err
	}
	if strings.HasSuffix(src, ".c") {
		dir, err := runtimeDir()
		if err != nil {
			return err
		}
		args = append(args, "-ffreestanding", "-fno-builtin", "-O2", "-I"+dir, filepath.Join(dir, "start.S"), src, "-lgcc")
	} else {
		args = append(args, src)
	}
	args = append(args, extra...)
	return gcc(args)
}

// BuildStatic builds a C program against glibc, statically linked.
func BuildStatic(src, out string, extra ...string) error {
	return gcc(append([]string{"-static", "-O2", "-o", out, src}, extra...))
}

// Build runs the cross compiler on src with the given flags and no
// others (a dynamically linked program, unless the flags say otherwise).
func Build(out, src string, flags ...string) error {
	return gcc(append(append([]string{"-o", out}, flags...), src))
}

func gcc(args []string) error {
	cmd := exec.Command(GCC, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %v\n%s", GCC, strings.Join(args, " "), err, stderr.String())
	}
	return nil
}

// buildFlags returns the flags of a "build:" comment on the first line.
func buildFlags(src string) ([]string, error) {
	b, err := os.ReadFile(src)
	if err != nil {
		return nil, err
	}
	line, _, _ := bytes.Cut(b, []byte("\n"))
	s := strings.TrimSpace(string(line))
	for _, p := range []string{"// build:", "# build:"} {
		if rest, ok := strings.CutPrefix(s, p); ok {
			return strings.Fields(rest), nil
		}
	}
	return nil, nil
}

// RunQemu runs bin under qemu-riscv64 with args, writing its standard
// output to stdout, and returns its exit status. A program killed by a
// signal returns 128 plus the signal number, as a shell reports it.
func RunQemu(bin string, args []string, stdout, stderr io.Writer, timeout time.Duration) (int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, Qemu, append([]string{bin}, args...)...)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0, nil
	case ctx.Err() != nil:
		return -1, fmt.Errorf("%s %s: timed out after %v", Qemu, bin, timeout)
	case errors.As(err, &ee):
		if ee.ExitCode() >= 0 {
			return ee.ExitCode(), nil
		}
		return 128 + signalOf(ee), nil
	}
	return -1, err
}
