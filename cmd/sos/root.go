package main

import (
	"fmt"
	"strings"

	"sos/internal/boot"
	"sos/internal/nfsd"
)

const defaultRootHint = "$XDG_DATA_HOME/sos/root"

// nfsRoot turns the root flags into the boot configuration: an external
// export (-nfs), a host directory served from this process (-root), or,
// when booting into the shell, the default directory served. With a
// program to run and neither flag, SOS's root is the host's tree (nil).
func nfsRoot(dir, server, transport, size string, booting bool) (*boot.NFSRoot, error) {
	if transport != "tcp" && transport != "udp" {
		return nil, fmt.Errorf("-nfs-transport: %q is neither tcp nor udp", transport)
	}
	var n uint64
	if size != "0" && size != "" {
		var err error
		if n, err = parseSize(size); err != nil {
			return nil, fmt.Errorf("-nfs-size: %v", err)
		}
	}
	r := &boot.NFSRoot{Transport: transport, TransferSize: int(n)}
	switch {
	case server != "" && dir != "":
		return nil, fmt.Errorf("-root and -nfs both name a root")
	case server != "":
		i := strings.Index(server, ":/")
		if i <= 0 {
			return nil, fmt.Errorf("-nfs: want HOST[:PORT]:/EXPORT, not %q", server)
		}
		r.Server, r.Export = server[:i], server[i+1:]
	case dir != "":
		r.Serve = dir
	case booting:
		d, err := nfsd.DefaultDir()
		if err != nil {
			return nil, err
		}
		r.Serve = d
	default:
		return nil, nil
	}
	return r, nil
}
