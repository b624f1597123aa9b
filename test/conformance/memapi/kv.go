package memapi

import (
	"bytes"
	"net/http"
	"sort"
	"unicode/utf8"

	"github.com/mattermost/mattermost/server/public/model"
)

// The plugin KV store, with the semantics of Mattermost's SQL store (sqlstore/plugin_store.go):
//   - a nil value deletes (and over gob an empty []byte arrives as nil, so "set to empty" deletes);
//   - KVSetWithOptions with Atomic compares and sets: OldValue nil means "only if absent (or expired)",
//     otherwise "only if the current, unexpired value equals OldValue"; a nil new value compares and deletes;
//   - OldValue without Atomic is a 400 error;
//   - ExpireInSeconds > 0 makes the key invisible (Get, List, CAS) once expired;
//   - KVList pages over the unexpired keys sorted by key; perPage <= 0 means 10.

type kvEntry struct {
	value    []byte
	expireAt int64 // unix millis; 0 = never
}

func (e kvEntry) live(now int64) bool { return e.expireAt == 0 || e.expireAt > now }

func validKey(where, key string) *model.AppError {
	if key == "" || utf8.RuneCountInString(key) > model.KeyValueKeyMaxRunes {
		return model.NewAppError(where, "model.plugin_key_value.is_valid.key.app_error",
			map[string]any{"Max": model.KeyValueKeyMaxRunes, "Min": 0}, "key="+key, http.StatusBadRequest)
	}
	return nil
}

// KVValue returns a plugin's stored, unexpired value (for tests), or nil.
func (s *Server) KVValue(pluginID, key string) []byte {
	defer s.lock()()
	e, ok := s.kv[pluginID][key]
	if !ok || !e.live(s.millis()) {
		return nil
	}
	return append([]byte(nil), e.value...)
}

// KVKeys returns a plugin's unexpired keys, sorted (for tests).
func (s *Server) KVKeys(pluginID string) []string {
	defer s.lock()()
	return s.liveKeysLocked(pluginID)
}

func (s *Server) liveKeysLocked(pluginID string) []string {
	now := s.millis()
	keys := make([]string, 0, len(s.kv[pluginID]))
	for k, e := range s.kv[pluginID] {
		if e.live(now) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

func (s *Server) kvSetLocked(pluginID, key string, value []byte, options model.PluginKVSetOptions) (bool, *model.AppError) {
	if err := options.IsValid(); err != nil {
		return false, err
	}
	if err := validKey("KVSetWithOptions", key); err != nil {
		return false, err
	}
	now := s.millis()
	var expireAt int64
	if options.ExpireInSeconds > 0 {
		expireAt = now + options.ExpireInSeconds*1000
	}
	store := s.kv[pluginID]
	if store == nil {
		store = map[string]kvEntry{}
		s.kv[pluginID] = store
	}
	cur, exists := store[key]
	exists = exists && cur.live(now)

	if !options.Atomic {
		if value == nil {
			delete(store, key)
			return true, nil
		}
		store[key] = kvEntry{value: append([]byte(nil), value...), expireAt: expireAt}
		return true, nil
	}

	switch {
	case value == nil: // compare and delete; a nil old value can never match
		if options.OldValue == nil || !exists || !bytes.Equal(cur.value, options.OldValue) {
			return false, nil
		}
		delete(store, key)
		return true, nil
	case options.OldValue == nil: // insert only if absent (an expired value counts as absent)
		if exists {
			return false, nil
		}
	default: // update only if the current value matches
		if !exists || !bytes.Equal(cur.value, options.OldValue) {
			return false, nil
		}
	}
	store[key] = kvEntry{value: append([]byte(nil), value...), expireAt: expireAt}
	return true, nil
}

// KVSet stores a value; a nil (or, over gob, empty) value deletes the key.
func (a *API) KVSet(key string, value []byte) *model.AppError {
	a.note("KVSet")
	defer a.srv.lock()()
	_, err := a.srv.kvSetLocked(a.pluginID, key, value, model.PluginKVSetOptions{})
	return err
}

// KVSetWithExpiry stores a value that disappears after expireInSeconds.
func (a *API) KVSetWithExpiry(key string, value []byte, expireInSeconds int64) *model.AppError {
	a.note("KVSetWithExpiry")
	defer a.srv.lock()()
	_, err := a.srv.kvSetLocked(a.pluginID, key, value, model.PluginKVSetOptions{ExpireInSeconds: expireInSeconds})
	return err
}

// KVSetWithOptions stores a value with atomic compare-and-set and expiry (see the top of this file).
func (a *API) KVSetWithOptions(key string, value []byte, options model.PluginKVSetOptions) (bool, *model.AppError) {
	a.note("KVSetWithOptions")
	defer a.srv.lock()()
	return a.srv.kvSetLocked(a.pluginID, key, value, options)
}

// KVCompareAndSet is KVSetWithOptions with Atomic and OldValue.
func (a *API) KVCompareAndSet(key string, oldValue, newValue []byte) (bool, *model.AppError) {
	a.note("KVCompareAndSet")
	defer a.srv.lock()()
	return a.srv.kvSetLocked(a.pluginID, key, newValue, model.PluginKVSetOptions{Atomic: true, OldValue: oldValue})
}

// KVGet returns the value, or nil without an error when the key is absent or expired.
func (a *API) KVGet(key string) ([]byte, *model.AppError) {
	a.note("KVGet")
	defer a.srv.lock()()
	e, ok := a.srv.kv[a.pluginID][key]
	if !ok || !e.live(a.srv.millis()) {
		return nil, nil
	}
	return append([]byte(nil), e.value...), nil
}

// KVDelete removes a key (no error if absent).
func (a *API) KVDelete(key string) *model.AppError {
	a.note("KVDelete")
	defer a.srv.lock()()
	delete(a.srv.kv[a.pluginID], key)
	return nil
}

// KVDeleteAll removes every key of the plugin.
func (a *API) KVDeleteAll() *model.AppError {
	a.note("KVDeleteAll")
	defer a.srv.lock()()
	delete(a.srv.kv, a.pluginID)
	return nil
}

// KVList returns one page of the plugin's unexpired keys, sorted; offset = page*perPage.
func (a *API) KVList(page, perPage int) ([]string, *model.AppError) {
	a.note("KVList")
	defer a.srv.lock()()
	if perPage <= 0 {
		perPage = 10
	}
	offset := page * perPage
	if offset < 0 {
		offset = 0
	}
	keys := a.srv.liveKeysLocked(a.pluginID)
	if offset >= len(keys) {
		return []string{}, nil
	}
	end := min(offset+perPage, len(keys))
	return keys[offset:end], nil
}
