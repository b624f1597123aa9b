// Package lineproto is the line protocol the Go sides of the differential gob tests speak with the TypeScript
// tests (test/gobcheck and sdk/gen/wirecheck): JSON lines {"name","hex"} of gob streams in, {"name","ok","err"}
// verdicts out, net/rpc over stdin/stdout. Standard library only, so test/gobcheck still builds offline.
package lineproto

import (
	"bufio"
	"bytes"
	"encoding/gob"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"reflect"
	"strconv"
)

// Line is one gob stream: a value's name (or, for a stream of several, their names) and its bytes in hex.
type Line struct {
	Name  string   `json:"name,omitempty"`
	Names []string `json:"names,omitempty"`
	Hex   string   `json:"hex"`
}

// Result is the verdict on one value.
type Result struct {
	Name string `json:"name"`
	OK   bool   `json:"ok"`
	Err  string `json:"err,omitempty"`
}

// Tool is one checker program; its name prefixes its fatal errors.
type Tool struct{ Name string }

// Fail reports a usage or I/O error and exits 2 (the tests tell it from a failed check, which exits 1).
func (t Tool) Fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, t.Name+": "+format+"\n", args...)
	os.Exit(2)
}

// IntArg is os.Args[i] as a number.
func (t Tool) IntArg(i int) int {
	if len(os.Args) <= i {
		t.Fail("missing argument %d", i)
	}
	n, err := strconv.Atoi(os.Args[i])
	if err != nil {
		t.Fail("bad number %q", os.Args[i])
	}
	return n
}

// EachLine calls fn with every Line on stdin.
func (t Tool) EachLine(fn func(Line)) {
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 256<<20) // a line holds a whole gob stream
	for sc.Scan() {
		var l Line
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fail("bad input line: %v", err)
		}
		fn(l)
	}
	if err := sc.Err(); err != nil {
		t.Fail("reading stdin: %v", err)
	}
}

// Writer writes JSON lines to stdout, buffered: Flush it before exiting or handing stdout to net/rpc.
type Writer struct{ *bufio.Writer }

func NewWriter() Writer { return Writer{bufio.NewWriter(os.Stdout)} }

// Emit writes v as one JSON line.
func (w Writer) Emit(v any) {
	b, _ := json.Marshal(v)
	w.Write(append(b, '\n'))
}

// Stdio is the net/rpc connection: requests on stdin, responses on stdout.
func Stdio() io.ReadWriteCloser { return stdio{os.Stdin, os.Stdout} }

type stdio struct {
	io.Reader
	io.Writer
}

func (stdio) Close() error { return os.Stdout.Close() }

// Encode is v as a fresh gob stream.
func Encode(v any) ([]byte, error) {
	var buf bytes.Buffer
	err := gob.NewEncoder(&buf).Encode(v)
	return buf.Bytes(), err
}

// DecodeAs decodes a gob stream's first value into a new value of typ.
func DecodeAs(typ reflect.Type, data []byte) (any, error) {
	dst := reflect.New(typ)
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(dst.Interface()); err != nil {
		return nil, err
	}
	return dst.Elem().Interface(), nil
}

// RoundTrip is what Go's gob makes of v: the value a TypeScript round trip must reproduce (gob cannot carry
// everything, e.g. nil vs empty slices, time.Time's *Location).
func RoundTrip(v any) (any, error) {
	data, err := Encode(v)
	if err != nil {
		return nil, err
	}
	return DecodeAs(reflect.TypeOf(v), data)
}

// Check decodes hexData (what TypeScript encoded) as original's type and compares it with Go's own round trip.
func Check(name string, original any, hexData string) Result {
	data, err := hex.DecodeString(hexData)
	if err != nil {
		return Result{Name: name, Err: "bad hex: " + err.Error()}
	}
	enc, err := Encode(original)
	if err != nil {
		return Result{Name: name, Err: "go encode: " + err.Error()}
	}
	want, err := DecodeAs(reflect.TypeOf(original), enc)
	if err != nil {
		return Result{Name: name, Err: "go round trip: " + err.Error()}
	}
	got, err := DecodeAs(reflect.TypeOf(original), data)
	if err != nil {
		return Result{Name: name, Err: "decode: " + err.Error()}
	}
	return Compare(name, got, want)
}

// Compare is the verdict on a decoded value against the expected one.
func Compare(name string, got, want any) Result {
	if !reflect.DeepEqual(got, want) {
		return Result{Name: name, Err: fmt.Sprintf("not DeepEqual:\n got  %#v\n want %#v", got, want)}
	}
	return Result{Name: name, OK: true}
}
