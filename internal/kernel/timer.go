package kernel

import (
	"container/heap"
	"sync"
	"time"
)

// The kernel's one timer queue. Every timeout in SOS (sleeps, futex and
// poll timeouts, interval timers) is a Timer here; one goroutine sleeps
// until the earliest deadline and runs the callbacks that are due.

// Timer is a pending callback.
type Timer struct {
	when  time.Duration // kernel monotonic time (since boot)
	fn    func()
	index int // in the heap; -1 when not queued
}

// TimerQueue runs callbacks at kernel monotonic times.
type TimerQueue struct {
	clock func() time.Duration

	mu     sync.Mutex // guards the fields below
	timers timerHeap
	wake   chan struct{}
	stop   chan struct{}
}

func newTimerQueue(clock func() time.Duration) *TimerQueue {
	q := &TimerQueue{clock: clock, wake: make(chan struct{}, 1), stop: make(chan struct{})}
	go q.loop()
	return q
}

// At runs fn at monotonic time when (at once if it has passed). fn runs on
// the timer goroutine and must not block.
func (q *TimerQueue) At(when time.Duration, fn func()) *Timer {
	t := &Timer{when: when, fn: fn}
	q.mu.Lock()
	heap.Push(&q.timers, t)
	first := q.timers[0] == t
	q.mu.Unlock()
	if first {
		q.poke()
	}
	return t
}

// After runs fn after d.
func (q *TimerQueue) After(d time.Duration, fn func()) *Timer {
	return q.At(q.clock()+d, fn)
}

// Cancel removes t if it has not fired, reporting whether it was removed.
func (q *TimerQueue) Cancel(t *Timer) bool {
	if t == nil {
		return false
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if t.index < 0 {
		return false
	}
	heap.Remove(&q.timers, t.index)
	return true
}

// Len returns the number of pending timers.
func (q *TimerQueue) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.timers)
}

func (q *TimerQueue) poke() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

func (q *TimerQueue) close() { close(q.stop) }

func (q *TimerQueue) loop() {
	host := time.NewTimer(time.Hour)
	for {
		q.mu.Lock()
		now := q.clock()
		var due []*Timer
		for len(q.timers) > 0 && q.timers[0].when <= now {
			due = append(due, heap.Pop(&q.timers).(*Timer))
		}
		wait := time.Hour
		if len(q.timers) > 0 {
			wait = q.timers[0].when - now
		}
		q.mu.Unlock()
		for _, t := range due {
			t.fn()
		}
		if len(due) > 0 {
			continue
		}
		host.Reset(wait)
		select {
		case <-host.C:
		case <-q.wake:
			if !host.Stop() {
				select {
				case <-host.C:
				default:
				}
			}
		case <-q.stop:
			host.Stop()
			return
		}
	}
}

type timerHeap []*Timer

func (h timerHeap) Len() int           { return len(h) }
func (h timerHeap) Less(i, j int) bool { return h[i].when < h[j].when }
func (h timerHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}
func (h *timerHeap) Push(x any) {
	t := x.(*Timer)
	t.index = len(*h)
	*h = append(*h, t)
}
func (h *timerHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	old[len(old)-1] = nil
	t.index = -1
	*h = old[:len(old)-1]
	return t
}
