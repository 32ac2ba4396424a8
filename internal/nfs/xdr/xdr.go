// Package xdr encodes and decodes External Data Representation (RFC 4506)
// values: the wire format of ONC RPC, NFS and MOUNT.
//
// An Encoder appends to a byte slice; a Decoder reads from one and records
// the first error, after which every read returns a zero value. Callers
// decode a whole message and check Err once. Variable-length items are
// bounded by a caller-given maximum, so a hostile or truncated message yields
// an error, never a panic or a huge allocation. No reflection.
//
// This package imports only the standard library.
package xdr

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Errors a Decoder records.
var (
	ErrShort   = errors.New("xdr: message truncated")
	ErrTooLong = errors.New("xdr: length exceeds limit")
	ErrBool    = errors.New("xdr: bool not 0 or 1")
	ErrPadding = errors.New("xdr: nonzero padding")
)

func pad(n int) int { return (4 - n&3) & 3 }

// Encoder appends XDR items to Buf. The zero value is ready to use.
type Encoder struct {
	Buf []byte
}

// NewEncoder returns an encoder that appends to buf[:0].
func NewEncoder(buf []byte) *Encoder { return &Encoder{Buf: buf[:0]} }

// Bytes returns the encoded message.
func (e *Encoder) Bytes() []byte { return e.Buf }

// Len returns the number of bytes encoded so far.
func (e *Encoder) Len() int { return len(e.Buf) }

func (e *Encoder) Uint32(v uint32) { e.Buf = binary.BigEndian.AppendUint32(e.Buf, v) }
func (e *Encoder) Int32(v int32)   { e.Uint32(uint32(v)) }
func (e *Encoder) Uint64(v uint64) { e.Buf = binary.BigEndian.AppendUint64(e.Buf, v) }
func (e *Encoder) Int64(v int64)   { e.Uint64(uint64(v)) }

func (e *Encoder) Bool(v bool) {
	if v {
		e.Uint32(1)
	} else {
		e.Uint32(0)
	}
}

// FixedOpaque writes b and pads it to a multiple of four bytes.
func (e *Encoder) FixedOpaque(b []byte) {
	e.Buf = append(e.Buf, b...)
	e.Buf = append(e.Buf, make([]byte, pad(len(b)))...)
}

// Opaque writes a variable-length opaque: its length, then its bytes padded.
func (e *Encoder) Opaque(b []byte) {
	e.Uint32(uint32(len(b)))
	e.FixedOpaque(b)
}

// String writes s as a variable-length opaque.
func (e *Encoder) String(s string) {
	e.Uint32(uint32(len(s)))
	e.Buf = append(e.Buf, s...)
	e.Buf = append(e.Buf, make([]byte, pad(len(s)))...)
}

// Decoder reads XDR items from a byte slice. Opaque and Bytes results alias
// the input slice; copy them if the input is reused.
type Decoder struct {
	buf []byte
	off int
	err error
}

// NewDecoder returns a decoder reading b.
func NewDecoder(b []byte) *Decoder { return &Decoder{buf: b} }

// Reset makes d read b afresh.
func (d *Decoder) Reset(b []byte) { *d = Decoder{buf: b} }

// Err returns the first error met, or nil.
func (d *Decoder) Err() error { return d.err }

// SetErr records err if no error was recorded yet (for callers' own checks,
// e.g. an out-of-range enum).
func (d *Decoder) SetErr(err error) {
	if d.err == nil {
		d.err = err
	}
}

// Remaining returns the number of unread bytes.
func (d *Decoder) Remaining() int { return len(d.buf) - d.off }

// Offset returns the number of bytes read so far.
func (d *Decoder) Offset() int { return d.off }

// Rest returns the unread bytes without consuming them.
func (d *Decoder) Rest() []byte { return d.buf[d.off:] }

func (d *Decoder) take(n int) []byte {
	if d.err != nil {
		return nil
	}
	if n < 0 || n > len(d.buf)-d.off {
		d.err = ErrShort
		return nil
	}
	b := d.buf[d.off : d.off+n : d.off+n]
	d.off += n
	return b
}

func (d *Decoder) Uint32() uint32 {
	b := d.take(4)
	if b == nil {
		return 0
	}
	return binary.BigEndian.Uint32(b)
}

func (d *Decoder) Int32() int32 { return int32(d.Uint32()) }

func (d *Decoder) Uint64() uint64 {
	b := d.take(8)
	if b == nil {
		return 0
	}
	return binary.BigEndian.Uint64(b)
}

func (d *Decoder) Int64() int64 { return int64(d.Uint64()) }

func (d *Decoder) Bool() bool {
	v := d.Uint32()
	if v > 1 {
		d.SetErr(ErrBool)
		return false
	}
	return v == 1
}

// FixedOpaque reads n bytes and their padding.
func (d *Decoder) FixedOpaque(n int) []byte {
	b := d.take(n)
	p := d.take(pad(n))
	for _, c := range p {
		if c != 0 {
			d.SetErr(ErrPadding)
			return nil
		}
	}
	if d.err != nil {
		return nil
	}
	return b
}

// Opaque reads a variable-length opaque of at most max bytes.
func (d *Decoder) Opaque(max int) []byte {
	n := d.Uint32()
	if d.err != nil {
		return nil
	}
	if uint64(n) > uint64(max) {
		d.SetErr(fmt.Errorf("%w: %d > %d", ErrTooLong, n, max))
		return nil
	}
	return d.FixedOpaque(int(n))
}

// String reads a string of at most max bytes.
func (d *Decoder) String(max int) string { return string(d.Opaque(max)) }

// Count reads an array length and checks it against max and against the
// bytes left (each element takes at least minSize bytes), so a caller can
// allocate the result safely.
func (d *Decoder) Count(max, minSize int) int {
	n := d.Uint32()
	if d.err != nil {
		return 0
	}
	if uint64(n) > uint64(max) {
		d.SetErr(fmt.Errorf("%w: %d elements > %d", ErrTooLong, n, max))
		return 0
	}
	if minSize > 0 && uint64(n)*uint64(minSize) > uint64(d.Remaining()) {
		d.SetErr(ErrShort)
		return 0
	}
	return int(n)
}
