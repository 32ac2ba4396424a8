package net

import (
	"bytes"
	"math"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"

	"sos/internal/abi"
)

// Socket options of AF_INET and AF_INET6 sockets. Each known option is
// either served by netstack or, for a few that change nothing SOS can
// show (SO_PRIORITY, SO_OOBINLINE), accepted and remembered by netstack's
// option store; an unknown option is abi.ENOPROTOOPT, so a program learns
// that it did not take effect.

// Limits Linux puts on the keepalive options.
const (
	maxKeepIdle  = 32767
	maxKeepIntvl = 32767
	maxKeepCnt   = 127
)

// GetSockOpt implements Socket.
func (s *inetSocket) GetSockOpt(level, name, size int) ([]byte, error) {
	if v, ok, err := s.GetSockOptBase(level, name, size); ok {
		return v, err
	}
	if size < 0 {
		return nil, abi.EINVAL
	}
	so := s.ep.SocketOptions()
	switch level {
	case SOL_SOCKET:
		switch name {
		case SO_ERROR:
			err := Errno(so.GetLastError())
			if err == nil {
				return Int(0, size)
			}
			return Int(int32(err.(abi.Errno)), size)
		case SO_SNDBUF:
			return Int(int32(min(so.GetSendBufferSize(), math.MaxInt32)), size)
		case SO_RCVBUF:
			return Int(int32(min(so.GetReceiveBufferSize(), math.MaxInt32)), size)
		case SO_REUSEADDR:
			return Bool(so.GetReuseAddress(), size)
		case SO_REUSEPORT:
			return Bool(so.GetReusePort(), size)
		case SO_KEEPALIVE:
			return Bool(so.GetKeepAlive(), size)
		case SO_BROADCAST:
			return Bool(so.GetBroadcast(), size)
		case SO_PASSCRED:
			return Bool(so.GetPassCred(), size)
		case SO_OOBINLINE:
			return Bool(so.GetOutOfBandInline(), size)
		case SO_ACCEPTCONN:
			return Bool(so.GetAcceptConn(), size)
		case SO_RCVLOWAT:
			return Int(max(so.GetRcvlowat(), 1), size)
		case SO_SNDLOWAT:
			return Int(1, size)
		case SO_PRIORITY:
			return Int(0, size)
		case SO_LINGER:
			l := so.GetLinger()
			b := make([]byte, 8)
			if l.Enabled {
				le.PutUint32(b, 1)
			}
			le.PutUint32(b[4:], uint32(l.Timeout/time.Second))
			return b[:min(size, 8)], nil
		}
	case SOL_TCP:
		if s.typ == SOCK_STREAM {
			return s.getTCP(name, size)
		}
	case SOL_IP:
		switch name {
		case IP_TOS:
			v, terr := s.ep.GetSockOptInt(tcpip.IPv4TOSOption)
			if terr != nil {
				return nil, Errno(terr)
			}
			return Int(int32(v), size)
		case IP_TTL:
			v, terr := s.ep.GetSockOptInt(tcpip.IPv4TTLOption)
			if terr != nil {
				return nil, Errno(terr)
			}
			if v == 0 {
				v = 64 // "use the default"
			}
			return Int(int32(v), size)
		case IP_RECVTOS:
			return Bool(so.GetReceiveTOS(), size)
		}
	case SOL_IPV6:
		if s.family != AF_INET6 {
			break
		}
		switch name {
		case IPV6_V6ONLY:
			return Bool(so.GetV6Only(), size)
		case IPV6_TCLASS:
			v, terr := s.ep.GetSockOptInt(tcpip.IPv6TrafficClassOption)
			if terr != nil {
				return nil, Errno(terr)
			}
			return Int(int32(v), size)
		case IPV6_UNICAST_HOPS:
			v, terr := s.ep.GetSockOptInt(tcpip.IPv6HopLimitOption)
			if terr != nil {
				return nil, Errno(terr)
			}
			if v < 0 {
				v = 64
			}
			return Int(int32(v), size)
		case IPV6_RECVTCLASS:
			return Bool(so.GetReceiveTClass(), size)
		}
	}
	return nil, abi.ENOPROTOOPT
}

