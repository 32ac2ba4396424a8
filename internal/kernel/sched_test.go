package kernel

import (
	"testing"
	"time"

	"sos/internal/riscv"
)

// newTestTask is a task as far as the scheduler sees one.
func newTestTask(tid int, mask uint64) *Task {
	return &Task{tid: tid, affinity: mask, grant: make(chan *hartState, 1)}
}

// TestWakeupPreemption: a task waking from a wait while every hart is
// held goes to the front of a queue and the holder that has run longest
// is asked to yield, which hands it the hart at once; a task at the end
// of its slice does not preempt, nor does a waking task preempt a holder
// that has not had minRun.
func TestWakeupPreemption(t *testing.T) {
	s := newScheduler([]*riscv.Hart{riscv.NewHart(0, nil, nil), riscv.NewHart(1, nil, nil)})
	a, b := newTestTask(1, 3), newTestTask(2, 3)
	ha, hb := s.acquire(a, true), s.acquire(b, true)
	if ha == hb {
		t.Fatal("two tasks on one hart")
	}
	// a has run long; b has just started.
	s.mu.Lock()
	ha.held = time.Now().Add(-time.Second)
	s.mu.Unlock()

	// A task at the end of its slice (not waking) just queues.
	c := newTestTask(3, 3)
	got := make(chan *hartState, 1)
	go func() { got <- s.acquire(c, false) }()
	waitQueued(t, s, c)
	if a.preempt.Load() || b.preempt.Load() {
		t.Fatal("a task that did not wake preempted")
	}
	// c's turn comes when a's slice ends; a queues behind it.
	aGot := make(chan *hartState, 1)
	go func() { aGot <- s.yield(a, ha) }()
	if hs := <-got; hs != ha {
		t.Fatalf("c got hart %d, want %d", hs.id, ha.id)
	}
	s.release(ha) // c waits for something; a has the hart again
	if hs := <-aGot; hs != ha {
		t.Fatalf("a got hart %d back, want %d", hs.id, ha.id)
	}
	s.mu.Lock()
	ha.held = time.Now().Add(-time.Second)
	hb.held = time.Now().Add(time.Hour) // b has had no time at all
	s.mu.Unlock()

	// A waking task preempts a, which has run longest, not b.
	d := newTestTask(4, 3)
	go func() { got <- s.acquire(d, true) }()
	waitQueued(t, s, d)
	if !a.preempt.Load() || b.preempt.Load() {
		t.Fatalf("preempt asked of a: %v, of b: %v; want a only", a.preempt.Load(), b.preempt.Load())
	}
	// a sees the interrupt and yields: d runs at once.
	go func() { aGot <- s.yield(a, ha) }()
	if hs := <-got; hs != ha {
		t.Fatalf("d got hart %d, want %d (a's)", hs.id, ha.id)
	}
	if a.preempt.Load() {
		t.Error("a's preempt request outlived its yield")
	}
	s.mu.Lock()
	ha.held = time.Now().Add(time.Hour) // d has just started
	s.mu.Unlock()
	// A waking task finds no holder to preempt (d has just started, b
	// has not had minRun): it waits its turn.
	e := newTestTask(5, 3)
	go func() { got <- s.acquire(e, true) }()
	waitQueued(t, s, e)
	if d.preempt.Load() || b.preempt.Load() {
		t.Error("a holder that had not had minRun was preempted")
	}
	s.release(hb) // b waits: e or a (queued) runs
	s.release(ha)
	<-got
	<-aGot
}

// waitQueued waits until t is in a run queue.
func waitQueued(t *testing.T, s *Scheduler, task *Task) {
	t.Helper()
	for i := 0; ; i++ {
		s.mu.Lock()
		for _, hs := range s.harts {
			for _, q := range hs.queue {
				if q == task {
					s.mu.Unlock()
					return
				}
			}
		}
		s.mu.Unlock()
		if i > 10000 {
			t.Fatal("the task never queued")
		}
		time.Sleep(100 * time.Microsecond)
	}
}
