package net

import (
	"encoding/binary"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"sos/internal/abi"
	"sos/internal/vfs"
	"sos/internal/waiter"
)

var le = binary.LittleEndian

var (
	sockDev = vfs.NewAnonDev()
	lastIno atomic.Uint64
)

// Base is what every socket has whatever its family: its identity (the
// inode fstat reports), its waiter queue, and the options that are the
// system-call layer's business (timeouts). Socket implementations embed it.
type Base struct {
	Queue
	family, typ, protocol int
	ino                   uint64
	ctime                 time.Time
	uid, gid              uint32
	rcvTimeout            atomic.Int64 // nanoseconds
	sndTimeout            atomic.Int64
}

// InitBase sets up b for a socket of the given kind, owned by the
// credentials ctx carries (ctx may be nil).
func (b *Base) InitBase(ctx vfs.Context, family, typ, protocol int) {
	b.family, b.typ, b.protocol = family, typ, protocol
	b.ino = lastIno.Add(1)
	b.ctime = time.Now()
	b.uid, b.gid = 1000, 1000
	if ctx != nil {
		c := vfs.ContextCreds(ctx)
		b.uid, b.gid = c.UID, c.GID
	}
}

// Info returns the family, type and protocol.
func (b *Base) Info() (family, typ, protocol int) { return b.family, b.typ, b.protocol }

// Ino returns the socket's inode number ("socket:[ino]").
func (b *Base) Ino() uint64 { return b.ino }

// IsStream implements vfs.Stream: sockets have no file offset.
func (b *Base) IsStream() {}

// Attr implements vfs.Node: a socket is S_IFSOCK.
func (b *Base) Attr() (vfs.Attr, error) {
	return vfs.Attr{
		Ino:     b.ino,
		Dev:     sockDev,
		Mode:    abi.S_IFSOCK | 0o777,
		Nlink:   1,
		UID:     b.uid,
		GID:     b.gid,
		Blksize: 4096,
		Atime:   b.ctime,
		Mtime:   b.ctime,
		Ctime:   b.ctime,
	}, nil
}

// RecvTimeout returns SO_RCVTIMEO.
func (b *Base) RecvTimeout() time.Duration { return time.Duration(b.rcvTimeout.Load()) }

// SendTimeout returns SO_SNDTIMEO.
func (b *Base) SendTimeout() time.Duration { return time.Duration(b.sndTimeout.Load()) }

// GetSockOptBase answers the SOL_SOCKET options every socket has the same
// way; ok is false for the others.
func (b *Base) GetSockOptBase(level, name, size int) (val []byte, ok bool, err error) {
	if level != SOL_SOCKET {
		return nil, false, nil
	}
	switch name {
	case SO_TYPE:
		v, err := Int(int32(b.typ), size)
		return v, true, err
	case SO_DOMAIN:
		v, err := Int(int32(b.family), size)
		return v, true, err
	case SO_PROTOCOL:
		v, err := Int(int32(b.protocol), size)
		return v, true, err
	case SO_RCVTIMEO, SO_SNDTIMEO:
		d := b.RecvTimeout()
		if name == SO_SNDTIMEO {
			d = b.SendTimeout()
		}
		tv := make([]byte, 16)
		le.PutUint64(tv[0:], uint64(d/time.Second))
		le.PutUint64(tv[8:], uint64(d%time.Second/time.Microsecond))
		return tv[:min(size, 16)], true, nil
	}
	return nil, false, nil
}

// SetSockOptBase sets the SOL_SOCKET options every socket has the same
// way; ok is false for the others.
func (b *Base) SetSockOptBase(level, name int, val []byte) (ok bool, err error) {
	if level != SOL_SOCKET {
		return false, nil
	}
	switch name {
	case SO_RCVTIMEO, SO_SNDTIMEO:
		if len(val) < 16 {
			return true, abi.EINVAL
		}
		sec, usec := int64(le.Uint64(val[0:])), int64(le.Uint64(val[8:]))
		if usec < 0 || usec >= 1e6 {
			return true, abi.EDOM
		}
		var d time.Duration
		switch {
		case sec < 0:
			d = 0 // Linux treats a negative timeout as none
		case sec > int64(1<<62/time.Second):
			d = 1 << 62
		default:
			d = time.Duration(sec)*time.Second + time.Duration(usec)*time.Microsecond
		}
		if name == SO_RCVTIMEO {
			b.rcvTimeout.Store(int64(d))
		} else {
			b.sndTimeout.Store(int64(d))
		}
		return true, nil
	}
	return false, nil
}

// Int encodes an int option's value for getsockopt: 4 bytes, cut to size
// if the caller asked for fewer, as Linux does.
func Int(v int32, size int) ([]byte, error) {
	if size < 0 {
		return nil, abi.EINVAL
	}
	b := make([]byte, 4)
	le.PutUint32(b, uint32(v))
	return b[:min(size, 4)], nil
}

// Bool encodes a boolean option as an int.
func Bool(v bool, size int) ([]byte, error) {
	if v {
		return Int(1, size)
	}
	return Int(0, size)
}

// ParseInt decodes an int option's value for setsockopt: abi.EINVAL if it
// is shorter than 4 bytes (Linux reads a single byte for a few IP options;
// SOS does too where noted).
func ParseInt(val []byte) (int32, error) {
	if len(val) < 4 {
		return 0, abi.EINVAL
	}
	return int32(le.Uint32(val)), nil
}

// Queue is the waiter queue of a socket: waiter.Queue's semantics, except
// that Notify calls the entries after releasing the queue's lock. Netstack
// notifies from inside its protocol goroutines, and epoll's callbacks take
// epoll's own lock, under which epoll_ctl registers entries: calling out
// under the queue lock would order the two locks both ways.
type Queue struct {
	mu      sync.Mutex
	entries map[*waiter.Entry]struct{}
}

// EventRegister implements waiter.Waitable.
func (q *Queue) EventRegister(e *waiter.Entry) {
	q.mu.Lock()
	if q.entries == nil {
		q.entries = make(map[*waiter.Entry]struct{})
	}
	q.entries[e] = struct{}{}
	q.mu.Unlock()
}

// EventUnregister implements waiter.Waitable. An entry may still be called
// once by a Notify that began before it was unregistered; waiters treat
// every wake-up as a hint, so that is harmless.
func (q *Queue) EventUnregister(e *waiter.Entry) {
	q.mu.Lock()
	delete(q.entries, e)
	q.mu.Unlock()
}

// Notify wakes every entry interested in one of the events in mask.
func (q *Queue) Notify(mask waiter.EventMask) {
	var buf [8]*waiter.Entry
	list := buf[:0]
	q.mu.Lock()
	for e := range q.entries {
		if e.Mask&mask != 0 {
			list = append(list, e)
		}
	}
	q.mu.Unlock()
	for _, e := range list {
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

// SliceReader is a Reader over a byte slice.
type SliceReader struct{ B []byte }

func (r *SliceReader) Read(p []byte) (int, error) {
	if len(r.B) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.B)
	r.B = r.B[n:]
	return n, nil
}

// Len returns the bytes left to read.
func (r *SliceReader) Len() int { return len(r.B) }

// SliceWriter is a Writer into a byte slice: B[:N] has been written.
type SliceWriter struct {
	B []byte
	N int
}

func (w *SliceWriter) Write(p []byte) (int, error) {
	n := copy(w.B[w.N:], p)
	w.N += n
	if n < len(p) {
		return n, io.ErrShortWrite
	}
	return n, nil
}

// Len returns the room left.
func (w *SliceWriter) Len() int { return len(w.B) - w.N }
