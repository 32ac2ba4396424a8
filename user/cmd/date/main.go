// Command date prints the date and time, by default as "Mon Jan  2
// 15:04:05 UTC 2006"; +FORMAT takes strftime's conversions (%a %A %b
// %B %c %d %D %e %F %H %I %j %m %M %n %N %p %R %s %S %t %T %u %y %Y %z %Z
// %%). -u uses UTC; -d @SECONDS shows that moment instead of now.
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
	opts := cli.Parse(os.Args[1:], "uR", "d", false, "[-u] [-d @SECONDS] [+FORMAT]", 1)
	t := time.Now()
	if v, ok := opts.Value('d'); ok {
		secs, err := strconv.ParseInt(strings.TrimPrefix(v, "@"), 10, 64)
		if !strings.HasPrefix(v, "@") || err != nil {
			cli.Warn("invalid date %s", cli.Quote(v))
			os.Exit(1)
		}
		t = time.Unix(secs, 0)
	}
	if opts.Has('u') {
		t = t.UTC()
	}
	format := "%a %b %e %H:%M:%S %Z %Y"
	if opts.Has('R') {
		format = "%a, %d %b %Y %H:%M:%S %z"
	}
	for _, a := range opts.Args {
		if !strings.HasPrefix(a, "+") {
			cli.Warn("invalid date %s", cli.Quote(a))
			os.Exit(1)
		}
		format = a[1:]
	}
	fmt.Println(strftime(format, t))
}

func strftime(f string, t time.Time) string {
	var b strings.Builder
	for i := 0; i < len(f); i++ {
		if f[i] != '%' || i+1 == len(f) {
			b.WriteByte(f[i])
			continue
		}
		i++
		switch f[i] {
		case 'a':
			b.WriteString(t.Format("Mon"))
		case 'A':
			b.WriteString(t.Format("Monday"))
		case 'b', 'h':
			b.WriteString(t.Format("Jan"))
		case 'B':
			b.WriteString(t.Format("January"))
		case 'c':
			b.WriteString(t.Format("Mon Jan _2 15:04:05 2006"))
		case 'd':
			b.WriteString(t.Format("02"))
		case 'D':
			b.WriteString(t.Format("01/02/06"))
		case 'e':
			b.WriteString(t.Format("_2"))
		case 'F':
			b.WriteString(t.Format("2006-01-02"))
		case 'H':
			b.WriteString(t.Format("15"))
		case 'I':
			b.WriteString(t.Format("03"))
		case 'j':
			fmt.Fprintf(&b, "%03d", t.YearDay())
		case 'm':
			b.WriteString(t.Format("01"))
		case 'M':
			b.WriteString(t.Format("04"))
		case 'n':
			b.WriteByte('\n')
		case 'N':
			fmt.Fprintf(&b, "%09d", t.Nanosecond())
		case 'p':
			b.WriteString(t.Format("PM"))
		case 'R':
			b.WriteString(t.Format("15:04"))
		case 's':
			fmt.Fprint(&b, t.Unix())
		case 'S':
			b.WriteString(t.Format("05"))
		case 't':
			b.WriteByte('\t')
		case 'T':
			b.WriteString(t.Format("15:04:05"))
		case 'u':
			wd := int(t.Weekday())
			if wd == 0 {
				wd = 7
			}
			fmt.Fprint(&b, wd)
		case 'y':
			b.WriteString(t.Format("06"))
		case 'Y':
			fmt.Fprint(&b, t.Year())
		case 'z':
			b.WriteString(t.Format("-0700"))
		case 'Z':
			b.WriteString(t.Format("MST"))
		case '%':
			b.WriteByte('%')
		default:
			b.WriteByte('%')
			b.WriteByte(f[i])
		}
	}
	return b.String()
}
