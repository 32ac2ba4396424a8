package kernel

import (
	"math/bits"
	"sync"
	"time"

	"sos/internal/riscv"
)

// Scheduling. A task (one goroutine per user thread) holds a hart only
// while it executes guest code or a system call that does not wait. Each
// hart has a run queue of tasks waiting for it; a task that wants a hart
// takes an idle one its affinity allows, or joins the shortest allowed
// queue. When a time slice (counted in instructions) ends, the task goes
// to the back of its hart's queue if anyone is waiting there (or can be
// stolen from another hart's queue), so every runnable task gets a turn.
//
// Wake-up preemption: a task that wakes from a wait (a key typed at the
// shell, a pipe's reader, a timer) and finds every allowed hart busy does
// not wait for a whole slice (2M instructions, tens of milliseconds) to
// end. If a hart is held by a task that has run at least minRun and
// nobody else is waiting for it, the woken task goes to the front of that
// hart's queue and the holder is interrupted and yields, going to the
// back. Only waking tasks preempt, and each preempted holding has run
// minRun, so a CPU-bound task still gets most of the hart (as Linux's
// wake-up preemption favours interactive tasks).

// hartState is the scheduler's record of one hart.
type hartState struct {
	id    int
	hart  *riscv.Hart
	owner *Task   // the task holding the hart, or nil if idle
	queue []*Task // tasks waiting for this hart, in order
	// busy is the time the hart has been held, not counting the current
	// holding, which began at since: for /proc/stat and /proc/uptime.
	busy  time.Duration
	since time.Time
	// held is when the owner got the hart.
	held time.Time
}

// minRun is how long a task holds a hart before a waking task may preempt
// it.
const minRun = 500 * time.Microsecond

// Scheduler hands harts to tasks.
type Scheduler struct {
	mu    sync.Mutex // guards the fields below and every task's sched fields
	harts []*hartState
	// switches counts hart hand-overs, for statistics.
	switches uint64
}

func newScheduler(harts []*riscv.Hart) *Scheduler {
	s := &Scheduler{}
	for i, h := range harts {
		s.harts = append(s.harts, &hartState{id: i, hart: h})
	}
	return s
}

// allMask is the affinity of a task that may run on every hart.
func (s *Scheduler) allMask() uint64 {
	if len(s.harts) >= 64 {
		return ^uint64(0)
	}
	return 1<<len(s.harts) - 1
}

// acquire gives t a hart, waiting in a run queue if none is free; a task
// that wakes from a wait (woke) may preempt a holder that has had its
// minimum run.
func (s *Scheduler) acquire(t *Task, woke bool) *hartState {
	s.mu.Lock()
	mask := t.affinity & s.allMask()
	if mask == 0 {
		mask = s.allMask()
	}
	// An idle hart, preferring the one t ran on last.
	if hs := s.harts[t.lastHart]; hs.owner == nil && mask&(1<<hs.id) != 0 {
		return s.grantLocked(hs, t)
	}
	for _, hs := range s.harts {
		if hs.owner == nil && mask&(1<<hs.id) != 0 {
			return s.grantLocked(hs, t)
		}
	}
	if woke {
		if hs := s.victimLocked(mask); hs != nil {
			hs.queue = append([]*Task{t}, hs.queue...)
			hs.owner.preempt.Store(true)
			hs.hart.Interrupt()
			s.mu.Unlock()
			return <-t.grant
		}
	}
	// The shortest allowed queue.
	var best *hartState
	for m := mask; m != 0; m &= m - 1 {
		hs := s.harts[bits.TrailingZeros64(m)]
		if best == nil || len(hs.queue) < len(best.queue) || len(hs.queue) == len(best.queue) && hs.id == t.lastHart {
			best = hs
		}
	}
	best.queue = append(best.queue, t)
	s.mu.Unlock()
	return <-t.grant
}

