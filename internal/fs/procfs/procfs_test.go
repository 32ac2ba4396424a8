package procfs

import (
	"fmt"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"sos/internal/abi"
	"sos/internal/vfs"
)

// fakeKernel is a Kernel whose processes tests add and remove.
type fakeKernel struct {
	mu     sync.Mutex
	procs  map[int]*fakeProc
	sys    System
	mounts []Mount
}

var _ Kernel = (*fakeKernel)(nil)

func (k *fakeKernel) Processes() []int {
	k.mu.Lock()
	defer k.mu.Unlock()
	var pids []int
	for pid := range k.procs {
		pids = append(pids, pid)
	}
	slices.Sort(pids)
	return pids
}

func (k *fakeKernel) Process(pid int) (Process, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	p, ok := k.procs[pid]
	return p, ok
}

func (k *fakeKernel) System() System  { return k.sys }
func (k *fakeKernel) Mounts() []Mount { return k.mounts }

func (k *fakeKernel) add(pid int, p *fakeProc) {
	k.mu.Lock()
	k.procs[pid] = p
	k.mu.Unlock()
}

func (k *fakeKernel) remove(pid int) {
	k.mu.Lock()
	delete(k.procs, pid)
	k.mu.Unlock()
}

// fakeProc is a process; its fields do not change once it is added.
type fakeProc struct {
	status           Status
	threads          []Thread
	cmdline, environ []string
	exe, cwd, root   string
	maps             []Mapping
	fds              []FD
}

func (p *fakeProc) Status() Status    { return p.status }
func (p *fakeProc) Threads() []Thread { return p.threads }
func (p *fakeProc) Cmdline() []string { return p.cmdline }
func (p *fakeProc) Environ() []string { return p.environ }
func (p *fakeProc) Exe() string       { return p.exe }
func (p *fakeProc) Cwd() string       { return p.cwd }
func (p *fakeProc) Root() string      { return p.root }
func (p *fakeProc) Maps() []Mapping   { return p.maps }
func (p *fakeProc) FDs() []FD         { return p.fds }

// mkdev makes a device number in st_dev's encoding (glibc's
// gnu_dev_makedev).
func mkdev(major, minor uint64) uint64 {
	return minor&0xff | major&0xfff<<8 | minor&^0xff<<12 | major&^0xfff<<32
}

type testCtx struct{ pid, tid int }

func (c testCtx) PID() int { return c.pid }
func (c testCtx) TID() int { return c.tid }

var ctx = testCtx{pid: 42, tid: 43}

const mib = 1 << 20

func shell() *fakeProc {
	return &fakeProc{
		status: Status{
			Name: "sosh", State: 'S', PPID: 1, PGID: 42, SID: 1, TTY: 4<<8 | 64, TPGID: 42,
			Umask: 0o022, UIDs: [4]uint32{1000, 1000, 1000, 1000}, GIDs: [4]uint32{100, 100, 100, 100},
			Groups: []uint32{100, 27}, FDSize: 64, Threads: 2,
			VmPeak: 8 * mib, VmSize: 6 * mib, VmHWM: 2 * mib, VmRSS: 2 * mib,
			RssAnon: 1536 << 10, RssFile: 512 << 10, VmData: 3 * mib, VmStk: 132 << 10, VmExe: 1 * mib, VmPTE: 24 << 10,
			SigPnd: 1 << 9, SigBlk: 1<<1 | 1<<32, SigIgn: 1 << 12, SigCgt: 1<<16 | 1<<22, SigQ: 1, SigQLimit: 63439,
			CapBnd: 0x1ffffffffff,
			UTime:  1230 * time.Millisecond, STime: 450 * time.Millisecond, CUTime: 10 * time.Millisecond,
			StartTime: 2500 * time.Millisecond, MinFlt: 321, MajFlt: 2, Processor: 1, ExitSignal: 17,
			VoluntaryCtxtSwitches: 7, NonvoluntaryCtxtSwitches: 3,
			StartCode: 0x10000, EndCode: 0x110000, StartStack: 0x3fffff0000,
			StartData: 0x120000, EndData: 0x121000, StartBrk: 0x200000,
			ArgStart: 0x3fffff1000, ArgEnd: 0x3fffff1010, EnvStart: 0x3fffff1010, EnvEnd: 0x3fffff1020,
		},
		threads: []Thread{
			{TID: 42, Name: "sosh", State: 'S', UTime: time.Second, STime: 400 * time.Millisecond, MinFlt: 300, Processor: 1, SigBlk: 1 << 1},
			{TID: 43, Name: "worker", State: 'R', UTime: 230 * time.Millisecond, STime: 50 * time.Millisecond, MinFlt: 21, Processor: 0, SigPnd: 1 << 14, VoluntaryCtxtSwitches: 1},
		},
		cmdline: []string{"/bin/sosh", "-c", "echo hi"},
		environ: []string{"HOME=/", "PATH=/bin"},
		exe:     "/bin/sosh", cwd: "/home/user", root: "/",
		maps: []Mapping{
			{Start: 0x10000, End: 0x110000, Prot: abi.PROT_READ | abi.PROT_EXEC, Dev: mkdev(0, 21), Inode: 1234, Name: "/bin/sosh"},
			{Start: 0x120000, End: 0x121000, Prot: abi.PROT_READ | abi.PROT_WRITE, Offset: 0x10000, Dev: mkdev(259, 1), Inode: 1234, Name: "/bin/sosh"},
			{Start: 0x200000, End: 0x221000, Prot: abi.PROT_READ | abi.PROT_WRITE, Name: "[heap]"},
			{Start: 0x3ff7000000, End: 0x3ff7001000, Prot: abi.PROT_READ, Shared: true, Dev: mkdev(0, 5), Inode: 77, Name: "/tmp/with\nnewline"},
			{Start: 0x3ff7001000, End: 0x3ff7002000, Prot: abi.PROT_NONE},
			{Start: 0x3fffdde000, End: 0x3ffffff000, Prot: abi.PROT_READ | abi.PROT_WRITE, Name: "[stack]"},
		},
		fds: []FD{
			{Num: 0, Target: "/dev/console", Flags: abi.O_RDWR},
			{Num: 1, Target: "pipe:[12]", Flags: abi.O_WRONLY},
			{Num: 2, Target: "/dev/console", Flags: abi.O_RDWR},
			{Num: 10, Target: "/home/user/notes.txt", Flags: abi.O_RDONLY | abi.O_CLOEXEC},
		},
	}
}

