// Hello world, the smallest Go program that starts the whole runtime.
package main

import "fmt"

func main() { fmt.Println("hello, world") }
