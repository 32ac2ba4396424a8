// Command sosh is SOS's shell: a Unix shell with line editing, history,
// completion, pipelines, redirections and job control. See README.md.
//
// The parser (parse.go), the expander (expand.go), the executor
// (exec.go), job control (jobs.go, term.go), the builtins (builtins.go)
// and the line editor (lineedit.go, history.go, complete.go) are
// separate, so each is tested alone.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	sh := NewShell()
	switch {
	case len(args) > 0 && (args[0] == "-h" || args[0] == "--help"):
		fmt.Println("usage: sosh [-c COMMANDS [NAME [ARG...]] | FILE [ARG...]]")
		return 0
	case len(args) > 0 && args[0] == "-c":
		if len(args) < 2 {
			sh.errorf("-c: option requires an argument")
			return 2
		}
		if len(args) > 2 {
			sh.args = args[2:]
		}
		sh.RunReader(strings.NewReader(args[1]))
	case len(args) > 0 && args[0] != "-" && args[0] != "-s":
		f, err := os.Open(args[0])
		if err != nil {
			sh.errorf("%s: %s", args[0], errText(err))
			return 127
		}
		defer f.Close()
		sh.args = args
		// The commands read their own standard input, not the script:
		// it may be read ahead.
		sh.RunReader(bufio.NewReaderSize(f, 64<<10))
	case isTerminal(0) && isTerminal(2):
		sh.interactiveLoop()
	default:
		sh.RunReader(os.Stdin)
	}
	if sh.exiting {
		return sh.exitCode
	}
	return sh.status
}

// historyPath is $SOSH_HISTORY, else $HOME/.sosh_history.
func (sh *Shell) historyPath() string {
	if p, ok := sh.vars["SOSH_HISTORY"]; ok {
		return p
	}
	if home := sh.vars["HOME"]; home != "" {
		return filepath.Join(home, ".sosh_history")
	}
	return ""
}

// initJobControl makes the shell the foreground process group of its
// terminal and has it ignore the job-control signals (by catching them:
// an ignored signal would stay ignored in every command the shell runs).
func (sh *Shell) initJobControl() {
	sh.ttyFd = 0
	// Started in the background (sosh & in another shell): stop until
	// brought to the foreground, as bash does, rather than steal the
	// terminal. The signals still have their default actions here.
	// (A terminal with no foreground group yet, or a kernel that does
	// not stop us, must not keep us here.)
	for i := 0; i < 50; i++ {
		fg, err := tcgetpgrp(sh.ttyFd)
		if err != nil || fg <= 0 || fg == syscall.Getpgrp() {
			break
		}
		syscall.Kill(0, syscall.SIGTTIN)
	}
	if syscall.Getpgrp() != os.Getpid() {
		syscall.Setpgid(0, 0)
	}
	sh.pgid = syscall.Getpgrp()
	sigs := make(chan os.Signal, 16)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGQUIT, syscall.SIGTSTP, syscall.SIGTTIN, syscall.SIGTTOU)
	sh.interrupts = make(chan struct{}, 1)
	go func() {
		for sig := range sigs {
			if sig == syscall.SIGINT {
				select {
				case sh.interrupts <- struct{}{}:
				default:
				}
			}
		}
	}()
	if err := tcsetpgrp(sh.ttyFd, sh.pgid); err != nil {
		sh.errorf("cannot set terminal process group (%s): no job control", errText(err))
		return
	}
	sh.jobControl = true
}

// interactiveLoop reads commands from the terminal with the line editor.
func (sh *Shell) interactiveLoop() {
	sh.interactive = true
	sh.initJobControl()
	sh.tmodes, _ = getTermios(sh.ttyFd)
	sh.hist = LoadHistory(sh.historyPath())
	ed := NewEditor(os.Stdin, os.Stdout, sh.hist, sh.completeLine)
	ed.Width = func() int { return termWidth(sh.ttyFd) }
	var src strings.Builder
	for !sh.exiting {
		prompt := "> "
		if src.Len() == 0 {
			sh.notifyJobs()
			prompt = sh.prompt()
		}
		if sh.tmodes != nil {
			setTermios(sh.ttyFd, rawMode(sh.tmodes))
		}
		line, err := ed.ReadLine(prompt)
		if sh.tmodes != nil {
			setTermios(sh.ttyFd, sh.tmodes)
		}
		switch {
		case err == ErrInterrupted:
			src.Reset()
			sh.status = 130
			continue
		case err == io.EOF && src.Len() > 0:
			sh.syntaxError(ErrIncomplete)
			src.Reset()
			continue
		case err == io.EOF:
			fmt.Fprintln(sh.stdout, "exit")
			sh.hangUpJobs()
			return
		case err != nil:
			sh.hangUpJobs()
			return // the terminal went away
		}
		src.WriteString(line)
		src.WriteString("\n")
		list, perr := Parse(src.String())
		if perr == ErrIncomplete {
			continue
		}
		sh.hist.Add(strings.TrimSuffix(src.String(), "\n"))
		if !strings.HasPrefix(strings.TrimSpace(src.String()), "exit") {
			sh.warnedStopped = false
		}
		src.Reset()
		if perr != nil {
			sh.syntaxError(perr)
			continue
		}
		sh.runList(list)
	}
	sh.hangUpJobs()
}

// hangUpJobs sends SIGHUP (and SIGCONT, for stopped ones) to the jobs
// left when an interactive shell exits, as the terminal's hangup would.
func (sh *Shell) hangUpJobs() {
	for _, j := range sh.jobs.list {
		if !j.done() {
			sh.signalJob(j, syscall.SIGHUP)
			sh.signalJob(j, syscall.SIGCONT)
		}
	}
}

// prompt is "sosh:DIR> ", the home directory shown as ~.
func (sh *Shell) prompt() string {
	wd, err := os.Getwd()
	if err != nil {
		wd = "?"
	}
	if home := sh.vars["HOME"]; home != "" && home != "/" {
		if wd == home {
			wd = "~"
		} else if strings.HasPrefix(wd, home+"/") {
			wd = "~" + wd[len(home):]
		}
	}
	return "sosh:" + wd + "> "
}
