package procfs

import (
	"slices"
	"strconv"

	"sos/internal/abi"
	"sos/internal/vfs"
)

// This file lays out the tree: which names exist where, and which format
// each file has.

// genFunc makes a file's contents; p is the file's process, or nil.
type genFunc func(ctx vfs.Context, p Process) ([]byte, error)

func (f *procFS) fileEntry(parent, name string, mode uint32, o *owner, gen genFunc) entry {
	path := parent + "/" + name
	return entry{name: name, typ: abi.DT_REG, node: func() vfs.Node {
		return &file{fs: f, path: path, mode: mode, owner: o, gen: gen}
	}}
}

func (f *procFS) linkEntry(parent, name string, o *owner, target func(vfs.Context) (string, error)) entry {
	path := parent + "/" + name
	return entry{name: name, typ: abi.DT_LNK, node: func() vfs.Node {
		return &link{fs: f, path: path, mode: 0o777, owner: o, target: target}
	}}
}

func (f *procFS) dirEntry(parent, name string, fixed func(path string) []entry) entry {
	path := parent + "/" + name
	return entry{name: name, typ: abi.DT_DIR, node: func() vfs.Node {
		return &dir{fs: f, path: path, mode: 0o555, fixed: fixed(path)}
	}}
}

// system returns a generator for a file made from the system snapshot.
func (f *procFS) system(format func(System) []byte) genFunc {
	return func(vfs.Context, Process) ([]byte, error) { return format(f.k.System()), nil }
}

// text returns a generator for a file holding s and a newline.
func text(s func() string) genFunc {
	return func(vfs.Context, Process) ([]byte, error) { return []byte(s() + "\n"), nil }
}

// root is /proc.
func (f *procFS) root() vfs.Node {
	const p = ""
	return &dir{fs: f, path: p, mode: 0o555,
		fixed: []entry{
			f.dirEntry(p, "sys", f.sysEntries),
			f.fileEntry(p, "cpuinfo", 0o444, nil, f.system(formatCPUInfo)),
			f.fileEntry(p, "filesystems", 0o444, nil, f.system(formatFileSystems)),
			f.fileEntry(p, "loadavg", 0o444, nil, f.system(formatLoadavg)),
			f.fileEntry(p, "meminfo", 0o444, nil, f.system(func(s System) []byte { return formatMeminfo(s.Memory) })),
			f.linkEntry(p, "mounts", nil, func(vfs.Context) (string, error) { return "self/mounts", nil }),
			f.fileEntry(p, "stat", 0o444, nil, f.system(formatStatFile)),
			f.fileEntry(p, "uptime", 0o444, nil, f.system(formatUptime)),
			f.fileEntry(p, "version", 0o444, nil, f.system(formatVersion)),
			f.linkEntry(p, "self", nil, selfTarget),
			f.linkEntry(p, "thread-self", nil, threadSelfTarget),
		},
		nums: &numbered{
			typ: abi.DT_DIR,
			list: func() ([]int, error) {
				return sorted(f.k.Processes()), nil
			},
			lookup: f.processDir,
		},
	}
}

// sorted returns a copy of ns in increasing order, without duplicates.
// Kernels promise order already; a directory listing must not depend on
// it, nor modify what the kernel returned.
func sorted(ns []int) []int {
	ns = slices.Clone(ns)
	slices.Sort(ns)
	return slices.Compact(ns)
}

// selfTarget is /proc/self's target: the caller's process id.
func selfTarget(ctx vfs.Context) (string, error) {
	if ctx == nil || ctx.PID() <= 0 {
		return "", abi.ENOENT
	}
	return strconv.Itoa(ctx.PID()), nil
}

// threadSelfTarget is /proc/thread-self's target: "PID/task/TID".
func threadSelfTarget(ctx vfs.Context) (string, error) {
	if ctx == nil || ctx.PID() <= 0 || ctx.TID() <= 0 {
		return "", abi.ENOENT
	}
	return strconv.Itoa(ctx.PID()) + "/task/" + strconv.Itoa(ctx.TID()), nil
}

