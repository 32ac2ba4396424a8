package rpc

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"sos/internal/nfs/xdr"
)

// ErrTimeout is returned by Client.Call when no reply came within
// Config.Total.
var ErrTimeout = errors.New("rpc: call timed out")

// ErrClosed is returned for calls on a closed client or one whose
// connection failed.
var ErrClosed = errors.New("rpc: client closed")

// MaxDatagram is the largest UDP payload (IPv4): calls and replies over
// UDP must fit, so NFS over UDP needs transfer sizes of 32 KiB or so.
const MaxDatagram = 65507

// Config tunes a Client. Zero fields take the defaults shown.
type Config struct {
	// Timeout is the first retransmission timeout (UDP only; TCP never
	// retransmits, a stream does not lose messages). Default 1s.
	Timeout time.Duration
	// MaxTimeout caps the doubling retransmission timeout. Default 10s.
	MaxTimeout time.Duration
	// Total bounds one call, retransmissions included. Default 60s.
	Total time.Duration
	// Cred and Verf go into every call. Default AUTH_NONE.
	Cred, Verf OpaqueAuth
	// MaxRecord bounds replies read from a stream. Default DefaultMaxRecord.
	MaxRecord int
	// Adaptive makes a UDP client's first retransmission timeout follow
	// the round-trip times it measures (srtt + 4·rttvar, as TCP computes
	// it, from calls answered without retransmission), between
	// MinAdaptive and Timeout, so that a lost datagram costs a few
	// round trips rather than a fixed second.
	Adaptive bool
	// MinAdaptive is the least adaptive timeout. Default 10ms.
	MinAdaptive time.Duration
}

func (c *Config) fill() {
	if c.Timeout <= 0 {
		c.Timeout = time.Second
	}
	if c.MaxTimeout <= 0 {
		c.MaxTimeout = 10 * time.Second
	}
	if c.MaxTimeout < c.Timeout {
		c.MaxTimeout = c.Timeout
	}
	if c.Total <= 0 {
		c.Total = 60 * time.Second
	}
	if c.MaxRecord <= 0 {
		c.MaxRecord = DefaultMaxRecord
	}
	if c.MinAdaptive <= 0 {
		c.MinAdaptive = 10 * time.Millisecond
	}
}

// Client issues calls over one UDP socket or TCP connection. Any number
// of goroutines may call at once; replies are matched to calls by xid, and
// duplicate or late replies are dropped. A client made by Dial over TCP
// reconnects when its connection breaks and sends the calls still waiting
// again on the new one (same xid, so a server's duplicate request cache
// recognises them).
type Client struct {
	stream bool
	cfg    Config
	dial   func() (net.Conn, error) // nil: no reconnection
	xid    atomic.Uint32

	calls, retrans atomic.Uint64 // for Stats

	rttMu        sync.Mutex // guards srtt and rttvar (0: no sample yet)
	srtt, rttvar time.Duration

	wmu    sync.Mutex // serialises writes on a stream
	dialMu sync.Mutex // one reconnection at a time

	mu      sync.Mutex // guards the fields below
	conn    net.Conn   // nil while a stream is disconnected
	gen     uint64     // counts connections, so calls know to resend
	pending map[uint32]chan []byte
	err     error // set once the client failed or was closed
}

// Dial connects to addr over network ("udp", "udp4", "tcp", ...) and
// returns a client using it.
func Dial(network, addr string, cfg Config) (*Client, error) {
	dial := func() (net.Conn, error) { return net.DialTimeout(network, addr, 10*time.Second) }
	conn, err := dial()
	if err != nil {
		return nil, err
	}
	uc, isUDP := conn.(*net.UDPConn)
	if isUDP {
		// Many replies in flight at once (NFS READs of 32 KiB) overflow
		// the default receive buffer, and each datagram dropped there
		// costs a retransmission timeout. The kernel caps this at
		// net.core.rmem_max.
		uc.SetReadBuffer(4 << 20)
	}
	c := newClient(conn, !isUDP, cfg)
	if !isUDP {
		c.dial = dial
	}
	return c, nil
}

// NewClient returns a client on conn; stream says whether conn is a stream
// (record marking) or carries datagrams. The client owns conn and does not
// reconnect: when a stream breaks, its calls fail with ErrClosed.
func NewClient(conn net.Conn, stream bool, cfg Config) *Client {
	return newClient(conn, stream, cfg)
}

