// Package user carries the sources of SOS's userland: the programs under
// cmd/ (and the packages they import from this tree), built for riscv64
// and mounted as /bin by package userland.
package user

import "embed"

// Sources holds the userland's Go sources.
//
//go:embed cmd sos internal
var Sources embed.FS