// sysEntries are /proc/sys's: the few settings programs read.
func (f *procFS) sysEntries(p string) []entry {
	sys := func(get func(System) string) genFunc {
		return text(func() string { return get(f.k.System()) })
	}
	constant := func(s string) genFunc { return text(func() string { return s }) }
	return []entry{
		f.dirEntry(p, "kernel", func(p string) []entry {
			return []entry{
				f.fileEntry(p, "hostname", 0o444, nil, sys(func(s System) string {
					if s.Hostname == "" {
						return "(none)"
					}
					return s.Hostname
				})),
				f.fileEntry(p, "osrelease", 0o444, nil, sys(func(s System) string { return s.OSRelease })),
				f.fileEntry(p, "ostype", 0o444, nil, constant("Linux")),
				f.fileEntry(p, "pid_max", 0o444, nil, sys(func(s System) string {
					if s.PIDMax <= 0 {
						return strconv.Itoa(defaultPIDMax)
					}
					return strconv.Itoa(s.PIDMax)
				})),
				f.dirEntry(p, "random", func(p string) []entry {
					return []entry{
						f.fileEntry(p, "boot_id", 0o444, nil, sys(func(s System) string {
							if s.BootID == "" {
								return f.bootID
							}
							return s.BootID
						})),
						f.fileEntry(p, "uuid", 0o444, nil, text(newUUID)),
					}
				}),
			}
		}),
		f.dirEntry(p, "net", func(p string) []entry {
			return []entry{f.dirEntry(p, "core", func(p string) []entry {
				return []entry{f.fileEntry(p, "somaxconn", 0o444, nil, constant("4096"))}
			})}
		}),
		f.dirEntry(p, "vm", func(p string) []entry {
			return []entry{f.fileEntry(p, "overcommit_memory", 0o444, nil, constant("0"))}
		}),
	}
}

// processDir is /proc/PID.
func (f *procFS) processDir(pid int) (vfs.Node, error) {
	if _, ok := f.k.Process(pid); !ok {
		return nil, abi.ENOENT
	}
	o := &owner{fs: f, pid: pid}
	path := "/" + strconv.Itoa(pid)
	return &dir{fs: f, path: path, mode: 0o555, owner: o, fixed: f.processEntries(path, o)}, nil
}

// threadDir is /proc/PID/task/TID.
func (f *procFS) threadDir(pid, tid int) (vfs.Node, error) {
	o := &owner{fs: f, pid: pid, tid: tid}
	if _, err := o.process(); err != nil {
		return nil, err
	}
	path := "/" + strconv.Itoa(pid) + "/task/" + strconv.Itoa(tid)
	return &dir{fs: f, path: path, mode: 0o555, owner: o, fixed: f.processEntries(path, o)}, nil
}

