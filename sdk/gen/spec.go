package main

import (
	"encoding/json"
	"fmt"
	"go/types"
	"strings"
)

// The compact form of the generated wire descriptions (sdk/src/wire_spec.ts reads it): each struct's fields are one
// string literal of JSON, parsed on first use, since V8 scans a string far faster than it pre-parses code and
// loading the SDK parses every struct's description (issue #19: start-up time). A field is
// [goName, type, jsonName|null, omitEmpty?, flatten?]; a type is a string in a Go-like notation:
//   string bool iface bytes raw time url int8…uint64 float32 float64 complex64 complex128
//   *T  []T  [N]T  map[K]V  {} (the empty struct)  $wire:goName; (a self-encoding type)
//   @Name (a struct declared earlier)  ~Name (a struct declared later, referenced lazily: cycles)

// wireSpec is a Go type in that notation; structs not yet declared are referenced lazily.
func (g *gen) wireSpec(t types.Type, declared map[string]bool) string {
	if isRawJSON(t) {
		return "raw"
	}
	switch t := types.Unalias(t).(type) {
	case *types.Named:
		if w, ok := g.external(t); ok {
			switch {
			case isTime(t):
				return "time"
			case isURL(t):
				return "url"
			}
			return "$" + w + ":" + reflectString(t) + ";"
		}
		if s := g.structOf(t); s != nil {
			if declared[s.key] {
				return "@" + s.ts
			}
			return "~" + s.ts
		}
		return g.wireSpec(t.Underlying(), declared)
	case *types.Basic:
		switch t.Kind() {
		case types.Bool:
			return "bool"
		case types.String:
			return "string"
		case types.Float32, types.Float64, types.Complex64, types.Complex128,
			types.Int, types.Int8, types.Int16, types.Int32, types.Int64, types.Uint, types.Uint8, types.Uint16, types.Uint32, types.Uint64, types.Uintptr:
			return reflectString(t)
		}
	case *types.Pointer:
		return "*" + g.wireSpec(t.Elem(), declared)
	case *types.Slice:
		if isByte(t.Elem()) {
			return "bytes"
		}
		return "[]" + g.wireSpec(t.Elem(), declared)
	case *types.Array:
		return fmt.Sprintf("[%d]%s", t.Len(), g.wireSpec(t.Elem(), declared))
	case *types.Map:
		return "map[" + g.wireSpec(t.Key(), declared) + "]" + g.wireSpec(t.Elem(), declared)
	case *types.Interface:
		return "iface"
	case *types.Struct:
		if t.NumFields() == 0 {
			return "{}"
		}
	}
	return kindErr(t)
}

// fieldsSpec is a struct's gob fields in that form, as a single-quoted TypeScript string literal.
func (g *gen) fieldsSpec(s *structInfo, declared map[string]bool) string {
	rows := []any{}
	for _, f := range s.fields {
		if !f.gob {
			continue
		}
		var jsonName any
		if f.json != "" {
			jsonName = f.json
		}
		row := []any{f.goName, g.wireSpec(f.typ, declared), jsonName}
		if f.omit || f.flatten {
			row = append(row, boolInt(f.omit))
		}
		if f.flatten {
			row = append(row, 1)
		}
		rows = append(rows, row)
	}
	b, err := json.Marshal(rows)
	if err != nil {
		panic(err)
	}
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(string(b)) + "'"
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
