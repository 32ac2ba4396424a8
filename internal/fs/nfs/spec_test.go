package nfs

import (
	"testing"
	"time"
)

func TestParseSpec(t *testing.T) {
	o, err := ParseSpec("10.0.2.2:/srv/sos?transport=udp&rsize=32768&wsize=8192&window=4&timeo=500ms&hard=20s&uid=1000&gid=100&mountport=20048")
	want := Options{Server: "10.0.2.2", Export: "/srv/sos", Transport: "udp", ReadSize: 32768, WriteSize: 8192,
		Window: 4, Timeout: 500 * time.Millisecond, HardTimeout: 20 * time.Second, UID: 1000, GID: 100, MountPort: 20048}
	if err != nil || o != want {
		t.Fatalf("ParseSpec = %+v, %v; want %+v", o, err, want)
	}
	if o, err := ParseSpec("[::1]:2049:/x"); err != nil || o.Server != "[::1]:2049" || o.Export != "/x" {
		t.Fatalf("with port: %+v %v", o, err)
	}
	for _, bad := range []string{"", "host", "/export", "h:/e?rsize=x", "h:/e?colour=blue", "h:/e?timeo=3", "h:/e?%zz"} {
		if _, err := ParseSpec(bad); err == nil {
			t.Errorf("ParseSpec(%q) accepted", bad)
		}
	}
}
