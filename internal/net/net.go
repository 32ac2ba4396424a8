// Package net is SOS's network: the kernel's TCP/IP stack (gVisor's
// netstack, with a loopback NIC) and the sockets programs open on it. It
// gives the system-call layer one Socket interface for every family:
// AF_INET and AF_INET6 sockets are netstack endpoints (this package);
// AF_UNIX sockets are SOS's own (package net/unix). Sockets are VFS files:
// non-blocking FileOps that answer abi.EAGAIN when they cannot proceed and
// notify their waiter queue when their readiness changes, so blocking
// calls, poll and epoll work on them as on pipes. Addresses cross this
// package's boundary as the bytes of Linux's struct sockaddr.
//
// It depends on the VFS interfaces, the waiter queue, the ABI constants and
// netstack; it must never depend on the kernel or on the system-call layer
// (internal/linux depends on it), so that it can be tested, and later given
// more NICs, on its own.
package net

import (
	"io"
	"time"

	"sos/internal/abi"
	"sos/internal/vfs"
)

// Address families, socket types and protocols (Linux's values).
const (
	AF_UNSPEC  = 0
	AF_UNIX    = 1
	AF_INET    = 2
	AF_INET6   = 10
	AF_NETLINK = 16
	AF_PACKET  = 17

	SOCK_STREAM    = 1
	SOCK_DGRAM     = 2
	SOCK_RAW       = 3
	SOCK_RDM       = 4
	SOCK_SEQPACKET = 5
	SOCK_NONBLOCK  = abi.O_NONBLOCK
	SOCK_CLOEXEC   = abi.O_CLOEXEC
	// SOCK_TYPE_MASK selects the type from socket(2)'s type argument.
	SOCK_TYPE_MASK = 0xf

	IPPROTO_IP     = 0
	IPPROTO_ICMP   = 1
	IPPROTO_TCP    = 6
	IPPROTO_UDP    = 17
	IPPROTO_IPV6   = 41
	IPPROTO_ICMPV6 = 58
	IPPROTO_RAW    = 255
	IPPROTO_MPTCP  = 262
)

// Option levels and names (getsockopt, setsockopt).
const (
	SOL_IP     = 0
	SOL_SOCKET = 1
	SOL_TCP    = 6
	SOL_UDP    = 17
	SOL_IPV6   = 41

	SO_DEBUG        = 1
	SO_REUSEADDR    = 2
	SO_TYPE         = 3
	SO_ERROR        = 4
	SO_DONTROUTE    = 5
	SO_BROADCAST    = 6
	SO_SNDBUF       = 7
	SO_RCVBUF       = 8
	SO_KEEPALIVE    = 9
	SO_OOBINLINE    = 10
	SO_NO_CHECK     = 11
	SO_PRIORITY     = 12
	SO_LINGER       = 13
	SO_REUSEPORT    = 15
	SO_PASSCRED     = 16
	SO_PEERCRED     = 17
	SO_RCVLOWAT     = 18
	SO_SNDLOWAT     = 19
	SO_RCVTIMEO     = 20 // struct timeval, 16 bytes on riscv64
	SO_SNDTIMEO     = 21
	SO_BINDTODEVICE = 25
	SO_TIMESTAMP    = 29
	SO_ACCEPTCONN   = 30
	SO_SNDBUFFORCE  = 32
	SO_RCVBUFFORCE  = 33
	SO_PROTOCOL     = 38
	SO_DOMAIN       = 39

	TCP_NODELAY      = 1
	TCP_MAXSEG       = 2
	TCP_CORK         = 3
	TCP_KEEPIDLE     = 4
	TCP_KEEPINTVL    = 5
	TCP_KEEPCNT      = 6
	TCP_SYNCNT       = 7
	TCP_LINGER2      = 8
	TCP_DEFER_ACCEPT = 9
	TCP_WINDOW_CLAMP = 10
	TCP_INFO         = 11
	TCP_QUICKACK     = 12
	TCP_CONGESTION   = 13
	TCP_USER_TIMEOUT = 18

	IP_TOS              = 1
	IP_TTL              = 2
	IP_RECVTOS          = 13
	IP_MULTICAST_TTL    = 33
	IP_MULTICAST_LOOP   = 34
	IPV6_UNICAST_HOPS   = 16
	IPV6_MULTICAST_HOPS = 18
	IPV6_MULTICAST_LOOP = 19
	IPV6_V6ONLY         = 26
	IPV6_RECVTCLASS     = 66
	IPV6_TCLASS         = 67

	SCM_RIGHTS      = 1
	SCM_CREDENTIALS = 2
)

// Message flags (send, recv and msghdr.msg_flags).
const (
	MSG_OOB          = 0x1
	MSG_PEEK         = 0x2
	MSG_DONTROUTE    = 0x4
	MSG_CTRUNC       = 0x8
	MSG_TRUNC        = 0x20
	MSG_DONTWAIT     = 0x40
	MSG_EOR          = 0x80
	MSG_WAITALL      = 0x100
	MSG_CONFIRM      = 0x800
	MSG_ERRQUEUE     = 0x2000
	MSG_NOSIGNAL     = 0x4000
	MSG_MORE         = 0x8000
	MSG_WAITFORONE   = 0x10000
	MSG_CMSG_CLOEXEC = 0x40000000
)

// shutdown(2)'s how.
const (
	SHUT_RD   = 0
	SHUT_WR   = 1
	SHUT_RDWR = 2
)

