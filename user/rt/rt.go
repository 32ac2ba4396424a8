// Package rt carries the freestanding runtime of SOS's riscv64 test and
// benchmark programs (start.S and rt.h) so host tools can build them from
// anywhere.
package rt

import "embed"

// Files holds src/start.S and src/rt.h.
//
//go:embed src/start.S src/rt.h
var Files embed.FS
