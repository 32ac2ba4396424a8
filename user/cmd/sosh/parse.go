package main

// The parser turns a line of shell text into a list of and-or lists of
// pipelines of simple commands. Words keep their quoting (as parts) so the
// expander knows what to substitute and split; nothing is expanded here.

import (
	"errors"
	"fmt"
	"strings"
)

// A List is commands separated by ; & or newlines.
type List struct {
	Items []*AndOr
}

// An AndOr is pipelines joined by && and ||; Background if it ended in &.
type AndOr struct {
	Pipes      []*Pipeline
	Ops        []string // Ops[i] joins Pipes[i] and Pipes[i+1]: "&&" or "||"
	Background bool
	Text       string // the source text, for job listings
}

// A Pipeline is commands joined by |.
type Pipeline struct {
	Cmds   []*Command
	Negate bool // ! pipeline
	Timed  bool // time pipeline
}

// A Command is a simple command: assignments, words and redirections.
type Command struct {
	Assigns []Assign
	Words   []Word
	Redirs  []Redir
}

// An Assign is NAME=value before a command's words.
type Assign struct {
	Name  string
	Value Word
}

// A Redir is one redirection: Fd Op Target, or Fd>&DupFd.
type Redir struct {
	Fd     int    // the descriptor redirected
	Op     string // "<", ">", ">>", ">&", "<&"
	Target Word   // file name (for < > >>) or descriptor (for >& <&)
}

// A Word is a sequence of parts, each literal or a substitution, quoted
// or not.
type Word []Part

// PartKind says what a part of a word is.
type PartKind int

const (
	Lit PartKind = iota // literal text
	Var                 // $NAME, ${NAME}, $?, $$, $1 ...
)

// A Part is a piece of a word.
type Part struct {
	Kind   PartKind
	Text   string // the literal text, or the variable's name
	Quoted bool   // inside single or double quotes (or escaped): no splitting or globbing
}

// String gives the word back as it would be typed, roughly: for messages.
func (w Word) String() string {
	var b strings.Builder
	for _, p := range w {
		if p.Kind == Var {
			b.WriteString("${" + p.Text + "}")
		} else {
			b.WriteString(p.Text)
		}
	}
	return b.String()
}

// ErrIncomplete reports input that ends inside a construct (an open quote,
// a trailing | && || or backslash): more lines may complete it.
var ErrIncomplete = errors.New("unexpected end of input")

// A SyntaxError is input no more lines can mend.
type SyntaxError struct {
	Token string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("syntax error near unexpected token `%s'", e.Token)
}

type tokKind int

const (
	tWord tokKind = iota
	tOp
	tNewline
	tEOF
)

type token struct {
	kind tokKind
	op   string // operator text for tOp
	word Word
	pos  int // byte offset in the source, for Text
	end  int
	fd   int // for redirection operators: the descriptor (-1: default)
}

// lexer splits shell text into tokens.
type lexer struct {
	src string
	i   int
}

func isOpChar(c byte) bool {
	return c == '|' || c == '&' || c == ';' || c == '<' || c == '>' || c == '(' || c == ')'
}

func isNameStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isNameChar(c byte) bool { return isNameStart(c) || c >= '0' && c <= '9' }

// next returns the next token.
func (l *lexer) next() (token, error) {
	// Skip blanks, comments and line continuations.
	for l.i < len(l.src) {
		c := l.src[l.i]
		if c == ' ' || c == '\t' || c == '\r' {
			l.i++
		} else if c == '\\' && l.i+1 < len(l.src) && l.src[l.i+1] == '\n' {
			if l.i+2 == len(l.src) {
				return token{}, ErrIncomplete // the next line continues this one
			}
			l.i += 2
		} else if c == '#' {
			for l.i < len(l.src) && l.src[l.i] != '\n' {
				l.i++
			}
		} else {
			break
		}
	}
	if l.i >= len(l.src) {
		return token{kind: tEOF, pos: l.i, end: l.i}, nil
	}
	start := l.i
	c := l.src[l.i]
	if c == '\n' {
		l.i++
		return token{kind: tNewline, pos: start, end: l.i}, nil
	}
	// A redirection with an explicit descriptor: digits directly before < or >.
	j := l.i
	for j < len(l.src) && l.src[j] >= '0' && l.src[j] <= '9' {
		j++
	}
	if j > l.i && j < len(l.src) && (l.src[j] == '<' || l.src[j] == '>') {
		fd := 0
		for _, d := range l.src[l.i:j] {
			fd = fd*10 + int(d-'0')
			if fd > 1<<20 {
				return token{}, &SyntaxError{Token: l.src[l.i:j]}
			}
		}
		l.i = j
		t := l.op()
		t.fd, t.pos = fd, start
		return t, nil
	}
	if isOpChar(c) {
		t := l.op()
		t.fd = -1
		return t, nil
	}
	w, err := l.word()
	if err != nil {
		return token{}, err
	}
	return token{kind: tWord, word: w, pos: start, end: l.i}, nil
}

