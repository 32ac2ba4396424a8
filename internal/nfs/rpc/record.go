package rpc

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
)

// Record marking (RFC 5531 section 11): on a stream, a record is a sequence
// of fragments, each preceded by a four-byte header whose top bit marks the
// last fragment and whose low 31 bits give its length.

const lastFragment = 1 << 31

// DefaultMaxRecord bounds the records ReadRecord accepts by default: enough
// for a 1 MiB NFS READ or WRITE plus headers.
const DefaultMaxRecord = 1<<20 + 64<<10

// ErrRecordTooLong reports a record above the reader's limit.
var ErrRecordTooLong = errors.New("rpc: record too long")

// WriteRecord writes msg as one record of a single fragment.
func WriteRecord(w io.Writer, msg []byte) error {
	if len(msg) >= lastFragment {
		return ErrRecordTooLong
	}
	var hdr [4]byte
	binary.BigEndian.PutUint32(hdr[:], lastFragment|uint32(len(msg)))
	// One write, so concurrent writers serialised by the caller's lock and
	// small messages go out in one segment; a large one is gathered
	// (writev on a socket) rather than copied.
	if len(msg) > 8192 {
		bufs := net.Buffers{hdr[:], msg}
		_, err := bufs.WriteTo(w)
		return err
	}
	buf := make([]byte, 0, 4+len(msg))
	buf = append(append(buf, hdr[:]...), msg...)
	_, err := w.Write(buf)
	return err
}

// ReadRecord reads one record, joining its fragments, appending to buf[:0].
// A record longer than max bytes is an error (the stream is then unusable).
func ReadRecord(r io.Reader, buf []byte, max int) ([]byte, error) {
	buf = buf[:0]
	for {
		var hdr [4]byte
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			if err == io.ErrUnexpectedEOF && len(buf) == 0 {
				err = io.EOF
			}
			return nil, err
		}
		h := binary.BigEndian.Uint32(hdr[:])
		n := int(h &^ lastFragment)
		if len(buf)+n > max {
			return nil, fmt.Errorf("%w: %d > %d", ErrRecordTooLong, len(buf)+n, max)
		}
		start := len(buf)
		// Extend without zeroing what ReadFull is about to overwrite
		// (a 1 MiB memclr per call showed in profiles).
		buf = slices.Grow(buf, n)[:start+n]
		if _, err := io.ReadFull(r, buf[start:]); err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
		if h&lastFragment != 0 {
			return buf, nil
		}
	}
}
