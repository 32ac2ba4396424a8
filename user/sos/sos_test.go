package sos

import "testing"

// The calls themselves are tested on SOS by user/cmd/sostest (run by
// internal/systest); this checks the /proc parsing on its own.

func TestParseStat(t *testing.T) {
	// A name with spaces and parentheses, as prctl may set it.
	line := "42 (a) b (c)) S 7 42 7 0 -1 4194560 10 0 0 0 123 45 0 0 20 0 5 0 678 9000000 321 " +
		"18446744073709551615 65536 1000000 140737488347136 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n"
	st, err := ParseStat(line)
	if err != nil {
		t.Fatal(err)
	}
	want := ProcStat{PID: 42, Comm: "a) b (c)", State: 'S', PPID: 7, PGID: 42, SID: 7, UTime: 123, STime: 45,
		NumThreads: 5, StartTime: 678, VSize: 9000000, RSS: 321, Processor: 1}
	if st != want {
		t.Errorf("got %+v\nwant %+v", st, want)
	}
	for _, bad := range []string{"", "42 no parens", "x (a) S 1", "42 (a) S 1 2 3"} {
		if _, err := ParseStat(bad); err == nil {
			t.Errorf("ParseStat(%q) did not fail", bad)
		}
	}
}
