package boot

import (
	"context"

	"fmt"
	"os"
	"sos/internal/abi"
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

// UserHome is the home directory of SOS's user on a writable root.
const UserHome = "/home/user"

// Home is where HOME points: UserHome on an NFS root (it lasts from boot
// to boot), /tmp on the host's read-only tree.
func (s *System) Home() string {
	if s.cfg.NFS != nil {
		return UserHome
	}
	return "/tmp"
}

// provision gives a fresh NFS root what SOS expects of it: the mount
// points, the user's home, and /etc/passwd and /etc/group naming SOS's
// users. What is there already is left alone.
func (s *System) provision(fsctx *vfs.FSContext) error {
	ns := s.Kernel.Namespace()
	ctx := bootContext{}
	for _, p := range []string{"/tmp", "/dev", "/proc", "/bin", "/etc", "/home", UserHome} {
		if err := ns.Mkdir(ctx, fsctx, nil, p, 0o755); err != nil && err != abi.EEXIST {
			return fmt.Errorf("boot: making %s in the NFS root: %v", p, err)
		}
	}
	files := []struct{ path, text string }{
		{"/etc/passwd", "root:x:0:0:root:/root:/bin/sosh\nuser:x:1000:1000:SOS user:" + UserHome + ":/bin/sosh\n"},
		{"/etc/group", "root:x:0:\nuser:x:1000:\n"},
	}
	for _, f := range files {
		file, err := ns.Open(ctx, fsctx, nil, f.path, abi.O_WRONLY|abi.O_CREAT|abi.O_EXCL, 0o644)
		if err == abi.EEXIST {
			continue
		}
		if err != nil {
			return fmt.Errorf("boot: making %s in the NFS root: %v", f.path, err)
		}
		_, err = file.Write(ctx, []byte(f.text))
		file.DecRef()
		if err != nil {
			return fmt.Errorf("boot: writing %s in the NFS root: %v", f.path, err)
		}
	}
	return nil
}

func transport(t string) string {
	if t == "" {
		return "tcp"
	}
	return t
}
