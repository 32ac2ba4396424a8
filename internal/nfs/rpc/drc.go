package rpc

import "sync"

// A duplicate request cache: a retransmitted call (same caller, xid,
// program, version and procedure) is answered with the reply already sent,
// or dropped while the first copy is still running, so a non-idempotent
// procedure (CREATE, REMOVE, RENAME, WRITE) is not executed twice when a
// UDP reply is lost.

type drcKey struct {
	addr                  string
	xid, prog, vers, proc uint32
}

type drc struct {
	mu   sync.Mutex        // guards the fields below
	m    map[drcKey][]byte // nil value: in progress
	ring []drcKey          // keys in insertion order, for eviction
	next int
}

// lookup returns (reply, true) if the call was seen: reply is nil while it
// is in progress. Otherwise it records the call as in progress.
func (c *drc) lookup(k drcKey, size int) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[drcKey][]byte, size)
		c.ring = make([]drcKey, size)
	}
	if r, ok := c.m[k]; ok {
		return r, true
	}
	if old := c.ring[c.next]; old != (drcKey{}) {
		delete(c.m, old)
	}
	c.ring[c.next] = k
	c.next = (c.next + 1) % len(c.ring)
	c.m[k] = nil
	return nil, false
}

func (c *drc) store(k drcKey, reply []byte) {
	c.mu.Lock()
	if _, ok := c.m[k]; ok {
		c.m[k] = append([]byte(nil), reply...) // reply's buffer is reused
	}
	c.mu.Unlock()
}
