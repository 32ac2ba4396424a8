package nfstest

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"sos/internal/nfs/nfs3"
	"sos/internal/nfs/rpc"
)

// TestGanesha starts two ganeshas at once (sharing one rpcbind), checks
// that each exports its directory, and that Close stops them and removes
// what was made. Fails, never skips, without the packages.
func TestGanesha(t *testing.T) {
	given := t.TempDir()
	a, err := StartGanesha(Config{Dir: given})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := StartGanesha(Config{NoAttrCache: true})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if a.NFSPort == b.NFSPort || a.Dir != given {
		t.Fatalf("a %+v, b %+v", a, b)
	}
	ctx := context.Background()
	cfg := rpc.Config{Timeout: 200 * time.Millisecond, Total: 5 * time.Second}
	for _, g := range []*Ganesha{a, b} {
		for _, network := range []string{"udp", "tcp"} {
			c, err := rpc.Dial(network, g.MountAddr(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			var ex nfs3.ExportRes
			err = nfs3.CallMount(ctx, c, nfs3.MountProcExport, nfs3.Void{}, &ex)
			c.Close()
			if err != nil || len(ex.Exports) != 1 || ex.Exports[0].Dir != g.Dir {
				t.Errorf("%s EXPORT of %s: %+v %v", network, g.Dir, ex.Exports, err)
			}
		}
	}
	if got, want := a.URL("d/f"), "nfs://127.0.0.1"+given+"/d/f?version=3&nfsport="; got[:len(want)] != want {
		t.Errorf("URL %q", got)
	}
	pid := b.cmd.Process.Pid
	b.Close()
	if err := syscall.Kill(pid, 0); err == nil {
		t.Errorf("ganesha %d still runs after Close", pid)
	}
	if _, err := os.Stat(b.Dir); !os.IsNotExist(err) {
		t.Errorf("the made export %s is still there: %v", b.Dir, err)
	}
	// a still serves after b's Close.
	c, err := rpc.Dial("tcp", a.MountAddr(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := nfs3.CallMount(ctx, c, nfs3.MountProcNull, nfs3.Void{}, nfs3.Void{}); err != nil {
		t.Error(err)
	}
	a.Close()
	if _, err := os.Stat(given); err != nil {
		t.Errorf("Close removed the given directory: %v", err)
	}
}

// TestServersDieWithUs: when a process that started ganesha (and
// rpcbind) is killed outright, with no chance to Close, both go too.
// The child is this test binary run again; it prints the pids and waits.
func TestServersDieWithUs(t *testing.T) {
	if os.Getenv("NFSTEST_CHILD") == "1" {
		g, err := StartGanesha(Config{})
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		pids := []int{g.cmd.Process.Pid}
		rpcbind.mu.Lock()
		if rpcbind.cmd != nil {
			shell := rpcbind.cmd.Process.Pid
			b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", shell, shell))
			for _, f := range strings.Fields(string(b)) {
				if pid, err := strconv.Atoi(f); err == nil {
					pids = append(pids, pid)
				}
			}
		}
		rpcbind.mu.Unlock()
		fmt.Println(pids, g.work)
		select {}
	}
	cmd := exec.Command(os.Args[0], "-test.run", "^TestServersDieWithUs$")
	cmd.Env = append(os.Environ(), "NFSTEST_CHILD=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "[") {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("child: %q %v", line, err)
	}
	list, work, _ := strings.Cut(strings.TrimSpace(line), "] ")
	defer os.RemoveAll(work) // the child had no chance to
	var pids []int
	for _, f := range strings.Fields(strings.Trim(list, "[")) {
		pid, _ := strconv.Atoi(f)
		pids = append(pids, pid)
	}
	cmd.Process.Kill() // SIGKILL: no Close, no deferred cleanup
	cmd.Wait()
	t.Logf("ganesha and rpcbind (if the child started one): %v", pids)
	deadline := time.Now().Add(10 * time.Second)
	for _, pid := range pids {
		for alive(pid) {
			if time.Now().After(deadline) {
				b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
				syscall.Kill(pid, syscall.SIGKILL)
				t.Fatalf("process %d (%q) outlived the process that started it", pid, b)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}

// alive reports whether process pid runs (exists and is not a zombie).
func alive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// pid (comm) state ...: the state follows the last ')'.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i >= 0 && i+2 < len(s) && s[i+2] != 'Z'
}
