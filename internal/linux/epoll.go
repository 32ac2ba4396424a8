package linux

import (
	"sync"

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
	notified bool // a notification arrived since the last report
	disabled bool // EPOLLONESHOT, reported
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
	ep.mu.Lock()
	defer ep.mu.Unlock()
	for _, in := range ep.order {
		in.key.file.EventUnregister(in.entry)
		in.key.file.DecRef()
	}
	ep.interests, ep.order = nil, nil
}

// Readiness: an epoll instance is readable when a wait would report.
func (ep *epollFD) Readiness(mask waiter.EventMask) waiter.EventMask {
	if mask&waiter.EventIn == 0 {
		return 0
	}
	ep.mu.Lock()
	defer ep.mu.Unlock()
	for _, in := range ep.order {
		if ep.readyLocked(in) != 0 {
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
	ep.mu.Lock()
	defer ep.mu.Unlock()
	in := ep.interests[key]
	switch op {
	case abi.EPOLL_CTL_ADD:
		if in != nil {
			return abi.EEXIST
		}
		in = &interest{key: key, events: events, data: data}
		mask := waiter.EventMask(events&^uint32(epollFlags)) | waiter.EventErr | waiter.EventHUp
		in.entry = &waiter.Entry{Mask: mask, Callback: func(waiter.EventMask) {
			ep.mu.Lock()
			in.notified = true
			ep.mu.Unlock()
			ep.poke()
		}}
		f.IncRef()
		ep.interests[key] = in
		ep.order = append(ep.order, in)
		in.notified = true // report readiness that exists already
		f.EventRegister(in.entry)
	case abi.EPOLL_CTL_MOD:
		if in == nil {
			return abi.ENOENT
		}
		in.events, in.data, in.disabled, in.notified = events, data, false, true
		in.entry.Mask = waiter.EventMask(events&^uint32(epollFlags)) | waiter.EventErr | waiter.EventHUp
	case abi.EPOLL_CTL_DEL:
		if in == nil {
			return abi.ENOENT
		}
		f.EventUnregister(in.entry)
		delete(ep.interests, key)
		for i, x := range ep.order {
			if x == in {
				ep.order = append(ep.order[:i:i], ep.order[i+1:]...)
				break
			}
		}
		f.DecRef()
		return nil
	default:
		return abi.EINVAL
	}
	ep.poke()
	return nil
}

// readyLocked returns the events in reports now.
func (ep *epollFD) readyLocked(in *interest) uint32 {
	if in.disabled {
		return 0
	}
	if in.events&abi.EPOLLET != 0 && !in.notified {
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
		r := ep.readyLocked(in)
		if r == 0 {
			if in.events&abi.EPOLLET != 0 {
				in.notified = false
			}
			continue
		}
		out = append(out, epollEvent{events: r, data: in.data})
		in.notified = false
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
