package net

import (
	"gvisor.dev/gvisor/pkg/tcpip"

	"sos/internal/abi"
)

// Errno translates a netstack error into the error number Linux gives in
// the same situation (the table gVisor's sentry uses). nil stays nil, as
// does ErrClosedForReceive, which is end of file, not an error, for a
// reader; callers that must tell it apart check for it first.
func Errno(err tcpip.Error) error {
	switch err.(type) {
	case nil, *tcpip.ErrClosedForReceive:
		return nil
	case *tcpip.ErrWouldBlock, *tcpip.ErrNoPortAvailable:
		return abi.EAGAIN
	case *tcpip.ErrConnectStarted:
		return abi.EINPROGRESS
	case *tcpip.ErrAlreadyConnecting:
		return abi.EALREADY
	case *tcpip.ErrAlreadyConnected:
		return abi.EISCONN
	case *tcpip.ErrNotConnected:
		return abi.ENOTCONN
	case *tcpip.ErrConnectionRefused:
		return abi.ECONNREFUSED
	case *tcpip.ErrConnectionReset:
		return abi.ECONNRESET
	case *tcpip.ErrConnectionAborted:
		return abi.ECONNABORTED
	case *tcpip.ErrClosedForSend, *tcpip.ErrAborted:
		return abi.EPIPE
	case *tcpip.ErrTimeout:
		return abi.ETIMEDOUT
	case *tcpip.ErrPortInUse:
		return abi.EADDRINUSE
	case *tcpip.ErrBadLocalAddress:
		return abi.EADDRNOTAVAIL
	case *tcpip.ErrDestinationRequired:
		return abi.EDESTADDRREQ
	case *tcpip.ErrNotSupported:
		return abi.EOPNOTSUPP
	case *tcpip.ErrQueueSizeNotSupported:
		return abi.ENOTTY
	case *tcpip.ErrNoSuchFile:
		return abi.ENOENT
	case *tcpip.ErrBroadcastDisabled:
		return abi.EACCES
	case *tcpip.ErrNotPermitted:
		return abi.EPERM
	case *tcpip.ErrBadBuffer, *tcpip.ErrBadAddress:
		return abi.EFAULT
	case *tcpip.ErrNetworkUnreachable:
		return abi.ENETUNREACH
	case *tcpip.ErrHostUnreachable:
		return abi.EHOSTUNREACH
	case *tcpip.ErrHostDown:
		return EHOSTDOWN
	case *tcpip.ErrNoNet:
		return ENONET
	case *tcpip.ErrMessageTooLong:
		return abi.EMSGSIZE
	case *tcpip.ErrNoBufferSpace:
		return abi.ENOBUFS
	case *tcpip.ErrAddressFamilyNotSupported:
		return abi.EAFNOSUPPORT
	case *tcpip.ErrUnknownProtocolOption:
		return abi.ENOPROTOOPT
	case *tcpip.ErrUnknownNICID, *tcpip.ErrUnknownDevice, *tcpip.ErrInvalidNICID:
		return abi.ENODEV
	case *tcpip.ErrDuplicateNICID, *tcpip.ErrDuplicateAddress:
		return abi.EEXIST
	case *tcpip.ErrEndpointBusy:
		return abi.EBUSY
	}
	// ErrUnknownProtocol, ErrAlreadyBound, ErrInvalidEndpointState,
	// ErrInvalidOptionValue, ErrMalformedHeader, ErrInvalidPortRange,
	// ErrMissingRequiredFields, ErrMulticastInputCannotBeOutput and
	// anything newer.
	return abi.EINVAL
}
