//go:build linux

package nfsd_test

import (
	"fmt"
	"log"

	"sos/internal/nfsd"
)

// How `sos run` starts the server on the default directory and what it
// hands to the NFS client: one address for NFS and MOUNT, and the path to
// mount.
func Example() {
	dir, err := nfsd.DefaultDir() // $XDG_DATA_HOME/sos/root, created
	if err != nil {
		log.Fatal(err)
	}
	s, err := nfsd.New(nfsd.Config{Dir: dir}) // 127.0.0.1, a free port, UDP and TCP
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	fmt.Printf("mount %s:%s (NFS and MOUNT on port %d)\n", "127.0.0.1", s.Export(), s.Port())
}
