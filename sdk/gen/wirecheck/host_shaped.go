package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sort"
	"strings"
	"sync"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/plugin"

	"tripwire.test/gobcheck/lineproto"
)

// The host run's part for the API methods and hooks client_rpc.go shapes by hand: file streams over the MuxBroker
// (InstallPlugin, UploadData, ReceiveSharedChannelAttachmentSyncMsg, FileWillBeUploaded), PluginHTTP,
// LoadPluginConfiguration, ServeHTTP and ServeMetrics. What the plugin sends and answers is written to
// shaped.json; the recordingAPI methods below receive what Mattermost's real RPC server made of the plugin's calls.

// hostSeed: the seed of the run (the shaped methods derive their stream contents from it).
var hostSeed int

// streamProblems: what differed in a method's stream or HTTP exchange, by method (merged with the argument check).
var streamProblems sync.Map

// streamData: a deterministic byte string per name and seed, longer than the 32 KiB Go copies at a time.
func streamData(name string, seed int) []byte {
	h := fnv.New64a()
	h.Write([]byte(name))
	r := rand.New(rand.NewSource(int64(h.Sum64()) ^ int64(seed)))
	b := make([]byte, 70_000+r.Intn(30_000))
	r.Read(b)
	return b
}

// shapedStreamMethods: each API method with an io.Reader parameter: its Args struct and the field carrying the id.
var shapedStreamMethods = map[string][2]string{
	"InstallPlugin":                         {"Z_InstallPluginArgs", "PluginStreamID"},
	"UploadData":                            {"Z_UploadDataArgs", "PluginStreamID"},
	"ReceiveSharedChannelAttachmentSyncMsg": {"Z_ReceiveSharedChannelAttachmentSyncMsgArgs", "DataStreamID"},
}

// streamed checks a stream method's reader against streamData, then hands the rest of its arguments to serve with
// the id field as value 0 has it (Mattermost's glue consumed the id; the plugin allocates its own).
func (x *recordingAPI) streamed(method string, args any, rd io.Reader, returnsName string, returns any) {
	spec := shapedStreamMethods[method]
	got, err := io.ReadAll(rd)
	switch want := streamData(method, hostSeed); {
	case err != nil:
		streamProblems.Store(method, "reading the stream: "+err.Error())
	case !bytes.Equal(got, want):
		streamProblems.Store(method, fmt.Sprintf("stream: %d bytes, want %d (%s)", len(got), len(want), firstByteDiff(got, want)))
	}
	want := value(spec[0], hostSeed, 0)
	id := reflect.ValueOf(want).FieldByName(spec[1])
	reflect.ValueOf(args).Elem().FieldByName(spec[1]).Set(id)
	x.serve(spec[0], args, returnsName, returns)
}

func firstByteDiff(a, b []byte) string {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return fmt.Sprintf("first difference at byte %d", i)
		}
	}
	return "one is a prefix of the other"
}

func (x *recordingAPI) InstallPlugin(file io.Reader, replace bool) (*model.Manifest, *model.AppError) {
	var r plugin.Z_InstallPluginReturns
	x.streamed("InstallPlugin", &plugin.Z_InstallPluginArgs{B: replace}, file, "Z_InstallPluginReturns", &r)
	return r.A, r.B
}

func (x *recordingAPI) UploadData(us *model.UploadSession, rd io.Reader) (*model.FileInfo, error) {
	var r plugin.Z_UploadDataReturns
	x.streamed("UploadData", &plugin.Z_UploadDataArgs{A: us}, rd, "Z_UploadDataReturns", &r)
	return r.A, r.B
}

func (x *recordingAPI) ReceiveSharedChannelAttachmentSyncMsg(remoteID, channelID string, fi *model.FileInfo, data io.Reader) (*model.FileInfo, error) {
	var r plugin.Z_ReceiveSharedChannelAttachmentSyncMsgReturns
	x.streamed("ReceiveSharedChannelAttachmentSyncMsg", &plugin.Z_ReceiveSharedChannelAttachmentSyncMsgArgs{A: remoteID, B: channelID, C: fi}, data, "Z_ReceiveSharedChannelAttachmentSyncMsgReturns", &r)
	return r.A, r.B
}

