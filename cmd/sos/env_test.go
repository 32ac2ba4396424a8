package main

import (
	"slices"
	"strings"
	"testing"
)

// TestRunEnv: -env replaces a default, adds a new name, and the last of
// two -env for one name wins.
func TestRunEnv(t *testing.T) {
	got := runEnv(envFlag{"HOME=/home/user", "FOO=1", "FOO=2"}, "/tmp")
	var homes, foos []string
	for _, kv := range got {
		switch {
		case strings.HasPrefix(kv, "HOME="):
			homes = append(homes, kv)
		case strings.HasPrefix(kv, "FOO="):
			foos = append(foos, kv)
		}
	}
	if !slices.Equal(homes, []string{"HOME=/home/user"}) || !slices.Equal(foos, []string{"FOO=2"}) {
		t.Errorf("runEnv: %q", got)
	}
	if !slices.Contains(got, "PATH=/bin:/usr/bin:/usr/local/bin") {
		t.Errorf("runEnv lost the default PATH: %q", got)
	}
}
