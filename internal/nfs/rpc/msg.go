// Package rpc implements ONC RPC version 2 (RFC 5531): call and reply
// headers with AUTH_NONE and AUTH_SYS credentials, record marking for TCP,
// a client that keeps many calls in flight over one UDP socket or TCP
// connection (matching replies by xid, retransmitting with exponential
// back-off), a server dispatcher for UDP and TCP, and the portmapper's
// GETPORT call.
//
// It depends only on the standard library and internal/nfs/xdr; it knows
// nothing of NFS or of the kernel.
package rpc

import (
	"errors"
	"fmt"

	"sos/internal/nfs/xdr"
)

// Message types, reply statuses and auth flavors (RFC 5531 section 9).
const (
	Call  = 0
	Reply = 1

	MsgAccepted = 0
	MsgDenied   = 1

	AuthNone = 0
	AuthSys  = 1
)

// AcceptStat is the status of an accepted reply.
type AcceptStat uint32

const (
	Success      AcceptStat = 0
	ProgUnavail  AcceptStat = 1
	ProgMismatch AcceptStat = 2
	ProcUnavail  AcceptStat = 3
	GarbageArgs  AcceptStat = 4
	SystemErr    AcceptStat = 5
)

func (s AcceptStat) String() string {
	switch s {
	case Success:
		return "SUCCESS"
	case ProgUnavail:
		return "PROG_UNAVAIL"
	case ProgMismatch:
		return "PROG_MISMATCH"
	case ProcUnavail:
		return "PROC_UNAVAIL"
	case GarbageArgs:
		return "GARBAGE_ARGS"
	case SystemErr:
		return "SYSTEM_ERR"
	}
	return fmt.Sprintf("accept_stat(%d)", uint32(s))
}

// RejectStat is the reason for a denied reply.
const (
	RPCMismatch = 0
	AuthError   = 1
)

// Auth status values for AuthError (subset).
const (
	AuthBadCred      = 1
	AuthRejectedCred = 2
	AuthTooWeak      = 5
)

// RPCVersion is the only RPC protocol version.
const RPCVersion = 2

// Limits on what a decoder accepts.
const (
	MaxAuthBytes   = 400 // RFC 5531: opaque_auth body is at most 400 bytes
	MaxMachineName = 255
	MaxGids        = 16
)

var (
	// ErrGarbage reports a message that is not a well-formed RPC message.
	ErrGarbage = errors.New("rpc: malformed message")
)

// OpaqueAuth is a credential or verifier.
type OpaqueAuth struct {
	Flavor uint32
	Body   []byte
}

func (a OpaqueAuth) encode(e *xdr.Encoder) {
	e.Uint32(a.Flavor)
	e.Opaque(a.Body)
}

func decodeAuth(d *xdr.Decoder) OpaqueAuth {
	return OpaqueAuth{Flavor: d.Uint32(), Body: d.Opaque(MaxAuthBytes)}
}

// AuthSysParams is the body of an AUTH_SYS credential.
type AuthSysParams struct {
	Stamp       uint32
	MachineName string
	UID, GID    uint32
	Gids        []uint32
}

// Auth returns p encoded as an AUTH_SYS credential.
func (p AuthSysParams) Auth() OpaqueAuth {
	var e xdr.Encoder
	e.Uint32(p.Stamp)
	e.String(p.MachineName)
	e.Uint32(p.UID)
	e.Uint32(p.GID)
	n := min(len(p.Gids), MaxGids)
	e.Uint32(uint32(n))
	for _, g := range p.Gids[:n] {
		e.Uint32(g)
	}
	return OpaqueAuth{Flavor: AuthSys, Body: e.Bytes()}
}

// ParseAuthSys decodes an AUTH_SYS credential body.
func ParseAuthSys(body []byte) (AuthSysParams, error) {
	d := xdr.NewDecoder(body)
	var p AuthSysParams
	p.Stamp = d.Uint32()
	p.MachineName = d.String(MaxMachineName)
	p.UID = d.Uint32()
	p.GID = d.Uint32()
	n := d.Count(MaxGids, 4)
	if n > 0 {
		p.Gids = make([]uint32, n)
		for i := range p.Gids {
			p.Gids[i] = d.Uint32()
		}
	}
	return p, d.Err()
}

// CallHeader is the header of a call message; the procedure's arguments
// follow it.
type CallHeader struct {
	Xid              uint32
	Prog, Vers, Proc uint32
	Cred, Verf       OpaqueAuth
}

