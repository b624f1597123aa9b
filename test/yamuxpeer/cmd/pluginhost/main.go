// Command pluginhost launches a go-plugin netrpc plugin exactly as Mattermost's supervisor does (real
// github.com/hashicorp/go-plugin client, Mattermost's handshake, a "hooks" plugin) and checks what Tripwire's
// TypeScript runtime must do: handshake, Control.Ping, Dispense, calls both ways over the MuxBroker, stdout
// forwarding, hclog-parsed stderr, and a graceful Kill that leaves no socket file. It prints one JSON report on
// stdout and exits 1 if any check failed.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/rpc"
	"os"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
)

// handshake is server/public/plugin/api.go's.
var handshake = plugin.HandshakeConfig{
	ProtocolVersion:  1,
	MagicCookieKey:   "MATTERMOST_PLUGIN",
	MagicCookieValue: "Securely message teams, anywhere.",
}

type hooksPlugin struct{}

func (hooksPlugin) Server(*plugin.MuxBroker) (interface{}, error) {
	return nil, errors.New("the host only dispenses")
}

// hooksClient is what Dispense("hooks") returns: the hooks RPC client and the broker, as Mattermost's hooksRPCClient.
type hooksClient struct {
	broker *plugin.MuxBroker
	rpc    *rpc.Client
}

func (hooksPlugin) Client(b *plugin.MuxBroker, c *rpc.Client) (interface{}, error) {
	return &hooksClient{broker: b, rpc: c}, nil
}

// HostAPI is served to the plugin on a broker id it dials, as Mattermost serves its API on APIMuxId.
type HostAPI struct{}

type AddArgs struct{ A, B int }

func (HostAPI) Add(args *AddArgs, reply *int) error {
	*reply = args.A + args.B
	return nil
}

// syncBuffer collects output written from go-plugin's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

type report struct {
	OK       bool               `json:"ok"`
	Failures []string           `json:"failures"`
	Figures  map[string]float64 `json:"figures"`
	HostLog  string             `json:"hostLog"`
	Stdout   string             `json:"pluginStdout"`
}

