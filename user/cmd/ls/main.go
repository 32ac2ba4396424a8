// Command ls lists files and directories as GNU ls does: -l (long), -a
// (all, with . and ..), -A (all but . and ..), -1 (one per line), -d
// (directories themselves), -R (recursive), -h (human sizes with -l).
// Output to a terminal is in columns, otherwise one name per line. Exit
// status: 0, 1 for trouble inside a directory, 2 for an operand that
// cannot be accessed.
package main

import (
	"bufio"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unsafe"

	"sos/user/internal/cli"
)

var (
	opts   *cli.Options
	out    = bufio.NewWriter(os.Stdout)
	status = 0
	now    = time.Now()
	tty    = isTerminal(1)
)

type entry struct {
	name string // as shown
	path string // to stat
	st   syscall.Stat_t
	link string
}

func main() {
	opts = cli.Parse(os.Args[1:], "laA1dRhF", "", false, "[-laA1dRh] [FILE]...", 2)
	defer out.Flush()
	args := opts.Args
	if len(args) == 0 {
		args = []string{"."}
	}
	var files, dirs []entry
	for _, a := range args {
		e := entry{name: a, path: a}
		if err := syscall.Lstat(a, &e.st); err != nil {
			out.Flush()
			cli.Warn("cannot access %s: %s", cli.Quote(a), cli.Reason(err))
			status = 2
			continue
		}
		if isDir(e) || (e.st.Mode&syscall.S_IFMT == syscall.S_IFLNK && !opts.Has('l') && !opts.Has('d') && statDir(a)) {
			if !opts.Has('d') {
				dirs = append(dirs, e)
				continue
			}
		}
		if e.st.Mode&syscall.S_IFMT == syscall.S_IFLNK {
			e.link, _ = os.Readlink(a)
		}
		files = append(files, e)
	}
	sortEntries(files)
	sortEntries(dirs)
	// GNU ls sizes the columns of the files named on the command line
	// over the directories named with them too.
	printEntries(files, dirs...)
	header := len(dirs) > 1 || len(files) > 0 || opts.Has('R') || status != 0
	for i, d := range dirs {
		if i > 0 || len(files) > 0 {
			out.WriteString("\n")
		}
		listDir(d.path, header)
	}
	out.Flush()
	os.Exit(status)
}

func isDir(e entry) bool { return e.st.Mode&syscall.S_IFMT == syscall.S_IFDIR }

func statDir(p string) bool {
	var st syscall.Stat_t
	return syscall.Stat(p, &st) == nil && st.Mode&syscall.S_IFMT == syscall.S_IFDIR
}

func listDir(dir string, header bool) {
	if header {
		fmt.Fprintf(out, "%s:\n", dir)
	}
	f, err := os.Open(dir)
	if err != nil {
		out.Flush()
		cli.Warn("cannot open directory %s: %s", cli.Quote(dir), cli.Reason(err))
		if status == 0 {
			status = 2
		}
		return
	}
	names, err := f.Readdirnames(-1)
	f.Close()
	if err != nil {
		out.Flush()
		cli.Warn("reading directory %s: %s", cli.Quote(dir), cli.Reason(err))
		status = max(status, 1)
	}
	if opts.Has('a') {
		names = append(names, ".", "..")
	}
	var es []entry
	for _, n := range names {
		if strings.HasPrefix(n, ".") && !opts.Has('a') && !opts.Has('A') {
			continue
		}
		e := entry{name: n, path: filepath.Join(dir, n)}
		if n == "." || n == ".." {
			e.path = dir + "/" + n
		}
		if err := syscall.Lstat(e.path, &e.st); err != nil {
			out.Flush()
			cli.Warn("cannot access %s: %s", cli.Quote(e.path), cli.Reason(err))
			status = max(status, 1)
			continue
		}
		if e.st.Mode&syscall.S_IFMT == syscall.S_IFLNK {
			e.link, _ = os.Readlink(e.path)
		}
		es = append(es, e)
	}
	sortEntries(es)
	if opts.Has('l') {
		var blocks int64
		for _, e := range es {
			blocks += e.st.Blocks
		}
		if opts.Has('h') {
			fmt.Fprintf(out, "total %s\n", human(blocks*512))
		} else {
			fmt.Fprintf(out, "total %d\n", (blocks+1)/2)
		}
	}
	printEntries(es)
	if opts.Has('R') {
		for _, e := range es {
			if isDir(e) && e.name != "." && e.name != ".." {
				out.WriteString("\n")
				listDir(e.path, true)
			}
		}
	}
}

func sortEntries(es []entry) {
	sort.SliceStable(es, func(i, j int) bool { return es[i].name < es[j].name })
}

// printEntries prints es; the entries of widen count for the widths of
// the long format's columns only.
func printEntries(es []entry, widen ...entry) {
	switch {
	case len(es) == 0:
	case opts.Has('l'):
		long(es, widen)
	case opts.Has('1') || !tty:
		for _, e := range es {
			out.WriteString(e.name + classify(e) + "\n")
		}
	default:
		columns(es)
	}
}

func classify(e entry) string {
	if !opts.Has('F') {
		return ""
	}
	switch e.st.Mode & syscall.S_IFMT {
	case syscall.S_IFDIR:
		return "/"
	case syscall.S_IFLNK:
		return "@"
	case syscall.S_IFIFO:
		return "|"
	case syscall.S_IFSOCK:
		return "="
	}
	if e.st.Mode&0o111 != 0 {
		return "*"
	}
	return ""
}