func newKernel() *fakeKernel {
	k := &fakeKernel{
		procs: map[int]*fakeProc{},
		sys: System{
			Uptime:   3723*time.Second + 456*time.Millisecond,
			BootTime: time.Unix(1700000000, 0),
			Harts:    2,
			CPUs: []CPUTime{
				{User: 10 * time.Second, System: 2 * time.Second, Idle: 3000 * time.Second},
				{User: 5 * time.Second, Nice: 10 * time.Millisecond, Idle: 3100*time.Second + 120*time.Millisecond, IOWait: time.Second},
			},
			Memory: Memory{
				Total: 512 * mib, Free: 400 * mib, Available: 450 * mib, Cached: 20 * mib,
				SwapTotal: 1024 * mib, SwapFree: 1000 * mib, AnonPages: 30 * mib, PageTables: 1 * mib,
			},
			ContextSwitches: 98765, Forks: 120, Running: 1, Blocked: 0, Threads: 9, LastPID: 120,
			Load:     [3]float64{0.5, 0.125, 1.999},
			Hostname: "sos", OSRelease: "6.1.0-sos", Version: "#1 SMP",
			BootID: "9f1b0c7e-1d2a-4c3b-8e5f-0a1b2c3d4e5f",
		},
		mounts: []Mount{
			{ID: 1, ParentID: 1, Dev: mkdev(0, 20), Root: "/", Point: "/", Type: "nfs", Source: "host:/export", Options: "rw,relatime", FSOptions: "vers=3,proto=udp"},
			{ID: 2, ParentID: 1, Dev: mkdev(0, 21), Point: "/proc", Type: "proc", Source: "proc", Options: "rw,nosuid,nodev,noexec"},
			{ID: 3, ParentID: 1, Dev: mkdev(8, 1), Point: "/mnt/my disk", Type: "vfat", Source: "/dev/sda1", Options: "ro"},
			{ID: 4, ParentID: 1, Dev: mkdev(0, 22), Point: "/tmp", Type: "tmpfs"},
		},
	}
	k.add(1, &fakeProc{
		status:  Status{Name: "init", State: 'S', TPGID: -1, Threads: 1, ExitSignal: 17, CPUs: []int{0}},
		threads: []Thread{{TID: 1, Name: "init", State: 'S'}},
		cmdline: []string{"/sbin/init"}, exe: "/sbin/init", cwd: "/", root: "/",
	})
	k.add(42, shell())
	k.add(7, &fakeProc{
		status:  Status{Name: "a-very-long-command-name", State: 'Z', PPID: 1, Threads: 1, ExitSignal: 17, ExitCode: 256},
		threads: []Thread{{TID: 7, Name: "a-very-long-com", State: 'Z'}},
	})
	return k
}

// walk resolves a slash-separated path from root, following symbolic
// links (relative to their directory, or from root if absolute) except
// at the end if nofollow is set.
func walk(root vfs.Node, c vfs.Context, p string, nofollow bool) (vfs.Node, error) {
	elems := strings.Split(strings.Trim(p, "/"), "/")
	stack := []vfs.Node{root}
	for hops := 0; len(elems) > 0; {
		e := elems[0]
		elems = elems[1:]
		if e == "" || e == "." {
			continue
		}
		d, ok := stack[len(stack)-1].(vfs.Dir)
		if !ok {
			return nil, abi.ENOTDIR
		}
		n, err := d.Lookup(c, e)
		if err != nil {
			return nil, err
		}
		if l, ok := n.(vfs.Symlink); ok && (len(elems) > 0 || !nofollow) {
			if hops++; hops > 40 {
				return nil, abi.ELOOP
			}
			t, err := l.Readlink(c)
			if err != nil {
				return nil, err
			}
			if strings.HasPrefix(t, "/") {
				// Absolute targets point outside /proc: only
				// their last element matters to these tests.
				return n, nil
			}
			elems = append(strings.Split(t, "/"), elems...)
			continue
		}
		stack = append(stack, n)
	}
	return stack[len(stack)-1], nil
}

func read(t *testing.T, root vfs.Node, p string) string {
	t.Helper()
	s, err := tryRead(root, ctx, p)
	if err != nil {
		t.Fatalf("%s: %v", p, err)
	}
	return s
}

