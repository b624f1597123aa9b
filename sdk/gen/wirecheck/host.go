package main

import (
	"bytes"
	"encoding/gob"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/plugin"
	"github.com/mattermost/mattermost/server/public/shared/mlog"
	"tripwire.test/gobcheck/lineproto"
)

// runHost is the conformance run under Mattermost's real plugin host: plugin.NewEnvironment launches the
// TypeScript plugin (node BUNDLE); its OnActivate calls every direct API method through the real API RPC server
// into recordingAPI, which checks each call's decoded arguments; then every direct hook is called through the real
// hooks RPC client (HooksForPlugin) and must return its Returns value. The plugin learns what to send and expect
// from files in SDK_HOST_DIR and writes what it found wrong there. One {"name","ok","err"} line per method and hook.
func runHost(seed int, bundle string, emit func(any)) int {
	root, err := os.MkdirTemp("", "sdk-host-")
	if err != nil {
		fail("%v", err)
	}
	defer os.RemoveAll(root)
	os.Setenv("SDK_HOST_DIR", root) // the plugin process inherits the host's environment

	var calls, hooks []map[string]string
	for _, name := range sortedKeys(rpcStructs) {
		if strings.HasSuffix(name, "Args") {
			if data, err := lineproto.Encode(value(name, seed, 0)); err == nil {
				calls = append(calls, map[string]string{"args": name, "hex": hex.EncodeToString(data)})
			}
		}
	}
	for _, h := range directHooks {
		v, err := lineproto.RoundTrip(value(h[1], seed, 0))
		js, jerr := json.Marshal(v)
		ret, rerr := lineproto.Encode(value(h[2], seed, 0))
		if err != nil || rerr != nil {
			fail("hook %s: %v %v", h[0], err, rerr)
		}
		line := map[string]string{"hook": h[0], "returnsHex": hex.EncodeToString(ret)}
		if jerr == nil {
			line["argsJson"] = string(js)
		}
		hooks = append(hooks, line)
	}
	writeLines(filepath.Join(root, "calls.jsonl"), calls)
	writeLines(filepath.Join(root, "hooks.jsonl"), hooks)
	hostSeed = seed
	mustWrite(filepath.Join(root, "shaped.json"), mustJSON(shapedSpec(seed)), 0o644)

	var mu sync.Mutex
	seen := map[string]string{} // API method → "" (as sent) or what differed
	recordCall = func(method, problem string) {
		mu.Lock()
		seen[method] = problem
		mu.Unlock()
	}
	api := &recordingAPI{serve: func(argsName string, args any, returnsName string, returns any) {
		method := strings.TrimSuffix(strings.TrimPrefix(argsName, "Z_"), "Args")
		problem := ""
		if want, err := lineproto.RoundTrip(value(argsName, seed, 0)); err != nil {
			problem = err.Error()
		} else if got := reflect.ValueOf(args).Elem().Interface(); !reflect.DeepEqual(got, want) {
			problem = "arguments not as sent: " + firstDiff("", reflect.ValueOf(got), reflect.ValueOf(want))
		}
		if reply, err := lineproto.RoundTrip(value(returnsName, seed, 0)); err == nil {
			reflect.ValueOf(returns).Elem().Set(reflect.ValueOf(reply))
		}
		recordCall(method, problem)
	}}

	logger, err := mlog.NewLogger()
	if err != nil {
		fail("%v", err)
	}
	logBuf := &mlog.Buffer{}
	_ = mlog.AddWriterTarget(logger, logBuf, false, mlog.StdAll...)
	mlog.InitGlobalLogger(logger) // the plugin package also logs globally; stdout carries the results
	pluginsDir, clientDir := filepath.Join(root, "plugins"), filepath.Join(root, "client")
	const id = "sdk.conformance"
	exe := "server/plugin-" + runtime.GOOS + "-" + runtime.GOARCH
	manifest := &model.Manifest{Id: id, Name: "SDK conformance", Version: "0.0.1", Server: &model.ManifestServer{Executables: map[string]string{runtime.GOOS + "-" + runtime.GOARCH: exe}}}
	mustWrite(filepath.Join(pluginsDir, id, "plugin.json"), mustJSON(manifest), 0o644)
	mustWrite(filepath.Join(pluginsDir, id, exe), []byte(fmt.Sprintf("#!/bin/sh\nexec node %q \"$@\"\n", bundle)), 0o755)
	if err := os.MkdirAll(clientDir, 0o755); err != nil {
		fail("%v", err)
	}
	env, err := plugin.NewEnvironment(func(*model.Manifest) plugin.API { return api }, nil, pluginsDir, clientDir, logger, nil)
	if err != nil {
		fail("%v", err)
	}
	status := 0
	report := func(name, problem string) {
		r := result{Name: name, OK: problem == "", Err: problem}
		if !r.OK {
			status = 1
		}
		emit(r)
	}
	if _, _, err := env.Activate(id); err != nil {
		_ = logger.Flush()
		report("activate", err.Error()+"\n"+logBuf.String())
		return 1
	}
	h, err := env.HooksForPlugin(id)
	if err != nil {
		report("hooks", err.Error())
		return 1
	}
	for _, hk := range directHooks {
		got := callHook(h, hk[0], mustRoundTrip(value(hk[1], seed, 0)))
		want := expectedReturns(hk[0], value(hk[1], seed, 0), value(hk[2], seed, 0))
		problem := ""
		if !reflect.DeepEqual(got, want) {
			problem = "returns not as sent: " + firstDiff("", reflect.ValueOf(got), reflect.ValueOf(want))
		}
		report("hook/"+hk[0], problem)
	}
	implemented, err := h.Implemented()
	if err != nil {
		report("hook/Implemented", err.Error())
	}
	shaped := shapedHooks(h, seed, implemented)
	for _, name := range sortedKeys(shaped) {
		report("hook/"+name, shaped[name])
	}
	// OnActivate ran before any of this: Activate succeeded, and the plugin counts it among the hooks it checked.
	report("hook/OnActivate", "")
	env.Shutdown()

	mu.Lock()
	methods := make([]string, 0, len(seen))
	for m := range seen {
		methods = append(methods, m)
	}
	sort.Strings(methods)
	for _, m := range methods {
		problem := seen[m]
		if p, ok := streamProblems.Load(m); ok {
			problem = strings.TrimPrefix(problem+"; "+p.(string), "; ")
		}
		report("api/"+m, problem)
	}
	mu.Unlock()
	if data, err := os.ReadFile(filepath.Join(root, "plugin-failures.txt")); err == nil && len(data) > 0 {
		report("plugin", string(data))
	}
	// The plugin's own count of what it did, so a check that never ran cannot pass.
	data, _ := os.ReadFile(filepath.Join(root, "plugin-done.txt"))
	distinct := map[string]bool{} // Shutdown calls OnDeactivate once more
	for _, l := range strings.Split(string(data), "\n") {
		distinct[l] = true
	}
	called, checked := 0, 0
	for l := range distinct {
		if strings.HasPrefix(l, "called ") {
			called++
		} else if strings.HasPrefix(l, "checked ") {
			checked++
		}
	}
	problem := ""
	// The hooks it checks: the direct ones, OnActivate, ServeHTTP, ServeMetrics and FileWillBeUploaded.
	if called != len(methods) || checked != len(directHooks)+4 {
		problem = fmt.Sprintf("the plugin called %d API methods (host saw %d) and checked %d hooks (of %d)", called, len(methods), checked, len(directHooks)+4)
	}
	report("plugin/did-everything", problem)
	return status
}

