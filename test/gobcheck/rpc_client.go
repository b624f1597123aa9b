package main

import (
	"bytes"
	"fmt"
	"net/rpc"
	"os"
	"reflect"
	"sort"
	"strings"
	"sync"

	"tripwire.test/gobcheck/lineproto"
	"tripwire.test/gobcheck/model"
)

// The TypeScript RpcServer under test registers these (see netrpc's Go differential test).
type DelayArgs struct {
	Ms  int
	Val string
}

type DelayReply struct {
	Val   string
	Order int
}

// runRPCClient drives the TypeScript server through every behaviour Go's net/rpc client relies on. It prints one
// "ok <step>" line per passed step on stderr and returns the exit status.
func runRPCClient() int {
	client := rpc.NewClient(lineproto.Stdio())
	steps := []struct {
		name string
		run  func(*rpc.Client) error
	}{
		{"concurrent-out-of-order", concurrentCalls},
		{"handler-error", func(c *rpc.Client) error { return wantErr(c.Call("Test.Fail", "why", new(string)), "boom: why") }},
		{"async-rejection", func(c *rpc.Client) error {
			return wantErr(c.Call("Test.Reject", "later", new(string)), "rejected: later")
		}},
		{"unknown-method", func(c *rpc.Client) error {
			return wantErr(c.Call("Test.Nope", 1, new(int)), "rpc: can't find method Test.Nope")
		}},
		{"unknown-service", func(c *rpc.Client) error {
			return wantErr(c.Call("Nope.Method", 1, new(int)), "rpc: can't find service Nope.Method")
		}},
		{"ill-formed", func(c *rpc.Client) error {
			return wantErr(c.Call("NoDot", 1, new(int)), "rpc: service/method request ill-formed: NoDot")
		}},
		{"wrong-argument-type", func(c *rpc.Client) error {
			err := c.Call("Test.Echo", 42, new(model.Post))
			if err == nil || !strings.Contains(err.Error(), "gob") {
				return fmt.Errorf("want a gob error, got %v", err)
			}
			return nil
		}},
		{"echo-post", echoPost},
		{"big-bytes", func(c *rpc.Client) error {
			in := bytes.Repeat([]byte("0123456789abcdef"), 1<<16)
			var out []byte
			if err := c.Call("Test.Bytes", in, &out); err != nil {
				return err
			}
			if !bytes.Equal(in, out) {
				return fmt.Errorf("got %d bytes back", len(out))
			}
			return nil
		}},
		{"still-usable", func(c *rpc.Client) error {
			var out DelayReply
			if err := c.Call("Test.Delay", DelayArgs{Val: "last"}, &out); err != nil || out.Val != "last" {
				return fmt.Errorf("got %+v, %v", out, err)
			}
			return nil
		}},
	}
	for _, s := range steps {
		if err := s.run(client); err != nil {
			fmt.Fprintf(os.Stderr, "FAIL %s: %v\n", s.name, err)
			return 1
		}
		fmt.Fprintf(os.Stderr, "ok %s\n", s.name)
	}
	if err := client.Close(); err != nil {
		fmt.Fprintf(os.Stderr, "FAIL close: %v\n", err)
		return 1
	}
	return 0
}

func wantErr(err error, want string) error {
	if err == nil {
		return fmt.Errorf("no error, want %q", want)
	}
	if _, ok := err.(rpc.ServerError); !ok || err.Error() != want {
		return fmt.Errorf("got %T %q, want ServerError %q", err, err, want)
	}
	return nil
}

// concurrentCalls makes 40 calls at once whose handlers finish in reverse order; every reply must reach its caller.
func concurrentCalls(c *rpc.Client) error {
	const n = 40
	var wg sync.WaitGroup
	errs := make(chan error, n)
	orders := make([]int, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			var out DelayReply
			val := fmt.Sprintf("v%d", i)
			if err := c.Call("Test.Delay", DelayArgs{Ms: (n - i) * 5, Val: val}, &out); err != nil {
				errs <- err
				return
			}
			if out.Val != val {
				errs <- fmt.Errorf("call %d got %q", i, out.Val)
			}
			orders[i] = out.Order
		}(i)
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	// Order is the sequence in which the server finished calls: the last-issued (shortest) must come first.
	if orders[n-1] >= orders[0] {
		return fmt.Errorf("replies were not out of order: %v", orders)
	}
	sorted := append([]int(nil), orders...)
	sort.Ints(sorted)
	for i, o := range sorted {
		if o != sorted[0]+i {
			return fmt.Errorf("orders not a permutation: %v", orders)
		}
	}
	return nil
}

func echoPost(c *rpc.Client) error {
	in := post()
	var out model.Post
	if err := c.Call("Test.Echo", in, &out); err != nil {
		return err
	}
	want, err := lineproto.RoundTrip(*in)
	if err != nil {
		return err
	}
	if !reflect.DeepEqual(out, want) {
		return fmt.Errorf("not DeepEqual:\n got  %#v\n want %#v", out, want)
	}
	return nil
}