func tryRead(root vfs.Node, c vfs.Context, p string) (string, error) {
	n, err := walk(root, c, p, false)
	if err != nil {
		return "", err
	}
	o, ok := n.(vfs.Opener)
	if !ok {
		return "", fmt.Errorf("%T is not an Opener", n)
	}
	ops, err := o.Open(c, abi.O_RDONLY)
	if err != nil {
		return "", err
	}
	defer ops.Release()
	var out []byte
	buf := make([]byte, 13)
	for {
		n, err := ops.Read(c, buf, int64(len(out)))
		if err != nil {
			return "", err
		}
		if n == 0 {
			return string(out), nil
		}
		out = append(out, buf[:n]...)
	}
}

func readlink(t *testing.T, root vfs.Node, c vfs.Context, p string) string {
	t.Helper()
	n, err := walk(root, c, p, true)
	if err != nil {
		t.Fatalf("%s: %v", p, err)
	}
	l, ok := n.(vfs.Symlink)
	if !ok {
		t.Fatalf("%s: %T is not a link", p, n)
	}
	s, err := l.Readlink(c)
	if err != nil {
		t.Fatalf("readlink %s: %v", p, err)
	}
	return s
}

func list(t *testing.T, root vfs.Node, p string) string {
	t.Helper()
	n, err := walk(root, ctx, p, false)
	if err != nil {
		t.Fatalf("%s: %v", p, err)
	}
	ents, err := n.(vfs.Dir).ReadDir(ctx, 0, 0)
	if err != nil {
		t.Fatalf("ReadDir %s: %v", p, err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name)
	}
	return strings.Join(names, " ")
}

func check(t *testing.T, what, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("%s:\n got %q\nwant %q", what, got, want)
		g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
		for i := range min(len(g), len(w)) {
			if g[i] != w[i] {
				t.Errorf("first difference, line %d:\n got %q\nwant %q", i+1, g[i], w[i])
				break
			}
		}
	}
}

func TestListings(t *testing.T) {
	root := New(newKernel(), Options{Dev: 5})
	check(t, "/proc", list(t, root, ""), "sys cpuinfo filesystems loadavg meminfo mounts stat uptime version self thread-self 1 7 42")
	procEntries := "fd environ status comm cmdline stat statm maps cwd root exe mounts mountinfo"
	check(t, "/proc/42", list(t, root, "42"), "task "+procEntries)
	check(t, "/proc/self", list(t, root, "self"), "task "+procEntries)
	check(t, "/proc/42/task", list(t, root, "42/task"), "42 43")
	check(t, "/proc/42/task/43", list(t, root, "42/task/43"), procEntries)
	check(t, "/proc/thread-self", list(t, root, "thread-self"), procEntries)
	check(t, "/proc/42/fd", list(t, root, "42/fd"), "0 1 2 10")
	check(t, "/proc/sys", list(t, root, "sys"), "kernel net vm")
	check(t, "/proc/sys/kernel", list(t, root, "sys/kernel"), "hostname osrelease ostype pid_max random")
	check(t, "/proc/sys/kernel/random", list(t, root, "sys/kernel/random"), "boot_id uuid")
	check(t, "/proc/sys/net", list(t, root, "sys/net"), "core")

	d := root.(vfs.Dir)
	for _, tt := range []struct {
		skip, n int
		want    string
	}{
		{0, 3, "sys cpuinfo filesystems"}, {9, 3, "self thread-self 1"}, {11, 0, "1 7 42"},
		{12, 1, "7"}, {14, 5, ""}, {100, 1, ""}, {-1, 1, "sys"},
	} {
		ents, err := d.ReadDir(ctx, tt.skip, tt.n)
		var names []string
		for _, e := range ents {
			names = append(names, e.Name)
		}
		if got := strings.Join(names, " "); got != tt.want || err != nil {
			t.Errorf("ReadDir(%d, %d) = %q, %v; want %q", tt.skip, tt.n, got, err, tt.want)
		}
	}

	// Types and inode numbers agree with the nodes'.
	for _, p := range []string{"", "42", "42/fd", "42/task", "sys/kernel"} {
		n, _ := walk(root, ctx, p, false)
		ents, _ := n.(vfs.Dir).ReadDir(ctx, 0, 0)
		for _, e := range ents {
			c, err := n.(vfs.Dir).Lookup(ctx, e.Name)
			if err != nil {
				t.Errorf("%s/%s: %v", p, e.Name, err)
				continue
			}
			a, err := c.Attr()
			if err != nil {
				t.Errorf("%s/%s: Attr: %v", p, e.Name, err)
				continue
			}
			if a.Ino != e.Ino || abi.DirentType(a.Mode) != e.Type || a.Dev != 5 {
				t.Errorf("%s/%s: entry %+v, attr ino %d mode %#o dev %d", p, e.Name, e, a.Ino, a.Mode, a.Dev)
			}
		}
	}
}

