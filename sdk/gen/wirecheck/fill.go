package main

import (
	"crypto/x509"
	"encoding"
	"encoding/gob"
	"encoding/json"
	"math"
	"math/big"
	"math/rand"
	"net"
	"reflect"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
)

// filler sets random values into every field gob sends, to a depth limit (model structs nest deeply and some
// recurse). Interface values hold what plugins really send in them: JSON-like values, int64s and *model.AppError.
type filler struct {
	r *rand.Rand
	// jsonSafe: what survives a trip through JSON shapes and back: interface values only of the types JSON can tell
	// apart (string, float64, bool, map[string]any, []any), no errors, no empty slices or maps (omitempty cannot
	// tell them from nil), and `json:"-"` fields (server-side only, gob alone carries them) left zero.
	jsonSafe bool
}

var (
	timeType    = reflect.TypeFor[time.Time]()
	ipType      = reflect.TypeFor[net.IP]()
	bigIntType  = reflect.TypeFor[big.Int]()
	rawJSONType = reflect.TypeFor[json.RawMessage]()
	// json.RawMessage must hold JSON (encoding/json checks it); gob carries it as bytes either way.
	rawJSON      = []string{`{"k":"v","n":[1,2.5,null]}`, `"text"`, `42`, `[true,false]`, `null`}
	oidType      = reflect.TypeFor[x509.OID]()
	errorType    = reflect.TypeFor[error]()
	gobEncoder   = reflect.TypeFor[gob.GobEncoder]()
	binMarshaler = reflect.TypeFor[encoding.BinaryMarshaler]()
)

// selfEncoding: types gob hands their own bytes (GobEncoder, BinaryMarshaler; never TextMarshaler); apart from
// time.Time, big.Int and x509.OID (filled above) there are none in the plugin API.
func selfEncoding(t reflect.Type) bool {
	for _, i := range []reflect.Type{gobEncoder, binMarshaler} {
		if t.Implements(i) || reflect.PointerTo(t).Implements(i) {
			return true
		}
	}
	return false
}

var words = []string{"", "a", "post", "ünïcødé ✓", "id_0123456789abcdefghijklmn", "with\nnewline", "🙂"}

func (g *filler) str() string {
	if g.r.Intn(3) == 0 {
		return words[g.r.Intn(len(words))]
	}
	b := make([]byte, g.r.Intn(12))
	for i := range b {
		b[i] = byte('a' + g.r.Intn(26))
	}
	return string(b)
}

// elem fills a slice, array or map element: gob refuses nil pointers there ("encodeArray: nil element").
func (g *filler) elem(v reflect.Value, depth int) {
	if v.Kind() == reflect.Pointer {
		p := reflect.New(v.Type().Elem())
		g.elem(p.Elem(), depth-1)
		v.Set(p)
		return
	}
	g.fill(v, depth)
}

