package kernel

import (
	"math"
	"testing"
	"time"
)

// The load averages follow Linux's damping: a constant load of n tasks
// brings each average to n, the one-minute one fastest.
func TestDamp(t *testing.T) {
	var load [3]float64
	for i := 0; i < 12; i++ { // one minute of samples
		load = damp(load, 2, loadInterval)
	}
	// After one period, 1 - 1/e of the way.
	if want := 2 * (1 - math.Exp(-1)); math.Abs(load[0]-want) > 1e-9 {
		t.Errorf("1-minute load after a minute at 2: %v, want %v", load[0], want)
	}
	if !(load[0] > load[1] && load[1] > load[2] && load[2] > 0) {
		t.Errorf("loads %v: the shorter periods must rise faster", load)
	}
	for i := 0; i < 12*120; i++ { // two hours
		load = damp(load, 2, loadInterval)
	}
	for i, l := range load {
		if math.Abs(l-2) > 0.01 {
			t.Errorf("load %d after two hours at 2: %v", i, l)
		}
	}
	if l := damp([3]float64{1, 1, 1}, 0, time.Minute); math.Abs(l[0]-math.Exp(-1)) > 1e-9 {
		t.Errorf("decay over a minute: %v", l)
	}
}
