package linux

import (
	"encoding/binary"
	"sync"

	"sos/internal/abi"
	"sos/internal/vfs"
	"sos/internal/waiter"
)

// eventFD is an eventfd(2) counter.
type eventFD struct {
	waiter.Queue
	semaphore bool

	mu    sync.Mutex // guards count
	count uint64
}

var (
	_ vfs.FileOps = (*eventFD)(nil)
	_ vfs.Stream  = (*eventFD)(nil)
	_ vfs.Node    = (*eventFD)(nil)
)

const eventfdMax = ^uint64(0) - 1

func (e *eventFD) IsStream() {}
func (e *eventFD) Release()  {}

func (e *eventFD) Attr() (vfs.Attr, error) {
	return vfs.Attr{Mode: 0o600, Nlink: 1, UID: uid, GID: uid, Blksize: 4096}, nil
}

func (e *eventFD) Readiness(mask waiter.EventMask) waiter.EventMask {
	e.mu.Lock()
	defer e.mu.Unlock()
	var r waiter.EventMask
	if e.count > 0 {
		r |= waiter.EventIn
	}
	if e.count < eventfdMax {
		r |= waiter.EventOut
	}
	return r & mask
}

func (e *eventFD) Read(_ vfs.Context, dst []byte, _ int64) (int, error) {
	if len(dst) < 8 {
		return 0, abi.EINVAL
	}
	e.mu.Lock()
	if e.count == 0 {
		e.mu.Unlock()
		return 0, abi.EAGAIN
	}
	v := e.count
	if e.semaphore {
		v = 1
	}
	e.count -= v
	e.mu.Unlock()
	binary.LittleEndian.PutUint64(dst, v)
	e.Notify(waiter.EventOut)
	return 8, nil
}

func (e *eventFD) Write(_ vfs.Context, src []byte, _ int64) (int, error) {
	if len(src) < 8 {
		return 0, abi.EINVAL
	}
	v := binary.LittleEndian.Uint64(src)
	if v == ^uint64(0) {
		return 0, abi.EINVAL
	}
	e.mu.Lock()
	if eventfdMax-e.count < v {
		e.mu.Unlock()
		return 0, abi.EAGAIN
	}
	e.count += v
	e.mu.Unlock()
	if v > 0 {
		e.Notify(waiter.EventIn)
	}
	return 8, nil
}