// getTCP answers SOL_TCP options.
func (s *inetSocket) getTCP(name, size int) ([]byte, error) {
	so := s.ep.SocketOptions()
	seconds := func(opt tcpip.GettableSocketOption, d *time.Duration) ([]byte, error) {
		if terr := s.ep.GetSockOpt(opt); terr != nil {
			return nil, Errno(terr)
		}
		return Int(int32(*d/time.Second), size)
	}
	switch name {
	case TCP_NODELAY:
		return Bool(!so.GetDelayOption(), size)
	case TCP_CORK:
		return Bool(so.GetCorkOption(), size)
	case TCP_QUICKACK:
		return Bool(so.GetQuickAck(), size)
	case TCP_MAXSEG:
		v, terr := s.ep.GetSockOptInt(tcpip.MaxSegOption)
		if terr != nil {
			return nil, Errno(terr)
		}
		return Int(int32(v), size)
	case TCP_KEEPIDLE:
		var v tcpip.KeepaliveIdleOption
		return seconds(&v, (*time.Duration)(&v))
	case TCP_KEEPINTVL:
		var v tcpip.KeepaliveIntervalOption
		return seconds(&v, (*time.Duration)(&v))
	case TCP_LINGER2:
		var v tcpip.TCPLingerTimeoutOption
		return seconds(&v, (*time.Duration)(&v))
	case TCP_DEFER_ACCEPT:
		var v tcpip.TCPDeferAcceptOption
		return seconds(&v, (*time.Duration)(&v))
	case TCP_USER_TIMEOUT:
		var v tcpip.TCPUserTimeoutOption
		if terr := s.ep.GetSockOpt(&v); terr != nil {
			return nil, Errno(terr)
		}
		return Int(int32(time.Duration(v)/time.Millisecond), size)
	case TCP_KEEPCNT, TCP_SYNCNT, TCP_WINDOW_CLAMP:
		opt := map[int]tcpip.SockOptInt{
			TCP_KEEPCNT:      tcpip.KeepaliveCountOption,
			TCP_SYNCNT:       tcpip.TCPSynCountOption,
			TCP_WINDOW_CLAMP: tcpip.TCPWindowClampOption,
		}[name]
		v, terr := s.ep.GetSockOptInt(opt)
		if terr != nil {
			return nil, Errno(terr)
		}
		return Int(int32(v), size)
	case TCP_CONGESTION:
		var v tcpip.CongestionControlOption
		if terr := s.ep.GetSockOpt(&v); terr != nil {
			return nil, Errno(terr)
		}
		b := make([]byte, 16) // TCP_CA_NAME_MAX
		copy(b, v)
		return b[:min(size, len(b))], nil
	case TCP_INFO:
		var v tcpip.TCPInfoOption
		if terr := s.ep.GetSockOpt(&v); terr != nil {
			return nil, Errno(terr)
		}
		return tcpInfo(v)[:min(size, tcpInfoSize)], nil
	}
	return nil, abi.ENOPROTOOPT
}

// tcpInfoSize is sizeof(struct tcp_info) on Linux 6.x.
const tcpInfoSize = 232

// tcpInfo encodes the fields of struct tcp_info netstack knows.
func tcpInfo(v tcpip.TCPInfoOption) []byte {
	b := make([]byte, tcpInfoSize)
	state := tcp.EndpointState(v.State)
	switch state {
	case tcp.StateInitial, tcp.StateBound, tcp.StateError:
		state = tcp.StateClose
	case tcp.StateConnecting:
		state = tcp.StateSynSent
	}
	b[0] = uint8(state)
	b[1] = uint8(v.CcState)
	us := func(d time.Duration) uint32 { return uint32(d / time.Microsecond) }
	le.PutUint32(b[8:], us(v.RTO))     // tcpi_rto
	le.PutUint32(b[68:], us(v.RTT))    // tcpi_rtt
	le.PutUint32(b[72:], us(v.RTTVar)) // tcpi_rttvar
	le.PutUint32(b[76:], v.SndSsthresh)
	le.PutUint32(b[80:], v.SndCwnd)
	return b
}

