package main

import (
	"encoding/gob"
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"

	"tripwire.test/gobcheck/model"
	"tripwire.test/gobcheck/plugin"
)

type testCase struct {
	name  string
	value any
}

// Tree is recursive through a slice, a pointer and a map.
type Tree struct {
	Val  int
	Name string
	Kids []*Tree
	Next *Tree
	Meta map[string]*Tree
}

// A and B are mutually recursive.
type A struct {
	Name string
	B    *B
}

type B struct {
	N  int
	A  *A
	As []A
}

type Empty struct{}

// AllKinds has one field of every kind gob knows.
type AllKinds struct {
	B    bool
	I    int
	I8   int8
	I16  int16
	I32  int32
	I64  int64
	U    uint
	U8   uint8
	U16  uint16
	U32  uint32
	U64  uint64
	Uptr uintptr
	F32  float32
	F64  float64
	C64  complex64
	C128 complex128
	S    string
	Byt  []byte
	Arr  [3]int
	Sl   []string
	M    map[string]int
	P    *int
	PP   **string
	Any  any
	E    Empty
	T    time.Time
	URL  *url.URL
	Ch   chan int // never sent
	Fn   func()   // never sent
	priv int      //nolint:unused // unexported: never sent
}

// Holder puts values inside interfaces, the way Props and error fields carry them.
type Holder struct {
	X any
	Y any
	Z []any
}

// ErrReturns is shaped like a Z_*Returns struct whose result is an error interface.
type ErrReturns struct {
	A error
	B string
}

// RequestSubset is shaped like plugin.HTTPRequestSubset (a *url.URL and an http.Header).
type RequestSubset struct {
	Method     string
	URL        *url.URL
	Proto      string
	ProtoMajor int
	Header     http.Header
	Host       string
	When       time.Time
}

func init() {
	// Registered in Go but not in the TypeScript tests: exercises decoding unregistered names by their definition.
	gob.Register(map[string]int{})
	gob.Register(&Tree{})
	gob.Register(Empty{})
	gob.Register(time.Time{})
}

func ptr[T any](v T) *T { return &v }

func appError() *model.AppError {
	return &model.AppError{Id: "api.post.create", Message: "Unable to create post", DetailedError: "boom", RequestId: "r1", StatusCode: 400, Where: "CreatePost"}
}

func tree() *Tree {
	leaf := &Tree{Val: 3, Name: "leaf"}
	return &Tree{Val: 1, Name: "root", Kids: []*Tree{{Val: 2, Kids: []*Tree{leaf}}, leaf}, Next: &Tree{Val: -1}, Meta: map[string]*Tree{"l": leaf, "e": {}}}
}

func post() *model.Post {
	return &model.Post{
		Id: "p1", CreateAt: 1_700_000_000_123, UpdateAt: 1_700_000_000_456, UserId: "u1", ChannelId: "c1", RootId: "",
		Message: "hello **world** ✓ 🎉", Type: "custom_tripwire", Hashtags: "#a #b",
		Props: model.StringInterface{
			"s":     "x",
			"n":     1.5,
			"i":     7,
			"i64":   int64(1) << 60,
			"b":     true,
			"nil":   nil,
			"bytes": []byte{1, 2, 255},
			"list":  []any{map[string]any{"k": []any{"deep", map[string]any{"x": int8(3), "y": []any{}}}}, 2.0, false},
			"attachments": []*model.SlackAttachment{{Id: 1, Fallback: "fb", Color: "#ff0000", Title: "T", Text: "body",
				Fields: []*model.SlackAttachmentField{{Title: "f", Value: "v", Short: true}, {Title: "n", Value: 3.0}}, Timestamp: int64(1234)}},
			"err":   appError(),
			"empty": map[string]any{},
		},
		Filenames: model.StringArray{"a.txt"}, FileIds: model.StringArray{"f1", "f2"},
		RemoteId: ptr("remote"), ReplyCount: 2, IsFollowing: ptr(true),
		Participants: []*model.User{{Id: "u1", Username: "alice", Props: model.StringMap{"k": "v"}, AuthData: ptr("")}, {Id: "u2", IsBot: true, MfaTimestamps: []int64{1, 1 << 62}}},
		Metadata:     &model.PostMetadata{Embeds: []*model.PostEmbed{{Type: "link", URL: "https://example.com", Data: map[string]any{"title": "t"}}}},
	}
}

