package procfs

import (
	"bytes"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"sos/internal/abi"
)

// The formats below are Linux 6.x's (fs/proc/*.c, arch/riscv/kernel/cpu.c),
// field for field; where SOS has no value, Linux's value for an idle,
// unprivileged case is printed.

const (
	pageSize = 4096
	// userHZ is USER_HZ, the unit of the clock-tick fields.
	userHZ = 100

	defaultISA    = "rv64imafdc_zicntr_zicsr_zifencei_zba_zbb_zbs"
	defaultMMU    = "sv48"
	defaultPIDMax = 4194304
)

// ticks converts a duration to clock ticks.
func ticks(d time.Duration) uint64 {
	if d <= 0 {
		return 0
	}
	return uint64(d / (time.Second / userHZ))
}

// centis prints a duration as seconds with two decimals, as
// /proc/uptime does.
func centis(b *bytes.Buffer, d time.Duration) {
	d = max(d, 0)
	fmt.Fprintf(b, "%d.%02d", d/time.Second, d%time.Second/(10*time.Millisecond))
}

// major and minor split a device number in the encoding of stat's st_dev
// (glibc's gnu_dev_major and gnu_dev_minor).
func major(dev uint64) uint64 { return dev>>8&0xfff | dev>>32&0xfffff000 }
func minor(dev uint64) uint64 { return dev&0xff | dev>>12&0xffffff00 }

// escape replaces the bytes in chars with octal escapes, as Linux's
// seq_escape does for paths in /proc/PID/mounts and maps.
func escape(s, chars string) string {
	if !strings.ContainsAny(s, chars) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(chars, s[i]) >= 0 {
			fmt.Fprintf(&b, "\\%03o", s[i])
		} else {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// comm cuts a command name to the 15 bytes Linux keeps.
func comm(name string) string {
	if len(name) > 15 {
		return name[:15]
	}
	return name
}

// nulList joins strings each followed by a NUL, as cmdline and environ
// are.
func nulList(ss []string) []byte {
	var b bytes.Buffer
	for _, s := range ss {
		b.WriteString(s)
		b.WriteByte(0)
	}
	return b.Bytes()
}

// forThread returns the process status st as thread t sees it: the
// fields Linux keeps per thread are t's.
func (st Status) forThread(t Thread, leader bool) Status {
	st.Name = t.Name
	st.State = t.State
	st.UTime, st.STime = t.UTime, t.STime
	st.MinFlt, st.MajFlt = t.MinFlt, t.MajFlt
	st.Processor = t.Processor
	st.SigPnd, st.SigBlk = t.SigPnd, t.SigBlk
	st.VoluntaryCtxtSwitches, st.NonvoluntaryCtxtSwitches = t.VoluntaryCtxtSwitches, t.NonvoluntaryCtxtSwitches
	if !leader {
		st.ExitSignal = -1
	}
	return st
}

func state(c byte) byte {
	if c == 0 {
		return 'R'
	}
	return c
}

var stateNames = map[byte]string{
	'R': "R (running)", 'S': "S (sleeping)", 'D': "D (disk sleep)", 'T': "T (stopped)",
	't': "t (tracing stop)", 'X': "X (dead)", 'Z': "Z (zombie)", 'P': "P (parked)", 'I': "I (idle)",
}

func stateName(c byte) string {
	if s, ok := stateNames[state(c)]; ok {
		return s
	}
	return string(state(c)) + " (unknown)"
}

func dead(st Status) bool { return st.State == 'Z' || st.State == 'X' }

// formatStat prints /proc/PID/stat (or task/TID/stat: id is then the
// TID).
func formatStat(id int, st Status) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%d (%s) %c %d %d %d %d %d %d",
		id, comm(st.Name), state(st.State), st.PPID, st.PGID, st.SID, st.TTY, st.TPGID, 0)
	fmt.Fprintf(&b, " %d %d %d %d %d %d %d %d",
		st.MinFlt, st.CMinFlt, st.MajFlt, st.CMajFlt,
		ticks(st.UTime), ticks(st.STime), ticks(st.CUTime), ticks(st.CSTime))
	fmt.Fprintf(&b, " %d %d %d 0 %d %d %d %d",
		20+st.Nice, st.Nice, max(st.Threads, 1), ticks(st.StartTime), st.VmSize, st.VmRSS/pageSize, abi.RLIM_INFINITY)
	fmt.Fprintf(&b, " %d %d %d 0 0", st.StartCode, st.EndCode, st.StartStack)
	const mask = 0x7fffffff // the obsolete decimal masks show signals 1-31
	fmt.Fprintf(&b, " %d %d %d %d", st.SigPnd&mask, st.SigBlk&mask, st.SigIgn&mask, st.SigCgt&mask)
	fmt.Fprintf(&b, " 0 0 0 %d %d 0 0 0 0 0", st.ExitSignal, st.Processor)
	fmt.Fprintf(&b, " %d %d %d %d %d %d %d %d\n",
		st.StartData, st.EndData, st.StartBrk, st.ArgStart, st.ArgEnd, st.EnvStart, st.EnvEnd, st.ExitCode)
	return b.Bytes()
}