// SetSockOpt implements Socket.
func (s *inetSocket) SetSockOpt(level, name int, val []byte) error {
	if ok, err := s.SetSockOptBase(level, name, val); ok {
		return err
	}
	so := s.ep.SocketOptions()
	switch level {
	case SOL_SOCKET:
		switch name {
		case SO_BINDTODEVICE:
			dev := val
			if i := bytes.IndexByte(dev, 0); i >= 0 {
				dev = dev[:i]
			}
			switch string(dev) {
			case "":
				return Errno(so.SetBindToDevice(0))
			case "lo":
				return Errno(so.SetBindToDevice(int32(LoopbackNIC)))
			}
			return abi.ENODEV
		case SO_LINGER:
			if len(val) < 8 {
				return abi.EINVAL
			}
			on, secs := int32(le.Uint32(val)), int32(le.Uint32(val[4:]))
			so.SetLinger(tcpip.LingerOption{Enabled: on != 0, Timeout: time.Duration(max(secs, 0)) * time.Second})
			return nil
		case SO_SNDBUFFORCE, SO_RCVBUFFORCE:
			return abi.EPERM // needs CAP_NET_ADMIN
		}
		v, err := ParseInt(val)
		if err != nil {
			if isSocketIntOption(name) {
				return err
			}
			return abi.ENOPROTOOPT
		}
		switch name {
		case SO_SNDBUF:
			lo, hi := so.SendBufferLimits()
			so.SetSendBufferSize(clampBuf(v, lo, hi), true)
		case SO_RCVBUF:
			lo, hi := so.ReceiveBufferLimits()
			so.SetReceiveBufferSize(clampBuf(v, lo, hi), true)
		case SO_REUSEADDR:
			so.SetReuseAddress(v != 0)
		case SO_REUSEPORT:
			so.SetReusePort(v != 0)
		case SO_KEEPALIVE:
			so.SetKeepAlive(v != 0)
		case SO_BROADCAST:
			so.SetBroadcast(v != 0)
		case SO_PASSCRED:
			so.SetPassCred(v != 0)
		case SO_OOBINLINE:
			so.SetOutOfBandInline(v != 0)
		case SO_RCVLOWAT:
			return Errno(so.SetRcvlowat(max(v, 1)))
		case SO_PRIORITY:
			if v < 0 || v > 6 {
				return abi.EPERM // higher priorities need CAP_NET_ADMIN
			}
		default:
			return abi.ENOPROTOOPT
		}
		return nil
	case SOL_TCP:
		if s.typ == SOCK_STREAM {
			return s.setTCP(name, val)
		}
	case SOL_IP:
		v, err := parseIntOrByte(val)
		if err != nil {
			return err
		}
		switch name {
		case IP_TOS:
			return Errno(s.ep.SetSockOptInt(tcpip.IPv4TOSOption, int(uint8(v))))
		case IP_TTL:
			if v == -1 {
				v = 0 // the default
			}
			if v < 0 || v > 255 {
				return abi.EINVAL
			}
			return Errno(s.ep.SetSockOptInt(tcpip.IPv4TTLOption, int(v)))
		case IP_RECVTOS:
			so.SetReceiveTOS(v != 0)
			return nil
		}
	case SOL_IPV6:
		if s.family != AF_INET6 {
			break
		}
		v, err := ParseInt(val)
		if err != nil {
			return err
		}
		switch name {
		case IPV6_V6ONLY:
			if s.typ == SOCK_STREAM && tcp.EndpointState(s.ep.State()) != tcp.StateInitial {
				return abi.EINVAL // only before bind and connect
			}
			so.SetV6Only(v != 0)
			return nil
		case IPV6_TCLASS:
			if v == -1 {
				v = 0
			}
			if v < 0 || v > 255 {
				return abi.EINVAL
			}
			return Errno(s.ep.SetSockOptInt(tcpip.IPv6TrafficClassOption, int(v)))
		case IPV6_UNICAST_HOPS:
			if v < -1 || v > 255 {
				return abi.EINVAL
			}
			return Errno(s.ep.SetSockOptInt(tcpip.IPv6HopLimitOption, int(v)))
		case IPV6_RECVTCLASS:
			so.SetReceiveTClass(v != 0)
			return nil
		}
	}
	return abi.ENOPROTOOPT
}