func TestLinks(t *testing.T) {
	root := New(newKernel(), Options{})
	for _, tt := range []struct {
		ctx  testCtx
		path string
		want string
	}{
		{ctx, "self", "42"},
		{testCtx{1, 1}, "self", "1"},
		{ctx, "thread-self", "42/task/43"},
		{ctx, "mounts", "self/mounts"},
		{ctx, "42/exe", "/bin/sosh"},
		{ctx, "self/cwd", "/home/user"},
		{ctx, "self/root", "/"},
		{ctx, "42/task/43/exe", "/bin/sosh"},
		{ctx, "42/fd/0", "/dev/console"},
		{ctx, "42/fd/1", "pipe:[12]"},
		{ctx, "thread-self/fd/10", "/home/user/notes.txt"},
	} {
		if got := readlink(t, root, tt.ctx, tt.path); got != tt.want {
			t.Errorf("readlink %s as %v = %q, want %q", tt.path, tt.ctx, got, tt.want)
		}
	}
	// Linux's fd links show the access mode in their permissions.
	for fd, want := range map[string]uint32{"0": 0o700, "1": 0o300, "10": 0o500} {
		n, err := walk(root, ctx, "42/fd/"+fd, true)
		if err != nil {
			t.Fatal(err)
		}
		a, _ := n.Attr()
		if a.Mode != abi.S_IFLNK|want || a.Size != 64 || a.UID != 1000 || a.GID != 100 {
			t.Errorf("fd %s: mode %#o size %d uid %d gid %d", fd, a.Mode, a.Size, a.UID, a.GID)
		}
	}
	if n, _ := walk(root, ctx, "42/fd", false); n != nil {
		if a, _ := n.Attr(); a.Mode != abi.S_IFDIR|0o500 || a.Size != 4 || a.Nlink != 2 {
			t.Errorf("fd dir: mode %#o size %d nlink %d", a.Mode, a.Size, a.Nlink)
		}
	}

	// No caller, no self.
	for _, c := range []vfs.Context{testCtx{0, 0}, nil, testCtx{5, 0}} {
		l, _ := root.(vfs.Dir).Lookup(c, "thread-self")
		if _, err := l.(vfs.Symlink).Readlink(c); err != abi.ENOENT {
			t.Errorf("thread-self as %v: %v", c, err)
		}
	}
	l, _ := root.(vfs.Dir).Lookup(nil, "self")
	if _, err := l.(vfs.Symlink).Readlink(nil); err != abi.ENOENT {
		t.Errorf("self with no context: %v", err)
	}
	// A zombie has no executable, directory or descriptors.
	for _, p := range []string{"7/exe", "7/cwd", "7/root"} {
		n, err := walk(root, ctx, p, true)
		if err != nil {
			t.Fatal(err)
		}
		if s, err := n.(vfs.Symlink).Readlink(ctx); err != abi.ENOENT {
			t.Errorf("readlink %s = %q, %v; want ENOENT", p, s, err)
		}
	}
}

