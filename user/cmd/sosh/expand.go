package main

// Expansion turns parsed words into the fields a command sees: tilde,
// parameters ($NAME ${NAME} $? $$ $# $! $0-$9 $@ $*), splitting of
// unquoted parameter values at blanks, and pathname globbing of unquoted
// * ? [ (a pattern matching nothing stays as it is, as POSIX says).

import (
	"path/filepath"
	"strings"
)

// Env is what expansion looks parameters up in.
type Env interface {
	Lookup(name string) (string, bool)
}

const ifs = " \t\n"

// ExpandFields expands words into fields.
func ExpandFields(env Env, words []Word) []string {
	var out []string
	for _, w := range words {
		out = append(out, expandWord(env, w, true)...)
	}
	return out
}

// ExpandString expands a word without splitting or globbing (assignment
// values, redirection targets, here and there).
func ExpandString(env Env, w Word) string {
	var b strings.Builder
	for i, p := range w {
		if p.Kind == Lit {
			if i == 0 && !p.Quoted {
				b.WriteString(tilde(env, p.Text))
			} else {
				b.WriteString(p.Text)
			}
		} else {
			v, _ := env.Lookup(p.Text)
			b.WriteString(v)
		}
	}
	return b.String()
}

func tilde(env Env, s string) string {
	if s == "~" || strings.HasPrefix(s, "~/") {
		if home, ok := env.Lookup("HOME"); ok {
			return home + s[1:]
		}
	}
	return s
}

// globEscape quotes the pattern characters of s for filepath.Match.
func globEscape(s string) string {
	if !strings.ContainsAny(s, `*?[\`) {
		return s
	}
	var b strings.Builder
	for _, c := range s {
		if strings.ContainsRune(`*?[\`, c) {
			b.WriteByte('\\')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func expandWord(env Env, w Word, split bool) []string {
	// "$@" alone: one field per positional parameter.
	if len(w) == 1 && w[0].Kind == Var && w[0].Text == "@" && w[0].Quoted {
		if a, ok := env.(interface{ Args() []string }); ok {
			return append([]string(nil), a.Args()...)
		}
	}
	var (
		fields []string
		cur    strings.Builder // the field's text
		pat    strings.Builder // the field as a glob pattern
		have   bool            // cur is a field even if empty
		glob   bool            // pat has unquoted pattern characters
	)
	end := func() {
		if !have {
			return
		}
		if glob {
			if m := globMatches(pat.String()); len(m) > 0 {
				fields = append(fields, m...)
				cur.Reset()
				pat.Reset()
				have, glob = false, false
				return
			}
		}
		fields = append(fields, cur.String())
		cur.Reset()
		pat.Reset()
		have, glob = false, false
	}
	for i, p := range w {
		switch {
		case p.Kind == Lit:
			text := p.Text
			if i == 0 && !p.Quoted {
				text = tilde(env, text)
			}
			cur.WriteString(text)
			if p.Quoted || !split {
				pat.WriteString(globEscape(text))
			} else {
				pat.WriteString(text)
				if strings.ContainsAny(text, "*?[") {
					glob = true
				}
			}
			have = have || p.Quoted || text != ""
		case p.Quoted || !split:
			v, _ := env.Lookup(p.Text)
			cur.WriteString(v)
			pat.WriteString(globEscape(v))
			have = true
		default:
			v, _ := env.Lookup(p.Text)
			if v == "" {
				continue
			}
			if strings.ContainsRune(ifs, rune(v[0])) {
				end()
			}
			for j, f := range strings.Fields(v) {
				if j > 0 {
					end()
				}
				cur.WriteString(f)
				pat.WriteString(globEscape(f))
				have = true
			}
			if strings.ContainsRune(ifs, rune(v[len(v)-1])) {
				end()
			}
		}
	}
	end()
	return fields
}

// globMatches returns the names matching pattern, leaving out names
// starting with a dot unless the pattern's element does too.
func globMatches(pattern string) []string {
	m, err := filepath.Glob(pattern)
	if err != nil {
		return nil
	}
	out := m[:0]
	for _, name := range m {
		if hidden(name, pattern) {
			continue
		}
		out = append(out, name)
	}
	return out
}

// hidden reports whether name has a dot-file element that the pattern's
// element at the same depth did not ask for with a leading dot.
func hidden(name, pattern string) bool {
	ne := strings.Split(name, "/")
	pe := strings.Split(pattern, "/")
	if len(ne) != len(pe) {
		return false
	}
	for i := range ne {
		if strings.HasPrefix(ne[i], ".") && !strings.HasPrefix(pe[i], ".") && !strings.HasPrefix(pe[i], `\.`) {
			return true
		}
	}
	return false
}
