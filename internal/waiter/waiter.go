// Package waiter lets kernel code wait for readiness of files, pipes and
// other event sources without busy-waiting: a source keeps a Queue and
// notifies it when its readiness changes; a waiter registers an Entry with
// the events it wants and waits on the entry's channel. It is the mechanism
// under blocking reads, poll, select and epoll. It depends on nothing in
// SOS.
package waiter

import "sync"

// EventMask is a set of readiness events, with the values of poll(2)'s
// POLLIN, POLLOUT, ... (which epoll shares).
type EventMask uint32

// Events.
const (
	EventIn    EventMask = 0x0001
	EventPri   EventMask = 0x0002
	EventOut   EventMask = 0x0004
	EventErr   EventMask = 0x0008
	EventHUp   EventMask = 0x0010
	EventRdHUp EventMask = 0x2000

	// AllEvents are the events a source can report.
	AllEvents = EventIn | EventPri | EventOut | EventErr | EventHUp | EventRdHUp
)

// Waitable is an event source.
type Waitable interface {
	// Readiness returns which of the events in mask are ready now.
	Readiness(mask EventMask) EventMask
	// EventRegister asks for e to be notified of the events in its mask.
	EventRegister(e *Entry)
	// EventUnregister stops notifications to e.
	EventUnregister(e *Entry)
}

// Entry is one waiter's registration.
type Entry struct {
	// Mask is the set of events the waiter cares about; set it before
	// registering.
	Mask EventMask
	// C receives a value (without blocking the notifier) when one of the
	// events in Mask may have become ready. It has capacity 1.
	C chan struct{}
	// Callback, if set, is called on notification instead of sending on
	// C; it must not block (epoll uses it).
	Callback func(EventMask)
}

// NewEntry returns an entry for mask with its channel made.
func NewEntry(mask EventMask) *Entry {
	return &Entry{Mask: mask, C: make(chan struct{}, 1)}
}

// Queue is the list of entries waiting on one source. The zero value is
// ready to use.
type Queue struct {
	mu      sync.Mutex
	entries map[*Entry]struct{}
}

// EventRegister adds e to the queue.
func (q *Queue) EventRegister(e *Entry) {
	q.mu.Lock()
	if q.entries == nil {
		q.entries = make(map[*Entry]struct{})
	}
	q.entries[e] = struct{}{}
	q.mu.Unlock()
}

// EventUnregister removes e from the queue.
func (q *Queue) EventUnregister(e *Entry) {
	q.mu.Lock()
	delete(q.entries, e)
	q.mu.Unlock()
}

// Notify tells every entry interested in any of the events in mask.
func (q *Queue) Notify(mask EventMask) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for e := range q.entries {
		if e.Mask&mask == 0 {
			continue
		}
		if e.Callback != nil {
			e.Callback(mask)
			continue
		}
		select {
		case e.C <- struct{}{}:
		default:
		}
	}
}

// AlwaysReady is embedded by sources that never block (regular files,
// /dev/null): they are always readable and writable.
type AlwaysReady struct{}

func (AlwaysReady) Readiness(mask EventMask) EventMask { return mask & (EventIn | EventOut) }
func (AlwaysReady) EventRegister(*Entry)               {}
func (AlwaysReady) EventUnregister(*Entry)             {}
