// Package systest holds tests of SOS as a whole: a booted system running
// the userland's tools (user/cmd) and package sos's test program, with
// their output checked exactly and, where the format is the same,
// against the host's GNU coreutils, grep and util-linux. It has no code
// of its own; it depends on package boot and nothing depends on it.
package systest
