// Command gonet exercises sockets the way Go programs use them: TCP on
// 127.0.0.1 and ::1 with goroutines, UDP, AF_UNIX stream sockets on a path
// and an abstract name, and AF_UNIX datagrams. It prints one line per
// check, so that its output can be compared; it exits 1 on a failure.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

func main() {
	checks := []struct {
		name string
		fn   func() error
	}{
		{"tcp4 echo", func() error { return echo("tcp", "127.0.0.1:0") }},
		{"tcp6 echo", func() error { return echo("tcp", "[::1]:0") }},
		{"tcp bulk", bulk},
		{"tcp refused", refused},
		{"tcp deadline", deadline},
		{"udp", udp},
		{"unix path", func() error {
			dir, err := os.MkdirTemp("", "gonet")
			if err != nil {
				return err
			}
			defer os.RemoveAll(dir)
			path := filepath.Join(dir, "sock")
			if err := echo("unix", path); err != nil {
				return err
			}
			return nil
		}},
		{"unix abstract", func() error { return echo("unix", "@sos-gonet-abstract") }},
		{"unixgram", unixgram},
	}
	failed := false
	for _, c := range checks {
		if err := c.fn(); err != nil {
			fmt.Printf("%s: FAIL: %v\n", c.name, err)
			failed = true
			continue
		}
		fmt.Printf("%s: ok\n", c.name)
	}
	if failed {
		os.Exit(1)
	}
}

// echo listens on addr, and has several clients at once talk to an echo
// server line by line.
func echo(network, addr string) error {
	ln, err := net.Listen(network, addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	if network == "unix" && !strings.HasPrefix(addr, "@") {
		fi, err := os.Stat(addr)
		if err != nil {
			return fmt.Errorf("no socket file: %v", err)
		}
		if fi.Mode()&os.ModeSocket == 0 {
			return fmt.Errorf("%s is %v, not a socket", addr, fi.Mode())
		}
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				io.Copy(c, c) // splice(2), for TCP
			}()
		}
	}()
	const clients, lines = 4, 50
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := net.Dial(network, ln.Addr().String())
			if err != nil {
				errs <- err
				return
			}
			defer c.Close()
			r := bufio.NewReader(c)
			for j := range lines {
				msg := fmt.Sprintf("client %d line %d\n", i, j)
				if _, err := c.Write([]byte(msg)); err != nil {
					errs <- err
					return
				}
				got, err := r.ReadString('\n')
				if err != nil {
					errs <- err
					return
				}
				if got != msg {
					errs <- fmt.Errorf("echoed %q, want %q", got, msg)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// bulk sends 4 MiB one way and checks it arrives whole, with a half close.
func bulk() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer ln.Close()
	data := make([]byte, 4<<20)
	for i := range data {
		data[i] = byte(i * 7 / 3)
	}
	go func() {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			return
		}
		c.Write(data)
		c.(*net.TCPConn).CloseWrite()
		io.Copy(io.Discard, c)
		c.Close()
	}()
	c, err := ln.Accept()
	if err != nil {
		return err
	}
	defer c.Close()
	got, err := io.ReadAll(c)
	if err != nil {
		return err
	}
	if !bytes.Equal(got, data) {
		return fmt.Errorf("received %d bytes, not the %d sent", len(got), len(data))
	}
	return nil
}

// refused dials a port nobody listens on.
func refused() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := ln.Addr().String()
	ln.Close()
	_, err = net.Dial("tcp", addr)
	if !errors.Is(err, syscall.ECONNREFUSED) {
		return fmt.Errorf("dialing a closed port: %v, want ECONNREFUSED", err)
	}
	return nil
}

// deadline reads with a deadline from a connection that stays silent.
func deadline() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer ln.Close()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		return err
	}
	defer c.Close()
	s, err := ln.Accept()
	if err != nil {
		return err
	}
	defer s.Close()
	c.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	_, err = c.Read(make([]byte, 1))
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		return fmt.Errorf("read past the deadline: %v", err)
	}
	s.Close()
	c.SetReadDeadline(time.Time{})
	if n, err := c.Read(make([]byte, 1)); err != io.EOF {
		return fmt.Errorf("read after the peer closed: %d, %v, want EOF", n, err)
	}
	return nil
}

func udp() error {
	a, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer a.Close()
	b, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer b.Close()
	for i := range 10 {
		msg := fmt.Sprintf("datagram %d", i)
		if _, err := a.WriteTo([]byte(msg), b.LocalAddr()); err != nil {
			return err
		}
		buf := make([]byte, 100)
		n, from, err := b.ReadFrom(buf)
		if err != nil {
			return err
		}
		if string(buf[:n]) != msg || from.String() != a.LocalAddr().String() {
			return fmt.Errorf("got %q from %v, want %q from %v", buf[:n], from, msg, a.LocalAddr())
		}
	}
	// A connected UDP socket, with read(2) and write(2).
	c, err := net.Dial("udp", b.LocalAddr().String())
	if err != nil {
		return err
	}
	defer c.Close()
	if _, err := c.Write([]byte("connected")); err != nil {
		return err
	}
	buf := make([]byte, 100)
	n, from, err := b.ReadFrom(buf)
	if err != nil || string(buf[:n]) != "connected" {
		return fmt.Errorf("got %q, %v", buf[:n], err)
	}
	if _, err := b.WriteTo([]byte("reply"), from); err != nil {
		return err
	}
	n, err = c.Read(buf)
	if err != nil || string(buf[:n]) != "reply" {
		return fmt.Errorf("got %q, %v", buf[:n], err)
	}
	return nil
}

func unixgram() error {
	dir, err := os.MkdirTemp("", "gonet")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	srv, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: filepath.Join(dir, "srv"), Net: "unixgram"})
	if err != nil {
		return err
	}
	defer srv.Close()
	cli, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: filepath.Join(dir, "cli"), Net: "unixgram"})
	if err != nil {
		return err
	}
	defer cli.Close()
	if _, err := cli.WriteToUnix([]byte("ping"), srv.LocalAddr().(*net.UnixAddr)); err != nil {
		return err
	}
	buf := make([]byte, 100)
	n, from, err := srv.ReadFromUnix(buf)
	if err != nil {
		return err
	}
	if string(buf[:n]) != "ping" || from.Name != filepath.Join(dir, "cli") {
		return fmt.Errorf("got %q from %v", buf[:n], from)
	}
	if _, err := srv.WriteToUnix([]byte("pong"), from); err != nil {
		return err
	}
	n, _, err = cli.ReadFromUnix(buf)
	if err != nil || string(buf[:n]) != "pong" {
		return fmt.Errorf("got %q, %v", buf[:n], err)
	}
	return nil
}