// formatStatm prints /proc/PID/statm, in pages.
func formatStatm(st Status) []byte {
	return fmt.Appendf(nil, "%d %d %d %d 0 %d 0\n",
		st.VmSize/pageSize, st.VmRSS/pageSize, (st.RssFile+st.RssShmem)/pageSize,
		st.VmExe/pageSize, (st.VmData+st.VmStk)/pageSize)
}

// formatStatus prints /proc/PID/status; tgid is the process's id and pid
// the thread's (the same for the process's own status). harts is the
// number of harts, for Cpus_allowed when st.CPUs is nil.
func formatStatus(tgid, pid int, st Status, harts int) []byte {
	var b bytes.Buffer
	// Linux escapes only these two in the name.
	name := strings.NewReplacer(`\`, `\\`, "\n", `\n`).Replace(comm(st.Name))
	fmt.Fprintf(&b, "Name:\t%s\n", name)
	if !dead(st) {
		fmt.Fprintf(&b, "Umask:\t%04o\n", st.Umask&0o777)
	}
	fmt.Fprintf(&b, "State:\t%s\n", stateName(st.State))
	fmt.Fprintf(&b, "Tgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n", tgid, pid, st.PPID)
	fmt.Fprintf(&b, "Uid:\t%d\t%d\t%d\t%d\n", st.UIDs[0], st.UIDs[1], st.UIDs[2], st.UIDs[3])
	fmt.Fprintf(&b, "Gid:\t%d\t%d\t%d\t%d\n", st.GIDs[0], st.GIDs[1], st.GIDs[2], st.GIDs[3])
	fmt.Fprintf(&b, "FDSize:\t%d\nGroups:\t", st.FDSize)
	for i, g := range st.Groups {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprint(&b, g)
	}
	// Linux's trailing space, kept for compatibility.
	b.WriteString(" \n")
	fmt.Fprintf(&b, "NStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\nKthread:\t0\n", tgid, pid, st.PGID, st.SID)
	if !dead(st) {
		for _, f := range []struct {
			name string
			v    uint64
		}{
			{"VmPeak", st.VmPeak}, {"VmSize", st.VmSize}, {"VmLck", st.VmLck}, {"VmPin", 0},
			{"VmHWM", st.VmHWM}, {"VmRSS", st.VmRSS}, {"RssAnon", st.RssAnon}, {"RssFile", st.RssFile},
			{"RssShmem", st.RssShmem}, {"VmData", st.VmData}, {"VmStk", st.VmStk}, {"VmExe", st.VmExe},
			{"VmLib", st.VmLib}, {"VmPTE", st.VmPTE}, {"VmSwap", st.VmSwap}, {"HugetlbPages", 0},
		} {
			fmt.Fprintf(&b, "%s:\t%8d kB\n", f.name, f.v>>10)
		}
		b.WriteString("CoreDumping:\t0\nTHP_enabled:\t0\n")
	}
	fmt.Fprintf(&b, "Threads:\t%d\nSigQ:\t%d/%d\n", max(st.Threads, 1), st.SigQ, st.SigQLimit)
	fmt.Fprintf(&b, "SigPnd:\t%016x\nShdPnd:\t%016x\nSigBlk:\t%016x\nSigIgn:\t%016x\nSigCgt:\t%016x\n",
		st.SigPnd, st.ShdPnd, st.SigBlk, st.SigIgn, st.SigCgt)
	fmt.Fprintf(&b, "CapInh:\t%016x\nCapPrm:\t%016x\nCapEff:\t%016x\nCapBnd:\t%016x\nCapAmb:\t%016x\n",
		st.CapInh, st.CapPrm, st.CapEff, st.CapBnd, st.CapAmb)
	nnp := 0
	if st.NoNewPrivs {
		nnp = 1
	}
	fmt.Fprintf(&b, "NoNewPrivs:\t%d\nSeccomp:\t0\nSeccomp_filters:\t0\n", nnp)
	// What riscv's arch_prctl_spec_ctrl_get answers.
	b.WriteString("Speculation_Store_Bypass:\tunknown\nSpeculationIndirectBranch:\tunknown\n")
	var cpus []int
	if st.CPUs == nil {
		for i := range max(harts, 1) {
			cpus = append(cpus, i)
		}
	} else {
		cpus = slices.DeleteFunc(sorted(st.CPUs), func(c int) bool { return c < 0 })
	}
	fmt.Fprintf(&b, "Cpus_allowed:\t%s\nCpus_allowed_list:\t%s\n", cpuMask(cpus, max(harts, 1)), cpuList(cpus))
	b.WriteString("Mems_allowed:\t1\nMems_allowed_list:\t0\n")
	fmt.Fprintf(&b, "voluntary_ctxt_switches:\t%d\nnonvoluntary_ctxt_switches:\t%d\n",
		st.VoluntaryCtxtSwitches, st.NonvoluntaryCtxtSwitches)
	return b.Bytes()
}

// cpuMask prints a set of CPUs as Linux's "%*pb" does for a mask of n
// bits: hexadecimal, in comma-separated 32-bit groups.
func cpuMask(cpus []int, n int) string {
	n = max(n, 1)
	for _, c := range cpus {
		n = max(n, c+1)
	}
	words := make([]uint32, (n+31)/32)
	for _, c := range cpus {
		if c >= 0 {
			words[c/32] |= 1 << (c % 32)
		}
	}
	var b strings.Builder
	top := len(words) - 1
	digits := (n - 32*top + 3) / 4
	fmt.Fprintf(&b, "%0*x", digits, words[top])
	for i := top - 1; i >= 0; i-- {
		fmt.Fprintf(&b, ",%08x", words[i])
	}
	return b.String()
}

// cpuList prints a sorted set of CPUs as Linux's "%*pbl" does: "0-3,5".
func cpuList(cpus []int) string {
	var parts []string
	for i := 0; i < len(cpus); {
		j := i
		for j+1 < len(cpus) && cpus[j+1] == cpus[j]+1 {
			j++
		}
		if i == j {
			parts = append(parts, strconv.Itoa(cpus[i]))
		} else {
			parts = append(parts, fmt.Sprintf("%d-%d", cpus[i], cpus[j]))
		}
		i = j + 1
	}
	return strings.Join(parts, ",")
}

// formatMaps prints /proc/PID/maps. Names start in column 73, after the
// fields Linux pads to the width of a 64-bit line.
func formatMaps(ms []Mapping) []byte {
	var b bytes.Buffer
	for _, m := range ms {
		perm := []byte("---p")
		if m.Prot&abi.PROT_READ != 0 {
			perm[0] = 'r'
		}
		if m.Prot&abi.PROT_WRITE != 0 {
			perm[1] = 'w'
		}
		if m.Prot&abi.PROT_EXEC != 0 {
			perm[2] = 'x'
		}
		if m.Shared {
			perm[3] = 's'
		}
		start := b.Len()
		fmt.Fprintf(&b, "%08x-%08x %s %08x %02x:%02x %d ",
			m.Start, m.End, perm, m.Offset, major(m.Dev), minor(m.Dev), m.Inode)
		if m.Name != "" {
			const width = 25 + 8*6 - 1 // Linux's seq_setwidth for a 64-bit kernel
			if pad := width - (b.Len() - start); pad > 0 {
				b.WriteString(strings.Repeat(" ", pad))
			}
			b.WriteByte(' ')
			b.WriteString(escape(m.Name, "\n"))
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// mountOptions returns the options /proc/mounts shows for m, and the
// super-block options /proc/PID/mountinfo shows.
func mountOptions(m Mount) (all, super string) {
	opts := m.Options
	if opts == "" {
		opts = "rw"
	}
	super, _, _ = strings.Cut(opts, ",")
	all = opts
	if m.FSOptions != "" {
		all += "," + m.FSOptions
		super += "," + m.FSOptions
	}
	return all, super
}

const mountEscapes = " \t\n\\"

func mountSource(m Mount) string {
	if m.Source == "" {
		return "none"
	}
	return escape(m.Source, mountEscapes)
}

// formatMounts prints /proc/PID/mounts.
func formatMounts(ms []Mount) []byte {
	var b bytes.Buffer
	for _, m := range ms {
		all, _ := mountOptions(m)
		fmt.Fprintf(&b, "%s %s %s %s 0 0\n",
			mountSource(m), escape(m.Point, mountEscapes), escape(m.Type, mountEscapes), escape(all, mountEscapes))
	}
	return b.Bytes()
}

// formatMountinfo prints /proc/PID/mountinfo.
func formatMountinfo(ms []Mount) []byte {
	var b bytes.Buffer
	for _, m := range ms {
		root := m.Root
		if root == "" {
			root = "/"
		}
		opts := m.Options
		if opts == "" {
			opts = "rw"
		}
		_, super := mountOptions(m)
		fmt.Fprintf(&b, "%d %d %d:%d %s %s %s - %s %s %s\n",
			m.ID, m.ParentID, major(m.Dev), minor(m.Dev), escape(root, mountEscapes), escape(m.Point, mountEscapes),
			escape(opts, mountEscapes), escape(m.Type, mountEscapes), mountSource(m), escape(super, mountEscapes))
	}
	return b.Bytes()
}

// formatMeminfo prints /proc/meminfo.
func formatMeminfo(m Memory) []byte {
	var b bytes.Buffer
	kb := func(name string, v uint64) {
		fmt.Fprintf(&b, "%-16s%8d kB\n", name+":", v>>10)
	}
	kb("MemTotal", m.Total)
	kb("MemFree", m.Free)
	kb("MemAvailable", m.Available)
	kb("Buffers", m.Buffers)
	kb("Cached", m.Cached)
	kb("SwapCached", m.SwapCached)
	for _, name := range []string{"Active", "Inactive", "Active(anon)", "Inactive(anon)",
		"Active(file)", "Inactive(file)", "Unevictable", "Mlocked"} {
		kb(name, 0)
	}
	kb("SwapTotal", m.SwapTotal)
	kb("SwapFree", m.SwapFree)
	kb("Zswap", 0)
	kb("Zswapped", 0)
	kb("Dirty", m.Dirty)
	kb("Writeback", m.Writeback)
	kb("AnonPages", m.AnonPages)
	kb("Mapped", m.Mapped)
	kb("Shmem", m.Shmem)
	kb("KReclaimable", 0)
	kb("Slab", m.Slab)
	kb("SReclaimable", 0)
	kb("SUnreclaim", m.Slab)
	kb("KernelStack", m.KernelStack)
	kb("PageTables", m.PageTables)
	kb("SecPageTables", 0)
	kb("NFS_Unstable", 0)
	kb("Bounce", 0)
	kb("WritebackTmp", 0)
	// With overcommit_ratio 50, as Linux defaults.
	kb("CommitLimit", m.SwapTotal+m.Total/2)
	kb("Committed_AS", m.CommittedAS)
	kb("VmallocTotal", 0)
	kb("VmallocUsed", 0)
	kb("VmallocChunk", 0)
	kb("Percpu", 0)
	kb("AnonHugePages", 0)
	kb("ShmemHugePages", 0)
	kb("ShmemPmdMapped", 0)
	kb("FileHugePages", 0)
	kb("FilePmdMapped", 0)
	b.WriteString("HugePages_Total:       0\nHugePages_Free:        0\nHugePages_Rsvd:        0\nHugePages_Surp:        0\n")
	kb("Hugepagesize", 2<<20)
	kb("Hugetlb", 0)
	return b.Bytes()
}

// harts returns the number of harts in s, at least 1.
func harts(s System) int { return max(s.Harts, 1) }

// formatCPUInfo prints /proc/cpuinfo in the format of Linux on RISC-V.
func formatCPUInfo(s System) []byte {
	isa, mmu := s.ISA, s.MMU
	if isa == "" {
		isa = defaultISA
	}
	if mmu == "" {
		mmu = defaultMMU
	}
	var b bytes.Buffer
	for i := range harts(s) {
		fmt.Fprintf(&b, "processor\t: %d\nhart\t\t: %d\nisa\t\t: %s\nmmu\t\t: %s\n", i, i, isa, mmu)
		fmt.Fprintf(&b, "mvendorid\t: 0x0\nmarchid\t\t: 0x0\nmimpid\t\t: 0x0\nhart isa\t: %s\n\n", isa)
	}
	return b.Bytes()
}

// formatStatFile prints /proc/stat.
func formatStatFile(s System) []byte {
	var b bytes.Buffer
	cpus := make([]CPUTime, harts(s))
	copy(cpus, s.CPUs)
	var all CPUTime
	for _, c := range cpus {
		all.User += c.User
		all.Nice += c.Nice
		all.System += c.System
		all.Idle += c.Idle
		all.IOWait += c.IOWait
		all.IRQ += c.IRQ
		all.SoftIRQ += c.SoftIRQ
		all.Steal += c.Steal
	}
	line := func(name string, c CPUTime) {
		fmt.Fprintf(&b, "%s %d %d %d %d %d %d %d %d 0 0\n", name,
			ticks(c.User), ticks(c.Nice), ticks(c.System), ticks(c.Idle),
			ticks(c.IOWait), ticks(c.IRQ), ticks(c.SoftIRQ), ticks(c.Steal))
	}
	line("cpu ", all)
	for i, c := range cpus {
		line("cpu"+strconv.Itoa(i), c)
	}
	var btime int64
	if !s.BootTime.IsZero() {
		btime = s.BootTime.Unix()
	}
	fmt.Fprintf(&b, "intr 0\nctxt %d\nbtime %d\nprocesses %d\nprocs_running %d\nprocs_blocked %d\n",
		s.ContextSwitches, btime, s.Forks, s.Running, s.Blocked)
	b.WriteString("softirq 0 0 0 0 0 0 0 0 0 0 0\n")
	return b.Bytes()
}

// formatUptime prints /proc/uptime: the time since boot and the time the
// harts have spent idle, summed.
func formatUptime(s System) []byte {
	var idle time.Duration
	for _, c := range s.CPUs {
		idle += c.Idle
	}
	var b bytes.Buffer
	centis(&b, s.Uptime)
	b.WriteByte(' ')
	centis(&b, idle)
	b.WriteByte('\n')
	return b.Bytes()
}

// formatLoadavg prints /proc/loadavg.
func formatLoadavg(s System) []byte {
	var b bytes.Buffer
	for _, l := range s.Load {
		c := int64(0)
		if l > 0 && !math.IsInf(l, 0) {
			c = int64(math.Round(l * 100))
		}
		fmt.Fprintf(&b, "%d.%02d ", c/100, c%100)
	}
	fmt.Fprintf(&b, "%d/%d %d\n", s.Running, s.Threads, s.LastPID)
	return b.Bytes()
}

// formatVersion prints /proc/version.
func formatVersion(s System) []byte {
	return fmt.Appendf(nil, "Linux version %s (sos@sos) (%s) %s\n", s.OSRelease, runtime.Version(), s.Version)
}

var defaultFileSystems = []FileSystemType{
	{"proc", true}, {"tmpfs", true}, {"devtmpfs", true}, {"pipefs", true},
	{"sockfs", true}, {"nfs", true}, {"vfat", false},
}

// formatFileSystems prints /proc/filesystems.
func formatFileSystems(s System) []byte {
	fss := s.FileSystems
	if fss == nil {
		fss = defaultFileSystems
	}
	var b bytes.Buffer
	for _, f := range fss {
		if f.NoDev {
			b.WriteString("nodev")
		}
		fmt.Fprintf(&b, "\t%s\n", f.Name)
	}
	return b.Bytes()
}
