package xdr

import (
	"bytes"
	"errors"
	"math"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	var e Encoder
	e.Uint32(0xdeadbeef)
	e.Int32(-5)
	e.Uint64(math.MaxUint64 - 1)
	e.Int64(math.MinInt64)
	e.Bool(true)
	e.Bool(false)
	e.FixedOpaque([]byte{1, 2, 3})
	e.Opaque([]byte{9, 8, 7, 6, 5})
	e.String("hello")
	e.String("")
	if e.Len()%4 != 0 {
		t.Fatalf("length %d not a multiple of 4", e.Len())
	}
	d := NewDecoder(e.Bytes())
	if v := d.Uint32(); v != 0xdeadbeef {
		t.Errorf("uint32 %x", v)
	}
	if v := d.Int32(); v != -5 {
		t.Errorf("int32 %d", v)
	}
	if v := d.Uint64(); v != math.MaxUint64-1 {
		t.Errorf("uint64 %d", v)
	}
	if v := d.Int64(); v != math.MinInt64 {
		t.Errorf("int64 %d", v)
	}
	if !d.Bool() || d.Bool() {
		t.Error("bools")
	}
	if v := d.FixedOpaque(3); !bytes.Equal(v, []byte{1, 2, 3}) {
		t.Errorf("fixed %v", v)
	}
	if v := d.Opaque(100); !bytes.Equal(v, []byte{9, 8, 7, 6, 5}) {
		t.Errorf("opaque %v", v)
	}
	if v := d.String(10); v != "hello" {
		t.Errorf("string %q", v)
	}
	if v := d.String(10); v != "" {
		t.Errorf("string %q", v)
	}
	if d.Err() != nil || d.Remaining() != 0 {
		t.Fatalf("err %v remaining %d", d.Err(), d.Remaining())
	}
}

func TestWireFormat(t *testing.T) {
	var e Encoder
	e.String("abcde")
	want := []byte{0, 0, 0, 5, 'a', 'b', 'c', 'd', 'e', 0, 0, 0}
	if !bytes.Equal(e.Bytes(), want) {
		t.Fatalf("got %v want %v", e.Bytes(), want)
	}
}

func TestTruncated(t *testing.T) {
	var e Encoder
	e.Uint64(1)
	e.String("hello world")
	full := e.Bytes()
	for n := 0; n < len(full); n++ {
		d := NewDecoder(full[:n])
		d.Uint64()
		d.String(100)
		if !errors.Is(d.Err(), ErrShort) {
			t.Errorf("len %d: err %v", n, d.Err())
		}
	}
}

func TestHostile(t *testing.T) {
	// A huge length must fail without allocating.
	d := NewDecoder([]byte{0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4})
	if b := d.Opaque(1 << 20); b != nil || !errors.Is(d.Err(), ErrTooLong) {
		t.Errorf("opaque: %v %v", b, d.Err())
	}
	d = NewDecoder([]byte{0, 0, 0, 8, 1, 2, 3, 4})
	if b := d.Opaque(100); b != nil || !errors.Is(d.Err(), ErrShort) {
		t.Errorf("short opaque: %v %v", b, d.Err())
	}
	d = NewDecoder([]byte{0, 0, 0, 2})
	if d.Bool(); !errors.Is(d.Err(), ErrBool) {
		t.Errorf("bool: %v", d.Err())
	}
	d = NewDecoder([]byte{0, 0, 0, 1, 'a', 1, 0, 0})
	if d.String(10); !errors.Is(d.Err(), ErrPadding) {
		t.Errorf("padding: %v", d.Err())
	}
	d = NewDecoder([]byte{0, 1, 0, 0, 0, 0, 0, 0})
	if n := d.Count(1<<20, 4); n != 0 || d.Err() == nil {
		t.Errorf("count: %d %v", n, d.Err())
	}
	// After an error everything reads as zero.
	if d.Uint32() != 0 || d.Uint64() != 0 || d.Opaque(10) != nil {
		t.Error("reads after error not zero")
	}
}

func FuzzDecoder(f *testing.F) {
	f.Add([]byte{0, 0, 0, 3, 1, 2, 3, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		d := NewDecoder(b)
		for d.Err() == nil && d.Remaining() > 0 {
			d.Opaque(64)
			d.Bool()
			d.Count(16, 4)
		}
	})
}

func BenchmarkEncodeDecode(b *testing.B) {
	buf := make([]byte, 0, 256)
	data := make([]byte, 64)
	for b.Loop() {
		e := NewEncoder(buf)
		for i := range 8 {
			e.Uint32(uint32(i))
			e.Uint64(uint64(i))
		}
		e.Opaque(data)
		d := NewDecoder(e.Bytes())
		for range 8 {
			d.Uint32()
			d.Uint64()
		}
		d.Opaque(128)
		if d.Err() != nil {
			b.Fatal(d.Err())
		}
		buf = e.Buf
	}
}
