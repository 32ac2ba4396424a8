// The environment and the exit code: prints the arguments and two
// variables, and exits with the status given as the first argument.
package main

import (
	"fmt"
	"os"
	"strconv"
)

func main() {
	fmt.Println("args:", os.Args[1:])
	fmt.Println("SOS_TEST:", os.Getenv("SOS_TEST"))
	v, ok := os.LookupEnv("UNSET_VARIABLE")
	fmt.Println("unset:", v, ok)
	code := 0
	if len(os.Args) > 1 {
		code, _ = strconv.Atoi(os.Args[1])
	}
	os.Exit(code)
}
