package rpc

import (
	"context"
	"net"
	"strconv"

	"sos/internal/nfs/xdr"
)

// Portmapper (RFC 1833, version 2).
const (
	PmapProg    = 100000
	PmapVers    = 2
	PmapPort    = 111
	PmapGetPort = 3

	IPProtoTCP = 6
	IPProtoUDP = 17
)

// GetPort asks the portmapper at host (port 111, over UDP) for the port of
// program prog version vers on protocol proto (IPProtoTCP or IPProtoUDP).
// Port 0 means the program is not registered.
func GetPort(ctx context.Context, host string, prog, vers, proto uint32, cfg Config) (uint16, error) {
	c, err := Dial("udp", net.JoinHostPort(host, strconv.Itoa(PmapPort)), cfg)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	return getPort(ctx, c, prog, vers, proto)
}

func getPort(ctx context.Context, c *Client, prog, vers, proto uint32) (uint16, error) {
	var e xdr.Encoder
	e.Uint32(prog)
	e.Uint32(vers)
	e.Uint32(proto)
	e.Uint32(0)
	res, err := c.Call(ctx, PmapProg, PmapVers, PmapGetPort, e.Bytes())
	if err != nil {
		return 0, err
	}
	d := xdr.NewDecoder(res)
	port := d.Uint32()
	if d.Err() != nil || port > 65535 {
		return 0, ErrGarbage
	}
	return uint16(port), nil
}
