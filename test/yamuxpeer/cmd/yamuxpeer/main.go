// Command yamuxpeer is the far end of Tripwire's yamux interop tests: the real hashicorp/yamux, dialing a unix
// socket the TypeScript test listens on. The TS side opens streams whose first line is a command; see serve().
package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/yamux"
)

func main() {
	role := flag.String("role", "client", "yamux role of this peer: client (odd stream ids) or server (even ids)")
	addr := flag.String("dial", "", "unix socket path to dial")
	keepAlive := flag.Duration("keepalive", 30*time.Second, "yamux KeepAliveInterval")
	writeTimeout := flag.Duration("write-timeout", 10*time.Second, "yamux ConnectionWriteTimeout (also the ping timeout)")
	flag.Parse()

	conn, err := net.Dial("unix", *addr)
	if err != nil {
		fail("dial: %v", err)
	}
	cfg := yamux.DefaultConfig()
	cfg.KeepAliveInterval = *keepAlive
	cfg.ConnectionWriteTimeout = *writeTimeout
	cfg.LogOutput = os.Stderr
	var sess *yamux.Session
	if *role == "server" {
		sess, err = yamux.Server(conn, cfg)
	} else {
		sess, err = yamux.Client(conn, cfg)
	}
	if err != nil {
		fail("yamux: %v", err)
	}
	for {
		st, err := sess.AcceptStream()
		if err != nil {
			fmt.Fprintf(os.Stderr, "yamuxpeer: session ended: %v\n", err)
			return
		}
		go serve(sess, st)
	}
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "yamuxpeer: "+format+"\n", args...)
	os.Exit(1)
}

// serve runs one command stream: the first line names what to do.
func serve(sess *yamux.Session, st *yamux.Stream) {
	defer st.Close()
	br := bufio.NewReader(st)
	line, err := br.ReadString('\n')
	if err != nil {
		fmt.Fprintf(os.Stderr, "yamuxpeer: stream %d: no command: %v\n", st.StreamID(), err)
		return
	}
	args := strings.Fields(line)
	if len(args) == 0 {
		return
	}
	reply := func(format string, a ...any) { fmt.Fprintf(st, format+"\n", a...) }
	switch args[0] {
	case "id": // the stream id as this side sees it
		reply("%d", st.StreamID())
	case "echo": // everything back, then FIN once the TS side has sent FIN
		if _, err := io.Copy(st, br); err != nil {
			fmt.Fprintf(os.Stderr, "yamuxpeer: echo: %v\n", err)
		}
	case "send": // send N SEED: N pattern bytes, then FIN
		n, _ := strconv.Atoi(arg(args, 1))
		seed, _ := strconv.Atoi(arg(args, 2))
		if _, err := st.Write(pattern(n, uint32(seed))); err != nil {
			fmt.Fprintf(os.Stderr, "yamuxpeer: send: %v\n", err)
		}
	case "sink": // read to EOF, reply "<count> <sha256>"
		h := sha256.New()
		n, err := io.Copy(h, br)
		if err != nil {
			reply("fail: %v", err)
			return
		}
		reply("%d %s", n, hex.EncodeToString(h.Sum(nil)))
	case "open": // open K N: open K streams to the TS side at once, each sends N bytes, half-closes, expects an echo
		k, _ := strconv.Atoi(arg(args, 1))
		n, _ := strconv.Atoi(arg(args, 2))
		reply("%s", openEchoes(sess, k, n))
	case "ping":
		rtt, err := sess.Ping()
		if err != nil {
			reply("fail: %v", err)
			return
		}
		reply("ok %d", rtt.Microseconds())
	case "goaway":
		if err := sess.GoAway(); err != nil {
			reply("fail: %v", err)
			return
		}
		reply("ok")
	case "reset": // read until the TS side resets this stream; the verdict goes to stderr (the stream is gone)
		_, err := io.Copy(io.Discard, br)
		fmt.Fprintf(os.Stderr, "yamuxpeer: reset stream ended with: %v\n", err)
	default:
		reply("fail: unknown command %q", args[0])
	}
}

func arg(args []string, i int) string {
	if i < len(args) {
		return args[i]
	}
	return ""
}

func openEchoes(sess *yamux.Session, k, n int) string {
	var wg sync.WaitGroup
	errs := make(chan string, k)
	for i := 0; i < k; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			st, err := sess.OpenStream()
			if err != nil {
				errs <- fmt.Sprintf("open %d: %v", i, err)
				return
			}
			want := pattern(n, uint32(i+1))
			got := make(chan []byte, 1)
			go func() {
				b, _ := io.ReadAll(st)
				got <- b
			}()
			if _, err := st.Write(want); err != nil {
				errs <- fmt.Sprintf("write %d: %v", i, err)
				return
			}
			_ = st.Close() // half-close: we still read the echo
			select {
			case b := <-got:
				if !bytes.Equal(b, want) {
					errs <- fmt.Sprintf("stream %d: echo of %d bytes came back as %d different bytes", st.StreamID(), n, len(b))
				}
			case <-time.After(20 * time.Second):
				errs <- fmt.Sprintf("stream %d: no echo within 20 s", st.StreamID())
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	var msgs []string
	for e := range errs {
		msgs = append(msgs, e)
	}
	if len(msgs) > 0 {
		return "fail: " + strings.Join(msgs, "; ")
	}
	return "ok"
}

// pattern is the xorshift32 byte sequence the TS tests use (testing/streams.ts pattern()).
func pattern(n int, seed uint32) []byte {
	b := make([]byte, n)
	x := seed
	if x == 0 {
		x = 1
	}
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = byte(x)
	}
	return b
}
