package net

import (
	"fmt"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/link/loopback"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv6"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/tcpip/transport/icmp"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
	"gvisor.dev/gvisor/pkg/tcpip/transport/udp"
	gwaiter "gvisor.dev/gvisor/pkg/waiter"

	"sos/internal/abi"
	"sos/internal/vfs"
)

// LoopbackNIC is the loopback interface's id (and ifindex), as on Linux.
const LoopbackNIC tcpip.NICID = 1

// TCP buffer sizes: the minimum, the size a socket starts with and the
// most receive-buffer auto-tuning or SO_SNDBUF/SO_RCVBUF may give it.
const (
	tcpBufMin     = 4 << 10
	tcpBufDefault = 1 << 20
	tcpSndBufMax  = 4 << 20
	tcpRcvBufMax  = 6 << 20
)

// A Stack is a kernel's TCP/IP stack: netstack with IPv4, IPv6, TCP, UDP
// and ICMP, and its NICs (for now the loopback interface, 127.0.0.1/8 and
// ::1/128). It is safe for concurrent use.
type Stack struct {
	s *stack.Stack
}

// NewStack returns a stack with its loopback interface up.
func NewStack() (*Stack, error) {
	s := stack.New(stack.Options{
		NetworkProtocols:   []stack.NetworkProtocolFactory{ipv4.NewProtocol, ipv6.NewProtocol},
		TransportProtocols: []stack.TransportProtocolFactory{tcp.NewProtocol, udp.NewProtocol, icmp.NewProtocol4, icmp.NewProtocol6},
		// Packets to the stack's own addresses go straight back in.
		HandleLocal: true,
	})
	ns := &Stack{s: s}
	if err := ns.configure(); err != nil {
		s.Destroy()
		return nil, err
	}
	return ns, nil
}

// configure sets the protocol options and brings up the NICs. Every NIC
// is made here, so that the interfaces and routes are in one place.
func (ns *Stack) configure() error {
	s := ns.s
	sack := tcpip.TCPSACKEnabled(true)
	moderate := tcpip.TCPModerateReceiveBufferOption(true)
	sndBuf := tcpip.TCPSendBufferSizeRangeOption{Min: tcpBufMin, Default: tcpBufDefault, Max: tcpSndBufMax}
	rcvBuf := tcpip.TCPReceiveBufferSizeRangeOption{Min: tcpBufMin, Default: tcpBufDefault, Max: tcpRcvBufMax}
	for _, opt := range []tcpip.SettableTransportProtocolOption{&sack, &moderate, &sndBuf, &rcvBuf} {
		if err := s.SetTransportProtocolOption(tcp.ProtocolNumber, opt); err != nil {
			return fmt.Errorf("net: setting TCP option %T: %s", opt, err)
		}
	}
	ttl := tcpip.DefaultTTLOption(64) // Linux's net.ipv4.ip_default_ttl
	for _, p := range []tcpip.NetworkProtocolNumber{ipv4.ProtocolNumber, ipv6.ProtocolNumber} {
		if err := s.SetNetworkProtocolOption(p, &ttl); err != nil {
			return fmt.Errorf("net: setting the default TTL: %s", err)
		}
	}

	if err := s.CreateNICWithOptions(LoopbackNIC, loopback.New(), stack.NICOptions{Name: "lo"}); err != nil {
		return fmt.Errorf("net: creating the loopback NIC: %s", err)
	}
	v4 := tcpip.AddressWithPrefix{Address: tcpip.AddrFrom4([4]byte{127, 0, 0, 1}), PrefixLen: 8}
	v6 := tcpip.AddressWithPrefix{Address: header.IPv6Loopback, PrefixLen: 128}
	for _, a := range []tcpip.ProtocolAddress{
		{Protocol: ipv4.ProtocolNumber, AddressWithPrefix: v4},
		{Protocol: ipv6.ProtocolNumber, AddressWithPrefix: v6},
	} {
		if err := s.AddProtocolAddress(LoopbackNIC, a, stack.AddressProperties{}); err != nil {
			return fmt.Errorf("net: adding %s to lo: %s", a.AddressWithPrefix, err)
		}
	}
	s.SetRouteTable([]tcpip.Route{
		{Destination: v4.Subnet(), NIC: LoopbackNIC},
		{Destination: v6.Subnet(), NIC: LoopbackNIC},
	})
	return nil
}

// Netstack returns the underlying netstack, for code that adds NICs or
// forwarders.
func (ns *Stack) Netstack() *stack.Stack { return ns.s }

// Close shuts the stack down: every endpoint is aborted and the protocol
// goroutines stop. Sockets made on it fail afterwards.
func (ns *Stack) Close() { ns.s.Destroy() }

// transport returns the netstack transport protocol for a socket of type
// typ and protocol, as Linux's inet_create chooses it.
func transport(family, typ, protocol int) (tcpip.TransportProtocolNumber, error) {
	switch typ {
	case SOCK_STREAM:
		switch protocol {
		case 0, IPPROTO_TCP:
			return tcp.ProtocolNumber, nil
		}
	case SOCK_DGRAM:
		switch {
		case protocol == 0 || protocol == IPPROTO_UDP:
			return udp.ProtocolNumber, nil
		case protocol == IPPROTO_ICMP && family == AF_INET:
			return header.ICMPv4ProtocolNumber, nil
		case protocol == IPPROTO_ICMPV6 && family == AF_INET6:
			return header.ICMPv6ProtocolNumber, nil
		}
	case SOCK_RAW:
		return 0, abi.EPERM // raw sockets need CAP_NET_RAW, which SOS's user lacks
	default:
		return 0, ESOCKTNOSUPPORT
	}
	// Among others IPPROTO_MPTCP: Go probes for it and falls back to TCP.
	return 0, abi.EPROTONOSUPPORT
}

// NewEndpoint makes a netstack endpoint for a socket of family (AF_INET or
// AF_INET6), type (SOCK_STREAM or SOCK_DGRAM) and protocol, notifying wq.
func (ns *Stack) NewEndpoint(family, typ, protocol int, wq *gwaiter.Queue) (tcpip.Endpoint, error) {
	var netProto tcpip.NetworkProtocolNumber
	switch family {
	case AF_INET:
		netProto = ipv4.ProtocolNumber
	case AF_INET6:
		netProto = ipv6.ProtocolNumber
	default:
		return nil, abi.EAFNOSUPPORT
	}
	proto, err := transport(family, typ, protocol)
	if err != nil {
		return nil, err
	}
	ep, terr := ns.s.NewEndpoint(proto, netProto, wq)
	if terr != nil {
		return nil, Errno(terr)
	}
	return ep, nil
}

// NewSocket makes a socket of family AF_INET or AF_INET6 (socket(2)),
// owned by the credentials ctx carries.
func (ns *Stack) NewSocket(ctx vfs.Context, family, typ, protocol int) (Socket, error) {
	wq := new(gwaiter.Queue)
	ep, err := ns.NewEndpoint(family, typ, protocol, wq)
	if err != nil {
		return nil, err
	}
	if protocol == 0 {
		protocol = IPPROTO_TCP
		if typ == SOCK_DGRAM {
			protocol = IPPROTO_UDP
		}
	}
	return newInetSocket(ctx, family, typ, protocol, ep, wq, true), nil
}
