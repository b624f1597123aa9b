// wirecheck is the Go side of the SDK's differential gob test: random values of every net/rpc argument and return
// struct of the plugin API and hooks (the real types of the pinned server/public module, listed by sdk/gen in
// structs_generated.go), encoded with Go's encoding/gob; and the check of what TypeScript encodes back. The line
// protocol is test/gobcheck's (its package lineproto):
//
//	wirecheck names                     the struct names, one per line
//	wirecheck random SEED N             N values of every struct: {"name":"<struct>/<i>","hex"}
//	wirecheck check-random SEED N       reads {"name","hex"} lines, decodes each into its struct, compares with the
//	                                    regenerated value: {"name","ok","err"}
//	wirecheck json SEED N               encoding/json of the same values as Go's gob round trip leaves them:
//	                                    {"name","json"} (or {"name","err"} where encoding/json refuses the value)
//	wirecheck serve SEED                serves every API method as net/rpc service "Plugin" on stdin/stdout, as
//	                                    Mattermost's API RPC server declares them: a call whose arguments are not
//	                                    the struct's value 0 fails with the difference; the reply is the Returns
//	                                    struct's value 0
//	wirecheck call-hooks SEED           calls every direct hook as "Plugin.<Hook>" over net/rpc on stdout/stdin (the
//	                                    TypeScript side serves them) with its Args value 0; reports on stderr one
//	                                    {"name","ok","err"} line per hook: the reply must be its Returns value 0
//	wirecheck host SEED BUNDLE          the conformance run under Mattermost's real plugin host (see runHost)
//	(random, check-random, json, serve, call-hooks and host take a last argument "safe": values JSON shapes carry exactly)
//	wirecheck registered SEED           a random value of each type registered for interface values, inside a
//	                                    struct{V any}: {"name":"<registered name>","hex"}
//	wirecheck check-registered SEED     as check-random, for those
//
// Comparisons are reflect.DeepEqual against Go's own gob round trip of the value (gob cannot carry everything, e.g.
// nil vs empty slices, time.Time's *Location).
package main

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math/rand"
	"net/rpc"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"

	// Registers the concrete types interface values carry (client_rpc.go init), as in Mattermost and its plugins.
	_ "github.com/mattermost/mattermost/server/public/plugin"
	"tripwire.test/gobcheck/lineproto"
)

// jsonSafe: set by a trailing "safe" argument (see filler.jsonSafe).
var jsonSafe = os.Args[len(os.Args)-1] == "safe"

var tool = lineproto.Tool{Name: "wirecheck"}

type (
	line   = lineproto.Line
	result = lineproto.Result
)

type jsonLine struct {
	Name string `json:"name"`
	JSON string `json:"json"`
}

func main() {
	if len(os.Args) < 2 {
		fail("usage: wirecheck names|random SEED N|check-random SEED N|registered SEED|check-registered SEED")
	}
	out := lineproto.NewWriter()
	defer out.Flush()
	emit := out.Emit
	names := sortedKeys(rpcStructs)
	switch os.Args[1] {
	case "names":
		for _, n := range names {
			fmt.Fprintln(out, n)
		}
	case "random":
		seed, n := tool.IntArg(2), tool.IntArg(3)
		for _, name := range names {
			for i := 0; i < n; i++ {
				data, err := lineproto.Encode(value(name, seed, i))
				if err != nil {
					emit(result{Name: fmt.Sprintf("%s/%d", name, i), Err: "go encode: " + err.Error()})
					continue
				}
				emit(line{Name: fmt.Sprintf("%s/%d", name, i), Hex: hex.EncodeToString(data)})
			}
		}
	case "json":
		seed, n := tool.IntArg(2), tool.IntArg(3)
		for _, name := range names {
			for i := 0; i < n; i++ {
				key := fmt.Sprintf("%s/%d", name, i)
				v := value(name, seed, i)
				data, err := lineproto.Encode(v)
				if err == nil {
					v, err = lineproto.DecodeAs(reflect.TypeOf(v), data)
				}
				var js []byte
				if err == nil {
					js, err = json.Marshal(v)
				}
				if err != nil {
					emit(result{Name: key, Err: err.Error()})
					continue
				}
				emit(jsonLine{Name: key, JSON: string(js)})
			}
		}
	case "serve":
		out.Flush()
		srv := rpc.NewServer()
		if err := srv.RegisterName("Plugin", &apiRecorder{seed: tool.IntArg(2)}); err != nil {
			fail("register: %v", err)
		}
		srv.ServeConn(lineproto.Stdio())
	case "host":
		if len(os.Args) < 4 {
			fail("usage: wirecheck host SEED BUNDLE [safe]")
		}
		code := runHost(tool.IntArg(2), os.Args[3], emit)
		out.Flush()
		os.Exit(code)
	case "call-hooks":
		out.Flush()
		os.Exit(callHooks(tool.IntArg(2)))
	case "registered":
		seed := tool.IntArg(2)
		for _, name := range sortedKeys(registeredValues) {
			data, err := lineproto.Encode(registeredValue(name, seed))
			if err != nil {
				emit(result{Name: name, Err: "go encode: " + err.Error()})
				continue
			}
			emit(line{Name: name, Hex: hex.EncodeToString(data)})
		}
	case "check-registered":
		seed := tool.IntArg(2)
		tool.EachLine(func(l line) {
			if _, ok := registeredValues[l.Name]; !ok {
				emit(result{Name: l.Name, Err: "no such registered type"})
				return
			}
			emit(lineproto.Check(l.Name, registeredValue(l.Name, seed), l.Hex))
		})
	case "check-random":
		seed := tool.IntArg(2)
		tool.EachLine(func(l line) {
			name, idx, _ := strings.Cut(l.Name, "/")
			i, err := strconv.Atoi(idx)
			if _, ok := rpcStructs[name]; !ok || err != nil {
				emit(result{Name: l.Name, Err: "no such value"})
				return
			}
			emit(lineproto.Check(l.Name, value(name, seed, i), l.Hex))
		})
	default:
		fail("unknown command %q", os.Args[1])
	}
}