// isSocketIntOption reports whether name is a SOL_SOCKET option taking an
// int (so that a short value is EINVAL rather than ENOPROTOOPT).
func isSocketIntOption(name int) bool {
	switch name {
	case SO_SNDBUF, SO_RCVBUF, SO_REUSEADDR, SO_REUSEPORT, SO_KEEPALIVE, SO_BROADCAST,
		SO_PASSCRED, SO_OOBINLINE, SO_RCVLOWAT, SO_PRIORITY:
		return true
	}
	return false
}

// clampBuf bounds a requested buffer size. Linux doubles the request to
// leave room for its bookkeeping; netstack accounts payload only, so the
// request is taken as it is.
func clampBuf(v int32, lo, hi int64) int64 {
	return min(max(int64(v), lo), hi)
}

// parseIntOrByte reads an IP-level option value, which Linux accepts as an
// int or a single byte.
func parseIntOrByte(val []byte) (int32, error) {
	switch {
	case len(val) >= 4:
		return int32(le.Uint32(val)), nil
	case len(val) >= 1:
		return int32(val[0]), nil
	}
	return 0, abi.EINVAL
}

// setTCP sets SOL_TCP options.
func (s *inetSocket) setTCP(name int, val []byte) error {
	so := s.ep.SocketOptions()
	if name == TCP_CONGESTION {
		v := tcpip.CongestionControlOption(bytes.TrimRight(val, "\x00"))
		if terr := s.ep.SetSockOpt(&v); terr != nil {
			return abi.ENOENT // an unknown algorithm, as Linux says it
		}
		return nil
	}
	v, err := ParseInt(val)
	if err != nil {
		return err
	}
	switch name {
	case TCP_NODELAY:
		so.SetDelayOption(v == 0)
		return nil
	case TCP_CORK:
		so.SetCorkOption(v != 0)
		return nil
	case TCP_QUICKACK:
		so.SetQuickAck(v != 0)
		return nil
	case TCP_MAXSEG:
		return Errno(s.ep.SetSockOptInt(tcpip.MaxSegOption, int(v)))
	case TCP_KEEPIDLE:
		if v < 1 || v > maxKeepIdle {
			return abi.EINVAL
		}
		opt := tcpip.KeepaliveIdleOption(time.Duration(v) * time.Second)
		return Errno(s.ep.SetSockOpt(&opt))
	case TCP_KEEPINTVL:
		if v < 1 || v > maxKeepIntvl {
			return abi.EINVAL
		}
		opt := tcpip.KeepaliveIntervalOption(time.Duration(v) * time.Second)
		return Errno(s.ep.SetSockOpt(&opt))
	case TCP_KEEPCNT:
		if v < 1 || v > maxKeepCnt {
			return abi.EINVAL
		}
		return Errno(s.ep.SetSockOptInt(tcpip.KeepaliveCountOption, int(v)))
	case TCP_USER_TIMEOUT:
		if v < 0 {
			return abi.EINVAL
		}
		opt := tcpip.TCPUserTimeoutOption(time.Duration(v) * time.Millisecond)
		return Errno(s.ep.SetSockOpt(&opt))
	case TCP_LINGER2:
		opt := tcpip.TCPLingerTimeoutOption(time.Duration(v) * time.Second)
		return Errno(s.ep.SetSockOpt(&opt))
	case TCP_DEFER_ACCEPT:
		opt := tcpip.TCPDeferAcceptOption(time.Duration(max(v, 0)) * time.Second)
		return Errno(s.ep.SetSockOpt(&opt))
	case TCP_SYNCNT:
		return Errno(s.ep.SetSockOptInt(tcpip.TCPSynCountOption, int(v)))
	case TCP_WINDOW_CLAMP:
		return Errno(s.ep.SetSockOptInt(tcpip.TCPWindowClampOption, int(v)))
	}
	return abi.ENOPROTOOPT
}
