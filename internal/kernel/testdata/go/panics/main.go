// panic and recover, deferred calls in order, a runtime error recovered
// (division by zero, index out of range) and, last, an unrecovered panic
// that must exit with status 2 and Go's usual message.
package main

import (
	"errors"
	"fmt"
	"os"
)

func safeDiv(a, b int) (q int, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("recovered: %v", r)
		}
	}()
	return a / b, nil
}

func index(s []int, i int) (v int, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("recovered: %v", r)
		}
	}()
	return s[i], nil
}

func main() {
	defer fmt.Println("deferred 1")
	defer fmt.Println("deferred 2")
	func() {
		defer func() { fmt.Println("recover:", recover()) }()
		panic(errors.New("boom"))
	}()
	_, err := safeDiv(1, 0)
	fmt.Println(err)
	_, err = index([]int{1, 2, 3}, 5)
	fmt.Println(err)
	if len(os.Args) > 1 && os.Args[1] == "die" {
		panic("unrecovered")
	}
}
