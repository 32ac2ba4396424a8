// Command uptime prints the time, how long the system has been up and
// the load averages, in the layout of procps's uptime: " 10:02:03 up
// 5 min,  0 user,  load average: 0.00, 0.00, 0.00". -p prints only
// the time up ("up 5 minutes"), -s the moment of boot. Exit status 1 if
// /proc could not be read.
package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"sos/user/internal/cli"
)

func main() {
	opts := cli.Parse(os.Args[1:], "ps", "", false, "[-ps]", 1)
	b, err := os.ReadFile("/proc/uptime")
	if err != nil {
		cli.Warn("cannot read /proc/uptime: %s", cli.Reason(err))
		os.Exit(1)
	}
	f := strings.Fields(string(b))
	var secs float64
	if len(f) > 0 {
		secs, err = strconv.ParseFloat(f[0], 64)
	}
	if len(f) == 0 || err != nil {
		cli.Warn("/proc/uptime: malformed")
		os.Exit(1)
	}
	up := int64(secs)
	now := time.Now()
	switch {
	case opts.Has('s'):
		fmt.Println(now.Add(-time.Duration(secs * float64(time.Second))).Format("2006-01-02 15:04:05"))
		return
	case opts.Has('p'):
		fmt.Println(pretty(up))
		return
	}
	load := "0.00, 0.00, 0.00"
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		if l := strings.Fields(string(b)); len(l) >= 3 {
			load = l[0] + ", " + l[1] + ", " + l[2]
		}
	}
	fmt.Printf(" %s up %s,  0 user,  load average: %s\n", now.Format("15:04:05"), since(up), load)
}

// since prints an uptime as procps does: "3 days, 2:05", "2:05", "5 min".
func since(s int64) string {
	var b strings.Builder
	days := s / 86400
	if days > 0 {
		fmt.Fprintf(&b, "%d day", days)
		if days > 1 {
			b.WriteByte('s')
		}
		b.WriteString(", ")
	}
	hours, mins := s/3600%24, s/60%60
	if hours > 0 {
		fmt.Fprintf(&b, "%2d:%02d", hours, mins)
	} else {
		fmt.Fprintf(&b, "%d min", mins)
	}
	return b.String()
}

// pretty prints an uptime as "up 1 day, 2 hours, 5 minutes".
func pretty(s int64) string {
	var parts []string
	add := func(n int64, unit string) {
		if n > 0 {
			if n > 1 {
				unit += "s"
			}
			parts = append(parts, fmt.Sprintf("%d %s", n, unit))
		}
	}
	add(s/86400/7, "week")
	add(s/86400%7, "day")
	add(s/3600%24, "hour")
	add(s/60%60, "minute")
	if len(parts) == 0 {
		return "up 0 minutes"
	}
	return "up " + strings.Join(parts, ", ")
}
