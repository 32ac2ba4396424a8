// Package nfstest starts nfs-ganesha, an NFSv3 server SOS did not write,
// for tests and benchmarks: rpcbind if none answers, a configuration
// file, ganesha.nfsd on free loopback ports serving a host directory, a
// bounded wait until it answers, and Close to stop it. It is the one copy
// of that code; the tests of internal/nfs, internal/fs/nfs and
// internal/nfsd and `sos bench fs` use it.
//
// It imports only the standard library and internal/nfs/rpc (to ask the
// servers whether they answer), never the kernel, so that every package
// of internal/nfs can use it in its tests.
package nfstest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"sos/internal/nfs/rpc"
)

// MOUNT v3, whose NULL procedure says ganesha is up. (Not from nfs3, so
// that nfs3's own tests can use this package.)
const (
	mountProgram = 100005
	mountVersion = 3
)

// Packages are the Debian packages that provide what StartGanesha runs.
const Packages = "nfs-ganesha nfs-ganesha-vfs rpcbind"

// Config says what a ganesha serves and how.
type Config struct {
	// Dir is the host directory to export. Empty: a fresh directory
	// (mode 0777, so that any user's files can be made there), removed
	// by Close.
	Dir string
	// NoAttrCache sets the export's Attr_Expiration_Time to 0. Ganesha
	// caches attributes and names itself (60 s by default), which hides
	// changes the host makes behind its back; tests that make them need
	// this. Benchmarks leave ganesha's default.
	NoAttrCache bool
	// Timeout bounds the wait for rpcbind and for ganesha to answer
	// (default 15 s).
	Timeout time.Duration
}

// Ganesha is a running nfs-ganesha.
type Ganesha struct {
	// Dir is the exported host directory; it is also the export's path
	// (what MOUNT takes).
	Dir string
	// NFSPort and MountPort are ganesha's ports on 127.0.0.1, for UDP
	// and TCP alike.
	NFSPort, MountPort int

	work    string
	madeDir bool
	cmd     *exec.Cmd
	exited  chan error
	once    sync.Once
}

// Check reports whether ganesha.nfsd, its VFS back end and rpcbind are
// installed, with the packages to install if not.
func Check() error {
	for _, tool := range []string{"ganesha.nfsd", "rpcbind"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("%s not found: install the Debian packages %s", tool, Packages)
		}
	}
	if m, _ := filepath.Glob("/usr/lib/*/ganesha/libfsalvfs.so"); len(m) == 0 {
		return errors.New("ganesha's VFS FSAL (libfsalvfs.so) not found: install the Debian package nfs-ganesha-vfs")
	}
	return nil
}

// StartGanesha starts nfs-ganesha serving cfg.Dir over NFSv3 (UDP and
// TCP) on 127.0.0.1, and rpcbind first if none answers on port 111. It
// returns once MOUNT answers, or an error (with ganesha's log) if the
// tools are missing, ganesha exits or it does not answer in time. The
// servers it starts die with the calling process, even if it is killed
// outright, so a panicking test leaves none behind.
func StartGanesha(cfg Config) (*Ganesha, error) {
	if err := Check(); err != nil {
		return nil, err
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 15 * time.Second
	}
	if err := holdRpcbind(cfg.Timeout); err != nil {
		return nil, err
	}
	for attempt := 1; ; attempt++ {
		g, err := startGanesha(cfg)
		if err == nil {
			return g, nil
		}
		if attempt == 3 || !strings.Contains(err.Error(), "Cannot register") {
			releaseRpcbind()
			return nil, err
		}
		// Ganesha exits when it cannot register with the portmapper:
		// the one that answered was another process's (rpcbind is
		// machine-wide) and went away with it. Make sure one answers and
		// try again.
		rpcbind.mu.Lock()
		err = ensureRpcbind(cfg.Timeout)
		rpcbind.mu.Unlock()
		if err != nil {
			releaseRpcbind()
			return nil, err
		}
	}
}

