package main

import (
	"encoding/gob"
	"fmt"
	"math"
	"math/rand"
	"reflect"
	"strings"
	"time"

	"tripwire.test/gobcheck/model"
	"tripwire.test/gobcheck/plugin"
)

// randomValues returns n values of random types, the same ones for the same seed (types are built with reflect, so
// structs are unnamed; interfaces hold registered types, some of them registered here on the fly).
func randomValues(seed int64, n int) []any {
	g := &gen{r: rand.New(rand.NewSource(seed))}
	out := make([]any, n)
	for i := range out {
		t := g.typ(4)
		if t.Kind() == reflect.Interface {
			out[i] = g.concrete(4).Interface() // a top-level value cannot be a nil interface
			continue
		}
		out[i] = g.value(t, 4, false).Interface()
	}
	return out
}

type gen struct {
	r *rand.Rand
}

var (
	basicTypes = []reflect.Type{
		reflect.TypeFor[bool](), reflect.TypeFor[int](), reflect.TypeFor[int8](), reflect.TypeFor[int16](),
		reflect.TypeFor[int32](), reflect.TypeFor[int64](), reflect.TypeFor[uint](), reflect.TypeFor[uint8](),
		reflect.TypeFor[uint16](), reflect.TypeFor[uint32](), reflect.TypeFor[uint64](), reflect.TypeFor[uintptr](),
		reflect.TypeFor[float32](), reflect.TypeFor[float64](), reflect.TypeFor[complex64](), reflect.TypeFor[complex128](),
		reflect.TypeFor[string](), reflect.TypeFor[string](), reflect.TypeFor[[]byte](), reflect.TypeFor[time.Time](),
	}
	keyTypes = []reflect.Type{
		reflect.TypeFor[string](), reflect.TypeFor[int](), reflect.TypeFor[int64](), reflect.TypeFor[uint8](),
		reflect.TypeFor[bool](), reflect.TypeFor[float64](), reflect.TypeFor[[2]int](), reflect.TypeFor[struct {
			K int
			S string
		}](),
	}
	anyType  = reflect.TypeFor[any]()
	treeType = reflect.TypeFor[Tree]()
	postType = reflect.TypeFor[model.Post]()
)

func (g *gen) typ(depth int) reflect.Type {
	if depth <= 0 || g.r.Intn(4) == 0 {
		return basicTypes[g.r.Intn(len(basicTypes))]
	}
	switch g.r.Intn(10) {
	case 0, 1:
		return reflect.SliceOf(g.typ(depth - 1))
	case 2:
		return reflect.ArrayOf(g.r.Intn(4), g.typ(depth-1))
	case 3:
		return reflect.MapOf(keyTypes[g.r.Intn(len(keyTypes))], g.typ(depth-1))
	case 4:
		return reflect.PointerTo(g.typ(depth - 1))
	case 5, 6:
		fields := make([]reflect.StructField, g.r.Intn(6))
		for i := range fields {
			fields[i] = reflect.StructField{Name: fmt.Sprintf("F%d", i), Type: g.typ(depth - 1)}
		}
		return reflect.StructOf(fields)
	case 7:
		return anyType
	case 8:
		return reflect.PointerTo(treeType)
	default:
		return reflect.PointerTo(postType)
	}
}

// value makes a random value of t; nil pointers only where gob allows them (struct fields).
func (g *gen) value(t reflect.Type, depth int, nilOK bool) reflect.Value {
	v := reflect.New(t).Elem()
	switch t.Kind() {
	case reflect.Bool:
		v.SetBool(g.r.Intn(2) == 0)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(g.int(t.Bits()))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		v.SetUint(g.uint(t.Bits()))
	case reflect.Float32:
		v.SetFloat(float64(math.Float32frombits(g.floatBits32())))
	case reflect.Float64:
		v.SetFloat(g.float64())
	case reflect.Complex64:
		v.SetComplex(complex(float64(math.Float32frombits(g.floatBits32())), float64(math.Float32frombits(g.floatBits32()))))
	case reflect.Complex128:
		v.SetComplex(complex(g.float64(), g.float64()))
	case reflect.String:
		v.SetString(g.string())
	case reflect.Slice:
		if g.r.Intn(6) == 0 {
			break // nil
		}
		n := g.r.Intn(5)
		if t.Elem().Kind() == reflect.Uint8 && g.r.Intn(4) == 0 {
			n = g.r.Intn(3000)
		}
		s := reflect.MakeSlice(t, n, n)
		for i := 0; i < n; i++ {
			s.Index(i).Set(g.value(t.Elem(), depth-1, false))
		}
		v.Set(s)
	case reflect.Array:
		for i := 0; i < t.Len(); i++ {
			v.Index(i).Set(g.value(t.Elem(), depth-1, false))
		}
	case reflect.Map:
		if g.r.Intn(6) == 0 {
			break // nil
		}
		m := reflect.MakeMap(t)
		for i := g.r.Intn(4); i > 0; i-- {
			m.SetMapIndex(g.value(t.Key(), 0, false), g.value(t.Elem(), depth-1, false))
		}
		v.Set(m)
	case reflect.Pointer:
		if nilOK && g.r.Intn(3) == 0 {
			break
		}
		if t.Elem() == treeType {
			v.Set(reflect.ValueOf(g.tree(3)))
			break
		}
		if t.Elem() == postType {
			v.Set(reflect.ValueOf(g.post()))
			break
		}
		p := reflect.New(t.Elem())
		p.Elem().Set(g.value(t.Elem(), depth-1, false))
		v.Set(p)
	case reflect.Struct:
		if t == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(g.time()))
			break
		}
		for i := 0; i < t.NumField(); i++ {
			v.Field(i).Set(g.value(t.Field(i).Type, depth-1, true))
		}
	case reflect.Interface:
		if g.r.Intn(5) > 0 {
			v.Set(g.concrete(depth - 1))
		}
	}
	return v
}

