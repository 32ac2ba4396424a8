package syncbuf

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// Concurrent writers lose nothing; Take empties the buffer.
func TestBuffer(t *testing.T) {
	var b Buffer
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				fmt.Fprintf(&b, "%d\n", i)
			}
		}()
	}
	wg.Wait()
	if n := strings.Count(b.String(), "\n"); n != 800 {
		t.Fatalf("%d lines, want 800", n)
	}
	if s := b.Take(); len(s) != 1600 || b.String() != "" {
		t.Fatalf("Take: %d bytes, then %q", len(s), b.String())
	}
	b.Write([]byte("x"))
	b.Reset()
	if b.String() != "" {
		t.Fatal("Reset left data")
	}
}
