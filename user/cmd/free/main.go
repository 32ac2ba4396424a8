// Command free shows how memory is used, from /proc/meminfo, in the
// layout of procps's free (kibibytes, or -b bytes, -m mebibytes, -h
// human units), followed by the machine's page frames: how many there
// are, how many are in use and how many are free. Exit status 1 if
// /proc/meminfo could not be read.
package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"

	"sos/user/internal/cli"
)

const pageSize = 4096

func main() {
	opts := cli.Parse(os.Args[1:], "bkmgh", "", false, "[-b|-k|-m|-g|-h]", 1)
	info, err := meminfo()
	if err != nil {
		cli.Warn("cannot read /proc/meminfo: %s", cli.Reason(err))
		os.Exit(1)
	}
	total, free := info["MemTotal"], info["MemFree"]
	buffCache := info["Buffers"] + info["Cached"] + info["SReclaimable"]
	avail, ok := info["MemAvailable"]
	if !ok {
		avail = free
	}
	used := total - avail // as procps 4 counts it
	if avail > total {
		used = total - free
	}
	unit := func(v uint64) string {
		switch {
		case opts.Has('b'):
			return strconv.FormatUint(v, 10)
		case opts.Has('m'):
			return strconv.FormatUint(v>>20, 10)
		case opts.Has('g'):
			return strconv.FormatUint(v>>30, 10)
		case opts.Has('h'):
			return human(v)
		}
		return strconv.FormatUint(v>>10, 10)
	}
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	fmt.Fprintf(w, "%20s %11s %11s %11s %11s %11s\n", "total", "used", "free", "shared", "buff/cache", "available")
	fmt.Fprintf(w, "%-7s %12s %11s %11s %11s %11s %11s\n", "Mem:", unit(total), unit(used), unit(free), unit(info["Shmem"]), unit(buffCache), unit(avail))
	swapT, swapF := info["SwapTotal"], info["SwapFree"]
	fmt.Fprintf(w, "%-7s %12s %11s %11s\n", "Swap:", unit(swapT), unit(swapT-swapF), unit(swapF))
	fmt.Fprintf(w, "%-7s %12d %11d %11d\n", "Frames:", total/pageSize, (total-free)/pageSize, free/pageSize)
}

// meminfo reads /proc/meminfo into bytes by field name.
func meminfo() (map[string]uint64, error) {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m := map[string]uint64{}
	s := bufio.NewScanner(f)
	for s.Scan() {
		name, rest, ok := strings.Cut(s.Text(), ":")
		if !ok {
			continue
		}
		fs := strings.Fields(rest)
		if len(fs) == 0 {
			continue
		}
		v, err := strconv.ParseUint(fs[0], 10, 64)
		if err != nil {
			continue
		}
		if len(fs) > 1 && fs[1] == "kB" {
			v <<= 10
		}
		m[name] = v
	}
	return m, s.Err()
}

func human(v uint64) string {
	units := []string{"B", "Ki", "Mi", "Gi", "Ti"}
	f := float64(v)
	i := 0
	for f >= 1024 && i < len(units)-1 {
		f /= 1024
		i++
	}
	if i == 0 {
		return fmt.Sprintf("%dB", v)
	}
	if f < 10 {
		return fmt.Sprintf("%.1f%s", f, units[i])
	}
	return fmt.Sprintf("%.0f%s", f, units[i])
}