func TestProcessFiles(t *testing.T) {
	root := New(newKernel(), Options{})
	check(t, "stat", read(t, root, "42/stat"),
		"42 (sosh) S 1 42 1 1088 42 0 321 0 2 0 123 45 1 0 20 0 2 0 250 6291456 512 18446744073709551615 "+
			"65536 1114112 274877841408 0 0 512 2 4096 4259840 0 0 0 17 1 0 0 0 0 0 "+
			"1179648 1183744 2097152 274877845504 274877845520 274877845520 274877845536 0\n")
	check(t, "task stat", read(t, root, "42/task/43/stat"),
		"43 (worker) R 1 42 1 1088 42 0 21 0 0 0 23 5 1 0 20 0 2 0 250 6291456 512 18446744073709551615 "+
			"65536 1114112 274877841408 0 0 16384 0 4096 4259840 0 0 0 -1 0 0 0 0 0 0 "+
			"1179648 1183744 2097152 274877845504 274877845520 274877845520 274877845536 0\n")
	check(t, "zombie stat", read(t, root, "7/stat"),
		"7 (a-very-long-com) Z 1 0 0 0 0 0 0 0 0 0 0 0 0 0 20 0 1 0 0 0 0 18446744073709551615 "+
			"0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 256\n")
	if f := strings.Fields(read(t, root, "42/stat")); len(f) != 52 {
		t.Errorf("stat has %d fields, want 52", len(f))
	}
	check(t, "statm", read(t, root, "42/statm"), "1536 512 128 256 0 801 0\n")
	check(t, "comm", read(t, root, "42/comm"), "sosh\n")
	check(t, "task comm", read(t, root, "42/task/43/comm"), "worker\n")
	check(t, "zombie comm", read(t, root, "7/comm"), "a-very-long-com\n")
	check(t, "cmdline", read(t, root, "42/cmdline"), "/bin/sosh\x00-c\x00echo hi\x00")
	check(t, "environ", read(t, root, "self/environ"), "HOME=/\x00PATH=/bin\x00")
	check(t, "zombie cmdline", read(t, root, "7/cmdline"), "")

	check(t, "status", read(t, root, "42/status"), `Name:	sosh
Umask:	0022
State:	S (sleeping)
Tgid:	42
Ngid:	0
Pid:	42
PPid:	1
TracerPid:	0
Uid:	1000	1000	1000	1000
Gid:	100	100	100	100
FDSize:	64
Groups:	100 27 
NStgid:	42
NSpid:	42
NSpgid:	42
NSsid:	1
Kthread:	0
VmPeak:	    8192 kB
VmSize:	    6144 kB
VmLck:	       0 kB
VmPin:	       0 kB
VmHWM:	    2048 kB
VmRSS:	    2048 kB
RssAnon:	    1536 kB
RssFile:	     512 kB
RssShmem:	       0 kB
VmData:	    3072 kB
VmStk:	     132 kB
VmExe:	    1024 kB
VmLib:	       0 kB
VmPTE:	      24 kB
VmSwap:	       0 kB
HugetlbPages:	       0 kB
CoreDumping:	0
THP_enabled:	0
Threads:	2
SigQ:	1/63439
SigPnd:	0000000000000200
ShdPnd:	0000000000000000
SigBlk:	0000000100000002
SigIgn:	0000000000001000
SigCgt:	0000000000410000
CapInh:	0000000000000000
CapPrm:	0000000000000000
CapEff:	0000000000000000
CapBnd:	000001ffffffffff
CapAmb:	0000000000000000
NoNewPrivs:	0
Seccomp:	0
Seccomp_filters:	0
Speculation_Store_Bypass:	unknown
SpeculationIndirectBranch:	unknown
Cpus_allowed:	3
Cpus_allowed_list:	0-1
Mems_allowed:	1
Mems_allowed_list:	0
voluntary_ctxt_switches:	7
nonvoluntary_ctxt_switches:	3
`)
	task := read(t, root, "42/task/43/status")
	for _, want := range []string{"Name:\tworker\n", "State:\tR (running)\n", "Tgid:\t42\n", "Pid:\t43\n", "NSpid:\t43\n",
		"SigPnd:\t0000000000004000\n", "SigBlk:\t0000000000000000\n", "ShdPnd:\t0000000000000000\n", "voluntary_ctxt_switches:\t1\n"} {
		if !strings.Contains(task, want) {
			t.Errorf("task status lacks %q:\n%s", want, task)
		}
	}
	check(t, "zombie status", read(t, root, "7/status"), `Name:	a-very-long-com
State:	Z (zombie)
Tgid:	7
Ngid:	0
Pid:	7
PPid:	1
TracerPid:	0
Uid:	0	0	0	0
Gid:	0	0	0	0
FDSize:	0
Groups:	 
NStgid:	7
NSpid:	7
NSpgid:	0
NSsid:	0
Kthread:	0
Threads:	1
SigQ:	0/0
SigPnd:	0000000000000000
ShdPnd:	0000000000000000
SigBlk:	0000000000000000
SigIgn:	0000000000000000
SigCgt:	0000000000000000
CapInh:	0000000000000000
CapPrm:	0000000000000000
CapEff:	0000000000000000
CapBnd:	0000000000000000
CapAmb:	0000000000000000
NoNewPrivs:	0
Seccomp:	0
Seccomp_filters:	0
Speculation_Store_Bypass:	unknown
SpeculationIndirectBranch:	unknown
Cpus_allowed:	3
Cpus_allowed_list:	0-1
Mems_allowed:	1
Mems_allowed_list:	0
voluntary_ctxt_switches:	0
nonvoluntary_ctxt_switches:	0
`)
	if s := read(t, root, "1/status"); !strings.Contains(s, "Cpus_allowed:\t1\nCpus_allowed_list:\t0\n") {
		t.Errorf("init's status:\n%s", s)
	}

	// Names start in column 73, as on a 64-bit Linux.
	check(t, "maps", read(t, root, "42/maps"), ""+
		"00010000-00110000 r-xp 00000000 00:15 1234                               /bin/sosh\n"+
		"00120000-00121000 rw-p 00010000 103:01 1234                              /bin/sosh\n"+
		"00200000-00221000 rw-p 00000000 00:00 0                                  [heap]\n"+
		"3ff7000000-3ff7001000 r--s 00000000 00:05 77                             /tmp/with\\012newline\n"+
		"3ff7001000-3ff7002000 ---p 00000000 00:00 0 \n"+
		"3fffdde000-3ffffff000 rw-p 00000000 00:00 0                              [stack]\n")
	for _, line := range strings.Split(read(t, root, "42/maps"), "\n") {
		if len(line) > 73 && line[72] != ' ' || len(line) > 73 && line[73] == ' ' {
			t.Errorf("maps line %q: name not at column 73", line)
		}
	}

	check(t, "mounts", read(t, root, "self/mounts"), ""+
		"host:/export / nfs rw,relatime,vers=3,proto=udp 0 0\n"+
		"proc /proc proc rw,nosuid,nodev,noexec 0 0\n"+
		"/dev/sda1 /mnt/my\\040disk vfat ro 0 0\n"+
		"none /tmp tmpfs rw 0 0\n")
	check(t, "/proc/mounts", read(t, root, "mounts"), read(t, root, "self/mounts"))
	check(t, "mountinfo", read(t, root, "42/mountinfo"), ""+
		"1 1 0:20 / / rw,relatime - nfs host:/export rw,vers=3,proto=udp\n"+
		"2 1 0:21 / /proc rw,nosuid,nodev,noexec - proc proc rw\n"+
		"3 1 8:1 / /mnt/my\\040disk ro - vfat /dev/sda1 ro\n"+
		"4 1 0:22 / /tmp rw - tmpfs none rw\n")

	// The Go runtime reads cgroup limits only if /proc/self/cgroup
	// exists.
	if _, err := walk(root, ctx, "self/cgroup", false); err != abi.ENOENT {
		t.Errorf("self/cgroup: %v, want ENOENT", err)
	}
}