func cases() []testCase {
	u, _ := url.Parse("https://user:pa%20ss@mm.example.com:8065/plugins/x/api/v1/hello?x=1&y=%2F#frag")
	big := make([]byte, 300_000)
	for i := range big {
		big[i] = byte(i * 7)
	}
	return []testCase{
		{"bool", true},
		{"int-zero", 0},
		{"int-neg", -1},
		{"int-200", 200},
		{"int64-min", int64(math.MinInt64)},
		{"int64-max", int64(math.MaxInt64)},
		{"int64-2^60", int64(1) << 60},
		{"int64-2^53+1", int64(1)<<53 + 1},
		{"uint64-max", uint64(math.MaxUint64)},
		{"uint8-max", uint8(255)},
		{"int8-min", int8(-128)},
		{"int16", int16(-30000)},
		{"int32-min", int32(math.MinInt32)},
		{"uint32-max", uint32(math.MaxUint32)},
		{"uintptr", uintptr(12345)},
		{"float64-one", 1.0},
		{"float64-neg-zero", math.Copysign(0, -1)},
		{"float64-pi", math.Pi},
		{"float64-neg-inf", math.Inf(-1)},
		{"float64-tiny", math.SmallestNonzeroFloat64},
		{"float64-max", math.MaxFloat64},
		{"float32", float32(3.25)},
		{"float32-max", float32(math.MaxFloat32)},
		{"float32-third", float32(1.0 / 3)},
		{"complex128", complex(1.5, -2)},
		{"complex64", complex64(complex(float32(0.1), 3))},
		{"string-empty", ""},
		{"string", "hello"},
		{"string-unicode", "héllo wörld ✓ 🎉 日本語"},
		{"string-long", strings.Repeat("abc✓", 2000)},
		{"bytes-empty", []byte{}},
		{"bytes", []byte{0, 1, 255}},
		{"bytes-big", big},
		{"slice-int", []int{1, -2, 3}},
		{"slice-string", []string{"a", "", "c"}},
		{"slice-slice", [][]int{{1}, {}, {2, 3}}},
		{"slice-bool", []bool{true, false}},
		{"slice-any", []any{1, "x", nil, []any{}, 2.5}},
		{"slice-ptr", []*Tree{{Val: 1}, {Val: 2}}},
		{"array-int", [3]int{1, 2, 3}},
		{"array-2d", [2][2]string{{"a", "b"}, {"", "d"}}},
		{"array-empty", [0]int{}},
		{"array-bytes", [4]byte{1, 2, 3, 4}},
		{"map-string-int", map[string]int{"a": 1, "zero": 0}},
		{"map-int-string", map[int]string{1: "one", -5: "minus five", 0: ""}},
		{"map-header", http.Header{"Content-Type": {"text/plain"}, "X-Multi": {"a", "b"}}},
		{"map-array-key", map[[2]int]string{{1, 2}: "a", {3, 4}: "b"}},
		{"map-bool-float", map[bool]float64{true: 1, false: -0.5}},
		{"map-nested", map[string]map[string]int{"x": {"y": 1}, "e": {}}},
		{"map-empty", map[string]int{}},
		{"map-any", map[string]any{"s": "x", "n": 2.0, "nested": map[string]any{"a": []any{"b", true}}}},
		{"named-map", model.StringMap{"k": "v"}},
		{"named-slice", model.StringArray{"x", "y"}},
		{"empty-struct", Empty{}},
		{"allkinds-zero", AllKinds{}},
		{"allkinds", AllKinds{
			B: true, I: -7, I8: -8, I16: 16, I32: -32, I64: 1 << 62, U: 7, U8: 8, U16: 16, U32: 1 << 31, U64: math.MaxUint64,
			Uptr: 9, F32: 0.5, F64: -2.25, C64: complex(1, 2), C128: complex(-3, 4.5), S: "s", Byt: []byte("b"),
			Arr: [3]int{0, 1, 0}, Sl: []string{"q"}, M: map[string]int{"m": 1}, P: ptr(5), PP: ptr(ptr("pp")),
			Any: int8(3), T: time.Date(2024, 2, 29, 12, 30, 45, 123456789, time.UTC), URL: u, Ch: make(chan int), Fn: func() {},
		}},
		{"allkinds-ptr-to-zero", AllKinds{P: new(int), PP: ptr(new(string)), Any: 0, Sl: []string{}, M: map[string]int{}}},
		{"tree", tree()},
		{"mutual", &A{Name: "a", B: &B{N: 1, A: &A{Name: "inner"}, As: []A{{Name: "x"}, {B: &B{N: 2}}}}}},
		{"iface-int8", Holder{X: int8(3)}},
		{"iface-ints", Holder{X: 7, Y: int64(-1) << 60, Z: []any{uint64(math.MaxUint64), uint8(1), int16(-2), uintptr(3)}}},
		{"iface-floats", Holder{X: float32(0.25), Y: complex(1, -1), Z: []any{1.5, complex64(2)}}},
		{"iface-basic", Holder{X: "str", Y: true, Z: []any{"", false, []byte{9}}}},
		{"iface-slices", Holder{X: []string{"a", "b"}, Y: []int{1, 2}, Z: []any{[]float64{0.5}, []bool{true}}}},
		{"iface-nested", Holder{X: map[string]any{"a": []any{map[string]any{"b": int8(1), "c": []any{int16(2), map[string]any{}}}}}}},
		{"iface-registered", Holder{X: appError(), Y: &plugin.ErrorString{Code: 1, Err: "EOF"}, Z: []any{appError(), nil}}},
		{"iface-attachments", Holder{X: []*model.SlackAttachment{{Id: 1, Title: "t", Fields: []*model.SlackAttachmentField{{Title: "f", Value: 1.0}}}}}},
		{"iface-unregistered", Holder{X: map[string]int{"a": 1}, Y: tree(), Z: []any{Empty{}, time.Date(2001, 1, 1, 0, 0, 0, 1, time.FixedZone("", 3600))}}},
		{"iface-nil", Holder{}},
		{"error-apperror", ErrReturns{A: appError(), B: "x"}},
		{"error-errorstring", ErrReturns{A: &plugin.ErrorString{Code: 1, Err: "EOF"}}},
		{"error-nil", ErrReturns{B: "only b"}},
		{"post", post()},
		{"post-minimal", &model.Post{ChannelId: "c", Message: "m"}},
		{"request-subset", RequestSubset{Method: "GET", URL: u, Proto: "HTTP/1.1", ProtoMajor: 1, Header: http.Header{"Accept": {"*/*"}}, Host: "mm",
			When: time.Date(2030, 6, 1, 1, 2, 3, 4, time.FixedZone("", -(7*3600+30*60)))}},
		{"time-utc", time.Date(2024, 2, 29, 12, 30, 45, 123456789, time.UTC)},
		{"time-zone-seconds", time.Date(1999, 12, 31, 23, 59, 59, 0, time.FixedZone("", 3600+1))},
		{"time-zero", time.Time{}},
		{"url-ptr", u},
		{"ptr-to-zero-int", new(int)},
		{"ptr-ptr-string", ptr(ptr("deep"))},
	}
}
