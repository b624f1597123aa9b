package main

import (
	"fmt"
	"go/types"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

var identRe = regexp.MustCompile(`^[A-Za-z_$][A-Za-z0-9_$]*$`)

func key(s string) string {
	if identRe.MatchString(s) {
		return s
	}
	return fmt.Sprintf("%q", s)
}

func isTime(n *types.Named) bool { return fullName(n) == "time.Time" }
func isRawJSON(t types.Type) bool {
	n, ok := types.Unalias(t).(*types.Named)
	return ok && fullName(n) == "encoding/json.RawMessage"
}
func isURL(n *types.Named) bool { return fullName(n) == "net/url.URL" }

// jsonType is the TypeScript type of a Go type's JSON form, as encoding/json writes it (with the SDK's two
// conventions: []byte stays a Uint8Array, 64-bit integers are numbers).
func (g *gen) jsonType(t types.Type) string {
	if isRawJSON(t) {
		return "unknown"
	}
	switch t := types.Unalias(t).(type) {
	case *types.Named:
		if _, ok := g.external(t); ok {
			if isTime(t) || isURL(t) {
				return "string"
			}
			return "unknown"
		}
		if s := g.structOf(t); s != nil {
			return g.modelPrefix + s.ts
		}
		return g.jsonType(t.Underlying())
	case *types.Basic:
		switch {
		case t.Info()&types.IsBoolean != 0:
			return "boolean"
		case t.Info()&types.IsString != 0:
			return "string"
		case t.Info()&types.IsComplex != 0:
			return "{real: number; imag: number}"
		case t.Info()&types.IsNumeric != 0:
			return "number"
		}
	case *types.Pointer:
		return g.jsonType(t.Elem()) + " | null"
	case *types.Slice:
		if isByte(t.Elem()) {
			return "Uint8Array | null"
		}
		return "Array<" + g.jsonType(t.Elem()) + ">"
	case *types.Array:
		return "Array<" + g.jsonType(t.Elem()) + ">"
	case *types.Map:
		return "Record<string, " + g.jsonType(t.Elem()) + ">"
	case *types.Interface, *types.Signature, *types.Chan:
		return "unknown"
	case *types.Struct:
		if t.NumFields() == 0 {
			return "Record<string, never>"
		}
	}
	return "unknown"
}

func isByte(t types.Type) bool {
	b, ok := types.Unalias(t).Underlying().(*types.Basic)
	return ok && b.Kind() == types.Uint8
}

// wireType is the SDK wire vocabulary expression for a Go type; structs not yet declared are referenced lazily.
func (g *gen) wireType(t types.Type, declared map[string]bool) string {
	if isRawJSON(t) {
		return "x.rawJson"
	}
	switch t := types.Unalias(t).(type) {
	case *types.Named:
		if w, ok := g.external(t); ok {
			switch {
			case isTime(t):
				return "x.time"
			case isURL(t):
				return "x.url"
			}
			return fmt.Sprintf("x.external(%q, %q)", reflectString(t), w)
		}
		if s := g.structOf(t); s != nil {
			if declared[s.key] {
				return s.ts
			}
			return "x.lazy(() => " + s.ts + ")"
		}
		return g.wireType(t.Underlying(), declared)
	case *types.Basic:
		switch t.Kind() {
		case types.Bool:
			return "x.bool"
		case types.String:
			return "x.string"
		case types.Float32, types.Float64:
			return fmt.Sprintf("x.float(%q)", reflectString(t))
		case types.Complex64, types.Complex128:
			return fmt.Sprintf("x.complex(%q)", reflectString(t))
		case types.Int, types.Int8, types.Int16, types.Int32, types.Int64, types.Uint, types.Uint8, types.Uint16, types.Uint32, types.Uint64, types.Uintptr:
			return fmt.Sprintf("x.int(%q)", reflectString(t))
		}
	case *types.Pointer:
		return "x.ptr(" + g.wireType(t.Elem(), declared) + ")"
	case *types.Slice:
		if isByte(t.Elem()) {
			return "x.bytes"
		}
		return "x.slice(" + g.wireType(t.Elem(), declared) + ")"
	case *types.Array:
		return fmt.Sprintf("x.array(%s, %d)", g.wireType(t.Elem(), declared), t.Len())
	case *types.Map:
		return "x.map(" + g.wireType(t.Key(), declared) + ", " + g.wireType(t.Elem(), declared) + ")"
	case *types.Interface:
		return "x.iface"
	case *types.Struct:
		if t.NumFields() == 0 {
			return "x.struct('struct {}', [])"
		}
	}
	return kindErr(t)
}

func (g *gen) modelTS() string {
	var b strings.Builder
	b.WriteString("// The JSON shapes of every struct reachable from the plugin API and hooks, keyed by Mattermost's JSON names.\n")
	g.modelPrefix = ""
	defer func() { g.modelPrefix = "m." }()
	for _, s := range g.structs {
		if strings.HasPrefix(s.ts, "Z_") {
			continue
		}
		doc := s.goName
		if s.customJSON {
			doc += " (has its own MarshalJSON: its JSON may differ from these fields)"
		}
		fmt.Fprintf(&b, "\n/** %s */\nexport interface %s", doc, s.ts)
		if len(s.embeds) > 0 {
			var ext []string
			for _, e := range s.embeds {
				if es := g.structOf(e); es != nil {
					ext = append(ext, es.ts)
				}
			}
			if len(ext) > 0 {
				b.WriteString(" extends " + strings.Join(ext, ", "))
			}
		}
		b.WriteString(" {\n")
		for _, f := range s.fields {
			if f.json == "" {
				continue
			}
			typ := g.jsonType(f.typ)
			if f.asString {
				typ = "string"
			}
			opt := ""
			if f.omit {
				opt = "?"
			}
			fmt.Fprintf(&b, "    %s%s: %s;\n", key(f.json), opt, typ)
		}
		b.WriteString("}\n")
	}
	return b.String()
}

// wireTS declares every struct in dependency order (a struct after the structs it uses), so only cycles need lazy
// references (the runtime builds a struct's descriptor from its fields'). Each struct's fields are a string in the
// notation of spec.go, parsed on first use: loading the module costs little more than scanning the strings.
func (g *gen) wireTS(registered []registration) string {
	var b strings.Builder
	b.WriteString("// gob wire descriptions: Go field names and types (what net/rpc sends), with each field's JSON name.\n")
	b.WriteString("import {x, type SdkWire} from '../wire';\n")
	b.WriteString("import {structTable} from '../wire_spec';\n")
	b.WriteString("import type * as m from './model';\n")
	b.WriteString("\n/** The reply of ServeHTTP and ServeMetrics (their RPC servers reply with *struct{}). */\n")
	b.WriteString("export const EMPTY: SdkWire<Record<string, never>> = x.struct('struct {}', []);\n")
	b.WriteString("\n// Each struct's fields in the compact notation of sdk/src/wire_spec.ts, parsed on first use.\n")
	b.WriteString("const struct = structTable();\n\n")
	declared := map[string]bool{}
	visiting := map[string]bool{}
	var emit func(s *structInfo)
	emit = func(s *structInfo) {
		if declared[s.key] || visiting[s.key] {
			return
		}
		visiting[s.key] = true
		for _, f := range s.fields {
			if f.gob {
				g.eachStruct(f.typ, emit)
			}
		}
		jsType := "m." + s.ts
		if strings.HasPrefix(s.ts, "Z_") {
			jsType = "Record<string, unknown>"
		}
		custom := ""
		if s.customJSON {
			custom = ", true"
		}
		fmt.Fprintf(&b, "export const %s: SdkWire<%s> = struct(%q, %q, %s%s);\n", s.ts, jsType, s.ts, s.goName, g.fieldsSpec(s, declared), custom)
		declared[s.key] = true
	}
	for _, s := range g.structs {
		emit(s)
	}
	b.WriteString("\n/** The concrete types interface values may carry, by the name plugin's init() registers them with gob. */\n")
	b.WriteString("export const interfaceTypes: ReadonlyArray<readonly [goName: string, type: SdkWire]> = [\n")
	for _, r := range registered {
		fmt.Fprintf(&b, "    [%q, %s],\n", r.name, g.wireType(r.typ, declared))
	}
	b.WriteString("];\n")
	return b.String()
}

// eachStruct calls fn for each named struct t refers to (through pointers, slices, arrays and maps).
func (g *gen) eachStruct(t types.Type, fn func(*structInfo)) {
	switch t := types.Unalias(t).(type) {
	case *types.Named:
		if s := g.structOf(t); s != nil {
			fn(s)
		} else if _, ok := g.external(t); !ok {
			g.eachStruct(t.Underlying(), fn)
		}
	case *types.Pointer:
		g.eachStruct(t.Elem(), fn)
	case *types.Slice:
		g.eachStruct(t.Elem(), fn)
	case *types.Array:
		g.eachStruct(t.Elem(), fn)
	case *types.Map:
		g.eachStruct(t.Key(), fn)
		g.eachStruct(t.Elem(), fn)
	}
}

func (g *gen) structRef(t types.Type) string {
	if s := g.structOf(t); s != nil {
		return "W." + s.ts
	}
	return "W.EMPTY"
}

func paramList(g *gen, tuple *types.Tuple, prefix string, variadic bool) string {
	var parts []string
	for i := 0; i < tuple.Len(); i++ {
		v := tuple.At(i)
		name := v.Name()
		if name == "" || name == "_" {
			name = fmt.Sprintf("%s%d", prefix, i)
		}
		if variadic && i == tuple.Len()-1 {
			parts = append(parts, "..."+name+": "+g.jsonType(v.Type()))
			continue
		}
		parts = append(parts, name+": "+g.jsonType(v.Type()))
	}
	return strings.Join(parts, ", ")
}

func sortStrings(s []string) { sort.Strings(s) }

func (g *gen) tableTS(kind string, ms []method) string {
	var b strings.Builder
	table, sigs, noRPC := "apiMethods", "ApiSignatures", "apiMethodsWithoutRpc"
	if kind == "hooks" {
		table, sigs, noRPC = "hookMethods", "HookSignatures", "hooksWithoutRpc"
		b.WriteString("// Every hook of plugin.Hooks: its ID (the <Hook>ID constant the hooks client checks Implemented against)\n")
		b.WriteString("// and the net/rpc structs of \"Plugin.<Hook>\" on the hooks connection.\n")
	} else {
		b.WriteString("// Every method of plugin.API: the net/rpc structs of \"Plugin.<Method>\" on the API connection.\n")
	}
	b.WriteString("import type {SdkMethodDef} from '../wire';\n")
	b.WriteString("import type * as m from './model';\n")
	b.WriteString("import * as W from './wire';\n\n")
	fmt.Fprintf(&b, "export const %s = {\n", table)
	var without []string
	for _, m := range ms {
		if m.args == nil {
			without = append(without, m.name)
			continue
		}
		id := ""
		if kind == "hooks" && m.id >= 0 {
			id = fmt.Sprintf("id: %d, ", m.id)
		}
		direct := ""
		if g.direct(m) {
			direct = ", direct: true"
		}
		if m.sig.Variadic() {
			direct += ", variadic: true"
		}
		if streams := g.streams(m); streams != "" {
			direct += ", streams: {" + streams + "}"
		}
		fmt.Fprintf(&b, "    %s: {%sargs: %s, returns: %s%s},\n", m.name, id, g.structRef(m.args), g.structRef(m.returns), direct)
	}
	b.WriteString("} as const satisfies Record<string, SdkMethodDef>;\n\n")
	fmt.Fprintf(&b, "/** In the Go interface but served by no RPC method of this module version. */\nexport const %s: readonly string[] = [", noRPC)
	for i, n := range without {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%q", n)
	}
	b.WriteString("];\n\n")
	fmt.Fprintf(&b, "/** Each %s's Go parameters and results, in Mattermost's JSON shapes. */\nexport interface %s {\n", strings.TrimSuffix(kind, "s"), sigs)
	for _, m := range ms {
		params := paramList(g, m.sig.Params(), "arg", m.sig.Variadic())
		fmt.Fprintf(&b, "    %s: {params: [%s]; results: [%s]};\n", m.name, params, paramList(g, m.sig.Results(), "r", false))
	}
	b.WriteString("}\n")
	return b.String()
}

// extrasTS: the API server's RPC methods that no plugin.API method names, with their structs.
func (g *gen) extrasTS(extras []method) string {
	var b strings.Builder
	b.WriteString("\n/** RPC methods of the API server that no plugin.API method names: PluginHTTPStream, the streaming PluginHTTP. */\n")
	b.WriteString("export const apiRpcExtras = {\n")
	for _, m := range extras {
		fmt.Fprintf(&b, "    %s: {args: %s, returns: %s},\n", m.name, g.structRef(m.args), g.structRef(m.returns))
	}
	b.WriteString("} as const satisfies Record<string, SdkMethodDef>;\n")
	return b.String()
}

func indexTS(version string, api, hooks, structs int) string {
	return fmt.Sprintf(`// The plugin API of github.com/mattermost/mattermost/server/public %s: %d API methods, %d hooks, %d structs.
export const MODULE_VERSION = %q;
export * as model from './model';
export * as wire from './wire';
export {apiMethods, apiMethodsWithoutRpc, apiRpcExtras, type ApiSignatures} from './api';
export {hookMethods, hooksWithoutRpc, type HookSignatures} from './hooks';
`, version, api, hooks, structs, version)
}

// goTable lists every RPC struct for the differential check (sdk/gen/wirecheck), by the name wire.ts gives it.
func (g *gen) goTable(api, hooks []method, registered []registration) string {
	var b strings.Builder
	imports := map[string]string{pluginPath: "plugin"}
	qual := func(p *types.Package) string {
		imports[p.Path()] = p.Name()
		return p.Name()
	}
	var reg strings.Builder
	reg.WriteString("\n// registeredValues: a value of each type plugin's init() registers with gob, by the name wire.ts gives it.\n")
	reg.WriteString("var registeredValues = map[string]any{\n")
	for _, r := range registered {
		lit := types.TypeString(r.typ, qual) + "{}"
		if p, ok := r.typ.(*types.Pointer); ok {
			lit = "&" + types.TypeString(p.Elem(), qual) + "{}"
		}
		fmt.Fprintf(&reg, "\t%q: %s,\n", r.name, lit)
	}
	reg.WriteString("}\n")
	paths := make([]string, 0, len(imports))
	for p := range imports {
		paths = append(paths, p)
	}
	sortStrings(paths)
	b.WriteString("package main\n\nimport (\n")
	for _, p := range paths {
		fmt.Fprintf(&b, "\t%q\n", p)
	}
	b.WriteString(")\n\n")
	b.WriteString("// rpcStructs: every argument and return struct of the API methods and hooks, new and zero.\n")
	b.WriteString("var rpcStructs = map[string]func() any{\n")
	seen := map[string]bool{}
	var names []string
	for _, ms := range [][]method{api, hooks} {
		for _, m := range ms {
			for _, t := range []types.Type{m.args, m.returns} {
				if m.args == nil {
					continue
				}
				s := g.structOf(t)
				if s == nil || seen[s.ts] {
					continue
				}
				seen[s.ts] = true
				names = append(names, s.ts)
			}
		}
	}
	sortStrings(names)
	for _, n := range names {
		fmt.Fprintf(&b, "\t%q: func() any { return new(plugin.%s) },\n", n, n)
	}
	b.WriteString("}\n")
	b.WriteString("\n// directHooks: each hook whose RPC structs are its Go signature, with its Args and Returns struct names.\n")
	b.WriteString("var directHooks = [][3]string{\n")
	for _, m := range hooks {
		if g.direct(m) {
			fmt.Fprintf(&b, "\t{%q, %q, %q},\n", m.name, g.structOf(m.args).ts, g.structOf(m.returns).ts)
		}
	}
	b.WriteString("}\n")
	b.WriteString(reg.String())
	return b.String()
}

// direct: the RPC structs are the Go signature as it is, parameters as fields A, B, C… and results likewise, as
// Mattermost's interface_generator writes them. The other methods (file streams, ServeHTTP, LoadPluginConfiguration,
// OnActivate…) are shaped by hand in client_rpc.go.
func (g *gen) direct(m method) bool {
	positional := func(t types.Type, n int) bool {
		st, ok := t.Underlying().(*types.Struct)
		if !ok || st.NumFields() != n {
			return false
		}
		for i := 0; i < n; i++ {
			if st.Field(i).Name() != string(rune('A'+i)) {
				return false
			}
		}
		return true
	}
	return m.args != nil && positional(m.args, m.sig.Params().Len()) && positional(m.returns, m.sig.Results().Len())
}

// streams: for a method shaped by hand only in that its io.Reader / io.Writer parameters travel as MuxBroker ids
// (InstallPlugin, UploadData, ReceiveSharedChannelAttachmentSyncMsg, FileWillBeUploaded), "<index>: 'reader'" for
// each such parameter: its Args field at the same position is the uint32 id, every other parameter is the positional
// field it would be in a direct method, and the results are positional. Empty for any other method.
func (g *gen) streams(m method) string {
	if m.args == nil || g.direct(m) {
		return ""
	}
	args, ok := m.args.Underlying().(*types.Struct)
	res, rok := m.returns.Underlying().(*types.Struct)
	ps, rs := m.sig.Params(), m.sig.Results()
	if !ok || !rok || args.NumFields() != ps.Len() || res.NumFields() != rs.Len() {
		return ""
	}
	for i := 0; i < rs.Len(); i++ {
		if res.Field(i).Name() != string(rune('A'+i)) {
			return ""
		}
	}
	var out []string
	for i := 0; i < ps.Len(); i++ {
		f := args.Field(i)
		kind := ioKind(ps.At(i).Type())
		id, isID := f.Type().(*types.Basic)
		switch {
		case kind != "" && isID && id.Kind() == types.Uint32:
			out = append(out, fmt.Sprintf("%d: '%s'", i, kind))
		case kind == "" && f.Name() == string(rune('A'+i)):
		default:
			return ""
		}
	}
	return strings.Join(out, ", ")
}

// ioKind: "reader" for io.Reader, "writer" for io.Writer, "" for anything else.
func ioKind(t types.Type) string {
	n, ok := types.Unalias(t).(*types.Named)
	if !ok || n.Obj().Pkg() == nil || n.Obj().Pkg().Path() != "io" {
		return ""
	}
	switch n.Obj().Name() {
	case "Reader":
		return "reader"
	case "Writer":
		return "writer"
	}
	return ""
}

// goRecorder is a net/rpc service with every API method the way Mattermost's apiRPCServer declares it
// (func (s *apiRPCServer) M(args *Z_MArgs, returns *Z_MReturns) error), for sdk/gen/wirecheck's serve mode.
func (g *gen) goRecorder(api []method) string {
	var b strings.Builder
	b.WriteString("package main\n\nimport \"github.com/mattermost/mattermost/server/public/plugin\"\n\n")
	b.WriteString("// Every API method of plugin.API with its RPC structs, answered by apiRecorder.serve.\n")
	for _, m := range api {
		if m.args == nil {
			continue
		}
		a, r := g.structOf(m.args).ts, g.structOf(m.returns).ts
		fmt.Fprintf(&b, "func (s *apiRecorder) %s(args *plugin.%s, returns *plugin.%s) error {\n\treturn s.serve(%q, args, %q, returns)\n}\n\n", m.name, a, r, a, r)
	}
	return b.String()
}

// goHost writes, for sdk/gen/wirecheck's host mode: recordingAPI, a plugin.API whose every direct method hands its
// arguments, as the Z_<M>Args struct Mattermost's RPC server decoded, to serve and answers the Z_<M>Returns
// value serve fills; and callHook, which calls each direct hook through a plugin.Hooks (the real hooks RPC client).
func (g *gen) goHost(api, hooks []method) string {
	imports := map[string]string{pluginPath: "plugin"}
	qual := func(p *types.Package) string {
		imports[p.Path()] = p.Name()
		return p.Name()
	}
	var body strings.Builder
	sigParams := func(m method) (decl string, names []string) {
		var parts []string
		ps := m.sig.Params()
		for i := 0; i < ps.Len(); i++ {
			name := fmt.Sprintf("p%d", i)
			typ := types.TypeString(ps.At(i).Type(), qual)
			if m.sig.Variadic() && i == ps.Len()-1 {
				typ = "..." + types.TypeString(ps.At(i).Type().(*types.Slice).Elem(), qual)
			}
			parts = append(parts, name+" "+typ)
			names = append(names, name)
		}
		return strings.Join(parts, ", "), names
	}
	results := func(m method) (decl string, fields []string) {
		rs := m.sig.Results()
		var parts []string
		for i := 0; i < rs.Len(); i++ {
			parts = append(parts, types.TypeString(rs.At(i).Type(), qual))
			fields = append(fields, "r."+string(rune('A'+i)))
		}
		if len(parts) > 1 {
			return "(" + strings.Join(parts, ", ") + ")", fields
		}
		return strings.Join(parts, ""), fields
	}
	body.WriteString("// recordingAPI: every direct method of plugin.API; host_shaped.go has the others (file streams, PluginHTTP…).\n")
	body.WriteString("type recordingAPI struct {\n\tplugin.API\n\tserve func(argsName string, args any, returnsName string, returns any)\n}\n\n")
	for _, m := range api {
		if !g.direct(m) {
			continue
		}
		a, r := g.structOf(m.args).ts, g.structOf(m.returns).ts
		params, names := sigParams(m)
		res, fields := results(m)
		fmt.Fprintf(&body, "func (x *recordingAPI) %s(%s) %s {\n", m.name, params, res)
		keyed := make([]string, len(names))
		for i, n := range names {
			keyed[i] = string(rune('A'+i)) + ": " + n
		}
		fmt.Fprintf(&body, "\tvar r plugin.%s\n\tx.serve(%q, &plugin.%s{%s}, %q, &r)\n", r, a, a, strings.Join(keyed, ", "), r)
		if len(fields) > 0 {
			fmt.Fprintf(&body, "\treturn %s\n", strings.Join(fields, ", "))
		}
		body.WriteString("}\n\n")
	}
	body.WriteString("// callHook calls a direct hook with its Z_<Hook>Args value and gives back what it returned as Z_<Hook>Returns.\n")
	body.WriteString("func callHook(h plugin.Hooks, hook string, args any) any {\n\tswitch hook {\n")
	for _, m := range hooks {
		if !g.direct(m) {
			continue
		}
		a, r := g.structOf(m.args).ts, g.structOf(m.returns).ts
		var argList []string
		for i := 0; i < m.sig.Params().Len(); i++ {
			argList = append(argList, "a."+string(rune('A'+i)))
		}
		_, fields := results(m)
		fmt.Fprintf(&body, "\tcase %q:\n\t\ta := args.(plugin.%s)\n\t\t_ = a\n\t\tvar r plugin.%s\n\t\t", m.name, a, r)
		if len(fields) > 0 {
			body.WriteString(strings.Join(fields, ", ") + " = ")
		}
		fmt.Fprintf(&body, "h.%s(%s)\n\t\treturn r\n", m.name, strings.Join(argList, ", "))
	}
	body.WriteString("\t}\n\tpanic(\"no such hook: \" + hook)\n}\n")

	paths := make([]string, 0, len(imports))
	for p := range imports {
		paths = append(paths, p)
	}
	sortStrings(paths)
	var b strings.Builder
	b.WriteString("package main\n\nimport (\n")
	for _, p := range paths {
		if imports[p] != filepath.Base(p) {
			fmt.Fprintf(&b, "\t%s %q\n", imports[p], p)
		} else {
			fmt.Fprintf(&b, "\t%q\n", p)
		}
	}
	b.WriteString(")\n\n")
	b.WriteString(body.String())
	return b.String()
}
