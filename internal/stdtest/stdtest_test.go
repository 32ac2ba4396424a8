package stdtest

import (
	"strings"
	"testing"
)

func TestOutcome(t *testing.T) {
	for _, tc := range []struct {
		ok     bool
		output string
		passed bool
		failed []string
	}{
		{true, "PASS\n", true, nil},
		{true, "some log\nPASS\n", true, nil},
		{true, "exited 0 without PASS\n", false, nil},
		{false, "--- FAIL: TestA (0.1s)\n    --- FAIL: TestA/sub (0.0s)\n--- FAIL: TestB (0.0s)\nFAIL\n", false, []string{"TestA", "TestB"}},
		{false, "panic: test timed out after 9m30s\n", false, []string{"(timed out)"}},
		{false, "x\npanic: runtime error: boom\n\ngoroutine 1", false, []string{"(panic: runtime error: boom)"}},
	} {
		o := outcome(tc.ok, 0, tc.output)
		if o.Passed != tc.passed || strings.Join(o.Failed, ",") != strings.Join(tc.failed, ",") {
			t.Errorf("outcome(%v, %q) = passed %v failed %q", tc.ok, tc.output, o.Passed, o.Failed)
		}
	}
}

func TestResultOK(t *testing.T) {
	// A known failure of its own: the real list may be empty.
	saved := Known
	Known = map[string]map[string]string{"time": {"TestLongAdjustTimers": "an example"}}
	defer func() { Known = saved }()
	pass := Outcome{Ran: true, Passed: true}
	fail := func(names ...string) Outcome { return Outcome{Ran: true, Failed: names} }
	for _, tc := range []struct {
		r    Result
		ok   bool
		name string
	}{
		{Result{Package: "strings", SOS: pass}, true, "pass"},
		{Result{Package: "strings", SOS: fail("TestX"), Qemu: pass}, false, "SOS fails, qemu passes"},
		{Result{Package: "strings", SOS: fail("TestX"), Qemu: fail("TestX")}, true, "both fail"},
		{Result{Package: "strings", SOS: fail("TestX")}, false, "fails, qemu not run"},
		{Result{Package: "time", SOS: fail("TestLongAdjustTimers"), Qemu: pass}, true, "only known"},
		{Result{Package: "time", SOS: fail("TestLongAdjustTimers", "TestSleep"), Qemu: pass}, false, "known and unknown"},
		{Result{Package: "time", SOS: fail()}, false, "failed with no names"},
	} {
		if got := tc.r.OK(); got != tc.ok {
			t.Errorf("%s: OK() = %v", tc.name, got)
		}
	}
	table := Table([]Result{{Package: "time", SOS: fail("TestLongAdjustTimers"), Qemu: pass}})
	if !strings.Contains(table, "FAIL") || !strings.Contains(table, "known: ") || !strings.Contains(table, "0 of 1 packages pass") {
		t.Errorf("table hides a known failure:\n%s", table)
	}
}