func startGanesha(cfg Config) (*Ganesha, error) {
	work, err := os.MkdirTemp("", "sos-ganesha-")
	if err != nil {
		return nil, err
	}
	g := &Ganesha{Dir: cfg.Dir, work: work, exited: make(chan error, 1)}
	fail := func(err error) (*Ganesha, error) {
		g.stop()
		return nil, err
	}
	if g.Dir == "" {
		g.Dir, g.madeDir = filepath.Join(work, "export"), true
		if err := os.Mkdir(g.Dir, 0o777); err != nil {
			return fail(err)
		}
		if err := os.Chmod(g.Dir, 0o777); err != nil { // past the umask
			return fail(err)
		}
	} else if g.Dir, err = filepath.Abs(g.Dir); err != nil {
		return fail(err)
	}
	if g.NFSPort, err = FreePort(); err != nil {
		return fail(err)
	}
	if g.MountPort, err = FreePort(); err != nil {
		return fail(err)
	}
	attr := ""
	if cfg.NoAttrCache {
		attr = " Attr_Expiration_Time=0;"
	}
	conf := fmt.Sprintf(`NFS_CORE_PARAM { Protocols=3; Bind_addr=127.0.0.1; NFS_Port=%d; MNT_Port=%d;
  Enable_NLM=false; Enable_RQUOTA=false; Enable_UDP=true; }
NFSV4 { Graceless = true; }
EXPORT { Export_Id=1; Path=%s; Pseudo=/export; Access_Type=RW; Squash=No_Root_Squash;
  SecType=sys; Protocols=3; Transports=TCP,UDP;%s FSAL { Name=VFS; } }
`, g.NFSPort, g.MountPort, g.Dir, attr)
	cf := filepath.Join(work, "ganesha.conf")
	if err := os.WriteFile(cf, []byte(conf), 0o644); err != nil {
		return fail(err)
	}
	g.cmd = exec.Command("ganesha.nfsd", "-F", "-L", filepath.Join(work, "log"), "-f", cf, "-p", filepath.Join(work, "pid"))
	g.cmd.SysProcAttr = dieWithUs()
	if err := g.cmd.Start(); err != nil {
		g.cmd = nil
		return fail(fmt.Errorf("starting ganesha.nfsd: %v", err))
	}
	go func() { g.exited <- g.cmd.Wait() }()
	ctx := context.Background()
	quick := rpc.Config{Timeout: 100 * time.Millisecond, Total: 500 * time.Millisecond}
	deadline := time.Now().Add(cfg.Timeout)
	for {
		select {
		case err := <-g.exited:
			g.exited <- err
			return fail(fmt.Errorf("ganesha exited: %v\n%s", err, g.Log()))
		default:
		}
		if c, err := rpc.Dial("udp", g.MountAddr(), quick); err == nil {
			_, err = c.Call(ctx, mountProgram, mountVersion, 0, nil) // NULL
			c.Close()
			if err == nil {
				return g, nil
			}
		}
		if time.Now().After(deadline) {
			return fail(fmt.Errorf("ganesha did not answer MOUNT NULL within %v\n%s", cfg.Timeout, g.Log()))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Addr is ganesha's NFS address, "127.0.0.1:port".
func (g *Ganesha) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(g.NFSPort)) }

// MountAddr is ganesha's MOUNT address.
func (g *Ganesha) MountAddr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(g.MountPort)) }

// URL is libnfs's URL (for nfs-cp, nfs-ls) of path, relative to the
// export, on g: NFSv3, ports given, so that libnfs does not ask rpcbind.
func (g *Ganesha) URL(path string) string {
	return LibnfsURL("127.0.0.1", g.Dir, path, g.NFSPort, g.MountPort)
}

// Log returns what ganesha has logged so far.
func (g *Ganesha) Log() string {
	b, _ := os.ReadFile(filepath.Join(g.work, "log"))
	return string(b)
}

// Close stops ganesha (and rpcbind if StartGanesha started it and no
// other Ganesha of this process still uses it) and removes its files,
// and the exported directory if StartGanesha made it.
func (g *Ganesha) Close() error {
	g.once.Do(func() {
		g.stop()
		releaseRpcbind()
	})
	return nil
}

func (g *Ganesha) stop() {
	if g.cmd != nil {
		g.cmd.Process.Kill()
		err := <-g.exited
		g.exited <- err
	}
	os.RemoveAll(g.work) // holds Dir if it was made here
}