func newClient(conn net.Conn, stream bool, cfg Config) *Client {
	cfg.fill()
	c := &Client{conn: conn, gen: 1, stream: stream, cfg: cfg, pending: map[uint32]chan []byte{}}
	var b [4]byte
	rand.Read(b[:])
	c.xid.Store(binary.BigEndian.Uint32(b[:]))
	go c.readLoop(conn, 1)
	return c
}

// Stats are counts of a client's calls and of the messages it sent again.
type Stats struct {
	Calls   uint64 // calls made (each counted once, however often sent)
	Retrans uint64 // calls sent again after a timeout or a new connection
}

// Stats returns the client's counters so far.
func (c *Client) Stats() Stats {
	return Stats{Calls: c.calls.Load(), Retrans: c.retrans.Load()}
}

// firstTimeout is the retransmission timeout a new call starts with.
func (c *Client) firstTimeout() time.Duration {
	if c.stream || !c.cfg.Adaptive {
		return c.cfg.Timeout
	}
	c.rttMu.Lock()
	defer c.rttMu.Unlock()
	if c.srtt == 0 {
		return c.cfg.Timeout
	}
	return min(max(c.srtt+4*c.rttvar, c.cfg.MinAdaptive), c.cfg.Timeout)
}

// sampleRTT feeds a round trip measured on a call sent once (Karn's
// rule) to the estimator (RFC 6298).
func (c *Client) sampleRTT(rtt time.Duration) {
	c.rttMu.Lock()
	defer c.rttMu.Unlock()
	if c.srtt == 0 {
		c.srtt, c.rttvar = rtt, rtt/2
		return
	}
	d := c.srtt - rtt
	if d < 0 {
		d = -d
	}
	c.rttvar = (3*c.rttvar + d) / 4
	c.srtt = (7*c.srtt + rtt) / 8
}

// Close closes the connection; outstanding calls fail with ErrClosed.
func (c *Client) Close() error {
	c.mu.Lock()
	conn := c.conn
	c.conn = nil
	c.mu.Unlock()
	c.fail(ErrClosed)
	if conn != nil {
		return conn.Close()
	}
	return nil
}

func (c *Client) fail(err error) {
	c.mu.Lock()
	if c.err == nil {
		c.err = err
	}
	for xid, ch := range c.pending {
		close(ch)
		delete(c.pending, xid)
	}
	c.mu.Unlock()
}

// broken handles the failure of connection gen of a stream.
func (c *Client) broken(conn net.Conn, gen uint64, err error) {
	if c.dial == nil {
		c.fail(fmt.Errorf("%w: %v", ErrClosed, err))
		return
	}
	c.mu.Lock()
	if c.gen == gen {
		c.conn = nil // the next send reconnects
	}
	c.mu.Unlock()
	conn.Close()
}

// getConn returns the current connection, reconnecting a broken stream.
func (c *Client) getConn() (net.Conn, uint64, error) {
	c.mu.Lock()
	conn, gen, err := c.conn, c.gen, c.err
	c.mu.Unlock()
	if err != nil || conn != nil {
		return conn, gen, err
	}
	if c.dial == nil {
		return nil, 0, ErrClosed
	}
	c.dialMu.Lock()
	defer c.dialMu.Unlock()
	c.mu.Lock()
	conn, gen, err = c.conn, c.gen, c.err
	c.mu.Unlock()
	if err != nil || conn != nil {
		return conn, gen, err
	}
	conn, err = c.dial()
	if err != nil {
		return nil, 0, err
	}
	c.mu.Lock()
	if c.err != nil {
		err = c.err
		c.mu.Unlock()
		conn.Close()
		return nil, 0, err
	}
	c.gen++
	c.conn, gen = conn, c.gen
	c.mu.Unlock()
	go c.readLoop(conn, gen)
	return conn, gen, nil
}

func (c *Client) readLoop(conn net.Conn, gen uint64) {
	var buf []byte
	if !c.stream {
		buf = make([]byte, 65536)
	}
	for {
		var msg []byte
		if c.stream {
			var err error
			msg, err = ReadRecord(conn, nil, c.cfg.MaxRecord)
			if err != nil {
				c.broken(conn, gen, err)
				return
			}
		} else {
			n, err := conn.Read(buf)
			if err != nil {
				var ne net.Error
				if errors.As(err, &ne) && ne.Timeout() {
					continue
				}
				// ICMP port unreachable shows up as a read error on a
				// connected UDP socket; the server may come back.
				c.mu.Lock()
				dead := c.err != nil
				c.mu.Unlock()
				if dead || errors.Is(err, net.ErrClosed) {
					c.fail(ErrClosed)
					return
				}
				time.Sleep(10 * time.Millisecond)
				continue
			}
			msg = buf[:n]
		}
		if len(msg) < 8 {
			continue
		}
		xid := binary.BigEndian.Uint32(msg)
		c.mu.Lock()
		ch, ok := c.pending[xid]
		if ok {
			delete(c.pending, xid)
		}
		c.mu.Unlock()
		if !ok {
			continue // late or duplicate reply
		}
		if !c.stream {
			msg = append([]byte(nil), msg...)
		}
		ch <- msg
	}
}