// Encode appends the header to e.
func (h *CallHeader) Encode(e *xdr.Encoder) {
	e.Uint32(h.Xid)
	e.Uint32(Call)
	e.Uint32(RPCVersion)
	e.Uint32(h.Prog)
	e.Uint32(h.Vers)
	e.Uint32(h.Proc)
	h.Cred.encode(e)
	h.Verf.encode(e)
}

// DecodeCall reads a call header. It reports ErrGarbage for a message that
// is not a call; rpcvers is returned so a server can reply RPC_MISMATCH.
func DecodeCall(d *xdr.Decoder) (h CallHeader, rpcvers uint32, err error) {
	h.Xid = d.Uint32()
	if mt := d.Uint32(); d.Err() == nil && mt != Call {
		return h, 0, ErrGarbage
	}
	rpcvers = d.Uint32()
	h.Prog = d.Uint32()
	h.Vers = d.Uint32()
	h.Proc = d.Uint32()
	h.Cred = decodeAuth(d)
	h.Verf = decodeAuth(d)
	if d.Err() != nil {
		return h, rpcvers, fmt.Errorf("%w: %v", ErrGarbage, d.Err())
	}
	return h, rpcvers, nil
}

// ReplyHeader is the header of a reply message. For an accepted reply with
// Stat Success the procedure's results follow it.
type ReplyHeader struct {
	Xid    uint32
	Denied bool // MSG_DENIED; RejectStat and Low/High or AuthStat apply

	// Accepted replies.
	Verf OpaqueAuth
	Stat AcceptStat

	// PROG_MISMATCH (accepted) or RPC_MISMATCH (denied): supported versions.
	Low, High uint32

	// Denied replies.
	RejectStat uint32
	AuthStat   uint32
}

// Encode appends the header to e.
func (h *ReplyHeader) Encode(e *xdr.Encoder) {
	e.Uint32(h.Xid)
	e.Uint32(Reply)
	if h.Denied {
		e.Uint32(MsgDenied)
		e.Uint32(h.RejectStat)
		if h.RejectStat == RPCMismatch {
			e.Uint32(h.Low)
			e.Uint32(h.High)
		} else {
			e.Uint32(h.AuthStat)
		}
		return
	}
	e.Uint32(MsgAccepted)
	h.Verf.encode(e)
	e.Uint32(uint32(h.Stat))
	if h.Stat == ProgMismatch {
		e.Uint32(h.Low)
		e.Uint32(h.High)
	}
}

// DecodeReply reads a reply header.
func DecodeReply(d *xdr.Decoder) (h ReplyHeader, err error) {
	h.Xid = d.Uint32()
	if mt := d.Uint32(); d.Err() == nil && mt != Reply {
		return h, ErrGarbage
	}
	switch d.Uint32() {
	case MsgAccepted:
		h.Verf = decodeAuth(d)
		h.Stat = AcceptStat(d.Uint32())
		if h.Stat == ProgMismatch {
			h.Low = d.Uint32()
			h.High = d.Uint32()
		}
	case MsgDenied:
		h.Denied = true
		h.RejectStat = d.Uint32()
		switch h.RejectStat {
		case RPCMismatch:
			h.Low = d.Uint32()
			h.High = d.Uint32()
		case AuthError:
			h.AuthStat = d.Uint32()
		default:
			d.SetErr(ErrGarbage)
		}
	default:
		d.SetErr(ErrGarbage)
	}
	if d.Err() != nil {
		return h, fmt.Errorf("%w: %v", ErrGarbage, d.Err())
	}
	return h, nil
}

// ReplyError is returned by Client.Call when the server did not accept the
// call or did not run the procedure successfully.
type ReplyError struct {
	Header ReplyHeader
}

func (e *ReplyError) Error() string {
	h := e.Header
	if h.Denied {
		if h.RejectStat == RPCMismatch {
			return fmt.Sprintf("rpc: denied: RPC_MISMATCH (%d-%d)", h.Low, h.High)
		}
		return fmt.Sprintf("rpc: denied: AUTH_ERROR %d", h.AuthStat)
	}
	if h.Stat == ProgMismatch {
		return fmt.Sprintf("rpc: PROG_MISMATCH (versions %d-%d)", h.Low, h.High)
	}
	return "rpc: " + h.Stat.String()
}
