// Hello world: the Go runtime's start-up and exit, and one write.
package main

import "fmt"

func main() { fmt.Println("hello, world") }