// processEntries are the entries of /proc/PID (o.tid == 0) or of
// /proc/PID/task/TID, in Linux's order. They differ in that a thread's
// directory has no task/, and its stat, status and comm are the thread's.
func (f *procFS) processEntries(p string, o *owner) []entry {
	pid, tid := o.pid, o.tid
	var es []entry
	if tid == 0 {
		es = append(es, entry{name: "task", typ: abi.DT_DIR, node: func() vfs.Node {
			path := p + "/task"
			return &dir{fs: f, path: path, mode: 0o555, owner: o, nums: &numbered{
				typ: abi.DT_DIR,
				list: func() ([]int, error) {
					pr, err := o.process()
					if err != nil {
						return nil, err
					}
					var tids []int
					for _, t := range pr.Threads() {
						tids = append(tids, t.TID)
					}
					return sorted(tids), nil
				},
				lookup: func(tid int) (vfs.Node, error) { return f.threadDir(pid, tid) },
			}}
		}})
	}
	// status returns the status of the process, or of thread tid.
	status := func(pr Process) (Status, int, error) {
		st := pr.Status()
		if tid == 0 {
			return st, pid, nil
		}
		t, ok := findThread(pr, tid)
		if !ok {
			return Status{}, 0, abi.ENOENT
		}
		return st.forThread(t, tid == pid), tid, nil
	}
	path := func(get func(Process) string) func(vfs.Context) (string, error) {
		return func(vfs.Context) (string, error) {
			pr, err := o.process()
			if err != nil {
				return "", err
			}
			if s := get(pr); s != "" {
				return s, nil
			}
			return "", abi.ENOENT
		}
	}
	es = append(es,
		entry{name: "fd", typ: abi.DT_DIR, node: func() vfs.Node { return f.fdDir(p+"/fd", o) }},
		f.fileEntry(p, "environ", 0o400, o, func(_ vfs.Context, pr Process) ([]byte, error) {
			return nulList(pr.Environ()), nil
		}),
		f.fileEntry(p, "status", 0o444, o, func(_ vfs.Context, pr Process) ([]byte, error) {
			st, id, err := status(pr)
			if err != nil {
				return nil, err
			}
			h := 1
			if st.CPUs == nil {
				h = harts(f.k.System())
			}
			return formatStatus(pid, id, st, h), nil
		}),
		f.fileEntry(p, "comm", 0o444, o, func(_ vfs.Context, pr Process) ([]byte, error) {
			st, _, err := status(pr)
			if err != nil {
				return nil, err
			}
			return []byte(comm(st.Name) + "\n"), nil
		}),
		f.fileEntry(p, "cmdline", 0o444, o, func(_ vfs.Context, pr Process) ([]byte, error) {
			return nulList(pr.Cmdline()), nil
		}),
		f.fileEntry(p, "stat", 0o444, o, func(_ vfs.Context, pr Process) ([]byte, error) {
			st, id, err := status(pr)
			if err != nil {
				return nil, err
			}
			return formatStat(id, st), nil
		}),
		f.fileEntry(p, "statm", 0o444, o, func(_ vfs.Context, pr Process) ([]byte, error) {
			return formatStatm(pr.Status()), nil
		}),
		f.fileEntry(p, "maps", 0o444, o, func(_ vfs.Context, pr Process) ([]byte, error) {
			return formatMaps(pr.Maps()), nil
		}),
		f.linkEntry(p, "cwd", o, path(Process.Cwd)),
		f.linkEntry(p, "root", o, path(Process.Root)),
		f.linkEntry(p, "exe", o, path(Process.Exe)),
		f.fileEntry(p, "mounts", 0o444, o, func(vfs.Context, Process) ([]byte, error) {
			return formatMounts(f.k.Mounts()), nil
		}),
		f.fileEntry(p, "mountinfo", 0o444, o, func(vfs.Context, Process) ([]byte, error) {
			return formatMountinfo(f.k.Mounts()), nil
		}),
	)
	return es
}

// fdDir is /proc/PID/fd: a link per open descriptor, named by its number.
func (f *procFS) fdDir(path string, o *owner) vfs.Node {
	fds := func() ([]FD, error) {
		pr, err := o.process()
		if err != nil {
			return nil, err
		}
		return pr.FDs(), nil
	}
	find := func(n int) (FD, error) {
		all, err := fds()
		if err != nil {
			return FD{}, err
		}
		for _, fd := range all {
			if fd.Num == n {
				return fd, nil
			}
		}
		return FD{}, abi.ENOENT
	}
	return &dir{fs: f, path: path, mode: 0o500, owner: o, nums: &numbered{
		typ: abi.DT_LNK,
		list: func() ([]int, error) {
			all, err := fds()
			if err != nil {
				return nil, err
			}
			ns := make([]int, 0, len(all))
			for _, fd := range all {
				ns = append(ns, fd.Num)
			}
			return sorted(ns), nil
		},
		lookup: func(n int) (vfs.Node, error) {
			fd, err := find(n)
			if err != nil {
				return nil, err
			}
			// The link's permissions show the access mode, as
			// Linux's do: r-x for reading, -wx for writing.
			mode := uint32(0o700)
			switch fd.Flags & abi.O_ACCMODE {
			case abi.O_RDONLY:
				mode = 0o500
			case abi.O_WRONLY:
				mode = 0o300
			}
			return &link{fs: f, path: path + "/" + strconv.Itoa(n), mode: mode, size: 64, owner: o,
				target: func(vfs.Context) (string, error) {
					fd, err := find(n)
					return fd.Target, err
				}}, nil
		},
		size: func(n int) int64 { return int64(n) },
	}}
}