// send sends msg and returns the generation of the connection used.
func (c *Client) send(msg []byte) (uint64, error) {
	conn, gen, err := c.getConn()
	if err != nil {
		return 0, err
	}
	if !c.stream {
		_, err := conn.Write(msg)
		return gen, err
	}
	c.wmu.Lock()
	err = WriteRecord(conn, msg)
	c.wmu.Unlock()
	if err != nil {
		c.broken(conn, gen, err)
	}
	return gen, err
}

// Call calls procedure proc of program prog version vers with the
// XDR-encoded args and returns the XDR-encoded results. A reply other than
// an accepted SUCCESS is a *ReplyError; no reply within Config.Total is
// ErrTimeout.
func (c *Client) Call(ctx context.Context, prog, vers, proc uint32, args []byte) ([]byte, error) {
	return c.CallEncode(ctx, prog, vers, proc, len(args), func(e *xdr.Encoder) { e.Buf = append(e.Buf, args...) })
}

// CallEncode is Call with the arguments appended by enc straight into the
// call message, which saves copying large ones (NFS WRITE data); size is
// about how many bytes enc appends.
func (c *Client) CallEncode(ctx context.Context, prog, vers, proc uint32, size int, enc func(e *xdr.Encoder)) ([]byte, error) {
	xid := c.xid.Add(1)
	h := CallHeader{Xid: xid, Prog: prog, Vers: vers, Proc: proc, Cred: c.cfg.Cred, Verf: c.cfg.Verf}
	e := xdr.NewEncoder(make([]byte, 0, 64+len(h.Cred.Body)+len(h.Verf.Body)+size))
	h.Encode(e)
	enc(e)
	msg := e.Bytes()

	if !c.stream && len(msg) > MaxDatagram {
		return nil, fmt.Errorf("rpc: %d-byte call too big for a datagram", len(msg))
	}

	c.calls.Add(1)
	ch := make(chan []byte, 1)
	c.mu.Lock()
	if c.err != nil {
		err := c.err
		c.mu.Unlock()
		return nil, err
	}
	c.pending[xid] = ch
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.pending, xid)
		c.mu.Unlock()
	}()

	// A failed send is like a lost message: the retransmission timer
	// tries again (on a stream, over a new connection).
	sentGen, err := c.send(msg)
	if err != nil && c.stream && c.dial == nil {
		return nil, fmt.Errorf("rpc: send: %w", err)
	}
	if errors.Is(err, ErrClosed) {
		return nil, err
	}
	sent := err == nil
	sentAt, resent := time.Now(), false
	total := time.NewTimer(c.cfg.Total)
	defer total.Stop()
	rto := c.firstTimeout()
	retrans := time.NewTimer(rto)
	defer retrans.Stop()
	for {
		select {
		case reply, ok := <-ch:
			if !ok {
				c.mu.Lock()
				err := c.err
				c.mu.Unlock()
				return nil, err
			}
			if !resent && !c.stream && c.cfg.Adaptive {
				c.sampleRTT(time.Since(sentAt))
			}
			return parseReply(reply)
		case <-retrans.C:
			resent = true
			if !c.stream {
				c.retrans.Add(1)
				c.send(msg)
			} else {
				// A stream does not lose messages: resend only if the
				// connection this call went out on is gone.
				c.mu.Lock()
				lost := !sent || c.conn == nil || c.gen != sentGen
				c.mu.Unlock()
				if lost {
					c.retrans.Add(1)
					if g, err := c.send(msg); err == nil {
						sentGen, sent = g, true
					} else {
						sent = false
					}
				}
			}
			rto = min(2*rto, c.cfg.MaxTimeout)
			retrans.Reset(rto)
		case <-total.C:
			return nil, fmt.Errorf("%w (prog %d proc %d after %v)", ErrTimeout, prog, proc, c.cfg.Total)
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

func parseReply(msg []byte) ([]byte, error) {
	d := xdr.NewDecoder(msg)
	h, err := DecodeReply(d)
	if err != nil {
		return nil, err
	}
	if h.Denied || h.Stat != Success {
		return nil, &ReplyError{Header: h}
	}
	return d.Rest(), nil
}
