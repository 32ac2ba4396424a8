package nfs3

import (
	"context"
	"fmt"

	"sos/internal/nfs/rpc"
	"sos/internal/nfs/xdr"
)

// Call runs NFSv3 procedure proc on c: it encodes args, calls, and decodes
// the reply into res. The error is the transport's (rpc.ErrTimeout,
// *rpc.ReplyError, ...) or a decoding error; an NFS error status is left
// in res for the caller to check.
func Call(ctx context.Context, c *rpc.Client, proc uint32, args, res Msg) error {
	return CallProg(ctx, c, Program, Version, proc, args, res)
}

// CallMount runs MOUNT v3 procedure proc on c.
func CallMount(ctx context.Context, c *rpc.Client, proc uint32, args, res Msg) error {
	return CallProg(ctx, c, MountProgram, MountVersion, proc, args, res)
}

// CallProg runs procedure proc of prog version vers on c.
func CallProg(ctx context.Context, c *rpc.Client, prog, vers, proc uint32, args, res Msg) error {
	size := 256
	if w, ok := args.(*WriteArgs); ok {
		size += len(w.Data)
	}
	reply, err := c.CallEncode(ctx, prog, vers, proc, size, args.Encode)
	if err != nil {
		return err
	}
	d := xdr.NewDecoder(reply)
	res.Decode(d)
	if d.Err() != nil {
		return fmt.Errorf("nfs3: decoding reply to proc %d: %w", proc, d.Err())
	}
	return nil
}

// Register serves procedure proc of prog version vers on s with fn: the
// arguments are decoded into a new A (a malformed call gets GARBAGE_ARGS
// without reaching fn) and fn's result is encoded as the reply. For
// example:
//
//	nfs3.Register(s, nfs3.Program, nfs3.Version, nfs3.ProcGetattr,
//		func(req *rpc.Request, a *nfs3.FHArgs) nfs3.Msg { ... return &nfs3.GetattrRes{...} })
func Register[A any, PA interface {
	*A
	Msg
}](s *rpc.Server, prog, vers, proc uint32, fn func(req *rpc.Request, args PA) Msg) {
	s.Register(prog, vers, proc, func(req *rpc.Request, d *xdr.Decoder, e *xdr.Encoder) rpc.AcceptStat {
		args := PA(new(A))
		args.Decode(d)
		if d.Err() != nil {
			return rpc.GarbageArgs
		}
		res := fn(req, args)
		if res == nil {
			return rpc.SystemErr
		}
		res.Encode(e)
		return rpc.Success
	})
}
