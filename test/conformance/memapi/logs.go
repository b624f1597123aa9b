package memapi

// Log* record the line with its level. The Go plugin SDK stringifies key/value pairs before sending them;
// they are kept here as they arrived.

func (a *API) log(level, msg string, kv []any) {
	a.note("Log" + map[string]string{"debug": "Debug", "info": "Info", "warn": "Warn", "error": "Error"}[level])
	r := &a.srv.rec
	r.mu.Lock()
	defer r.mu.Unlock()
	r.logs = append(r.logs, LogEntry{PluginID: a.pluginID, Level: level, Message: msg, KV: append([]any(nil), kv...)})
}

func (a *API) LogDebug(msg string, keyValuePairs ...any) { a.log("debug", msg, keyValuePairs) }
func (a *API) LogInfo(msg string, keyValuePairs ...any)  { a.log("info", msg, keyValuePairs) }
func (a *API) LogWarn(msg string, keyValuePairs ...any)  { a.log("warn", msg, keyValuePairs) }
func (a *API) LogError(msg string, keyValuePairs ...any) { a.log("error", msg, keyValuePairs) }