func TestSystemFiles(t *testing.T) {
	k := newKernel()
	root := New(k, Options{})
	check(t, "cpuinfo", read(t, root, "cpuinfo"), ""+
		"processor\t: 0\nhart\t\t: 0\nisa\t\t: rv64imafdc_zicntr_zicsr_zifencei_zba_zbb_zbs\nmmu\t\t: sv48\n"+
		"mvendorid\t: 0x0\nmarchid\t\t: 0x0\nmimpid\t\t: 0x0\nhart isa\t: rv64imafdc_zicntr_zicsr_zifencei_zba_zbb_zbs\n\n"+
		"processor\t: 1\nhart\t\t: 1\nisa\t\t: rv64imafdc_zicntr_zicsr_zifencei_zba_zbb_zbs\nmmu\t\t: sv48\n"+
		"mvendorid\t: 0x0\nmarchid\t\t: 0x0\nmimpid\t\t: 0x0\nhart isa\t: rv64imafdc_zicntr_zicsr_zifencei_zba_zbb_zbs\n\n")
	check(t, "stat", read(t, root, "stat"), ""+
		"cpu  1500 1 200 610012 100 0 0 0 0 0\n"+
		"cpu0 1000 0 200 300000 0 0 0 0 0 0\n"+
		"cpu1 500 1 0 310012 100 0 0 0 0 0\n"+
		"intr 0\nctxt 98765\nbtime 1700000000\nprocesses 120\nprocs_running 1\nprocs_blocked 0\n"+
		"softirq 0 0 0 0 0 0 0 0 0 0 0\n")
	check(t, "uptime", read(t, root, "uptime"), "3723.45 6100.12\n")
	check(t, "loadavg", read(t, root, "loadavg"), "0.50 0.13 2.00 1/9 120\n")
	check(t, "version", read(t, root, "version"), "Linux version 6.1.0-sos (sos@sos) ("+runtime.Version()+") #1 SMP\n")
	check(t, "filesystems", read(t, root, "filesystems"),
		"nodev\tproc\nnodev\ttmpfs\nnodev\tdevtmpfs\nnodev\tpipefs\nnodev\tsockfs\nnodev\tnfs\n\tvfat\n")
	check(t, "hostname", read(t, root, "sys/kernel/hostname"), "sos\n")
	check(t, "osrelease", read(t, root, "sys/kernel/osrelease"), "6.1.0-sos\n")
	check(t, "ostype", read(t, root, "sys/kernel/ostype"), "Linux\n")
	check(t, "pid_max", read(t, root, "sys/kernel/pid_max"), "4194304\n")
	check(t, "boot_id", read(t, root, "sys/kernel/random/boot_id"), "9f1b0c7e-1d2a-4c3b-8e5f-0a1b2c3d4e5f\n")
	check(t, "somaxconn", read(t, root, "sys/net/core/somaxconn"), "4096\n")
	check(t, "overcommit_memory", read(t, root, "sys/vm/overcommit_memory"), "0\n")

	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\n$`)
	u1, u2 := read(t, root, "sys/kernel/random/uuid"), read(t, root, "sys/kernel/random/uuid")
	if !uuid.MatchString(u1) || u1 == u2 {
		t.Errorf("uuid %q then %q", u1, u2)
	}

	meminfo := read(t, root, "meminfo")
	for _, want := range []string{
		"MemTotal:         524288 kB\n", "MemFree:          409600 kB\n", "MemAvailable:     460800 kB\n",
		"Cached:            20480 kB\n", "SwapTotal:       1048576 kB\n", "SwapFree:        1024000 kB\n",
		"AnonPages:         30720 kB\n", "PageTables:         1024 kB\n", "CommitLimit:     1310720 kB\n",
		"HugePages_Total:       0\n", "Hugepagesize:       2048 kB\n",
	} {
		if !strings.Contains(meminfo, want) {
			t.Errorf("meminfo lacks %q", want)
		}
	}
	if !strings.HasPrefix(meminfo, "MemTotal:") || !strings.HasSuffix(meminfo, "Hugetlb:               0 kB\n") {
		t.Errorf("meminfo:\n%s", meminfo)
	}
	for _, line := range strings.Split(strings.TrimSuffix(meminfo, "\n"), "\n") {
		if !regexp.MustCompile(`^[A-Za-z_()]+:\s+\d+( kB)?$`).MatchString(line) || len(strings.TrimSuffix(line, " kB")) != 24 {
			t.Errorf("meminfo line %q", line)
		}
	}

	// Defaults for what a kernel leaves out.
	k.sys = System{}
	check(t, "default hostname", read(t, root, "sys/kernel/hostname"), "(none)\n")
	if b := read(t, root, "sys/kernel/random/boot_id"); !uuid.MatchString(b) || b != read(t, root, "sys/kernel/random/boot_id") {
		t.Errorf("default boot_id %q", b)
	}
	check(t, "default cpuinfo", read(t, root, "cpuinfo"), "processor\t: 0\nhart\t\t: 0\nisa\t\t: rv64imafdc_zicntr_zicsr_zifencei_zba_zbb_zbs\nmmu\t\t: sv48\n"+
		"mvendorid\t: 0x0\nmarchid\t\t: 0x0\nmimpid\t\t: 0x0\nhart isa\t: rv64imafdc_zicntr_zicsr_zifencei_zba_zbb_zbs\n\n")
	check(t, "default stat", read(t, root, "stat"), "cpu  0 0 0 0 0 0 0 0 0 0\ncpu0 0 0 0 0 0 0 0 0 0 0\n"+
		"intr 0\nctxt 0\nbtime 0\nprocesses 0\nprocs_running 0\nprocs_blocked 0\nsoftirq 0 0 0 0 0 0 0 0 0 0 0\n")
	check(t, "default uptime", read(t, root, "uptime"), "0.00 0.00\n")
	check(t, "default loadavg", read(t, root, "loadavg"), "0.00 0.00 0.00 0/0 0\n")
	k.sys.FileSystems = []FileSystemType{{"rofs", true}, {"fat", false}}
	check(t, "filesystems", read(t, root, "filesystems"), "nodev\trofs\n\tfat\n")
}

func TestFormatHelpers(t *testing.T) {
	for _, tt := range []struct {
		cpus []int
		n    int
		mask string
		list string
	}{
		{[]int{0}, 1, "1", "0"},
		{[]int{0, 1, 2, 3}, 4, "f", "0-3"},
		{[]int{0, 2, 3, 5}, 8, "2d", "0,2-3,5"},
		{[]int{1}, 5, "02", "1"},
		{[]int{0, 33}, 40, "02,00000001", "0,33"},
		{[]int{63}, 64, "80000000,00000000", "63"},
	} {
		if got := cpuMask(tt.cpus, tt.n); got != tt.mask {
			t.Errorf("cpuMask(%v, %d) = %q, want %q", tt.cpus, tt.n, got, tt.mask)
		}
		if got := cpuList(tt.cpus); got != tt.list {
			t.Errorf("cpuList(%v) = %q, want %q", tt.cpus, got, tt.list)
		}
	}
	for _, tt := range []struct{ major, minor uint64 }{{0, 0}, {8, 1}, {259, 7}, {4095, 1 << 19}, {1 << 20, 3}} {
		d := mkdev(tt.major, tt.minor)
		if major(d) != tt.major || minor(d) != tt.minor {
			t.Errorf("major/minor(%#x) = %d, %d; want %d, %d", d, major(d), minor(d), tt.major, tt.minor)
		}
	}
	st := formatStatus(1, 1, Status{Name: "a\nb\\c\td", CPUs: []int{3, 1, -1, 1}}, 4)
	for _, want := range []string{"Name:\ta\\nb\\\\c\td\n", "Cpus_allowed:\ta\nCpus_allowed_list:\t1,3\n"} {
		if !strings.Contains(string(st), want) {
			t.Errorf("status lacks %q:\n%s", want, st)
		}
	}
	if got := escape("a b\tc\nd\\e", mountEscapes); got != `a\040b\011c\012d\134e` {
		t.Errorf("escape = %q", got)
	}
	for name, want := range map[string]string{"0": "0", "42": "42", "042": "", "+1": "", "-1": "", "": "", "1a": "", "99999999999": ""} {
		n, ok := parseNum(name)
		got := ""
		if ok {
			got = fmt.Sprint(n)
		}
		if got != want {
			t.Errorf("parseNum(%q) = %q", name, got)
		}
	}
}

func TestErrors(t *testing.T) {
	k := newKernel()
	root := New(k, Options{})
	for _, p := range []string{"99", "042", "+42", "42/nope", "42/task/44", "42/task/042", "42/fd/3", "42/fd/00",
		"sys/nope", "self/task/42/task", "1/task/42", "cgroup", "7/fd/0"} {
		if _, err := walk(root, ctx, p, true); err != abi.ENOENT {
			t.Errorf("%s: %v, want ENOENT", p, err)
		}
	}
	if _, err := walk(root, ctx, "42/stat/x", false); err != abi.ENOTDIR {
		t.Errorf("42/stat/x: %v", err)
	}

	// Everything is read-only.
	stat, _ := walk(root, ctx, "42/stat", false)
	sysf, _ := walk(root, ctx, "sys/kernel/hostname", false)
	for _, n := range []vfs.Node{stat, sysf} {
		for _, flags := range []int{abi.O_WRONLY, abi.O_RDWR, abi.O_RDONLY | abi.O_TRUNC} {
			if _, err := n.(vfs.Opener).Open(ctx, flags); err != abi.EACCES {
				t.Errorf("open %#x: %v, want EACCES", flags, err)
			}
		}
		if _, err := n.(vfs.Opener).Open(ctx, abi.O_RDONLY|abi.O_DIRECTORY); err != abi.ENOTDIR {
			t.Errorf("open O_DIRECTORY: %v", err)
		}
		if _, ok := n.(vfs.Setattrer); ok {
			t.Errorf("%T is a Setattrer", n)
		}
	}
	if _, ok := root.(vfs.WritableDir); ok {
		t.Errorf("root is writable")
	}

	// Reading, seeking and writing an open file.
	ops, err := stat.(vfs.Opener).Open(ctx, abi.O_RDONLY)
	if err != nil {
		t.Fatal(err)
	}
	defer ops.Release()
	buf := make([]byte, 4)
	if n, err := ops.Read(ctx, buf, 3); n != 4 || err != nil || string(buf) != "(sos" {
		t.Errorf("Read at 3 = %d %q %v", n, buf[:n], err)
	}
	if n, err := ops.Read(ctx, buf, 1<<20); n != 0 || err != nil {
		t.Errorf("Read past the end = %d, %v", n, err)
	}
	if _, err := ops.Read(ctx, buf, -1); err != abi.EINVAL {
		t.Errorf("Read at -1: %v", err)
	}
	if _, err := ops.Write(ctx, buf, 0); err != abi.EBADF {
		t.Errorf("Write: %v", err)
	}
	s := ops.(vfs.Seeker)
	for _, tt := range []struct {
		cur, off int64
		whence   int
		want     int64
		err      error
	}{
		{10, 5, abi.SEEK_SET, 5, nil}, {10, 5, abi.SEEK_CUR, 15, nil}, {10, -11, abi.SEEK_CUR, 0, abi.EINVAL},
		{10, -1, abi.SEEK_END, int64(len(formatStat(42, shell().status))) - 1, nil}, {0, -1000, abi.SEEK_END, 0, abi.EINVAL},
		{0, -1, abi.SEEK_SET, 0, abi.EINVAL}, {0, 0, abi.SEEK_DATA, 0, abi.EINVAL},
	} {
		if got, err := s.Seek(ctx, tt.cur, tt.off, tt.whence); got != tt.want || err != tt.err {
			t.Errorf("Seek(%d, %d, %d) = %d, %v; want %d, %v", tt.cur, tt.off, tt.whence, got, err, tt.want, tt.err)
		}
	}
}

// TestVanished checks what happens to a process's nodes and open files
// when the process goes away.
func TestVanished(t *testing.T) {
	k := newKernel()
	root := New(k, Options{})
	dir, _ := walk(root, ctx, "42", false)
	status, _ := walk(root, ctx, "42/status", false)
	task, _ := walk(root, ctx, "42/task/43", false)
	fd, _ := walk(root, ctx, "42/fd/1", true)
	exe, _ := walk(root, ctx, "42/exe", true)
	ops, err := status.(vfs.Opener).Open(ctx, abi.O_RDONLY)
	if err != nil {
		t.Fatal(err)
	}
	defer ops.Release()

	// A thread exits.
	p := shell()
	p.threads = p.threads[:1]
	k.add(42, p)
	if _, err := task.Attr(); err != abi.ENOENT {
		t.Errorf("Attr of an exited thread's directory: %v", err)
	}
	if _, err := task.(vfs.Dir).Lookup(ctx, "stat"); err != abi.ENOENT {
		t.Errorf("Lookup in an exited thread's directory: %v", err)
	}
	check(t, "task list", list(t, root, "42/task"), "42")

	k.remove(42)
	buf := make([]byte, 4096)
	n, err := ops.Read(ctx, buf, 0)
	if err != nil || !strings.HasPrefix(string(buf[:n]), "Name:\tsosh\n") {
		t.Errorf("reading the snapshot of a dead process: %q, %v", buf[:n], err)
	}
	if _, err := root.(vfs.Dir).Lookup(ctx, "42"); err != abi.ENOENT {
		t.Errorf("Lookup(42): %v", err)
	}
	if _, err := dir.Attr(); err != abi.ENOENT {
		t.Errorf("Attr(42): %v", err)
	}
	if _, err := dir.(vfs.Dir).ReadDir(ctx, 0, 0); err != abi.ENOENT {
		t.Errorf("ReadDir(42): %v", err)
	}
	if _, err := dir.(vfs.Dir).Lookup(ctx, "stat"); err != abi.ENOENT {
		t.Errorf("Lookup(42/stat): %v", err)
	}
	if _, err := status.(vfs.Opener).Open(ctx, abi.O_RDONLY); err != abi.ENOENT {
		t.Errorf("Open(42/status): %v", err)
	}
	if _, err := status.Attr(); err != abi.ENOENT {
		t.Errorf("Attr(42/status): %v", err)
	}
	for _, l := range []vfs.Node{fd, exe} {
		if _, err := l.(vfs.Symlink).Readlink(ctx); err != abi.ENOENT {
			t.Errorf("Readlink: %v", err)
		}
	}
	check(t, "/proc", list(t, root, ""), "sys cpuinfo filesystems loadavg meminfo mounts stat uptime version self thread-self 1 7")
}

// TestWalkAll visits every node: none may fail or panic, and inode numbers
// must be distinct.
func TestWalkAll(t *testing.T) {
	root := New(newKernel(), Options{})
	inos := map[uint64]string{}
	var visit func(p string, n vfs.Node)
	visit = func(p string, n vfs.Node) {
		a, err := n.Attr()
		if err != nil {
			t.Errorf("%s: Attr: %v", p, err)
			return
		}
		if q, ok := inos[a.Ino]; ok {
			t.Errorf("%s and %s share inode %d", p, q, a.Ino)
		}
		inos[a.Ino] = p
		switch n := n.(type) {
		case vfs.Dir:
			ents, err := n.ReadDir(ctx, 0, 0)
			if err != nil {
				t.Errorf("%s: ReadDir: %v", p, err)
			}
			for _, e := range ents {
				c, err := n.Lookup(ctx, e.Name)
				if err != nil {
					t.Errorf("%s/%s: %v", p, e.Name, err)
					continue
				}
				visit(p+"/"+e.Name, c)
			}
		case vfs.Symlink:
			if _, err := n.Readlink(ctx); err != nil && !strings.HasPrefix(p, "/7/") {
				t.Errorf("%s: Readlink: %v", p, err)
			}
		case vfs.Opener:
			ops, err := n.Open(ctx, abi.O_RDONLY)
			if err != nil {
				t.Errorf("%s: Open: %v", p, err)
				return
			}
			ops.Read(ctx, make([]byte, 64), 0)
			ops.Release()
		default:
			t.Errorf("%s: %T is neither", p, n)
		}
	}
	visit("", root)
	if len(inos) < 100 {
		t.Errorf("only %d nodes", len(inos))
	}
}

func TestConcurrent(t *testing.T) {
	k := newKernel()
	root := New(k, Options{})
	stop := make(chan struct{})
	var churn sync.WaitGroup
	churn.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			pid := 100 + i%10
			k.add(pid, shell())
			k.remove(100 + (i+5)%10)
		}
	})
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			c := testCtx{pid: 100 + i, tid: 100 + i}
			for range 50 {
				for _, p := range []string{"self/status", "self/stat", "self/maps", "meminfo", "stat", "self/task/42/comm", "self/fd/1", "42/mountinfo"} {
					tryRead(root, c, p) // errors are expected: processes vanish
				}
				n, _ := walk(root, c, "", false)
				n.(vfs.Dir).ReadDir(c, 0, 0)
			}
		})
	}
	wg.Wait()
	close(stop)
	churn.Wait()
}