// op reads an operator at l.i.
func (l *lexer) op() token {
	start := l.i
	for _, op := range []string{"&&", "||", ">>", ">&", "<&", "&>", "|", "&", ";", "<", ">", "(", ")"} {
		if strings.HasPrefix(l.src[l.i:], op) {
			l.i += len(op)
			return token{kind: tOp, op: op, pos: start, end: l.i}
		}
	}
	panic("op called on a non-operator") // unreachable: isOpChar was checked
}

// word reads a word at l.i: up to an unquoted blank, newline or operator.
func (l *lexer) word() (Word, error) {
	var w Word
	var lit strings.Builder
	litQuoted := false
	flush := func() {
		if lit.Len() > 0 {
			w = append(w, Part{Kind: Lit, Text: lit.String(), Quoted: litQuoted})
			lit.Reset()
		}
	}
	addLit := func(s string, quoted bool) {
		if lit.Len() > 0 && litQuoted != quoted {
			flush()
		}
		litQuoted = quoted
		lit.WriteString(s)
	}
	addVar := func(name string, quoted bool) {
		flush()
		w = append(w, Part{Kind: Var, Text: name, Quoted: quoted})
	}
	empty := true // a word of only "" is still a word
	for l.i < len(l.src) {
		c := l.src[l.i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || isOpChar(c):
			flush()
			if len(w) == 0 && !empty {
				w = Word{{Kind: Lit, Quoted: true}}
			}
			return w, nil
		case c == '\\':
			if l.i+1 >= len(l.src) {
				return nil, ErrIncomplete
			}
			if l.src[l.i+1] == '\n' {
				if l.i+2 == len(l.src) {
					return nil, ErrIncomplete
				}
				l.i += 2
				continue
			}
			addLit(l.src[l.i+1:l.i+2], true)
			l.i += 2
		case c == '\'':
			end := strings.IndexByte(l.src[l.i+1:], '\'')
			if end < 0 {
				return nil, ErrIncomplete
			}
			addLit(l.src[l.i+1:l.i+1+end], true)
			empty = false
			l.i += end + 2
		case c == '"':
			l.i++
			closed := false
			for l.i < len(l.src) && !closed {
				d := l.src[l.i]
				switch {
				case d == '"':
					closed = true
					l.i++
				case d == '\\' && l.i+1 < len(l.src):
					e := l.src[l.i+1]
					if e == '$' || e == '`' || e == '"' || e == '\\' {
						addLit(string(e), true)
					} else if e != '\n' {
						addLit(l.src[l.i:l.i+2], true)
					}
					l.i += 2
				case d == '$':
					name, ok, err := l.dollar()
					if err != nil {
						return nil, err
					}
					if ok {
						addVar(name, true)
					} else {
						addLit("$", true)
					}
				default:
					addLit(string(d), true)
					l.i++
				}
			}
			if !closed {
				return nil, ErrIncomplete
			}
			empty = false
		case c == '$':
			name, ok, err := l.dollar()
			if err != nil {
				return nil, err
			}
			if ok {
				addVar(name, false)
			} else {
				addLit("$", false)
			}
		default:
			addLit(string(c), false)
			l.i++
		}
	}
	flush()
	if len(w) == 0 && !empty {
		w = Word{{Kind: Lit, Quoted: true}}
	}
	return w, nil
}

