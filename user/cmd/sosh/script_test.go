package main

// Script-mode tests: sosh built for the host runs scripts given with -c,
// as a file and on standard input; the output is checked exactly and,
// where sosh and /bin/sh agree on the semantics, against /bin/sh too.

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// soshBin is the sosh built for the host by TestMain.
var soshBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "sosh-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	soshBin = filepath.Join(dir, "sosh")
	// The toolchain that built this test, else the PATH's.
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goTool); err != nil {
		goTool = "go"
	}
	build := exec.Command(goTool, "build", "-o", soshBin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building sosh: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type scriptCase struct {
	name   string
	script string
	stdout string
	stderr string // a substring of standard error ("" : must be empty)
	status int
	sh     bool // /bin/sh must print the same and exit the same
}

var scriptCases = []scriptCase{
	{name: "echo", script: `echo hello world; echo -n no; echo ' newline'`, stdout: "hello world\nno newline\n", sh: true},
	{name: "pipeline", script: `echo one two | cat | cat`, stdout: "one two\n", sh: true},
	{name: "long pipeline", script: `printf 'b\na\nc\n' | sort | head -n 2 | tr a-z A-Z`, stdout: "A\nB\n", sh: true},
	{name: "and or", script: `true && echo a; false && echo b; false || echo c; true || echo d; false && echo e || echo f`,
		stdout: "a\nc\nf\n", sh: true},
	{name: "status", script: `false; echo $?; true; echo $?; sh -c 'exit 7'; echo $?`, stdout: "1\n0\n7\n", sh: true},
	{name: "negate", script: `! false; echo $?; ! true; echo $?`, stdout: "0\n1\n", sh: true},
	{name: "quotes", script: `A='x  y'; echo $A "$A" '$A' "\$A" a\ \ b "a'b" 'a"b'`,
		stdout: "x y x  y $A $A a  b a'b a\"b\n", sh: true},
	{name: "braces", script: `X=ab; echo ${X}cd $Xcd.`, stdout: "abcd .\n", sh: true},
	{name: "empty args", script: `printf '[%s]' "" a '' "$NOPE"; echo`, stdout: "[][a][][]\n", sh: true},
	{name: "comments", script: "echo a # not this\n# nor this\necho b#c", stdout: "a\nb#c\n", sh: true},
	{name: "newlines", script: "echo a |\ncat\necho b &&\necho c", stdout: "a\nb\nc\n", sh: true},
	{name: "continuation", script: "echo a \\\nb", stdout: "a b\n", sh: true},
	{name: "multi-line quote", script: "echo 'a\nb'", stdout: "a\nb\n", sh: true},
	{name: "redirections", script: `cd "$T" && echo one > f && echo two >> f && cat < f && cat f | wc -l`,
		stdout: "one\ntwo\n2\n", sh: true},
	{name: "truncate", script: `cd "$T" && echo long line > f && echo s > f && cat f`, stdout: "s\n", sh: true},
	{name: "stderr", script: `cd "$T" && ls /nonexistent-sosh 2> err; echo $?; grep -c nonexistent-sosh err`,
		stdout: "2\n1\n", sh: true},
	{name: "2>&1", script: `ls /nonexistent-sosh 2>&1 | grep -c nonexistent-sosh`, stdout: "1\n", sh: true},
	{name: "2>&1 order", script: `cd "$T" && ls /nonexistent-sosh > f 2>&1; grep -c nonexistent f`, stdout: "1\n", sh: true},
	{name: ">&2", script: `echo to-err >&2`, stderr: "to-err\n", sh: true},
	{name: "fd 3", script: `cd "$T" && echo three 3> f >&3 && cat f`, stdout: "three\n", sh: true},
	{name: "variables", script: `A=1; B=$A$A; echo $B; unset B; echo "[$B]"`, stdout: "11\n[]\n", sh: true},
	{name: "export", script: `A=local; export B=exported; sh -c 'echo "[$A][$B]"'; export A; sh -c 'echo "[$A]"'`,
		stdout: "[][exported]\n[local]\n", sh: true},
	{name: "prefix assignment", script: `X=1; X=2 sh -c 'echo $X'; echo $X`, stdout: "2\n1\n", sh: true},
	{name: "pid", script: `echo $$ | grep -c '^[0-9][0-9]*$'; sh -c 'echo $PPID' > /dev/null`, stdout: "1\n", sh: true},
	{name: "positional", script: `echo $0 $1 $2 $#`, stdout: "name a b 2\n"},
	{name: "background", script: `sleep 0.1 & echo started; wait; echo done`, stdout: "started\ndone\n", sh: true},
	{name: "no subshells", script: `(exit 0)`, status: 2, stderr: "syntax error near unexpected token `('"},
	{name: "bg and-or", script: `cd "$T"; false || echo alt > g & wait; cat g`, stdout: "alt\n", sh: true},
	{name: "$!", script: `sleep 0 & test -n "$!" && echo ok; wait $!; echo $?`, stdout: "ok\n0\n", sh: true},
	{name: "wait status", script: `sh -c 'exit 3' & wait $!; echo $?`, stdout: "3\n", sh: true},
	{name: "cd pwd", script: `cd "$T"; mkdir -p d; cd d; pwd | sed 's,.*/,,'; cd ..; cd -  | sed 's,.*/,,'`, stdout: "d\nd\n", sh: true},
	{name: "cd errors", script: `cd /nonexistent-sosh; echo $?`, stdout: "1\n", stderr: "cd: /nonexistent-sosh: No such file or directory"},
	{name: "not found", script: `nosuchcmd-sosh; echo $?`, stdout: "127\n", stderr: "sosh: nosuchcmd-sosh: command not found\n"},
	{name: "not found in pipe", script: `nosuchcmd-sosh | echo after; echo $?`, stdout: "after\n0\n", stderr: "command not found"},
	{name: "not executable", script: `cd "$T"; echo x > plain; chmod 644 plain; ./plain; echo $?`, stdout: "126\n", stderr: "./plain: Permission denied"},
	{name: "directory", script: `/; echo $?`, stdout: "126\n", stderr: "/: Is a directory"},
	{name: "missing path", script: `./nosuch-sosh; echo $?`, stdout: "127\n", stderr: "./nosuch-sosh: No such file or directory"},
	{name: "missing input", script: `cat < /nonexistent-sosh; echo $?`, stdout: "1\n", stderr: "/nonexistent-sosh: No such file or directory"},
	{name: "unwritable", script: `echo x > /proc/nonexistent-sosh/f; echo $?`, stdout: "1\n", stderr: "sosh: /proc/nonexistent-sosh/f:"},
	{name: "syntax error", script: "echo before\necho a | | b\necho after", stdout: "before\n", status: 2,
		stderr: "syntax error near unexpected token `|'"},
	{name: "unterminated", script: `echo 'oops`, status: 2, stderr: "unexpected end of file"},
	{name: "bad substitution", script: `echo ${a b}`, status: 2, stderr: "bad substitution"},
	{name: "exit", script: `echo a; exit 5; echo b`, stdout: "a\n", status: 5, sh: true},
	{name: "exit status", script: `false; exit`, status: 1, sh: true},
	{name: "exit bad", script: `exit abc`, status: 2, stderr: "numeric argument required"},
	{name: "last status", script: `sh -c 'exit 4'`, status: 4, sh: true},
	{name: "signal status", script: `sh -c 'kill -9 $$'; echo $?`, stdout: "137\n", sh: true},
	{name: "kill", script: `sleep 10 & kill $!; wait $!; echo $?`, stdout: "143\n", sh: true},
	{name: "kill -SIG", script: `sleep 10 & kill -KILL $!; wait $!; echo $?; sleep 10 & kill -s HUP $!; wait $!; echo $?`,
		stdout: "137\n129\n", sh: true},
	{name: "kill bad", script: `kill -NOPE 1; echo $?`, stdout: "1\n", stderr: "invalid signal"},
	{name: "time", script: `time true`, stderr: "\nreal\t0m0.0"},
	{name: "time pipeline", script: `time echo x | cat`, stdout: "x\n", stderr: "user\t0m"},
	{name: "builtin in pipeline", script: `echo a b | wc -w; pwd | wc -l`, stdout: "2\n1\n", sh: true},
	{name: "builtin redirect", script: `cd "$T"; echo hi > f; pwd >> f; wc -l < f`, stdout: "2\n", sh: true},
	{name: "env", script: `export SOSH_T=1; env | grep '^SOSH_T='; env SOSH_U=2 sh -c 'echo $SOSH_U'`, stdout: "SOSH_T=1\n2\n"},
	{name: "help", script: `help | grep -c oncore`, stdout: "1\n"},
	{name: "history off", script: `history; echo $?`, stdout: "0\n"},
	{name: "jobs -p", script: `sleep 0.2 & jobs -p | grep -c "^$!$"; jobs -x; wait`, stdout: "1\n", stderr: "jobs: -x: invalid option"},
	{name: "jobs off", script: `fg; echo $?`, stdout: "1\n", stderr: "no job control"},
	{name: "oncore", script: `oncore -c 0 -f sh -c 'echo on $(grep Cpus_allowed_list /proc/self/status | cut -f2)'`, stdout: "on 0\n"},
	{name: "oncore times", script: `oncore -t 3 -f echo hi`, stdout: "hi\nhi\nhi\n"},
	{name: "oncore background", script: `oncore -c 0 echo bg; wait; echo after`, stdout: "bg\nafter\n"},
	{name: "oncore bad hart", script: `oncore -c 63 -f true; echo $?`, stdout: "1\n", stderr: "oncore: hart 63:"},
	{name: "oncore too many", script: `oncore -t 1000000000 true; echo $?`, stdout: "2\n", stderr: "at most 1024 copies"},
	{name: "oncore usage", script: `oncore; echo $?`, stdout: "2\n", stderr: "usage: oncore"},
	{name: "glob", script: `cd "$T"; touch a.x b.x .c.x; echo *.x; echo "*.x"; echo *.none`, stdout: "a.x b.x\n*.x\n*.none\n", sh: true},
	{name: "tilde", script: `HOME=/h; echo ~ ~/a`, stdout: "/h /h/a\n", sh: true},
	{name: "sosh script without #!", script: `cd "$T"; printf 'echo from script $1\n' > s; chmod +x s; ./s arg`,
		stdout: "from script arg\n", sh: true},
	{name: "semicolons", script: `echo a;echo b ; echo c;`, stdout: "a\nb\nc\n", sh: true},
	{name: "&>", script: `cd "$T"; ls /nonexistent-sosh &> f; grep -c nonexistent f`, stdout: "1\n"},
	{name: "time alone", script: `time; echo $?`, stdout: "0\n", stderr: "real"},
	{name: "colon", script: `: ignored args; echo $?`, stdout: "0\n", sh: true},
	{name: "big fd", script: `echo x 300> /dev/null; echo $?`, stdout: "1\n", stderr: "300: Bad file descriptor"},
	{name: "close stdout", script: `echo gone >&-; echo $?`, stdout: "1\n", stderr: "echo: write error: Bad file descriptor"},
}

// runSosh runs sosh with args, stdin and env additions in a fresh
// directory (as $T) and returns what it printed and its exit status.
func runShell(t *testing.T, prog string, args []string, stdin string, env ...string) (string, string, int) {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command(prog, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "T="+dir, "LC_ALL=C")
	cmd.Env = append(cmd.Env, env...)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	status := 0
	if ee, ok := err.(*exec.ExitError); ok {
		status = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running %s: %v", prog, err)
	}
	return stdout.String(), stderr.String(), status
}

func TestScripts(t *testing.T) {
	for _, c := range scriptCases {
		t.Run(c.name, func(t *testing.T) {
			check := func(how string, stdout, stderr string, status int) {
				t.Helper()
				if stdout != c.stdout || status != c.status {
					t.Errorf("%s: stdout %q status %d, want %q status %d\nstderr: %s", how, stdout, status, c.stdout, c.status, stderr)
				}
				if c.stderr == "" && stderr != "" || !strings.Contains(stderr, c.stderr) {
					t.Errorf("%s: stderr %q, want %q in it", how, stderr, c.stderr)
				}
			}
			stdout, stderr, status := runShell(t, soshBin, []string{"-c", c.script, "name", "a", "b"}, "")
			check("sosh -c", stdout, stderr, status)
			if c.name == "positional" {
				return
			}
			// The same as a file and on standard input.
			file := filepath.Join(t.TempDir(), "script")
			if err := os.WriteFile(file, []byte(c.script+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(c.name, "syntax") && c.name != "bad substitution" {
				stdout, stderr, status = runShell(t, soshBin, []string{file}, "")
				check("sosh FILE", stdout, stderr, status)
				stdout, stderr, status = runShell(t, soshBin, nil, c.script+"\n")
				check("sosh < script", stdout, stderr, status)
			}
			if c.sh {
				shOut, shErr, shStatus := runShell(t, "/bin/sh", []string{"-c", c.script}, "")
				if shOut != stdout || shStatus != status {
					t.Errorf("/bin/sh differs: stdout %q status %d (stderr %q), sosh %q status %d", shOut, shStatus, shErr, stdout, status)
				}
			}
		})
	}
}

// TestScriptReadsItsInput: commands a script on standard input starts
// read the lines after them, as in sh: sosh reads no further than it
// must.
func TestScriptReadsItsInput(t *testing.T) {
	stdout, stderr, status := runShell(t, soshBin, nil, "sh -c 'read x; echo got $x'\nthis line is data\necho after\n")
	if stdout != "got this line is data\nafter\n" || status != 0 {
		t.Errorf("stdout %q status %d stderr %q", stdout, status, stderr)
	}
}

func TestScriptFileMissing(t *testing.T) {
	_, stderr, status := runShell(t, soshBin, []string{"/nonexistent-sosh-script"}, "")
	if status != 127 || !strings.Contains(stderr, "No such file or directory") {
		t.Errorf("status %d stderr %q", status, stderr)
	}
	_, stderr, status = runShell(t, soshBin, []string{"-c"}, "")
	if status != 2 || !strings.Contains(stderr, "requires an argument") {
		t.Errorf("-c alone: status %d stderr %q", status, stderr)
	}
}
