// Command true exits with status 0.
package main

func main() {}
