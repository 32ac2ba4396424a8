// Command df reports the size, use and free space of the mounted file
// systems (statfs(2) on each mount in /proc/mounts), or of the ones
// holding the FILE arguments. -h prints sizes in powers of 1024 with a
// unit, -a includes the file systems without a size (proc, devtmpfs).
package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"syscall"

	"sos/user/internal/cli"
)

type mount struct{ source, path, fsType string }

func main() {
	opts := cli.Parse(os.Args[1:], "ah", "", false, "[-ah] [FILE]...", 1)
	mounts, err := readMounts()
	if err != nil {
		cli.Warn("cannot read /proc/mounts: %s", cli.Reason(err))
		os.Exit(1)
	}
	var show []mount
	status := 0
	if len(opts.Args) == 0 {
		show = mounts
	} else {
		for _, name := range opts.Args {
			m, err := mountOf(mounts, name)
			if err != nil {
				cli.Warn("%s: %s", name, cli.Reason(err))
				status = 1
				continue
			}
			show = append(show, m)
		}
	}
	size := "1K-blocks"
	if opts.Has('h') {
		size = "Size"
	}
	rows := [][]string{{"Filesystem", size, "Used", "Available", "Use%", "Mounted on"}}
	for _, m := range show {
		var st syscall.Statfs_t
		if err := syscall.Statfs(m.path, &st); err != nil {
			cli.Warn("%s: %s", m.path, cli.Reason(err))
			status = 1
			continue
		}
		if st.Blocks == 0 && !opts.Has('a') && len(opts.Args) == 0 {
			continue
		}
		bs := uint64(st.Bsize)
		total, free, avail := st.Blocks*bs, st.Bfree*bs, st.Bavail*bs
		used := total - free
		pct := "-"
		if used+avail > 0 {
			pct = fmt.Sprintf("%d%%", (used*100+used+avail-1)/(used+avail))
		}
		f := func(n uint64) string { return fmt.Sprint((n + 1023) / 1024) }
		if opts.Has('h') {
			f = human
		}
		rows = append(rows, []string{m.source, f(total), f(used), f(avail), pct, m.path})
	}
	printTable(rows)
	os.Exit(status)
}

// printTable writes rows as df does: the first and last columns left-aligned,
// the figures right-aligned, one space between.
func printTable(rows [][]string) {
	width := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, c := range r {
			width[i] = max(width[i], len(c))
		}
	}
	for _, r := range rows {
		var b strings.Builder
		for i, c := range r {
			switch {
			case i == 0:
				fmt.Fprintf(&b, "%-*s", width[i], c)
			case i == len(r)-1:
				fmt.Fprintf(&b, " %s", c)
			default:
				fmt.Fprintf(&b, " %*s", width[i], c)
			}
		}
		fmt.Println(b.String())
	}
}

// readMounts parses /proc/mounts.
func readMounts() ([]mount, error) {
	f, err := os.Open("/proc/mounts")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var ms []mount
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 3 {
			ms = append(ms, mount{unescape(fields[0]), unescape(fields[1]), fields[2]})
		}
	}
	return ms, sc.Err()
}

// unescape undoes /proc/mounts' octal escapes (\040 for a space).
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			var c byte
			if _, err := fmt.Sscanf(s[i+1:i+4], "%3o", &c); err == nil {
				b.WriteByte(c)
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// mountOf finds the mount holding name: the mount of the same device
// whose path is the longest prefix of name's absolute path.
func mountOf(ms []mount, name string) (mount, error) {
	var st syscall.Stat_t
	if err := syscall.Stat(name, &st); err != nil {
		return mount{}, err
	}
	best := -1
	for i, m := range ms {
		var mst syscall.Stat_t
		if syscall.Stat(m.path, &mst) != nil || mst.Dev != st.Dev {
			continue
		}
		if best < 0 || len(m.path) >= len(ms[best].path) {
			best = i
		}
	}
	if best < 0 {
		return mount{}, syscall.ENOENT
	}
	return ms[best], nil
}

// human prints n bytes as df -h does: one decimal below 10, a unit.
func human(n uint64) string {
	units := "BKMGTPE"
	v := float64(n)
	i := 0
	for v >= 1024 && i < len(units)-1 {
		v /= 1024
		i++
	}
	if i == 0 {
		return fmt.Sprint(n)
	}
	if v < 10 {
		return fmt.Sprintf("%.1f%c", v, units[i])
	}
	return fmt.Sprintf("%.0f%c", v, units[i])
}
