// A nil-pointer dereference: Go turns the SIGSEGV into its usual panic,
// and recover catches it the first time; the second time it is fatal.
package main

import "fmt"

type T struct{ x int }

//go:noinline
func get(p *T) int { return p.x }

func main() {
	func() {
		defer func() { fmt.Println("recovered:", recover()) }()
		get(nil)
	}()
	fmt.Println(get(nil))
}