// LibnfsURL is libnfs's URL of path (relative to export) on an NFSv3
// server at host with the given NFS and MOUNT ports.
func LibnfsURL(host, export, path string, nfsPort, mountPort int) string {
	u := url.URL{Scheme: "nfs", Host: host, Path: filepath.Join(export, path)}
	if path == "" || path[len(path)-1] == '/' {
		u.Path += "/"
	}
	return fmt.Sprintf("%s?version=3&nfsport=%d&mountport=%d", u.String(), nfsPort, mountPort)
}

// FreePort returns a port free for both TCP and UDP on 127.0.0.1 (NFS
// servers listen on both with one number).
func FreePort() (int, error) {
	for range 20 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0, err
		}
		port := l.Addr().(*net.TCPAddr).Port
		u, err := net.ListenPacket("udp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		l.Close()
		if err == nil {
			u.Close()
			return port, nil
		}
	}
	return 0, errors.New("nfstest: no port free for both TCP and UDP")
}

// rpcbind is the portmapper this process started, shared by its
// Ganeshas: ganesha registers its programs there at start, and exits if
// it cannot. The portmapper is machine-wide (port 111), so the one that
// answers may be another process's, which can go away with it; ganeshas
// already running do not need it any more, and StartGanesha starts a new
// one when a registration fails.
var rpcbind struct {
	mu    sync.Mutex
	users int       // Ganeshas of this process that are running or starting
	cmd   *exec.Cmd // the shell holding the rpcbind this process started, or nil
	stdin *os.File  // the shell's standard input: closing it stops rpcbind
	done  chan struct{}
}

// holdRpcbind makes sure a portmapper answers on 127.0.0.1:111 and
// counts a user of it.
func holdRpcbind(timeout time.Duration) error {
	rpcbind.mu.Lock()
	defer rpcbind.mu.Unlock()
	if err := ensureRpcbind(timeout); err != nil {
		return err
	}
	rpcbind.users++
	return nil
}

// ensureRpcbind starts rpcbind if no portmapper answers. rpcbind.mu is
// held.
func ensureRpcbind(timeout time.Duration) error {
	if portmapperAnswers() {
		return nil
	}
	stopRpcbind() // ours, if any, is not answering
	// rpcbind changes its user to _rpc, which clears the parent-death
	// signal (prctl(2)), so it would outlive a test binary that dies. A
	// shell holds it instead and kills it when its standard input, a
	// pipe only this process writes, reaches end of file: when
	// stopRpcbind closes it, or when this process dies.
	r, w, err := os.Pipe()
	if err != nil {
		return err
	}
	cmd := exec.Command("sh", "-c", "rpcbind -f -w & p=$!; read x; kill $p; wait $p")
	cmd.Stdin = r
	// No parent-death signal for the shell: it must live to kill rpcbind.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // nor take a terminal's signals meant for us
	err = cmd.Start()
	r.Close()
	if err != nil {
		w.Close()
		return fmt.Errorf("starting rpcbind: %v", err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	rpcbind.cmd, rpcbind.stdin, rpcbind.done = cmd, w, done
	deadline := time.Now().Add(timeout)
	for !portmapperAnswers() {
		// If ours exited, another process's may have won port 111:
		// keep asking until the deadline either way.
		if time.Now().After(deadline) {
			stopRpcbind()
			return fmt.Errorf("rpcbind did not answer on port 111 within %v (is another portmapper half-started, or are we not root?)", timeout)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return nil
}

// stopRpcbind stops the rpcbind this process started, if any. rpcbind.mu
// is held.
func stopRpcbind() {
	if rpcbind.cmd != nil {
		rpcbind.stdin.Close() // the shell kills rpcbind and waits for it
		<-rpcbind.done
		rpcbind.cmd, rpcbind.stdin, rpcbind.done = nil, nil, nil
	}
}

func releaseRpcbind() {
	rpcbind.mu.Lock()
	defer rpcbind.mu.Unlock()
	rpcbind.users--
	if rpcbind.users == 0 {
		stopRpcbind()
	}
}

func portmapperAnswers() bool {
	quick := rpc.Config{Timeout: 100 * time.Millisecond, Total: 500 * time.Millisecond}
	_, err := rpc.GetPort(context.Background(), "127.0.0.1", rpc.PmapProg, rpc.PmapVers, rpc.IPProtoUDP, quick)
	return err == nil
}

// dieWithUs makes a child get SIGKILL when its parent dies.
func dieWithUs() *syscall.SysProcAttr { return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} }
