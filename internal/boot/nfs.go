package boot

import (
	"context"
	"fmt"
	"os"
	"time"

	"sos/internal/fs/nfs"
	"sos/internal/fs/rofs"
	"sos/internal/nfsd"
	"sos/internal/vfs"
)

// NFSRoot mounts an NFS export as SOS's root, as the course SOS does: a
// host directory the sos process serves itself (Serve), or an external
// server (Server and Export). /bin, /dev, /proc and /tmp are mounted over
// it, their mount points made in the export if missing.
type NFSRoot struct {
	// Serve is a host directory served over NFSv3 from inside the sos
	// process (internal/nfsd) on a loopback port. Its files, which belong
	// to the host user running sos, are SOS's user's.
	Serve string
	// Server ("host" or "host:port") and Export name an external NFSv3
	// server instead of Serve.
	Server, Export string
	// MountPort, if not 0, is the external server's MOUNT port (else the
	// portmapper is asked).
	MountPort int
	// Transport is "tcp" (default) or "udp".
	Transport string
	// TransferSize is the READ and WRITE size (the "NFS packet size");
	// 0 takes the server's preference.
	TransferSize int
	// Window is the most requests in flight (default: the client's).
	Window int
	// Timeout bounds each call, retransmissions included: a dead server
	// gives ETIMEDOUT after it, never a hang. Default 30s.
	Timeout time.Duration
}

// source names the export, for /proc/mounts.
func (r *NFSRoot) source() string {
	if r.Serve != "" {
		return "sos:" + r.Serve
	}
	return r.Server + ":" + r.Export
}

// rootNode returns the file system mounted at /, its type, and the
// options of its mount: the host's tree, read-only, or an NFS export.
func (s *System) rootNode() (vfs.Node, string, []vfs.MountOption, error) {
	cfg := &s.cfg
	if cfg.NFS == nil {
		s.mounts = append(s.mounts, "/ (host, read-only)")
		return rofs.New(os.DirFS(cfg.HostRoot), rofs.Options{Dev: vfs.NewAnonDev(), HostMetadata: true}),
			"hostfs", []vfs.MountOption{vfs.ReadOnly(), vfs.Source("host:" + cfg.HostRoot)}, nil
	}
	r := cfg.NFS
	opts := nfs.Options{
		Server: r.Server, MountPort: r.MountPort, Export: r.Export, Transport: r.Transport,
		ReadSize: r.TransferSize, WriteSize: r.TransferSize, Window: r.Window,
		HardTimeout: r.Timeout, UID: userID, GID: userID,
	}
	if opts.HardTimeout == 0 {
		opts.HardTimeout = 30 * time.Second
	}
	if r.Serve != "" {
		if err := os.MkdirAll(r.Serve, 0o755); err != nil {
			return nil, "", nil, fmt.Errorf("boot: NFS root: %v", err)
		}
		srv, err := nfsd.New(nfsd.Config{Dir: r.Serve})
		if err != nil {
			return nil, "", nil, fmt.Errorf("boot: serving %s over NFS: %v", r.Serve, err)
		}
		s.addRelease("nfs server", srv.Close)
		opts.Server, opts.MountPort, opts.Export = srv.Addr(), srv.Port(), srv.Export()
		// The server acts as the host user; SOS's user owns what it owns.
		opts.UID, opts.GID = uint32(os.Geteuid()), uint32(os.Getegid())
		opts.Owner = &nfs.Owner{UID: userID, GID: userID}
	}
	ctx, cancel := context.WithTimeout(context.Background(), opts.HardTimeout)
	defer cancel()
	fs, err := nfs.Mount(ctx, opts)
	if err != nil {
		return nil, "", nil, fmt.Errorf("boot: mounting %s: %v", r.source(), err)
	}
	s.addRelease("unmount /", fs.Unmount)
	s.mounts = append(s.mounts, fmt.Sprintf("/ (nfs %s, %s, %d KiB transfers)", r.source(), transport(r.Transport), fs.ReadSize()>>10))
	return fs.Root(), "nfs", []vfs.MountOption{vfs.Source(r.source()), vfs.WithFileSystem(fs)}, nil
}

func transport(t string) string {
	if t == "" {
		return "tcp"
	}
	return t
}