// columns prints names down then across in as many columns as fit the
// terminal, as GNU ls does.
func columns(es []entry) {
	width := termWidth()
	names := make([]string, len(es))
	for i, e := range es {
		names[i] = e.name + classify(e)
	}
	const gap = 2
	best, bestWidths := 1, []int{0}
	for cols := len(names); cols >= 1; cols-- {
		rows := (len(names) + cols - 1) / cols
		widths := make([]int, cols)
		for i, n := range names {
			c := i / rows
			widths[c] = max(widths[c], len(n))
		}
		total := 0
		for c, w := range widths {
			total += w
			if c < cols-1 {
				total += gap
			}
		}
		if total < width || cols == 1 {
			best, bestWidths = cols, widths
			break
		}
	}
	rows := (len(names) + best - 1) / best
	for r := 0; r < rows; r++ {
		var line strings.Builder
		for c := 0; c < best; c++ {
			i := c*rows + r
			if i >= len(names) {
				break
			}
			line.WriteString(names[i])
			if c < best-1 && (c+1)*rows+r < len(names) {
				line.WriteString(strings.Repeat(" ", bestWidths[c]-len(names[i])+gap))
			}
		}
		out.WriteString(line.String() + "\n")
	}
}

func long(es, widen []entry) {
	type row struct{ mode, nlink, owner, group, size, date, name string }
	all := append(append([]entry(nil), es...), widen...)
	rows := make([]row, len(all))
	var w [5]int
	for i, e := range all {
		r := row{
			mode:  cli.ModeString(e.st.Mode),
			nlink: strconv.FormatUint(uint64(e.st.Nlink), 10),
			owner: userName(e.st.Uid),
			group: groupName(e.st.Gid),
			date:  date(time.Unix(e.st.Mtim.Sec, e.st.Mtim.Nsec)),
			name:  e.name + classify(e),
		}
		switch e.st.Mode & syscall.S_IFMT {
		case syscall.S_IFCHR, syscall.S_IFBLK:
			r.size = fmt.Sprintf("%d, %d", cli.Major(e.st.Rdev), cli.Minor(e.st.Rdev))
		default:
			if opts.Has('h') {
				r.size = human(e.st.Size)
			} else {
				r.size = strconv.FormatInt(e.st.Size, 10)
			}
		}
		if e.link != "" {
			r.name += " -> " + e.link
		}
		rows[i] = r
		w[0] = max(w[0], len(r.nlink))
		w[1] = max(w[1], len(r.owner))
		w[2] = max(w[2], len(r.group))
		w[3] = max(w[3], len(r.size))
	}
	for _, r := range rows[:len(es)] {
		fmt.Fprintf(out, "%s %*s %-*s %-*s %*s %s %s\n", r.mode, w[0], r.nlink, w[1], r.owner, w[2], r.group, w[3], r.size, r.date, r.name)
	}
}

// date is the time column: month, day and time for the last six months,
// month, day and year otherwise (and for the future).
func date(t time.Time) string {
	const halfYear = 365 * 24 * time.Hour / 2
	if t.After(now) || now.Sub(t) > halfYear {
		return t.Format("Jan _2  2006")
	}
	return t.Format("Jan _2 15:04")
}

func human(n int64) string {
	if n < 1024 {
		return strconv.FormatInt(n, 10)
	}
	f := float64(n)
	for _, u := range "KMGTPE" {
		f /= 1024
		if f < 1024 || u == 'E' {
			if f < 10 {
				// GNU rounds up to one decimal.
				v := float64(int64(f*10+0.9999)) / 10
				if v < 10 {
					return strconv.FormatFloat(v, 'f', 1, 64) + string(u)
				}
				f = v
			}
			return strconv.FormatInt(int64(f+0.9999), 10) + string(u)
		}
	}
	return strconv.FormatInt(n, 10)
}

var (
	users  = map[uint32]string{}
	groups = map[uint32]string{}
)

func userName(id uint32) string {
	if n, ok := users[id]; ok {
		return n
	}
	n := strconv.FormatUint(uint64(id), 10)
	if u, err := user.LookupId(n); err == nil {
		n = u.Username
	}
	users[id] = n
	return n
}

func groupName(id uint32) string {
	if n, ok := groups[id]; ok {
		return n
	}
	n := strconv.FormatUint(uint64(id), 10)
	if g, err := user.LookupGroupId(n); err == nil {
		n = g.Name
	}
	groups[id] = n
	return n
}

type winsize struct{ Row, Col, X, Y uint16 }

func isTerminal(fd int) bool {
	var t syscall.Termios
	_, _, e := syscall.Syscall(syscall.SYS_IOCTL, uintptr(fd), syscall.TCGETS, uintptr(unsafe.Pointer(&t)))
	return e == 0
}

func termWidth() int {
	if c, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && c > 0 {
		return c
	}
	var ws winsize
	_, _, e := syscall.Syscall(syscall.SYS_IOCTL, 1, syscall.TIOCGWINSZ, uintptr(unsafe.Pointer(&ws)))
	if e == 0 && ws.Col > 0 {
		return int(ws.Col)
	}
	return 80
}