// concrete is a value for an interface{}: a type gob (and Mattermost) registers, or a random one registered now.
func (g *gen) concrete(depth int) reflect.Value {
	switch g.r.Intn(8) {
	case 0:
		return reflect.ValueOf(&model.AppError{Id: g.string(), Message: g.string(), StatusCode: int(g.int(16))})
	case 1:
		return reflect.ValueOf(&plugin.ErrorString{Code: int(g.int(8)), Err: g.string()})
	case 2:
		return reflect.ValueOf(map[string]any{g.string(): g.value(anyType, depth-1, false).Interface()})
	case 3:
		return reflect.ValueOf([]any{g.value(anyType, depth-1, false).Interface(), g.string()})
	case 4:
		return reflect.ValueOf(g.tree(2))
	}
	t := g.typ(depth)
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Interface {
		t = basicTypes[g.r.Intn(len(basicTypes))]
	}
	gob.Register(reflect.Zero(t).Interface())
	return g.value(t, depth, false)
}

func (g *gen) tree(depth int) *Tree {
	t := &Tree{Val: int(g.int(64)), Name: g.string()}
	if depth > 0 {
		for i := g.r.Intn(3); i > 0; i-- {
			t.Kids = append(t.Kids, g.tree(depth-1))
		}
		if g.r.Intn(2) == 0 {
			t.Next = g.tree(depth - 1)
		}
		if g.r.Intn(3) == 0 {
			t.Meta = map[string]*Tree{g.string(): g.tree(depth - 1)}
		}
	}
	return t
}

func (g *gen) post() *model.Post {
	p := &model.Post{Id: g.string(), CreateAt: g.int(64), ChannelId: g.string(), Message: g.string(), IsPinned: g.r.Intn(2) == 0}
	if g.r.Intn(2) == 0 {
		p.Props = model.StringInterface{}
		for i := g.r.Intn(4); i > 0; i-- {
			p.Props[g.string()] = g.value(anyType, 3, false).Interface()
		}
	}
	if g.r.Intn(3) == 0 {
		p.RemoteId = new(string)
		*p.RemoteId = g.string()
	}
	return p
}

func (g *gen) int(bits int) int64 {
	switch g.r.Intn(5) {
	case 0:
		return 0
	case 1:
		return int64(g.r.Intn(300)) - 150
	case 2:
		return -1 << (bits - 1) // min
	case 3:
		return 1<<(bits-1) - 1 // max
	}
	return int64(g.r.Uint64()) >> (64 - bits)
}

func (g *gen) uint(bits int) uint64 {
	switch g.r.Intn(4) {
	case 0:
		return 0
	case 1:
		return uint64(g.r.Intn(300))
	case 2:
		return math.MaxUint64 >> (64 - bits)
	}
	return g.r.Uint64() >> (64 - bits)
}

func (g *gen) float64() float64 {
	switch g.r.Intn(6) {
	case 0:
		return 0
	case 1:
		return math.Copysign(0, -1)
	case 2:
		return math.Inf(1 - 2*g.r.Intn(2))
	case 3:
		return float64(g.r.Intn(2000)) / 8
	}
	for {
		if f := math.Float64frombits(g.r.Uint64()); !math.IsNaN(f) {
			return f
		}
	}
}

func (g *gen) floatBits32() uint32 {
	for {
		b := g.r.Uint32()
		if g.r.Intn(3) == 0 {
			b = math.Float32bits(float32(g.r.Intn(100)) / 4)
		}
		if f := math.Float32frombits(b); !math.IsNaN(float64(f)) {
			return b
		}
	}
}

var runeRanges = [][2]rune{{0x20, 0x7e}, {0x20, 0x7e}, {0xa0, 0x17f}, {0x3040, 0x30ff}, {0x4e00, 0x4fff}, {0x1f300, 0x1f64f}, {0, 0x1f}}

func (g *gen) string() string {
	n := g.r.Intn(12)
	if g.r.Intn(10) == 0 {
		n = 200 + g.r.Intn(500)
	}
	var b strings.Builder
	for i := 0; i < n; i++ {
		rg := runeRanges[g.r.Intn(len(runeRanges))]
		b.WriteRune(rg[0] + rune(g.r.Intn(int(rg[1]-rg[0]+1))))
	}
	return b.String()
}

func (g *gen) time() time.Time {
	if g.r.Intn(5) == 0 {
		return time.Time{}
	}
	t := time.Unix(g.r.Int63n(1<<34)-1<<33, g.r.Int63n(1e9))
	switch g.r.Intn(3) {
	case 0:
		return t.UTC()
	case 1:
		return t.In(time.FixedZone("", (g.r.Intn(48)-24)*1800))
	}
	return t.In(time.FixedZone("", g.r.Intn(50000)-25000))
}
