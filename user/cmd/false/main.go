// Command false exits with status 1.
package main

import "os"

func main() { os.Exit(1) }
