package main

import "strings"

// runEnv is the environment of the program `sos run` starts (init, or
// PROG): defaultEnv with each -env K=V replacing the default K rather
// than following it (Go, like most programs, takes the first of two
// entries for one name, so `-env HOME=/x` would otherwise change
// nothing).
func runEnv(env envFlag, home string) []string {
	out := defaultEnv(home)
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		i := 0
		for _, o := range out {
			if ok, _, _ := strings.Cut(o, "="); ok != k {
				out[i] = o
				i++
			}
		}
		out = append(out[:i], kv)
	}
	return out
}