// dollar reads a substitution at l.i (which holds '$') and returns the
// variable's name; ok is false for a lone '$', which l.i has passed.
func (l *lexer) dollar() (name string, ok bool, err error) {
	l.i++
	if l.i >= len(l.src) {
		return "", false, nil
	}
	c := l.src[l.i]
	switch {
	case c == '{':
		end := strings.IndexByte(l.src[l.i:], '}')
		if end < 0 {
			return "", false, ErrIncomplete
		}
		name = l.src[l.i+1 : l.i+end]
		if !validParam(name) {
			return "", false, &BadSubst{Text: "${" + name + "}"}
		}
		l.i += end + 1
		return name, true, nil
	case c == '?' || c == '$' || c == '#' || c == '!' || c == '@' || c == '*' || c >= '0' && c <= '9':
		l.i++
		return string(c), true, nil
	case isNameStart(c):
		j := l.i
		for j < len(l.src) && isNameChar(l.src[j]) {
			j++
		}
		name = l.src[l.i:j]
		l.i = j
		return name, true, nil
	}
	return "", false, nil
}

// validParam reports whether s names a parameter: a name, digits, or a
// special parameter.
func validParam(s string) bool {
	if s == "" {
		return false
	}
	if len(s) == 1 && strings.ContainsRune("?$#!@*", rune(s[0])) {
		return true
	}
	if s[0] >= '0' && s[0] <= '9' {
		return strings.Trim(s, "0123456789") == ""
	}
	if !isNameStart(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !isNameChar(s[i]) {
			return false
		}
	}
	return true
}

// BadSubst is a ${...} that names no parameter.
type BadSubst struct{ Text string }

func (e *BadSubst) Error() string { return e.Text + ": bad substitution" }

// parser builds a List from tokens with one token of lookahead.
type parser struct {
	lx  lexer
	tok token
	err error
}

// Parse parses src. It returns ErrIncomplete if src ends inside a
// construct, a *SyntaxError or *BadSubst if it is wrong.
func Parse(src string) (*List, error) {
	p := &parser{lx: lexer{src: src}}
	p.advance()
	list := &List{}
	for {
		for p.tok.kind == tNewline {
			p.advance()
		}
		if p.err != nil {
			return nil, p.err
		}
		if p.tok.kind == tEOF {
			return list, nil
		}
		ao, err := p.andOr()
		if err != nil {
			return nil, err
		}
		list.Items = append(list.Items, ao)
		switch {
		case p.tok.kind == tOp && (p.tok.op == ";" || p.tok.op == "&"):
			ao.Background = p.tok.op == "&"
			p.advance()
		case p.tok.kind == tNewline || p.tok.kind == tEOF:
		default:
			return nil, p.unexpected()
		}
	}
}

func (p *parser) advance() {
	if p.err != nil {
		return
	}
	p.tok, p.err = p.lx.next()
	if p.err != nil {
		p.tok = token{kind: tEOF}
	}
}

func (p *parser) unexpected() error {
	if p.err != nil {
		return p.err
	}
	switch p.tok.kind {
	case tEOF:
		return ErrIncomplete
	case tNewline:
		return &SyntaxError{Token: "newline"}
	case tOp:
		return &SyntaxError{Token: p.tok.op}
	}
	return &SyntaxError{Token: p.tok.word.String()}
}

func (p *parser) andOr() (*AndOr, error) {
	start := p.tok.pos
	ao := &AndOr{}
	for {
		pl, err := p.pipeline()
		if err != nil {
			return nil, err
		}
		ao.Pipes = append(ao.Pipes, pl)
		end := p.lx.i
		if p.tok.kind != tEOF {
			end = p.tok.pos
		}
		ao.Text = strings.TrimSpace(p.lx.src[start:end])
		if p.tok.kind == tOp && (p.tok.op == "&&" || p.tok.op == "||") {
			ao.Ops = append(ao.Ops, p.tok.op)
			p.advance()
			for p.tok.kind == tNewline {
				p.advance()
			}
			continue
		}
		return ao, p.err
	}
}

