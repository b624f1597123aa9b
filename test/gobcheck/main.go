// gobcheck is the Go side of Tripwire's differential tests for its TypeScript encoding/gob and net/rpc: it encodes
// values with Go's encoding/gob for the TypeScript decoder, checks the TypeScript encoder's output by decoding it
// with Go's decoder, and runs Go net/rpc clients and servers over stdin/stdout. Standard library only.
//
//	gobcheck cases                       one JSON line {"name","hex"} per fixed case, each a fresh gob stream
//	gobcheck check-cases                 reads {"name","hex"} lines, decodes each into its case's Go type, compares
//	gobcheck stream                      every case value on one encoder: {"names","hex"}
//	gobcheck check-stream                reads {"names","hex"}, decodes them in order with one decoder, compares
//	gobcheck random SEED N               N random values of random types: {"name","hex"}
//	gobcheck check-random SEED N         reads {"name","hex"} lines, compares with the regenerated values
//	gobcheck rpc-server                  serves net/rpc (Arith, Echo) on stdin/stdout until EOF
//	gobcheck rpc-client                  calls the TypeScript RpcServer on stdin/stdout; reports on stderr
//
// Check modes print one JSON line {"name","ok","err"} per input line. Comparisons are reflect.DeepEqual against
// what Go's own encoder and decoder make of the original (gob cannot carry everything, e.g. nil vs empty slices).
package main

import (
	"bytes"
	"encoding/gob"
	"encoding/hex"
	"os"
	"reflect"
	"strconv"

	"tripwire.test/gobcheck/lineproto"
	"tripwire.test/gobcheck/model"
	"tripwire.test/gobcheck/plugin"
)

func init() {
	// What Mattermost's plugin package registers (client_rpc.go).
	gob.RegisterName("[]*model.SlackAttachment", []*model.SlackAttachment{})
	gob.Register([]any{})
	gob.Register(map[string]any{})
	gob.Register(&model.AppError{})
	gob.Register(&plugin.ErrorString{})
}

var tool = lineproto.Tool{Name: "gobcheck"}

type (
	line   = lineproto.Line
	result = lineproto.Result
)

func main() {
	if len(os.Args) < 2 {
		fail("usage: gobcheck cases|check-cases|stream|check-stream|random|check-random|rpc-server|rpc-client")
	}
	out := lineproto.NewWriter()
	defer out.Flush()
	emit := out.Emit
	switch os.Args[1] {
	case "cases":
		for _, c := range cases() {
			emit(line{Name: c.name, Hex: hex.EncodeToString(encode(c.value))})
		}
	case "check-cases":
		byName := map[string]any{}
		for _, c := range cases() {
			byName[c.name] = c.value
		}
		tool.EachLine(func(l line) {
			want, ok := byName[l.Name]
			if !ok {
				emit(result{Name: l.Name, Err: "no such case"})
				return
			}
			emit(lineproto.Check(l.Name, want, l.Hex))
		})
	case "stream":
		var buf bytes.Buffer
		enc := gob.NewEncoder(&buf)
		var names []string
		for _, c := range cases() {
			if err := enc.Encode(c.value); err != nil {
				fail("encode %s: %v", c.name, err)
			}
			names = append(names, c.name)
		}
		emit(line{Names: names, Hex: hex.EncodeToString(buf.Bytes())})
	case "check-stream":
		tool.EachLine(func(l line) { checkStream(l, emit) })
	case "random", "check-random":
		seed, n := tool.IntArg(2), tool.IntArg(3)
		values := randomValues(int64(seed), n)
		if os.Args[1] == "random" {
			for i, v := range values {
				emit(line{Name: strconv.Itoa(i), Hex: hex.EncodeToString(encode(v))})
			}
			return
		}
		tool.EachLine(func(l line) {
			i, err := strconv.Atoi(l.Name)
			if err != nil || i < 0 || i >= len(values) {
				emit(result{Name: l.Name, Err: "no such value"})
				return
			}
			emit(lineproto.Check(l.Name, values[i], l.Hex))
		})
	case "rpc-server":
		out.Flush()
		serveRPC()
	case "rpc-client":
		out.Flush()
		os.Exit(runRPCClient())
	default:
		fail("unknown command %q", os.Args[1])
	}
}

// encode is v as a gob stream; every value here is meant to encode, so failing to is fatal.
func encode(v any) []byte {
	data, err := lineproto.Encode(v)
	if err != nil {
		fail("encode %T: %v", v, err)
	}
	return data
}

func checkStream(l line, emit func(any)) {
	data, err := hex.DecodeString(l.Hex)
	if err != nil {
		emit(result{Name: "stream", Err: err.Error()})
		return
	}
	byName := map[string]any{}
	for _, c := range cases() {
		byName[c.name] = c.value
	}
	dec := gob.NewDecoder(bytes.NewReader(data))
	for _, name := range l.Names {
		original, ok := byName[name]
		if !ok {
			emit(result{Name: name, Err: "no such case"})
			return
		}
		want, err := lineproto.RoundTrip(original)
		if err != nil {
			emit(result{Name: name, Err: err.Error()})
			return
		}
		dst := reflect.New(reflect.TypeOf(original))
		if err := dec.Decode(dst.Interface()); err != nil {
			emit(result{Name: name, Err: "decode: " + err.Error()})
			return
		}
		emit(lineproto.Compare(name, dst.Elem().Interface(), want))
	}
}

func fail(format string, args ...any) { tool.Fail(format, args...) }
