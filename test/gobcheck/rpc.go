package main

import (
	"errors"
	"net/rpc"
	"time"

	"tripwire.test/gobcheck/lineproto"
	"tripwire.test/gobcheck/model"
)

type Arith int

type Args struct{ A, B int }

type Quotient struct{ Quo, Rem int }

func (*Arith) Mul(args *Args, reply *int) error {
	*reply = args.A * args.B
	return nil
}

func (*Arith) Div(args *Args, quo *Quotient) error {
	if args.B == 0 {
		return errors.New("divide by zero")
	}
	quo.Quo, quo.Rem = args.A/args.B, args.A%args.B
	return nil
}

type Echo int

// Post echoes a post back with one field changed, so the reply is not just the request bytes.
func (*Echo) Post(p *model.Post, reply *model.Post) error {
	*reply = *p
	reply.Message = "echo: " + p.Message
	return nil
}

func (*Echo) Bytes(b []byte, reply *[]byte) error {
	*reply = b
	return nil
}

// Sleep answers after the given number of milliseconds, so replies overtake each other.
func (*Echo) Sleep(ms int, reply *int) error {
	time.Sleep(time.Duration(ms) * time.Millisecond)
	*reply = ms
	return nil
}

func (*Echo) Holder(h *Holder, reply *Holder) error {
	*reply = *h
	return nil
}

func serveRPC() {
	srv := rpc.NewServer()
	if err := srv.Register(new(Arith)); err != nil {
		fail("register: %v", err)
	}
	if err := srv.Register(new(Echo)); err != nil {
		fail("register: %v", err)
	}
	srv.ServeConn(lineproto.Stdio())
}
