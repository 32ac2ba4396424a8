package linux

import (
	"sync"
	"sync/atomic"

	"sos/internal/abi"
	"sos/internal/vfs"
	"sos/internal/waiter"
)

// epollFD is an epoll instance. Each registered file gets a waiter entry
// whose callback marks the registration as notified and wakes epoll
// waiters. A wait reports level-triggered registrations whenever their
// file is ready, and edge-triggered ones (EPOLLET) only after a
// notification since they were last reported, as Linux does; EPOLLONESHOT
// registrations are disabled after one report until EPOLL_CTL_MOD.
type epollFD struct {
	waiter.Queue // readiness of the epoll instance itself (nested epoll, poll)

	// Lock order: ctlMu, then a file's waiter queue (EventRegister); and
	// separately mu, then a file's own locks (Readiness). Notification
	// callbacks run under a file's waiter queue lock, so they take neither
	// mutex: they only set atomics and poke.
	ctlMu sync.Mutex // serialises epoll_ctl

	mu        sync.Mutex // guards the fields below
	interests map[epollKey]*interest
	order     []*interest // registration order, for fair reporting
	next      int         // where the next wait starts reporting
	wake      chan struct{}
}

// epollKey identifies a registration: the descriptor number and the open
// file it named when it was added.
type epollKey struct {
	fd   int
	file *vfs.File
}

type interest struct {
	key      epollKey
	events   uint32 // requested events and flags
	data     uint64
	entry    *waiter.Entry
	notified atomic.Bool // a notification arrived since the last report
	disabled bool        // EPOLLONESHOT, reported
}

var (
	_ vfs.FileOps = (*epollFD)(nil)
	_ vfs.Node    = (*epollFD)(nil)
)

func newEpoll() *epollFD {
	return &epollFD{interests: make(map[epollKey]*interest), wake: make(chan struct{}, 1)}
}

func (ep *epollFD) IsStream() {}

func (ep *epollFD) Attr() (vfs.Attr, error) {
	return vfs.Attr{Mode: 0o600, Nlink: 1, UID: uid, GID: uid, Blksize: 4096}, nil
}

func (ep *epollFD) Read(vfs.Context, []byte, int64) (int, error)  { return 0, abi.EINVAL }
func (ep *epollFD) Write(vfs.Context, []byte, int64) (int, error) { return 0, abi.EINVAL }

// Release drops every registration.
func (ep *epollFD) Release() {
	ep.ctlMu.Lock()
	defer ep.ctlMu.Unlock()
	ep.mu.Lock()
	order := ep.order
	ep.interests, ep.order = nil, nil
	ep.mu.Unlock()
	for _, in := range order {
		in.key.file.EventUnregister(in.entry)
		in.key.file.DecRef()
	}
}

// Readiness: an epoll instance is readable when a wait would report.
func (ep *epollFD) Readiness(mask waiter.EventMask) waiter.EventMask {
	if mask&waiter.EventIn == 0 {
		return 0
	}
	ep.mu.Lock()
	defer ep.mu.Unlock()
	for _, in := range ep.order {
		if ep.readyLocked(in, in.notified.Load()) != 0 {
			return waiter.EventIn
		}
	}
	return 0
}

func (ep *epollFD) poke() {
	select {
	case ep.wake <- struct{}{}:
	default:
	}
	ep.Notify(waiter.EventIn)
}

const epollFlags = abi.EPOLLET | abi.EPOLLONESHOT | abi.EPOLLEXCLUSIVE | abi.EPOLLWAKEUP

// ctl implements epoll_ctl.
func (ep *epollFD) ctl(op, fd int, f *vfs.File, events uint32, data uint64) error {
	key := epollKey{fd, f}
	ep.ctlMu.Lock()
	defer ep.ctlMu.Unlock()
	ep.mu.Lock()
	in := ep.interests[key]
	mask := waiter.EventMask(events&^uint32(epollFlags)) | waiter.EventErr | waiter.EventHUp
	switch op {
	case abi.EPOLL_CTL_ADD:
		if in != nil {
			ep.mu.Unlock()
			return abi.EEXIST
		}
		in = &interest{key: key, events: events, data: data}
		in.entry = &waiter.Entry{Mask: mask, Callback: func(waiter.EventMask) {
			in.notified.Store(true)
			ep.poke()
		}}
		in.notified.Store(true) // report readiness that exists already
		f.IncRef()
		ep.interests[key] = in
		ep.order = append(ep.order, in)
		ep.mu.Unlock()
		f.EventRegister(in.entry)
	case abi.EPOLL_CTL_MOD:
		if in == nil {
			ep.mu.Unlock()
			return abi.ENOENT
		}
		in.events, in.data, in.disabled = events, data, false
		in.notified.Store(true)
		ep.mu.Unlock()
		// Re-register so the queue sees the new mask.
		f.EventUnregister(in.entry)
		in.entry.Mask = mask
		f.EventRegister(in.entry)
	case abi.EPOLL_CTL_DEL:
		if in == nil {
			ep.mu.Unlock()
			return abi.ENOENT
		}
		delete(ep.interests, key)
		for i, x := range ep.order {
			if x == in {
				ep.order = append(ep.order[:i:i], ep.order[i+1:]...)
				break
			}
		}
		ep.mu.Unlock()
		f.EventUnregister(in.entry)
		f.DecRef()
		return nil
	default:
		ep.mu.Unlock()
		return abi.EINVAL
	}
	ep.poke()
	return nil
}

// readyLocked returns the events in reports now; notified says whether a
// notification arrived since the last report (edge-triggered
// registrations report only then).
func (ep *epollFD) readyLocked(in *interest, notified bool) uint32 {
	if in.disabled {
		return 0
	}
	if in.events&abi.EPOLLET != 0 && !notified {
		return 0
	}
	mask := waiter.EventMask(in.events&^uint32(epollFlags)) | waiter.EventErr | waiter.EventHUp
	return uint32(in.key.file.Readiness(mask))
}

// collect reports up to max ready registrations.
func (ep *epollFD) collect(max int) []epollEvent {
	ep.mu.Lock()
	defer ep.mu.Unlock()
	var out []epollEvent
	n := len(ep.order)
	for i := 0; i < n && len(out) < max; i++ {
		in := ep.order[(ep.next+i)%n]
		// Take the notification before looking, so one that arrives
		// meanwhile is not lost.
		r := ep.readyLocked(in, in.notified.Swap(false))
		if r == 0 {
			continue
		}
		out = append(out, epollEvent{events: r, data: in.data})
		if in.events&abi.EPOLLONESHOT != 0 {
			in.disabled = true
		}
	}
	if n > 0 {
		ep.next = (ep.next + 1) % n
	}
	return out
}

type epollEvent struct {
	events uint32
	data   uint64
}
