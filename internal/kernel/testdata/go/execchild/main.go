// os/exec: runs /bin/echo and itself as a child, reads their output,
// passes stdin, and sees a child's exit status.
package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

func main() {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "child":
			var b strings.Builder
			buf := make([]byte, 100)
			for {
				n, err := os.Stdin.Read(buf)
				b.Write(buf[:n])
				if err != nil {
					break
				}
			}
			fmt.Printf("child read %q\n", b.String())
			os.Exit(7)
		}
	}
	out, err := exec.Command("echo", "from", "echo").Output()
	fmt.Printf("echo: %q %v\n", out, err)
	self, err := os.Executable()
	if err != nil {
		fmt.Println("executable:", err)
		return
	}
	cmd := exec.Command(self, "child")
	cmd.Stdin = strings.NewReader("some input")
	out, err = cmd.Output()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		fmt.Printf("child said %q and exited %d\n", out, ee.ExitCode())
	} else {
		fmt.Println("child:", err)
	}
	if _, err := exec.Command("/nonexistent").Output(); err != nil {
		fmt.Println("nonexistent:", err)
	}
}