// recordCall: how an API method reports that it was called, with what differed ("" for nothing).
var recordCall func(method, problem string)

// mergingHooks: the hooks whose RPC client (client_rpc.go) starts from Returns{A: the argument} and gob-decodes the
// plugin's reply into it, so fields the reply leaves zero (gob does not send them) keep the argument's values, and
// a nil reply keeps the argument itself: a plugin cannot clear a field or answer nil there.
var mergingHooks = map[string]bool{"MessageWillBePosted": true, "ChannelMemberWillBeAdded": true, "TeamMemberWillBeAdded": true, "FileWillBeUploaded": true}

func expectedReturns(hook string, args, returns any) any {
	if !mergingHooks[hook] {
		return mustRoundTrip(returns)
	}
	data, err := lineproto.Encode(returns)
	if err != nil {
		fail("%v", err)
	}
	ret := reflect.New(reflect.TypeOf(returns))
	ret.Elem().Field(0).Set(reflect.ValueOf(mustRoundTrip(args)).Field(1)) // A = a fresh copy of argument B
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(ret.Interface()); err != nil {
		fail("%v", err)
	}
	return ret.Elem().Interface()
}

func mustRoundTrip(v any) any {
	out, err := lineproto.RoundTrip(v)
	if err != nil {
		fail("%v", err)
	}
	return out
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		fail("%v", err)
	}
	return b
}

func mustWrite(path string, data []byte, mode os.FileMode) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		fail("%v", err)
	}
	if err := os.WriteFile(path, data, mode); err != nil {
		fail("%v", err)
	}
}

func writeLines(path string, lines []map[string]string) {
	var b []byte
	for _, l := range lines {
		b = append(b, mustJSON(l)...)
		b = append(b, '\n')
	}
	mustWrite(path, b, 0o644)
}
