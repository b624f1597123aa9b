package main

import (
	"fmt"
	"go/types"
	"reflect"
	"sort"
	"strings"
)

// gen collects the named struct types reachable from the RPC structs and gives each a unique TypeScript name.
type gen struct {
	plugin  *types.Package
	seen    map[string]*structInfo // by full type string
	structs []*structInfo          // sorted by TypeScript name after finish
	// Named types with their own gob encoding (GobEncoder, BinaryMarshaler, TextMarshaler), by full type string.
	externals map[string]string
	// modelPrefix qualifies struct names in TypeScript types: "m." outside model.ts, "" inside it.
	modelPrefix string
}

type structInfo struct {
	key    string // full type string, unique
	named  *types.Named
	ts     string // TypeScript identifier
	goName string // reflect String(), informational on the gob wire
	fields []field
	embeds []*types.Named // untagged embedded structs: encoding/json flattens their fields
	// customJSON: the type (or its pointer) has its own MarshalJSON, so its JSON is not its fields'.
	customJSON bool
}

type field struct {
	goName   string
	flatten  bool // an untagged embedded struct: encoding/json lifts its fields into the outer object
	typ      types.Type
	gob      bool   // sent by gob (exported, not chan/func)
	json     string // JSON key, "" for `json:"-"` or a flattened embed
	omit     bool   // omitempty
	asString bool   // `json:",string"`
}

func newGen(plugin *types.Package) *gen {
	return &gen{plugin: plugin, seen: map[string]*structInfo{}, externals: map[string]string{}, modelPrefix: "m."}
}

func fullName(t types.Type) string {
	return types.TypeString(t, func(p *types.Package) string { return p.Path() })
}

// visit records every named struct reachable from t through gob-sent fields and composite types.
func (g *gen) visit(t types.Type) {
	switch t := types.Unalias(t).(type) {
	case *types.Pointer:
		g.visit(t.Elem())
	case *types.Slice:
		g.visit(t.Elem())
	case *types.Array:
		g.visit(t.Elem())
	case *types.Map:
		g.visit(t.Key())
		g.visit(t.Elem())
	case *types.Named:
		if _, ok := g.external(t); ok {
			return
		}
		st, ok := t.Underlying().(*types.Struct)
		if !ok {
			g.visit(t.Underlying())
			return
		}
		key := fullName(t)
		if g.seen[key] != nil {
			return
		}
		info := &structInfo{key: key, named: t, goName: reflectString(t), customJSON: hasMethod(t, "MarshalJSON")}
		g.seen[key] = info
		for i := 0; i < st.NumFields(); i++ {
			f := st.Field(i)
			tag := reflect.StructTag(st.Tag(i))
			name, opts, _ := strings.Cut(tag.Get("json"), ",")
			fl := field{goName: f.Name(), typ: f.Type(), gob: gobSent(f)}
			if f.Embedded() && name == "" && tag.Get("json") != "-" {
				if en, ok := derefNamed(f.Type()); ok {
					if _, isStruct := en.Underlying().(*types.Struct); isStruct {
						info.embeds = append(info.embeds, en)
						fl.flatten = true
					}
				}
			}
			if f.Exported() && name != "-" && !(f.Embedded() && name == "") {
				fl.json = name
				if fl.json == "" {
					fl.json = f.Name()
				}
				fl.omit = strings.Contains(","+opts+",", ",omitempty,")
				fl.asString = strings.Contains(","+opts+",", ",string,")
			}
			if !fl.gob && fl.json == "" {
				continue
			}
			info.fields = append(info.fields, fl)
			g.visit(f.Type())
		}
		for _, e := range info.embeds {
			g.visit(e)
		}
	}
}

func derefNamed(t types.Type) (*types.Named, bool) {
	if p, ok := types.Unalias(t).(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := types.Unalias(t).(*types.Named)
	return n, ok
}

// gobSent is encoding/gob's isSent: exported, and not a chan or func (or pointer to one).
func gobSent(f *types.Var) bool {
	if !f.Exported() {
		return false
	}
	t := f.Type().Underlying()
	for {
		p, ok := t.(*types.Pointer)
		if !ok {
			break
		}
		t = p.Elem().Underlying()
	}
	switch t.(type) {
	case *types.Chan, *types.Signature:
		return false
	}
	return true
}

// external reports the wire form of a named type that encodes itself, checked in encoding/gob's order:
// GobEncoder, then BinaryMarshaler, on the type or a pointer to it. gob ignores TextMarshaler (the case is
// commented out in encoding/gob's validUserType), so net.IP travels as plain bytes.
func (g *gen) external(n *types.Named) (string, bool) {
	key := fullName(n)
	if w, ok := g.externals[key]; ok {
		return w, w != ""
	}
	w := ""
	for _, c := range []struct{ method, wire string }{{"GobEncode", "gob"}, {"MarshalBinary", "binary"}} {
		if hasMethod(n, c.method) {
			w = c.wire
			break
		}
	}
	g.externals[key] = w
	return w, w != ""
}

func hasMethod(n *types.Named, name string) bool {
	for _, t := range []types.Type{n, types.NewPointer(n)} {
		ms := types.NewMethodSet(t)
		for i := 0; i < ms.Len(); i++ {
			f := ms.At(i).Obj()
			if f.Name() != name {
				continue
			}
			sig := f.Type().(*types.Signature)
			if sig.Params().Len() == 0 && sig.Results().Len() == 2 {
				return true
			}
		}
	}
	return false
}

// finish names the collected structs: model types by their Go name, the plugin package's Z_ structs as they are,
// anything else (and name clashes) prefixed with its package name; generic instances append their arguments.
func (g *gen) finish() {
	for _, s := range g.seen {
		g.structs = append(g.structs, s)
	}
	sort.Slice(g.structs, func(a, b int) bool { return g.structs[a].key < g.structs[b].key })
	base := func(s *structInfo, qualified bool) string {
		obj := s.named.Obj()
		name := obj.Name()
		if qualified || (obj.Pkg().Name() != "model" && !strings.HasPrefix(name, "Z_")) {
			name = upperFirst(obj.Pkg().Name()) + name
		}
		if args := s.named.TypeArgs(); args != nil {
			for i := 0; i < args.Len(); i++ {
				name += "_" + identOf(args.At(i))
			}
		}
		return name
	}
	count := map[string]int{}
	for _, s := range g.structs {
		count[base(s, false)]++
	}
	for _, s := range g.structs {
		s.ts = base(s, count[base(s, false)] > 1)
	}
	sort.Slice(g.structs, func(a, b int) bool { return g.structs[a].ts < g.structs[b].ts })
}

func identOf(t types.Type) string {
	switch t := types.Unalias(t).(type) {
	case *types.Pointer:
		return identOf(t.Elem())
	case *types.Named:
		return t.Obj().Name()
	}
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, types.TypeString(t, nil))
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func (g *gen) structOf(t types.Type) *structInfo {
	return g.seen[fullName(t)]
}

// kindErr marks a Go type the generator cannot describe; it never happens for the pinned module (checked by the
// generated output compiling), but a newer module may bring one.
func kindErr(t types.Type) string {
	panic(fmt.Sprintf("sdk/gen: no wire form for %s", fullName(t)))
}