func (g *filler) fill(v reflect.Value, depth int) {
	t := v.Type()
	switch {
	case t == timeType:
		if g.r.Intn(3) > 0 {
			v.Set(reflect.ValueOf(time.Unix(g.r.Int63n(4e9), g.r.Int63n(1e9)).UTC()))
		}
		return
	case t == ipType:
		if g.r.Intn(2) == 0 {
			v.Set(reflect.ValueOf(net.IPv4(byte(g.r.Intn(256)), byte(g.r.Intn(256)), byte(g.r.Intn(256)), byte(g.r.Intn(256)))))
		}
		return
	case t == rawJSONType:
		if g.r.Intn(3) > 0 {
			n := len(rawJSON)
			if g.jsonSafe {
				n-- // a JSON null is nil to JSON shapes
			}
			v.SetBytes([]byte(rawJSON[g.r.Intn(n)]))
		}
		return
	case t == bigIntType:
		v.Set(reflect.ValueOf(big.NewInt(g.bigInt())).Elem())
		return
	case t == oidType:
		if oid, err := x509.OIDFromInts([]uint64{1, 2, uint64(g.r.Intn(1000)), uint64(g.r.Int63())}); err == nil && g.r.Intn(2) == 0 {
			v.Set(reflect.ValueOf(oid))
		}
		return
	case selfEncoding(t):
		return
	}
	switch t.Kind() {
	case reflect.Bool:
		v.SetBool(g.r.Intn(2) == 0)
	case reflect.Int, reflect.Int64:
		v.SetInt(g.bigInt())
	case reflect.Int8, reflect.Int16, reflect.Int32:
		bits := t.Bits()
		v.SetInt(g.r.Int63n(1<<bits) - 1<<(bits-1))
	case reflect.Uint, reflect.Uint64, reflect.Uintptr:
		v.SetUint(uint64(g.bigInt()) * uint64(1+g.r.Intn(2)))
	case reflect.Uint8, reflect.Uint16, reflect.Uint32:
		v.SetUint(uint64(g.r.Int63n(1 << t.Bits())))
	case reflect.Float32:
		v.SetFloat(float64(float32(g.r.NormFloat64() * 1e3)))
	case reflect.Float64:
		v.SetFloat(g.r.NormFloat64() * math.Pow(10, float64(g.r.Intn(20)-5)))
	case reflect.Complex64, reflect.Complex128:
		v.SetComplex(complex(float64(float32(g.r.NormFloat64())), float64(float32(g.r.NormFloat64()))))
	case reflect.String:
		v.SetString(g.str())
	case reflect.Slice:
		if depth <= 0 || g.r.Intn(4) == 0 {
			return
		}
		n := g.r.Intn(3)
		if g.jsonSafe {
			n++
		}
		if t.Elem().Kind() == reflect.Uint8 {
			n = g.r.Intn(20)
		}
		s := reflect.MakeSlice(t, n, n)
		for i := 0; i < n; i++ {
			g.elem(s.Index(i), depth-1)
		}
		v.Set(s)
	case reflect.Array:
		for i := 0; i < v.Len(); i++ {
			g.elem(v.Index(i), depth-1)
		}
	case reflect.Map:
		if depth <= 0 || g.r.Intn(4) == 0 {
			return
		}
		m := reflect.MakeMap(t)
		n := g.r.Intn(3)
		if g.jsonSafe {
			n++
		}
		for i := n; i > 0; i-- {
			k := reflect.New(t.Key()).Elem()
			g.fill(k, depth-1)
			e := reflect.New(t.Elem()).Elem()
			g.elem(e, depth-1)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.Pointer:
		if depth <= 0 || g.r.Intn(4) == 0 {
			return
		}
		p := reflect.New(t.Elem())
		g.fill(p.Elem(), depth-1)
		v.Set(p)
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			if f := t.Field(i); f.IsExported() && !(g.jsonSafe && f.Tag.Get("json") == "-") {
				g.fill(v.Field(i), depth-1)
			}
		}
	case reflect.Interface:
		if x := g.iface(t, depth); x != nil {
			v.Set(reflect.ValueOf(x))
		}
	}
}

// bigInt is an int64 that is sometimes beyond 2^53 (JS numbers), to exercise the TypeScript bigint path.
func (g *filler) bigInt() int64 {
	switch g.r.Intn(4) {
	case 0:
		return g.r.Int63() - g.r.Int63()
	case 1:
		return 1_700_000_000_000 + g.r.Int63n(1e9)
	}
	return g.r.Int63n(2000) - 1000
}

func (g *filler) iface(t reflect.Type, depth int) any {
	if g.r.Intn(3) == 0 {
		return nil
	}
	if g.jsonSafe && (t == errorType || t.NumMethod() != 0) {
		return nil
	}
	if t == errorType {
		return &model.AppError{Id: g.str(), Message: g.str(), StatusCode: g.r.Intn(600), Where: g.str()}
	}
	if t.NumMethod() != 0 {
		return nil // io.ReadCloser and the like: nothing a plugin sends
	}
	choice := g.r.Intn(7)
	if g.jsonSafe && (choice == 3 || choice == 6) {
		choice = 0
	}
	switch choice {
	case 0:
		return g.str()
	case 1:
		return g.r.NormFloat64()
	case 2:
		return g.r.Intn(2) == 0
	case 3:
		return g.bigInt()
	case 4:
		if depth > 0 {
			return map[string]any{g.str(): g.iface(t, depth-1), "k": g.str()}
		}
	case 5:
		if depth > 0 {
			return []any{g.iface(t, depth-1), g.str()}
		}
	}
	if g.jsonSafe {
		return g.str()
	}
	return &model.AppError{Id: g.str(), StatusCode: 400}
}
