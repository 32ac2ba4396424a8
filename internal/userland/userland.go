// Package userland builds SOS's own programs (the Go sources embedded by
// package sos/user) into static riscv64 Linux binaries, once per version
// of the sources, and says where they are. Boot mounts the result as /bin.
//
// The build runs the host's Go toolchain (GOOS=linux GOARCH=riscv64
// CGO_ENABLED=0): SOS is itself built by that toolchain, so it is there
// wherever SOS is run with `go run`. Results are cached under the user's
// cache directory keyed by a hash of the sources and the toolchain
// version, so only the first boot after a change pays for the build.
package userland

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"sos/user"
)

// modulePath is the module the sources are built in: a module of their
// own, so that the build needs nothing from SOS's tree.
const modulePath = "sos/user"

var (
	once   sync.Once
	binDir string
	errDir error
)

// Dir returns the host directory holding the built userland, building it
// if no up-to-date build is cached. Concurrent and repeated calls share
// one build.
func Dir() (string, error) {
	once.Do(func() {
		cache, err := os.UserCacheDir()
		if err != nil {
			cache = os.TempDir()
		}
		binDir, errDir = Build(filepath.Join(cache, "sos", "userland"))
	})
	return binDir, errDir
}

// Programs lists the userland's commands by name.
func Programs() []string {
	entries, err := fs.ReadDir(user.Sources, "cmd")
	if err != nil {
		panic(err) // the embedded tree always has cmd/
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	return names
}

// Build builds the userland into a subdirectory of cacheDir named by the
// sources' hash, unless it is already there, and returns that
// subdirectory.
func Build(cacheDir string) (string, error) {
	sum, err := hash()
	if err != nil {
		return "", err
	}
	out := filepath.Join(cacheDir, sum)
	if _, err := os.Stat(filepath.Join(out, ".complete")); err == nil {
		return out, nil
	}
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		return "", err
	}
	// Build into a private directory and rename it into place, so that
	// concurrent builders (parallel test binaries) never see half a tree.
	tmp, err := os.MkdirTemp(cacheDir, "build-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	src := filepath.Join(tmp, "src")
	bin := filepath.Join(tmp, "bin")
	if err := writeSources(src); err != nil {
		return "", err
	}
	if err := os.Mkdir(bin, 0o755); err != nil {
		return "", err
	}
	cmd := GoCommand(src, "build", "-trimpath", "-o", bin+string(filepath.Separator), "./cmd/...")
	cmd.Env = append(cmd.Env, "GOFLAGS=-mod=mod")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("userland: building the programs for /bin: %v\n%s", err, msg)
	}
	if err := os.WriteFile(filepath.Join(bin, ".complete"), nil, 0o644); err != nil {
		return "", err
	}
	if err := os.Rename(bin, out); err != nil {
		if _, serr := os.Stat(filepath.Join(out, ".complete")); serr == nil {
			return out, nil // another builder got there first
		}
		return "", err
	}
	return out, nil
}

// GoCommand returns a go command with args, run in dir, that builds for
// SOS: GOOS=linux GOARCH=riscv64, no cgo, outside any workspace. It is
// the toolchain that built SOS if that is still there.
func GoCommand(dir string, args ...string) *exec.Cmd {
	cmd := exec.Command(goTool(), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=riscv64", "CGO_ENABLED=0", "GOWORK=off")
	return cmd
}

// goTool is the go command of the toolchain that built SOS, if it is
// still there, else whatever "go" the PATH finds.
func goTool() string {
	p := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(p); err == nil {
		return p
	}
	return "go"
}

// hash names a build: the sources and the toolchain version.
func hash() (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n", runtime.Version())
	var files []string
	err := fs.WalkDir(user.Sources, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		return "", err
	}
	sort.Strings(files)
	for _, p := range files {
		b, err := fs.ReadFile(user.Sources, p)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s %d\n", p, len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

// writeSources writes the embedded sources and a go.mod to dir.
func writeSources(dir string) error {
	err := fs.WalkDir(user.Sources, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		target := filepath.Join(dir, filepath.FromSlash(p))
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !strings.HasSuffix(p, ".go") {
			return nil
		}
		in, err := user.Sources.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.Create(target)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
	if err != nil {
		return err
	}
	gomod := "module " + modulePath + "\n\ngo " + goVersion() + "\n"
	return os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644)
}

// goVersion is the language version for the generated go.mod: the
// toolchain's own ("go1.26.8" → "1.26").
func goVersion() string {
	v := strings.TrimPrefix(runtime.Version(), "go")
	parts := strings.SplitN(v, ".", 3)
	if len(parts) >= 2 && parts[0] != "" && strings.Trim(parts[1], "0123456789") == "" {
		return parts[0] + "." + parts[1]
	}
	return "1.22" // a development toolchain: any version it supports

}
