package net

import (
	"encoding/binary"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"

	"sos/internal/abi"
)

// Sizes of struct sockaddr_in and struct sockaddr_in6.
const (
	SockaddrInetSize  = 16
	SockaddrInet6Size = 28
)

// ParseSockaddr converts the bytes of a struct sockaddr_in or
// sockaddr_in6 to a netstack address and returns it with the family it
// names. The unspecified address (0.0.0.0, ::) becomes netstack's empty
// address. AF_UNSPEC (used to dissolve a datagram association) gives an
// empty address. Too short an address is abi.EINVAL; another family is
// abi.EAFNOSUPPORT.
func ParseSockaddr(b []byte) (tcpip.FullAddress, int, error) {
	if len(b) < 2 {
		return tcpip.FullAddress{}, 0, abi.EINVAL
	}
	family := int(binary.LittleEndian.Uint16(b))
	switch family {
	case AF_INET:
		if len(b) < SockaddrInetSize {
			return tcpip.FullAddress{}, family, abi.EINVAL
		}
		a := tcpip.FullAddress{Port: binary.BigEndian.Uint16(b[2:]), Addr: ipAddr(b[4:8])}
		return a, family, nil
	case AF_INET6:
		if len(b) < SockaddrInet6Size {
			return tcpip.FullAddress{}, family, abi.EINVAL
		}
		a := tcpip.FullAddress{Port: binary.BigEndian.Uint16(b[2:]), Addr: ipAddr(b[8:24])}
		if header.IsV6LinkLocalUnicastAddress(a.Addr) || header.IsV6LinkLocalMulticastAddress(a.Addr) {
			a.NIC = tcpip.NICID(binary.LittleEndian.Uint32(b[24:]))
		}
		return a, family, nil
	case AF_UNSPEC:
		return tcpip.FullAddress{}, family, nil
	}
	return tcpip.FullAddress{}, family, abi.EAFNOSUPPORT
}

// ipAddr converts an address from a sockaddr, the unspecified address to
// netstack's empty one.
func ipAddr(b []byte) tcpip.Address {
	for _, c := range b {
		if c != 0 {
			return tcpip.AddrFromSlice(b)
		}
	}
	return tcpip.Address{}
}

// Sockaddr encodes a netstack address as the struct sockaddr of family
// (AF_INET or AF_INET6): an IPv4 address in an AF_INET6 sockaddr is
// written IPv4-mapped (::ffff:a.b.c.d), as a dual-stack socket reports it.
// Another family gives nil.
func Sockaddr(family int, a tcpip.FullAddress) []byte {
	addr := a.Addr.AsSlice()
	switch family {
	case AF_INET:
		b := make([]byte, SockaddrInetSize)
		binary.LittleEndian.PutUint16(b, AF_INET)
		binary.BigEndian.PutUint16(b[2:], a.Port)
		if len(addr) == header.IPv6AddressSize && header.IsV4MappedAddress(a.Addr) {
			addr = addr[12:]
		}
		if len(addr) == header.IPv4AddressSize {
			copy(b[4:], addr)
		}
		return b
	case AF_INET6:
		b := make([]byte, SockaddrInet6Size)
		binary.LittleEndian.PutUint16(b, AF_INET6)
		binary.BigEndian.PutUint16(b[2:], a.Port)
		switch len(addr) {
		case header.IPv4AddressSize:
			b[18], b[19] = 0xff, 0xff
			copy(b[20:], addr)
		case header.IPv6AddressSize:
			copy(b[8:], addr)
			if header.IsV6LinkLocalUnicastAddress(a.Addr) || header.IsV6LinkLocalMulticastAddress(a.Addr) {
				binary.LittleEndian.PutUint32(b[24:], uint32(a.NIC))
			}
		}
		return b
	}
	return nil
}
