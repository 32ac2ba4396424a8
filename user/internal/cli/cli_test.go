package cli

import (
	"errors"
	"os"
	"slices"
	"syscall"
	"testing"
)

func TestParse(t *testing.T) {
	o, err := parse([]string{"-la", "x", "-n5", "-c", "7", "--", "-v"}, "lav", "nc", false)
	if err != nil {
		t.Fatal(err)
	}
	if !o.Has('l') || !o.Has('a') || o.Has('v') || !slices.Equal(o.Args, []string{"x", "-v"}) {
		t.Errorf("flags or operands wrong: %+v", o)
	}
	if v, _ := o.Value('n'); v != "5" {
		t.Errorf("-n5 gave %q", v)
	}
	if v, _ := o.Value('c'); v != "7" {
		t.Errorf("-c 7 gave %q", v)
	}
	o, err = parse([]string{"-20", "f", "-"}, "", "n", true)
	if v, _ := o.Value('n'); err != nil || v != "20" || !slices.Equal(o.Args, []string{"f", "-"}) {
		t.Errorf("-20: %+v, %v", o, err)
	}
	for _, bad := range [][]string{{"-z"}, {"-n"}, {"--long"}} {
		if _, err := parse(bad, "l", "n", false); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

func TestReason(t *testing.T) {
	if r := Reason(&os.PathError{Op: "open", Path: "x", Err: syscall.ENOENT}); r != "No such file or directory" {
		t.Errorf("got %q", r)
	}
	if r := Reason(errors.New("plain")); r != "plain" {
		t.Errorf("got %q", r)
	}
	if q := Quote("it's"); q != `'it'\''s'` {
		t.Errorf("got %s", q)
	}
}