// victimLocked returns an allowed hart whose owner may be preempted: no
// one is waiting for it, no preemption is already asked of the owner, and
// the owner has held it at least minRun. Of several, the one held longest.
func (s *Scheduler) victimLocked(mask uint64) *hartState {
	var best *hartState
	now := time.Now()
	for m := mask; m != 0; m &= m - 1 {
		hs := s.harts[bits.TrailingZeros64(m)]
		if hs.owner == nil || len(hs.queue) > 0 || hs.owner.preempt.Load() || now.Sub(hs.held) < minRun {
			continue
		}
		if best == nil || hs.held.Before(best.held) {
			best = hs
		}
	}
	return best
}

// grantLocked makes t the owner of hs and unlocks.
func (s *Scheduler) grantLocked(hs *hartState, t *Task) *hartState {
	hs.owner = t
	hs.since = time.Now() // the hart was idle
	hs.held = hs.since
	t.lastHart = hs.id
	s.switches++
	s.mu.Unlock()
	return hs
}

// nextLocked removes and returns the task that should run next on hs:
// the head of its own queue, or else a task stolen from another queue that
// may run on hs.
func (s *Scheduler) nextLocked(hs *hartState) *Task {
	if len(hs.queue) > 0 {
		t := hs.queue[0]
		hs.queue = hs.queue[1:]
		return t
	}
	for _, other := range s.harts {
		for i, t := range other.queue {
			if t.affinity&(1<<hs.id) != 0 {
				other.queue = append(other.queue[:i:i], other.queue[i+1:]...)
				return t
			}
		}
	}
	return nil
}

// handTo gives hs to t (who is waiting in acquire) and unlocks.
func (s *Scheduler) handToLocked(hs *hartState, t *Task) {
	if hs.owner != nil {
		hs.owner.preempt.Store(false)
	}
	hs.owner = t
	hs.held = time.Now()
	t.lastHart = hs.id
	s.switches++
	s.mu.Unlock()
	t.grant <- hs
}

// release gives up hs, handing it to the next waiting task.
func (s *Scheduler) release(hs *hartState) {
	s.mu.Lock()
	hs.owner.preempt.Store(false)
	hs.owner = nil
	if next := s.nextLocked(hs); next != nil {
		s.handToLocked(hs, next)
		return
	}
	hs.busy += time.Since(hs.since)
	s.mu.Unlock()
}

// yield ends t's time slice on hs: if another task is waiting for hs, t
// joins the back of the queue and waits for its next turn, possibly on
// another hart. It returns the hart t now holds.
func (s *Scheduler) yield(t *Task, hs *hartState) *hartState {
	s.mu.Lock()
	t.preempt.Store(false)
	next := s.nextLocked(hs)
	if next == nil {
		s.mu.Unlock()
		return hs
	}
	// If t may not run here any more (its affinity changed), queue it where
	// it may.
	if t.affinity&(1<<hs.id) != 0 {
		hs.queue = append(hs.queue, t)
		s.handToLocked(hs, next)
		return <-t.grant
	}
	s.handToLocked(hs, next)
	return s.acquire(t, false)
}

// Load returns, per hart, the running task's TID (0 if idle) and the
// number of tasks waiting.
func (s *Scheduler) Load() (running []int, waiting []int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, hs := range s.harts {
		tid := 0
		if hs.owner != nil {
			tid = hs.owner.tid
		}
		running = append(running, tid)
		waiting = append(waiting, len(hs.queue))
	}
	return running, waiting
}

// Busy returns, per hart, how long it has been held by tasks (running
// guest code or system calls that do not wait) since boot.
func (s *Scheduler) Busy() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	out := make([]time.Duration, len(s.harts))
	for i, hs := range s.harts {
		out[i] = hs.busy
		if hs.owner != nil {
			out[i] += now.Sub(hs.since)
		}
	}
	return out
}

// Switches returns the number of hart hand-overs so far.
func (s *Scheduler) Switches() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.switches
}