func (p *parser) pipeline() (*Pipeline, error) {
	pl := &Pipeline{}
	for p.tok.kind == tWord && len(p.tok.word) == 1 && !p.tok.word[0].Quoted && p.tok.word[0].Kind == Lit {
		switch p.tok.word[0].Text {
		case "!":
			pl.Negate = !pl.Negate
		case "time":
			pl.Timed = true
		default:
			goto cmds
		}
		p.advance()
	}
cmds:
	if (pl.Timed || pl.Negate) && p.err == nil && !p.startsCommand() {
		// `time` alone times nothing, as in bash.
		pl.Cmds = []*Command{{Words: []Word{{{Kind: Lit, Text: ":"}}}}}
		return pl, nil
	}
	for {
		c, err := p.command()
		if err != nil {
			return nil, err
		}
		pl.Cmds = append(pl.Cmds, c)
		if p.tok.kind == tOp && p.tok.op == "|" {
			p.advance()
			for p.tok.kind == tNewline {
				p.advance()
			}
			continue
		}
		return pl, p.err
	}
}

// startsCommand reports whether the token can start a simple command.
func (p *parser) startsCommand() bool {
	if p.tok.kind == tWord {
		return true
	}
	return p.tok.kind == tOp && strings.ContainsAny(p.tok.op[:1], "<>") || p.tok.op == "&>"
}

func (p *parser) command() (*Command, error) {
	c := &Command{}
	for {
		if p.err != nil {
			return nil, p.err
		}
		switch {
		case p.tok.kind == tWord:
			if len(c.Words) == 0 {
				if a, ok := assignment(p.tok.word); ok {
					c.Assigns = append(c.Assigns, a)
					p.advance()
					continue
				}
			}
			c.Words = append(c.Words, p.tok.word)
			p.advance()
		case p.tok.kind == tOp && (p.tok.op == "<" || p.tok.op == ">" || p.tok.op == ">>" || p.tok.op == ">&" || p.tok.op == "<&" || p.tok.op == "&>"):
			op, fd := p.tok.op, p.tok.fd
			p.advance()
			if p.err != nil {
				return nil, p.err
			}
			if p.tok.kind != tWord {
				return nil, p.unexpected()
			}
			target := p.tok.word
			p.advance()
			if op == "&>" {
				// &>file: both output and error to file.
				c.Redirs = append(c.Redirs, Redir{Fd: 1, Op: ">", Target: target}, Redir{Fd: 2, Op: ">&", Target: Word{{Kind: Lit, Text: "1"}}})
				continue
			}
			if fd < 0 {
				fd = 1
				if op[0] == '<' {
					fd = 0
				}
			}
			if op == ">&" || op == "<&" {
				if s := target.String(); !isDigits(s) && s != "-" {
					if op == ">&" && fd == 1 {
						// >&file, as bash takes it: both to file.
						c.Redirs = append(c.Redirs, Redir{Fd: 1, Op: ">", Target: target}, Redir{Fd: 2, Op: ">&", Target: Word{{Kind: Lit, Text: "1"}}})
						continue
					}
					return nil, &SyntaxError{Token: s}
				}
			}
			c.Redirs = append(c.Redirs, Redir{Fd: fd, Op: op, Target: target})
		default:
			if len(c.Words) == 0 && len(c.Assigns) == 0 && len(c.Redirs) == 0 {
				return nil, p.unexpected()
			}
			return c, nil
		}
	}
}

func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// assignment recognises NAME=value (the name unquoted).
func assignment(w Word) (Assign, bool) {
	if len(w) == 0 || w[0].Kind != Lit || w[0].Quoted {
		return Assign{}, false
	}
	name, rest, ok := strings.Cut(w[0].Text, "=")
	if !ok || !validName(name) {
		return Assign{}, false
	}
	val := Word{}
	if rest != "" {
		val = append(val, Part{Kind: Lit, Text: rest, Quoted: false})
	}
	val = append(val, w[1:]...)
	return Assign{Name: name, Value: val}, true
}

func validName(s string) bool {
	if s == "" || !isNameStart(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !isNameChar(s[i]) {
			return false
		}
	}
	return true
}
