package kernel

import (
	"encoding/binary"
	"sync"
	"time"

	"sos/internal/abi"
	"sos/internal/mm"
)

// Futexes. A private futex is keyed by its address space and virtual
// address (so copy-on-write moving the page does not lose waiters); a
// shared one by the physical address of the word, which is what all its
// mappings have in common.

type futexKey struct {
	as   *mm.AddressSpace // nil for shared futexes
	addr uint64           // virtual (private) or physical (shared)
}

type futexWaiter struct {
	key    futexKey
	bitset uint32
	woken  chan struct{} // closed by the waker
}

type futexTable struct {
	mu      sync.Mutex
	waiters map[futexKey][]*futexWaiter
}

func (f *futexTable) init() { f.waiters = make(map[futexKey][]*futexWaiter) }

// futexKey returns the key for the word at va.
func (t *Task) futexKey(va uint64, private bool) (futexKey, error) {
	if va%4 != 0 {
		return futexKey{}, abi.EINVAL
	}
	if private {
		return futexKey{as: t.mm, addr: va}, nil
	}
	// Fault the page in, then key by the frame it lives in.
	if _, err := t.mm.Access(va, 4, false, func(b []byte) (int, error) { return len(b), nil }); err != nil {
		return futexKey{}, err
	}
	pa, ok := t.mm.PageTable().PhysAddr(va)
	if !ok {
		return futexKey{}, abi.EFAULT
	}
	return futexKey{addr: pa}, nil
}

func (t *Task) loadWord(va uint64) (uint32, error) {
	var b [4]byte
	if err := t.mm.CopyIn(va, b[:]); err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint32(b[:]), nil
}

// FutexWait blocks while the word at va holds val (FUTEX_WAIT,
// FUTEX_WAIT_BITSET), until woken with a matching bitset, the deadline
// (kernel monotonic time, nil for none) or a signal.
func (t *Task) FutexWait(va uint64, val uint32, bitset uint32, private bool, deadline *time.Duration) error {
	if bitset == 0 {
		return abi.EINVAL
	}
	key, err := t.futexKey(va, private)
	if err != nil {
		return err
	}
	f := &t.k.futex
	f.mu.Lock()
	// The value is checked under the table lock, so a waker that changes
	// the word and then wakes cannot slip in between.
	cur, err := t.loadWord(va)
	if err != nil {
		f.mu.Unlock()
		return err
	}
	if cur != val {
		f.mu.Unlock()
		return abi.EAGAIN
	}
	w := &futexWaiter{key: key, bitset: bitset, woken: make(chan struct{})}
	f.waiters[key] = append(f.waiters[key], w)
	f.mu.Unlock()

	err = t.Block(w.woken, deadline)
	if err != nil {
		f.mu.Lock()
		removed := f.remove(w)
		f.mu.Unlock()
		if !removed {
			return nil // woken just as the wait ended: take the wake-up
		}
		return err
	}
	return nil
}

// remove takes w off its queue, reporting whether it was still there.
func (f *futexTable) remove(w *futexWaiter) bool {
	q := f.waiters[w.key]
	for i, x := range q {
		if x == w {
			q = append(q[:i:i], q[i+1:]...)
			if len(q) == 0 {
				delete(f.waiters, w.key)
			} else {
				f.waiters[w.key] = q
			}
			return true
		}
	}
	return false
}

// FutexWake wakes up to n waiters on the word at va whose bitset
// intersects bitset and returns how many it woke.
func (t *Task) FutexWake(va uint64, n int, bitset uint32, private bool) (int, error) {
	if bitset == 0 {
		return 0, abi.EINVAL
	}
	key, err := t.futexKey(va, private)
	if err != nil {
		return 0, err
	}
	f := &t.k.futex
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.wake(key, n, bitset), nil
}

func (f *futexTable) wake(key futexKey, n int, bitset uint32) int {
	q := f.waiters[key]
	woken := 0
	rest := q[:0]
	for _, w := range q {
		if woken < n && w.bitset&bitset != 0 {
			close(w.woken)
			woken++
			continue
		}
		rest = append(rest, w)
	}
	clear(q[len(rest):])
	if len(rest) == 0 {
		delete(f.waiters, key)
	} else {
		f.waiters[key] = rest
	}
	return woken
}

// FutexRequeue wakes up to n waiters on va and moves up to n2 of the rest
// to va2 (FUTEX_REQUEUE; with check, FUTEX_CMP_REQUEUE, which first
// requires the word at va to hold val, else EAGAIN).
func (t *Task) FutexRequeue(va uint64, n, n2 int, va2 uint64, check bool, val uint32, private bool) (int, error) {
	key, err := t.futexKey(va, private)
	if err != nil {
		return 0, err
	}
	key2, err := t.futexKey(va2, private)
	if err != nil {
		return 0, err
	}
	f := &t.k.futex
	f.mu.Lock()
	defer f.mu.Unlock()
	if check {
		cur, err := t.loadWord(va)
		if err != nil {
			return 0, err
		}
		if cur != val {
			return 0, abi.EAGAIN
		}
	}
	woken := f.wake(key, n, abi.FUTEX_BITSET_MATCH_ANY)
	q := f.waiters[key]
	moved := 0
	for len(q) > 0 && moved < n2 {
		w := q[0]
		q = q[1:]
		w.key = key2
		f.waiters[key2] = append(f.waiters[key2], w)
		moved++
	}
	if len(q) == 0 {
		delete(f.waiters, key)
	} else {
		f.waiters[key] = q
	}
	return woken + moved, nil
}