// pluginConfig: what LoadPluginConfiguration gives the plugin (Mattermost's glue json.Marshals it).
func pluginConfig(seed int) map[string]any {
	return map[string]any{"greeting": fmt.Sprintf("hello %d", seed), "count": float64(seed), "nested": map[string]any{"on": true, "list": []any{"a", 1.5}}}
}

func (x *recordingAPI) LoadPluginConfiguration(dest any) error {
	data, _ := json.Marshal(pluginConfig(hostSeed))
	recordCall("LoadPluginConfiguration", "")
	return json.Unmarshal(data, dest)
}

// httpExchange: a request the plugin sends (PluginHTTP) or receives (ServeHTTP, ServeMetrics) and the response.
type httpExchange struct {
	Method         string              `json:"method"`
	URL            string              `json:"url"`
	Header         map[string][]string `json:"header"`
	Body           []byte              `json:"body"`
	Status         int                 `json:"status"`
	ResponseHeader map[string][]string `json:"responseHeader"`
	ResponseBody   []byte              `json:"responseBody"`
}

func exchangeFor(name string, seed int) httpExchange {
	data := streamData(name, seed)
	return httpExchange{
		Method: "POST", URL: fmt.Sprintf("/%s/path?seed=%d&q=a+b", strings.ToLower(name), seed),
		Header: map[string][]string{"X-Seed": {fmt.Sprint(seed)}, "X-Multi": {"one", "two"}, "Content-Type": {"application/octet-stream"}},
		Body:   data[:len(data)/2], Status: 201 + seed%50,
		ResponseHeader: map[string][]string{"X-Reply": {name}, "Content-Type": {"application/x-test"}},
		ResponseBody:   data[len(data)/2:],
	}
}

// checkRequest: what differs between a request as received and the exchange's.
func checkRequest(ex httpExchange, r *http.Request) string {
	var problems []string
	if r.Method != ex.Method {
		problems = append(problems, fmt.Sprintf("method %q", r.Method))
	}
	if r.URL.String() != ex.URL && r.RequestURI != ex.URL {
		problems = append(problems, fmt.Sprintf("url %q", r.URL.String()))
	}
	for k, v := range ex.Header {
		if got := r.Header.Values(k); !reflect.DeepEqual(got, v) {
			problems = append(problems, fmt.Sprintf("header %s: %q", k, got))
		}
	}
	body, err := io.ReadAll(r.Body)
	if err != nil || !bytes.Equal(body, ex.Body) {
		problems = append(problems, fmt.Sprintf("body: %d bytes, want %d (%v)", len(body), len(ex.Body), err))
	}
	return strings.Join(problems, "; ")
}

func (x *recordingAPI) PluginHTTP(r *http.Request) *http.Response {
	ex := exchangeFor("PluginHTTP", hostSeed)
	problem := checkRequest(ex, r)
	// PluginHTTPStream gives the body as the plugin's stream (remoteIOReader); the buffered PluginHTTP as bytes.
	if kind := fmt.Sprintf("%T", r.Body); kind != "*plugin.remoteIOReader" {
		problem = strings.TrimPrefix(problem+"; not streamed: the body is a "+kind, "; ")
	}
	recordCall("PluginHTTP", problem)
	return &http.Response{StatusCode: ex.Status, Header: ex.ResponseHeader, Body: io.NopCloser(bytes.NewReader(ex.ResponseBody))}
}

// shapedSpec: shaped.json, what the plugin needs to call and check the shaped methods and hooks.
func shapedSpec(seed int) map[string]any {
	spec := map[string]any{"config": pluginConfig(seed)}
	for method, s := range shapedStreamMethods {
		spec[method] = map[string]any{"argsHex": hexOf(value(s[0], seed, 0)), "data": streamData(method, seed), "returnsHex": hexOf(value("Z_"+method+"Returns", seed, 0))}
	}
	for _, name := range []string{"PluginHTTP", "ServeHTTP", "ServeMetrics"} {
		spec[name] = exchangeFor(name, seed)
	}
	spec["FileWillBeUploaded"] = map[string]any{
		"argsJson":    string(mustJSON(mustRoundTrip(value("Z_FileWillBeUploadedArgs", seed, 0)))),
		"upload":      streamData("FileWillBeUploaded", seed),
		"replacement": streamData("FileWillBeUploaded/replacement", seed),
		"returnsHex":  hexOf(value("Z_FileWillBeUploadedReturns", seed, 0)),
	}
	return spec
}