// value is the i-th random value of a struct, the same for the same seed.
func value(name string, seed, i int) any {
	h := fnv.New64a()
	h.Write([]byte(name))
	g := &filler{r: rand.New(rand.NewSource(int64(h.Sum64()) ^ int64(seed)*1_000_003 ^ int64(i))), jsonSafe: jsonSafe}
	p := reflect.ValueOf(rpcStructs[name]())
	g.fill(p.Elem(), 5)
	return p.Elem().Interface()
}

type apiRecorder struct{ seed int }

// serve checks a call's arguments against the value the test sent (value 0 of the Args struct, as Go's gob round
// trip leaves it) and answers value 0 of the Returns struct.
func (s *apiRecorder) serve(argsName string, args any, returnsName string, returns any) error {
	want, err := lineproto.RoundTrip(value(argsName, s.seed, 0))
	if err != nil {
		return err
	}
	if got := reflect.ValueOf(args).Elem().Interface(); !reflect.DeepEqual(got, want) {
		return fmt.Errorf("%s not as sent: %s", argsName, firstDiff("", reflect.ValueOf(got), reflect.ValueOf(want)))
	}
	reply, err := lineproto.RoundTrip(value(returnsName, s.seed, 0))
	if err != nil {
		return err
	}
	reflect.ValueOf(returns).Elem().Set(reflect.ValueOf(reply))
	return nil
}

func callHooks(seed int) int {
	client := rpc.NewClient(lineproto.Stdio())
	report := json.NewEncoder(os.Stderr)
	status := 0
	for _, h := range directHooks {
		hook, argsName, returnsName := h[0], h[1], h[2]
		r := result{Name: hook}
		reply := rpcStructs[returnsName]()
		want, err := lineproto.RoundTrip(value(returnsName, seed, 0))
		if err == nil {
			err = client.Call("Plugin."+hook, value(argsName, seed, 0), reply)
		}
		if err != nil {
			r.Err = err.Error()
		} else if got := reflect.ValueOf(reply).Elem().Interface(); !reflect.DeepEqual(got, want) {
			r.Err = "reply not as sent: " + firstDiff("", reflect.ValueOf(got), reflect.ValueOf(want))
		} else {
			r.OK = true
		}
		if !r.OK {
			status = 1
		}
		report.Encode(r)
	}
	client.Close()
	return status
}

// holder carries a registered type the way the RPC structs do: inside an interface field.
type holder struct{ V any }

func registeredValue(name string, seed int) holder {
	g := &filler{r: rand.New(rand.NewSource(int64(seed)))}
	v := reflect.New(reflect.TypeOf(registeredValues[name])).Elem()
	g.elem(v, 4)
	return holder{V: v.Interface()}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func fail(format string, args ...any) { tool.Fail(format, args...) }