func main() {
	node := flag.String("node", "node", "node executable")
	bundle := flag.String("plugin", "", "the bundled test plugin (.js)")
	idle := flag.Duration("idle", 2*time.Second, "how long to stay connected and idle before the final checks")
	startTimeout := flag.Duration("start-timeout", 10*time.Second, "go-plugin StartTimeout (Mattermost uses 3 s)")
	calls := flag.Int("calls", 1000, "sequential Plugin.Echo calls timed for the figures")
	bench := flag.Bool("bench", false, "print the figures as ##BENCH lines (scripts/bench.mjs) instead of the JSON report")
	flag.Parse()

	rep := &report{Figures: map[string]float64{}}
	check := func(ok bool, format string, args ...any) {
		if !ok {
			rep.Failures = append(rep.Failures, fmt.Sprintf(format, args...))
		}
	}
	hostLog := &syncBuffer{}
	stdout := &syncBuffer{}
	logger := hclog.New(&hclog.LoggerOptions{Name: "plugin", Level: hclog.Trace, Output: hostLog})

	client := plugin.NewClient(&plugin.ClientConfig{
		HandshakeConfig: handshake,
		Plugins:         map[string]plugin.Plugin{"hooks": hooksPlugin{}},
		Cmd:             exec.Command(*node, *bundle),
		SyncStdout:      stdout,
		SyncStderr:      io.Discard,
		Logger:          logger,
		StartTimeout:    *startTimeout,
	})
	defer func() {
		rep.OK = len(rep.Failures) == 0
		rep.HostLog = hostLog.String()
		rep.Stdout = stdout.String()
		if *bench {
			printBench(rep)
		} else {
			_ = json.NewEncoder(os.Stdout).Encode(rep)
		}
		if !rep.OK {
			os.Exit(1)
		}
	}()
	defer client.Kill() // no-op after the Kill below; kills the process if a check bailed out early

	t0 := time.Now()
	rpcClient, err := client.Client()
	if err != nil {
		check(false, "handshake/connect: %v", err)
		return
	}
	rep.Figures["launchMs"] = ms(time.Since(t0))
	socket := client.ReattachConfig().Addr.String()
	check(client.ReattachConfig().Addr.Network() == "unix", "network %q, want unix", client.ReattachConfig().Addr.Network())

	check(rpcClient.Ping() == nil, "Control.Ping failed")

	_, err = rpcClient.Dispense("nope")
	check(err != nil && strings.Contains(err.Error(), "unknown plugin type: nope"), "Dispense(nope): %v", err)

	raw, err := rpcClient.Dispense("hooks")
	if err != nil {
		check(false, "Dispense(hooks): %v", err)
		return
	}
	rep.Figures["launchAndDispenseMs"] = ms(time.Since(t0))
	hc := raw.(*hooksClient)
	hooks := hc.rpc

	var echoed string
	check(hooks.Call("Plugin.Echo", "hello", &echoed) == nil && echoed == "hello", "Plugin.Echo(hello) = %q", echoed)

	big := strings.Repeat("0123456789abcdef", 1<<16) // 1 MiB each way
	echoed = ""
	b0 := time.Now()
	err = hooks.Call("Plugin.Echo", big, &echoed)
	rep.Figures["echo1MiBMs"] = ms(time.Since(b0))
	check(err == nil && echoed == big, "1 MiB Plugin.Echo: err=%v, got %d bytes", err, len(echoed))

	err = hooks.Call("Plugin.Fail", "on purpose", &echoed)
	check(err != nil && err.Error() == "failed: on purpose", "Plugin.Fail: %v", err)

	// The plugin dials back on a broker id the host accepts, as Mattermost's OnActivate does with APIMuxId.
	broker := hc.broker
	id := broker.NextId()
	go broker.AcceptAndServe(id, &HostAPI{})
	var sum int
	err = hooks.Call("Plugin.CallHost", id, &sum)
	check(err == nil && sum == 42, "Plugin.CallHost: err=%v sum=%d", err, sum)

	// Concurrent callers: replies may come back out of order.
	var wg sync.WaitGroup
	var mu sync.Mutex
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				want := fmt.Sprintf("g%d-%d", g, i)
				var got string
				if err := hooks.Call("Plugin.Echo", want, &got); err != nil || got != want {
					mu.Lock()
					check(false, "concurrent Echo %s: err=%v got=%q", want, err, got)
					mu.Unlock()
					return
				}
			}
		}(g)
	}
	wg.Wait()

	var empty struct{}
	check(hooks.Call("Plugin.Print", "printed by console.log", &empty) == nil, "Plugin.Print failed")

	lat := make([]time.Duration, 0, *calls)
	for i := 0; i < *calls; i++ {
		s := time.Now()
		var got string
		if err := hooks.Call("Plugin.Echo", "x", &got); err != nil {
			check(false, "timed Echo: %v", err)
			break
		}
		lat = append(lat, time.Since(s))
	}
	if len(lat) > 0 {
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		rep.Figures["echoP50us"] = float64(lat[len(lat)/2].Microseconds())
		rep.Figures["echoP99us"] = float64(lat[len(lat)*99/100].Microseconds())
	}

	time.Sleep(*idle)
	check(rpcClient.Ping() == nil, "Control.Ping after %s idle failed", *idle)

	k0 := time.Now()
	client.Kill()
	rep.Figures["killMs"] = ms(time.Since(k0))
	check(client.Exited(), "plugin process still running after Kill")
	_, statErr := os.Stat(socket)
	check(os.IsNotExist(statErr), "socket %s still exists after Kill (stat: %v)", socket, statErr)

	logs := hostLog.String()
	check(strings.Contains(logs, "plugin exited"), "host did not log a graceful exit")
	check(!strings.Contains(logs, "plugin failed to exit gracefully"), "host had to SIGKILL the plugin")
	check(strings.Contains(logs, "[INFO]  plugin.node: test plugin ready: answer=42"), "the plugin's hostLog.info line was not logged at INFO with its key/values")
	check(strings.Contains(stdout.String(), "printed by console.log"), "console.log output did not reach the host's stdout stream")
	check(!strings.Contains(logs, "after handshake"), "the plugin wrote to the real stdout after the handshake")
}

func printBench(rep *report) {
	keys := make([]string, 0, len(rep.Figures))
	for k := range rep.Figures {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		line, _ := json.Marshal(map[string]any{"key": "goplugin." + k, "value": rep.Figures[k]})
		fmt.Printf("##BENCH %s\n", line)
	}
	if !rep.OK {
		fmt.Printf("go-plugin host checks failed: %s\n", strings.Join(rep.Failures, "; "))
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