// Socket ioctls.
const (
	TIOCOUTQ = 0x5411
	FIONREAD = 0x541b // also TIOCINQ, SIOCINQ
)

// Error numbers abi does not name.
const (
	ENONET          abi.Errno = 64
	ENETRESET       abi.Errno = 102
	ESHUTDOWN       abi.Errno = 108
	EHOSTDOWN       abi.Errno = 112
	ESOCKTNOSUPPORT abi.Errno = 94
)

// SOMAXCONN caps listen(2)'s backlog, as /proc/sys/net/core/somaxconn says.
const SOMAXCONN = 4096

// A Socket is an open socket of any family: the operations behind the
// socket system calls, and (as vfs.FileOps) read(2) and write(2), which are
// recv and send without flags. Like all FileOps, every operation is
// non-blocking: one that cannot proceed returns abi.EAGAIN (Connect:
// abi.EINPROGRESS), and the caller waits for the socket's readiness and
// retries. Errors are abi.Errno values. Addresses are struct sockaddr
// bytes. A Socket is safe for concurrent use.
type Socket interface {
	vfs.FileOps
	vfs.Stream
	vfs.Node
	vfs.Ioctler

	// Info returns the socket's family, type and protocol.
	Info() (family, typ, protocol int)

	Bind(ctx vfs.Context, addr []byte) error
	Listen(backlog int) error
	// Accept takes a connection off the queue of a listening socket
	// (abi.EAGAIN if there is none) and returns it with its peer's
	// address. The caller owns the new socket (and must Release it if it
	// cannot make it a file).
	Accept(ctx vfs.Context) (Socket, []byte, error)
	// Connect connects to addr. A connection that cannot be made at once
	// returns abi.EINPROGRESS: it goes on, and the socket becomes writable
	// when it is made or has failed; calling Connect again then returns
	// its result (nil, or the error), and later abi.EISCONN. While it is
	// still going on Connect returns abi.EALREADY.
	Connect(ctx vfs.Context, addr []byte) error
	Shutdown(how int) error
	// SockName and PeerName return the local and remote addresses
	// (getsockname, getpeername).
	SockName() ([]byte, error)
	PeerName() ([]byte, error)

	// SendMsg sends the bytes src holds. A stream socket may send part of
	// them; a message socket sends all of them as one message or none.
	SendMsg(ctx vfs.Context, src Reader, opts SendOptions) (int, error)
	// RecvMsg receives into dst. flags are MSG_PEEK, MSG_TRUNC and
	// MSG_ERRQUEUE (MSG_DONTWAIT and MSG_WAITALL are the caller's: this
	// never blocks). A stream socket at end of file returns 0 and no error.
	RecvMsg(ctx vfs.Context, dst Writer, flags int) (RecvResult, error)

	// GetSockOpt returns the value of an option, cut to size bytes as
	// Linux does; unknown options are abi.ENOPROTOOPT.
	GetSockOpt(level, name, size int) ([]byte, error)
	// SetSockOpt sets an option; unknown options are abi.ENOPROTOOPT.
	SetSockOpt(level, name int, val []byte) error

	// RecvTimeout and SendTimeout are SO_RCVTIMEO and SO_SNDTIMEO (0:
	// wait for ever), which the caller applies when it blocks.
	RecvTimeout() time.Duration
	SendTimeout() time.Duration
}

// Reader is the data of a send: Len bytes to read. Reads report a bad user
// buffer as abi.EFAULT. It is a netstack tcpip.Payloader.
type Reader interface {
	io.Reader
	Len() int
}

// Writer is where received data goes: room for Len more bytes. Write
// copies as much as there is room for and returns io.ErrShortWrite if that
// was not all of it, or abi.EFAULT for a bad user buffer.
type Writer interface {
	io.Writer
	Len() int
}

// Creds are a process's credentials as SCM_CREDENTIALS and SO_PEERCRED
// carry them (struct ucred).
type Creds struct {
	PID      int32
	UID, GID uint32
}

// SendOptions are the parts of a sendmsg beyond the data.
type SendOptions struct {
	// To is the destination address (sendto), or nil.
	To []byte
	// Flags are the MSG_* flags (MSG_MORE, MSG_EOR, MSG_OOB, ...).
	Flags int
	// Rights are the files of an SCM_RIGHTS message (AF_UNIX only). The
	// caller keeps its references; a socket that queues them takes its own.
	Rights []*vfs.File
	// Creds are an SCM_CREDENTIALS message's, or nil for the sender's own.
	Creds *Creds
}

// RecvResult describes a received message.
type RecvResult struct {
	// N is the number of bytes copied to the Writer, or with MSG_TRUNC on
	// a message socket the message's full length.
	N int
	// Flags are msghdr.msg_flags: MSG_TRUNC when a message did not fit,
	// MSG_EOR, MSG_CTRUNC (set by the caller when control data does not
	// fit).
	Flags int
	// From is the sender's address (message sockets), or nil.
	From []byte
	// Rights are files passed with SCM_RIGHTS; the caller owns a reference
	// to each and must install or release it.
	Rights []*vfs.File
	// Creds are the sender's credentials, when the receiver asked for them
	// (SO_PASSCRED), else nil.
	Creds *Creds
}

// ReleaseRights drops the references RecvResult.Rights hold.
func (r *RecvResult) ReleaseRights() {
	for _, f := range r.Rights {
		f.DecRef()
	}
	r.Rights = nil
}