// shapedHooks calls the hooks shaped by hand through the real hooks RPC client; one problem text per hook.
func shapedHooks(h plugin.Hooks, seed int, implemented []string) map[string]string {
	out := map[string]string{}
	for _, name := range []string{"ServeHTTP", "ServeMetrics"} {
		ex := exchangeFor(name, seed)
		req := httptest.NewRequest(ex.Method, ex.URL, bytes.NewReader(ex.Body))
		for k, v := range ex.Header {
			req.Header[k] = v
		}
		rec := httptest.NewRecorder()
		c := &plugin.Context{SessionId: fmt.Sprintf("session-%d", seed), RequestId: name}
		if name == "ServeHTTP" {
			h.ServeHTTP(c, rec, req)
		} else {
			h.ServeMetrics(c, rec, req)
		}
		var problems []string
		if rec.Code != ex.Status {
			problems = append(problems, fmt.Sprintf("status %d, want %d", rec.Code, ex.Status))
		}
		for k, v := range ex.ResponseHeader {
			if got := rec.Header().Values(k); !reflect.DeepEqual(got, v) {
				problems = append(problems, fmt.Sprintf("header %s: %q", k, got))
			}
		}
		if !bytes.Equal(rec.Body.Bytes(), ex.ResponseBody) {
			problems = append(problems, fmt.Sprintf("body: %d bytes, want %d", rec.Body.Len(), len(ex.ResponseBody)))
		}
		out[name] = strings.Join(problems, "; ")
	}

	args := mustRoundTrip(value("Z_FileWillBeUploadedArgs", seed, 0)).(plugin.Z_FileWillBeUploadedArgs)
	var replaced bytes.Buffer
	info, msg := h.FileWillBeUploaded(args.A, args.B, bytes.NewReader(streamData("FileWillBeUploaded", seed)), &replaced)
	// As MessageWillBePosted: the client decodes the reply into Returns{A: the argument} (see mergingHooks).
	want := expectedReturns("FileWillBeUploaded", args, value("Z_FileWillBeUploadedReturns", seed, 0)).(plugin.Z_FileWillBeUploadedReturns)
	got := plugin.Z_FileWillBeUploadedReturns{A: info, B: msg}
	var problems []string
	if !reflect.DeepEqual(got, want) {
		problems = append(problems, "returns not as sent: "+firstDiff("", reflect.ValueOf(got), reflect.ValueOf(want)))
	}
	if !bytes.Equal(replaced.Bytes(), streamData("FileWillBeUploaded/replacement", seed)) {
		problems = append(problems, fmt.Sprintf("replacement: %d bytes", replaced.Len()))
	}
	out["FileWillBeUploaded"] = strings.Join(problems, "; ")

	// Implemented: every hook the plugin serves (all but Implemented itself), as the host dispensed them.
	var expected []string
	for _, hk := range directHooks {
		expected = append(expected, hk[0])
	}
	expected = append(expected, "OnActivate", "ServeHTTP", "ServeMetrics", "FileWillBeUploaded")
	sort.Strings(expected)
	sorted := append([]string(nil), implemented...)
	sort.Strings(sorted)
	out["Implemented"] = ""
	if !reflect.DeepEqual(sorted, expected) {
		out["Implemented"] = fmt.Sprintf("Implemented answered %d hooks, want %d: %v", len(sorted), len(expected), sorted)
	}
	return out
}

func hexOf(v any) string {
	data, err := lineproto.Encode(v)
	if err != nil {
		tool.Fail("%v", err)
	}
	return fmt.Sprintf("%x", data)
}
