// Command sync writes every file system's cached data to its storage
// (sync(2)), or with FILE arguments, the file systems holding them
// (syncfs(2)).
package main

import (
	"os"
	"syscall"

	"sos/user/internal/cli"
)

const sysSyncfs = 267

func main() {
	opts := cli.Parse(os.Args[1:], "", "", false, "[FILE]...", 1)
	if len(opts.Args) == 0 {
		syscall.Sync()
		return
	}
	status := 0
	for _, name := range opts.Args {
		f, err := os.Open(name)
		if err != nil {
			cli.Warn("error opening %s: %s", cli.Quote(name), cli.Reason(err))
			status = 1
			continue
		}
		if _, _, e := syscall.Syscall(sysSyncfs, f.Fd(), 0, 0); e != 0 {
			cli.Warn("error syncing %s: %s", cli.Quote(name), cli.Reason(e))
			status = 1
		}
		f.Close()
	}
	os.Exit(status)
}
