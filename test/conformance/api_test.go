package conformance

import (
	"bytes"
	"encoding/base64"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/plugin"
)

// TestAPI makes the plugin call each PluginAPI method of the contract through POST /api/call/<Method>, and
// checks both sides: what reached the in-memory server, and what came back to the caller.
func TestAPI(t *testing.T) {
	e := newEnv(t, envOptions{pluginConfig: map[string]any{"Greeting": "hi", "Extra": "x"}})
	fx := e.fx
	rec := e.srv.Recorder()
	b64 := base64.StdEncoding.EncodeToString

	t.Run("LoadPluginConfiguration", func(t *testing.T) {
		var got map[string]any
		e.call("LoadPluginConfiguration").ok(t, "LoadPluginConfiguration", &got)
		want := map[string]any{"failactivation": false, "greeting": "hi", "maxitems": 3, "extra": "x"}
		if !jsonEqual(t, got, want) {
			t.Fatalf("configuration = %v, want %v (manifest defaults overlaid with configured values, keys lower-cased)", got, want)
		}
	})

	t.Run("GetConfig", func(t *testing.T) {
		var cfg model.Config
		e.call("GetConfig").ok(t, "GetConfig", &cfg)
		if cfg.ServiceSettings.SiteURL == nil || *cfg.ServiceSettings.SiteURL != e.http.URL {
			t.Errorf("ServiceSettings.SiteURL = %v, want %s", cfg.ServiceSettings.SiteURL, e.http.URL)
		}
		if got := cfg.PluginSettings.Plugins[e.id]["Greeting"]; got != "hi" {
			t.Errorf("PluginSettings.Plugins[%s].Greeting = %#v, want hi", e.id, got)
		}
		if cfg.TeamSettings.MaxUsersPerTeam == nil || *cfg.TeamSettings.MaxUsersPerTeam == 0 {
			t.Errorf("TeamSettings.MaxUsersPerTeam missing: the config did not arrive whole")
		}
	})

	t.Run("GetUser", func(t *testing.T) {
		var u model.User
		e.call("GetUser", fx.Member.Id).ok(t, "GetUser", &u)
		if u.Id != fx.Member.Id || u.Username != "member" || u.FirstName != "Mia" || u.Roles != model.SystemUserRoleId {
			t.Errorf("GetUser = %+v", u)
		}
		e.call("GetUser", model.NewId()).appErr(t, "GetUser(unknown)", http.StatusNotFound, "app.user.missing_account.const")
	})

	t.Run("GetUserByUsername", func(t *testing.T) {
		var u model.User
		e.call("GetUserByUsername", "guest").ok(t, "GetUserByUsername", &u)
		if u.Id != fx.Guest.Id || u.Roles != model.SystemGuestRoleId {
			t.Errorf("GetUserByUsername(guest) = %+v", u)
		}
		e.call("GetUserByUsername", "nobody").appErr(t, "GetUserByUsername(unknown)", http.StatusNotFound, "app.user.get_by_username.app_error")
	})

	t.Run("GetTeam", func(t *testing.T) {
		var team model.Team
		e.call("GetTeam", fx.Alpha.Id).ok(t, "GetTeam", &team)
		if team.Id != fx.Alpha.Id || team.Name != "alpha" || team.Type != model.TeamOpen {
			t.Errorf("GetTeam = %+v", team)
		}
		e.call("GetTeam", model.NewId()).appErr(t, "GetTeam(unknown)", http.StatusNotFound, "app.team.get.find.app_error")
	})

	t.Run("GetChannel", func(t *testing.T) {
		for _, want := range []*model.Channel{fx.Public, fx.Private, fx.DM, fx.GM} {
			var c model.Channel
			e.call("GetChannel", want.Id).ok(t, "GetChannel", &c)
			if c.Id != want.Id || c.Type != want.Type || c.TeamId != want.TeamId || c.Name != want.Name {
				t.Errorf("GetChannel(%s) = {type %s team %q name %q}, want {%s %q %q}", want.Name, c.Type, c.TeamId, c.Name, want.Type, want.TeamId, want.Name)
			}
		}
		e.call("GetChannel", model.NewId()).appErr(t, "GetChannel(unknown)", http.StatusNotFound, "app.channel.get.existing.app_error")
	})

	t.Run("GetChannelMembers", func(t *testing.T) {
		var page []model.ChannelMember
		e.call("GetChannelMembers", fx.Private.Id, 0, 100).ok(t, "GetChannelMembers", &page)
		want := e.srv.ChannelMemberIDs(fx.Private.Id)
		var got []string
		for _, m := range page {
			if m.ChannelId != fx.Private.Id {
				t.Errorf("member %+v is not of the private channel", m)
			}
			got = append(got, m.UserId)
		}
		if !slices.Equal(got, want) || len(got) < 2 {
			t.Errorf("GetChannelMembers(private) users = %v, want %v", got, want)
		}
		var second []model.ChannelMember
		e.call("GetChannelMembers", fx.Private.Id, 1, 1).ok(t, "GetChannelMembers(page 1)", &second)
		if len(second) != 1 || second[0].UserId != want[1] {
			t.Errorf("GetChannelMembers(private, page 1 of 1) = %+v, want the member %s", second, want[1])
		}
	})

	t.Run("GetChannelMember", func(t *testing.T) {
		var m model.ChannelMember
		e.call("GetChannelMember", fx.Private.Id, fx.ChanAdmin.Id).ok(t, "GetChannelMember", &m)
		if m.UserId != fx.ChanAdmin.Id || m.ChannelId != fx.Private.Id || !m.SchemeAdmin || !strings.Contains(m.Roles, model.ChannelAdminRoleId) {
			t.Errorf("GetChannelMember(private, chanadmin) = %+v, want a channel admin", m)
		}
		var g model.ChannelMember
		e.call("GetChannelMember", fx.Public.Id, fx.Guest.Id).ok(t, "GetChannelMember", &g)
		if !g.SchemeGuest || g.SchemeUser || g.SchemeAdmin {
			t.Errorf("GetChannelMember(public, guest) = %+v, want a channel guest", g)
		}
		e.call("GetChannelMember", fx.Private.Id, fx.Outsider.Id).appErr(t, "GetChannelMember(non-member)", http.StatusNotFound, "app.channel.get_member.missing.app_error")
	})

	t.Run("GetDirectChannel", func(t *testing.T) {
		var c1, c2 model.Channel
		e.call("GetDirectChannel", fx.Member.Id, fx.SysAdmin.Id).ok(t, "GetDirectChannel", &c1)
		if c1.Type != model.ChannelTypeDirect || c1.Name != model.GetDMNameFromIds(fx.Member.Id, fx.SysAdmin.Id) {
			t.Fatalf("GetDirectChannel = %+v", c1)
		}
		e.call("GetDirectChannel", fx.SysAdmin.Id, fx.Member.Id).ok(t, "GetDirectChannel", &c2)
		if c2.Id != c1.Id {
			t.Errorf("second GetDirectChannel gave %s, want the same channel %s", c2.Id, c1.Id)
		}
		e.call("GetDirectChannel", fx.Member.Id, model.NewId()).appErr(t, "GetDirectChannel(unknown user)", http.StatusBadRequest, "api.channel.create_direct_channel.invalid_user.app_error")
	})

	var created model.Post
	t.Run("CreatePost with nested props", func(t *testing.T) {
		props := map[string]any{
			"nested": map[string]any{"list": []any{1, "two", map[string]any{"three": 3.5}}, "flag": true, "none": nil},
			"count":  7,
		}
		e.call("CreatePost", map[string]any{"channel_id": fx.Public.Id, "user_id": fx.Member.Id, "message": "via api", "props": props}).
			ok(t, "CreatePost", &created)
		if !model.IsValidId(created.Id) || created.CreateAt == 0 || created.Message != "via api" {
			t.Fatalf("CreatePost result = %+v, want a saved post", &created)
		}
		if created.GetProp(propFromPlugin) != "true" {
			t.Errorf("result props.from_plugin = %#v, want \"true\"", created.GetProp(propFromPlugin))
		}
		stored := e.srv.Post(created.Id)
		if stored == nil {
			t.Fatal("the post is not stored")
		}
		// What the server received must be real nested values (maps, lists, numbers, bools, nil).
		nested, ok := stored.GetProp("nested").(map[string]any)
		if !ok {
			t.Fatalf("stored props.nested is %T, want map[string]interface {}", stored.GetProp("nested"))
		}
		list, ok := nested["list"].([]any)
		if !ok || len(list) != 3 {
			t.Fatalf("stored props.nested.list = %#v, want a list of 3", nested["list"])
		}
		if n, ok := num(list[0]); !ok || n != 1 {
			t.Errorf("list[0] = %#v, want 1", list[0])
		}
		if list[1] != "two" {
			t.Errorf("list[1] = %#v, want \"two\"", list[1])
		}
		if m, ok := list[2].(map[string]any); !ok || m["three"] != 3.5 {
			t.Errorf("list[2] = %#v, want {three: 3.5}", list[2])
		}
		if nested["flag"] != true {
			t.Errorf("nested.flag = %#v, want true", nested["flag"])
		}
		if v, present := nested["none"]; v != nil {
			t.Errorf("nested.none = %#v (present %v), want nil", v, present)
		}
		if n, ok := num(stored.GetProp("count")); !ok || n != 7 {
			t.Errorf("props.count = %#v, want 7", stored.GetProp("count"))
		}
	})

	t.Run("CreatePost with attachments", func(t *testing.T) {
		att := []any{map[string]any{"text": "att", "color": "#ff0000", "fields": []any{map[string]any{"title": "t", "value": "v", "short": true}},
			"actions": []any{map[string]any{"id": "ok", "name": "OK", "type": "button",
				"integration": map[string]any{"url": "/plugins/" + e.id + "/action", "context": map[string]any{"n": 1}}}}}}
		var p model.Post
		e.call("CreatePost", map[string]any{"channel_id": fx.Public.Id, "user_id": fx.Member.Id, "message": "", "props": map[string]any{"attachments": att}}).
			ok(t, "CreatePost", &p)
		stored := e.srv.Post(p.Id)
		if stored == nil {
			t.Fatal("the post is not stored")
		}
		if k := reflect.ValueOf(stored.GetProp("attachments")).Kind(); k != reflect.Slice {
			t.Fatalf("stored props.attachments is %T, want a list", stored.GetProp("attachments"))
		}
		atts := stored.Attachments()
		if len(atts) != 1 || atts[0].Text != "att" || atts[0].Color != "#ff0000" || len(atts[0].Fields) != 1 || !bool(atts[0].Fields[0].Short) ||
			len(atts[0].Actions) != 1 || atts[0].Actions[0].Integration == nil || atts[0].Actions[0].Integration.URL != "/plugins/"+e.id+"/action" {
			t.Fatalf("stored attachments = %#v", stored.GetProp("attachments"))
		}
	})

	t.Run("CreatePost errors", func(t *testing.T) {
		e.call("CreatePost", map[string]any{"channel_id": model.NewId(), "user_id": fx.Member.Id, "message": "x"}).
			appErr(t, "CreatePost(unknown channel)", http.StatusBadRequest, "api.post.create_post.channel.app_error")
		e.call("CreatePost", map[string]any{"channel_id": fx.Public.Id, "user_id": fx.Member.Id, "message": "x", "root_id": model.NewId()}).
			appErr(t, "CreatePost(unknown root)", http.StatusBadRequest, "api.post.create_post.root_id.app_error")
	})

	t.Run("GetPost", func(t *testing.T) {
		var p model.Post
		e.call("GetPost", created.Id).ok(t, "GetPost", &p)
		if p.Id != created.Id || p.Message != "via api" || p.UserId != fx.Member.Id {
			t.Errorf("GetPost = %+v", &p)
		}
	})

	t.Run("GetPostThread", func(t *testing.T) {
		root := e.post(fx.Member.Id, fx.Public.Id, "", "release thread")
		e.srv.Advance(time.Millisecond)
		r1 := e.post(fx.ChanAdmin.Id, fx.Public.Id, root.Id, "first reply")
		e.srv.Advance(time.Millisecond)
		r2 := e.post(fx.Member.Id, fx.Public.Id, root.Id, "second reply")
		var list model.PostList
		e.call("GetPostThread", r1.Id).ok(t, "GetPostThread", &list)
		if want := []string{r1.Id, r2.Id, root.Id}; !slices.Equal(list.Order, want) {
			t.Errorf("GetPostThread(reply).Order = %v, want the requested post, then the rest newest first %v", list.Order, want)
		}
		if len(list.Posts) != 3 {
			t.Fatalf("GetPostThread(reply) has %d posts, want 3", len(list.Posts))
		}
		if p := list.Posts[root.Id]; p == nil || p.Message != "release thread" || p.UserId != fx.Member.Id || p.RootId != "" || p.ReplyCount != 2 || p.CreateAt != root.CreateAt {
			t.Errorf("GetPostThread root = %+v", p)
		}
		if p := list.Posts[r2.Id]; p == nil || p.RootId != root.Id || p.Message != "second reply" {
			t.Errorf("GetPostThread reply = %+v", p)
		}
		e.call("GetPostThread", model.NewId()).appErr(t, "GetPostThread(unknown)", http.StatusNotFound, "app.post.get.app_error")
	})

	t.Run("GetFileInfo", func(t *testing.T) {
		fi := e.srv.AddFileInfo(&model.FileInfo{CreatorId: fx.Member.Id, ChannelId: fx.Public.Id, PostId: created.Id, Name: "Q3 report.PDF",
			Size: 1 << 33, MimeType: "application/pdf", Width: 0, HasPreviewImage: false, RemoteId: model.NewPointer("remote")})
		var got model.FileInfo
		e.call("GetFileInfo", fi.Id).ok(t, "GetFileInfo", &got)
		if got.Id != fi.Id || got.Name != "Q3 report.PDF" || got.Extension != "pdf" || got.Size != 1<<33 || got.MimeType != "application/pdf" ||
			got.PostId != created.Id || got.ChannelId != fx.Public.Id || got.CreatorId != fx.Member.Id || got.CreateAt != fi.CreateAt ||
			got.RemoteId == nil || *got.RemoteId != "remote" {
			t.Errorf("GetFileInfo = %+v, want %+v", got, fi)
		}
		e.call("GetFileInfo", model.NewId()).appErr(t, "GetFileInfo(unknown)", http.StatusNotFound, "app.file_info.get.app_error")
	})

	t.Run("GetGroupsForUser", func(t *testing.T) {
		ops := e.srv.AddGroup(&model.Group{Name: model.NewPointer("ops"), DisplayName: "Ops", Source: model.GroupSourceLdap, RemoteId: model.NewPointer("cn=ops"), AllowReference: true})
		old := e.srv.AddGroup(&model.Group{Name: model.NewPointer("old"), DisplayName: "Old"})
		other := e.srv.AddGroup(&model.Group{DisplayName: "Other"})
		e.srv.AddGroupMember(ops.Id, fx.Member.Id)
		e.srv.AddGroupMember(old.Id, fx.Member.Id)
		e.srv.AddGroupMember(other.Id, fx.Guest.Id)
		e.srv.DeleteGroup(old.Id)
		var got []*model.Group
		e.call("GetGroupsForUser", fx.Member.Id).ok(t, "GetGroupsForUser", &got)
		byID := map[string]*model.Group{}
		for _, g := range got {
			byID[g.Id] = g
		}
		if len(got) != 2 || byID[ops.Id] == nil || byID[old.Id] == nil {
			t.Fatalf("GetGroupsForUser(member) = %+v, want ops and the archived old", got)
		}
		g := byID[ops.Id]
		if g.GetName() != "ops" || g.DisplayName != "Ops" || g.Source != model.GroupSourceLdap || g.GetRemoteId() != "cn=ops" || !g.AllowReference || g.DeleteAt != 0 || g.CreateAt != ops.CreateAt {
			t.Errorf("GetGroupsForUser ops = %+v", g)
		}
		if byID[old.Id].DeleteAt == 0 || byID[old.Id].Source != model.GroupSourceCustom {
			t.Errorf("GetGroupsForUser old = %+v, want an archived custom group", byID[old.Id])
		}
		var none []*model.Group
		e.call("GetGroupsForUser", fx.Outsider.Id).ok(t, "GetGroupsForUser(outsider)", &none)
		if len(none) != 0 {
			t.Errorf("GetGroupsForUser(outsider) = %+v, want none", none)
		}
	})

	t.Run("UpdatePost", func(t *testing.T) {
		var p model.Post
		e.call("UpdatePost", map[string]any{"id": created.Id, "channel_id": fx.Public.Id, "user_id": fx.Member.Id, "message": "updated via api",
			"props": map[string]any{"edited": true}}).ok(t, "UpdatePost", &p)
		if p.Message != "updated via api" || p.EditAt == 0 {
			t.Errorf("UpdatePost result = {message %q edit_at %d}", p.Message, p.EditAt)
		}
		if s := e.srv.Post(created.Id); s.Message != "updated via api" || s.GetProp("edited") != true {
			t.Errorf("stored post after UpdatePost = {%q props %v}", s.Message, s.GetProps())
		}
		e.call("UpdatePost", map[string]any{"id": model.NewId(), "channel_id": fx.Public.Id, "message": "x"}).
			appErr(t, "UpdatePost(unknown)", http.StatusNotFound, "app.post.get.app_error")
	})

	t.Run("SendEphemeralPost", func(t *testing.T) {
		n := len(rec.Ephemerals())
		var p model.Post
		e.call("SendEphemeralPost", fx.Guest.Id, map[string]any{"channel_id": fx.Public.Id, "message": "psst"}).ok(t, "SendEphemeralPost", &p)
		if p.Type != model.PostTypeEphemeral || !model.IsValidId(p.Id) || p.Message != "psst" {
			t.Errorf("SendEphemeralPost result = %+v", &p)
		}
		all := rec.Ephemerals()
		if len(all) != n+1 || all[n].UserID != fx.Guest.Id || all[n].Post.Message != "psst" || all[n].Post.ChannelId != fx.Public.Id {
			t.Errorf("recorded ephemerals = %+v", all[n:])
		}
	})

	t.Run("DeletePost", func(t *testing.T) {
		c := e.call("DeletePost", created.Id)
		c.ok(t, "DeletePost", nil)
		if !c.isNull() {
			t.Errorf("DeletePost result = %s, want null", c.Result)
		}
		if s := e.srv.Post(created.Id); s == nil || s.DeleteAt == 0 {
			t.Error("the post is not deleted")
		}
		e.call("GetPost", created.Id).appErr(t, "GetPost(deleted)", http.StatusNotFound, "app.post.get.app_error")
		e.call("DeletePost", created.Id).appErr(t, "DeletePost(again)", http.StatusNotFound, "app.post.get.app_error")
	})

	perm := func(id string) map[string]any { return map[string]any{"id": id} }
	checkBool := func(t *testing.T, what string, c callResult, want bool) {
		t.Helper()
		var got bool
		c.ok(t, what, &got)
		if got != want {
			t.Errorf("%s = %v, want %v", what, got, want)
		}
	}

	t.Run("HasPermissionTo", func(t *testing.T) {
		for _, tc := range []struct {
			who  *model.User
			want bool
		}{{fx.SysAdmin, true}, {fx.TeamAdmin, false}, {fx.ChanAdmin, false}, {fx.Member, false}, {fx.Guest, false}} {
			checkBool(t, "HasPermissionTo("+tc.who.Username+", manage_system)", e.call("HasPermissionTo", tc.who.Id, perm("manage_system")), tc.want)
		}
	})

	t.Run("HasPermissionToTeam", func(t *testing.T) {
		for _, tc := range []struct {
			who  *model.User
			team *model.Team
			perm string
			want bool
		}{
			{fx.TeamAdmin, fx.Alpha, "manage_team", true},
			{fx.Member, fx.Alpha, "manage_team", false},
			{fx.Member, fx.Alpha, "view_team", true},
			{fx.Outsider, fx.Alpha, "view_team", false},
			{fx.SysAdmin, fx.Beta, "manage_team", true},
			{fx.TeamAdmin, fx.Beta, "manage_team", false},
		} {
			checkBool(t, "HasPermissionToTeam("+tc.who.Username+", "+tc.team.Name+", "+tc.perm+")",
				e.call("HasPermissionToTeam", tc.who.Id, tc.team.Id, perm(tc.perm)), tc.want)
		}
	})

	t.Run("HasPermissionToChannel", func(t *testing.T) {
		for _, tc := range []struct {
			who  *model.User
			ch   *model.Channel
			perm string
			want bool
		}{
			{fx.ChanAdmin, fx.Private, "manage_channel_roles", true},
			{fx.Member, fx.Private, "manage_channel_roles", false},
			{fx.TeamAdmin, fx.Private, "manage_channel_roles", true}, // through the team admin role
			{fx.SysAdmin, fx.Private, "manage_channel_roles", true},
			{fx.Guest, fx.Public, "create_post", true},
			{fx.Guest, fx.Private, "read_channel", false},
			{fx.Outsider, fx.Public, "read_channel", false},
			{fx.Member, fx.DM, "create_post", true},
			{fx.Guest, fx.DM, "read_channel", false},
		} {
			checkBool(t, "HasPermissionToChannel("+tc.who.Username+", "+tc.ch.Name+", "+tc.perm+")",
				e.call("HasPermissionToChannel", tc.who.Id, tc.ch.Id, perm(tc.perm)), tc.want)
		}
	})

	kvGet := func(t *testing.T, key string) []byte {
		t.Helper()
		c := e.call("KVGet", key)
		var s *string
		c.ok(t, "KVGet", &s)
		if s == nil {
			return nil
		}
		v, err := base64.StdEncoding.DecodeString(*s)
		if err != nil {
			t.Fatalf("KVGet(%s) result %q is not base64", key, *s)
		}
		return v
	}

	t.Run("KVSet and KVGet", func(t *testing.T) {
		all := make([]byte, 256)
		for i := range all {
			all[i] = byte(i)
		}
		c := e.call("KVSet", "bin", b64(all))
		c.ok(t, "KVSet", nil)
		if !c.isNull() {
			t.Errorf("KVSet result = %s, want null", c.Result)
		}
		if got := e.srv.KVValue(e.id, "bin"); !bytes.Equal(got, all) {
			t.Fatalf("stored value = %v, want bytes 0..255", got)
		}
		if got := kvGet(t, "bin"); !bytes.Equal(got, all) {
			t.Fatalf("KVGet = %v, want bytes 0..255", got)
		}
		if got := kvGet(t, "never-set"); got != nil {
			t.Fatalf("KVGet(absent) = %v, want null", got)
		}
		e.call("KVSet", strings.Repeat("k", 151), b64([]byte("x"))).
			appErr(t, "KVSet(key too long)", http.StatusBadRequest, "model.plugin_key_value.is_valid.key.app_error")
	})

	t.Run("KVSet with an empty value deletes", func(t *testing.T) {
		e.call("KVSet", "to-empty", b64([]byte("something"))).ok(t, "KVSet", nil)
		if e.srv.KVValue(e.id, "to-empty") == nil {
			t.Fatal("value not stored")
		}
		e.call("KVSet", "to-empty", "").ok(t, "KVSet(empty)", nil)
		if got := e.srv.KVValue(e.id, "to-empty"); got != nil {
			t.Fatalf("after KVSet with an empty value the key holds %q; an empty []byte arrives as nil and deletes", got)
		}
		if got := kvGet(t, "to-empty"); got != nil {
			t.Fatalf("KVGet after the delete = %q, want null", got)
		}
	})

	setOpts := func(key string, value any, atomic bool, old any, expire int) callResult {
		// model.PluginKVSetOptions has no json tags: encoding/json's keys are its field names.
		return e.call("KVSetWithOptions", key, value, map[string]any{"Atomic": atomic, "OldValue": old, "ExpireInSeconds": expire})
	}
	checkSet := func(t *testing.T, what string, c callResult, want bool) { t.Helper(); checkBool(t, what, c, want) }

	t.Run("KVSetWithOptions compare-and-set", func(t *testing.T) {
		checkSet(t, "CAS absent->v1 (old_value null)", setOpts("cas", b64([]byte("v1")), true, nil, 0), true)
		checkSet(t, "CAS again with old_value null (present)", setOpts("cas", b64([]byte("v1b")), true, nil, 0), false)
		checkSet(t, "CAS with a wrong old value", setOpts("cas", b64([]byte("v2")), true, b64([]byte("nope")), 0), false)
		if got := e.srv.KVValue(e.id, "cas"); string(got) != "v1" {
			t.Fatalf("after failed CAS the value is %q, want v1", got)
		}
		checkSet(t, "CAS v1->v2", setOpts("cas", b64([]byte("v2")), true, b64([]byte("v1")), 0), true)
		if got := kvGet(t, "cas"); string(got) != "v2" {
			t.Fatalf("KVGet after CAS = %q, want v2", got)
		}
		checkSet(t, "CAS delete with a wrong old value", setOpts("cas", nil, true, b64([]byte("v1")), 0), false)
		checkSet(t, "CAS delete v2", setOpts("cas", nil, true, b64([]byte("v2")), 0), true)
		if got := e.srv.KVValue(e.id, "cas"); got != nil {
			t.Fatalf("after compare-and-delete the value is %q", got)
		}
		checkSet(t, "CAS on absent with an old value", setOpts("cas", b64([]byte("v3")), true, b64([]byte("v2")), 0), false)
		checkSet(t, "non-atomic set", setOpts("plain", b64([]byte("p")), false, nil, 0), true)
		if got := e.srv.KVValue(e.id, "plain"); string(got) != "p" {
			t.Fatalf("non-atomic KVSetWithOptions stored %q", got)
		}
		setOpts("plain", b64([]byte("q")), false, b64([]byte("p")), 0).
			appErr(t, "old_value without atomic", http.StatusBadRequest, "model.plugin_kvset_options.is_valid.old_value.app_error")
	})

	t.Run("KVSetWithOptions expiry", func(t *testing.T) {
		checkSet(t, "set with expiry", setOpts("ttl", b64([]byte("soon gone")), false, nil, 60), true)
		if got := kvGet(t, "ttl"); string(got) != "soon gone" {
			t.Fatalf("KVGet before expiry = %q", got)
		}
		e.srv.Advance(61 * time.Second)
		if got := kvGet(t, "ttl"); got != nil {
			t.Fatalf("KVGet after expiry = %q, want null", got)
		}
		checkSet(t, "CAS insert over an expired key (old_value null)", setOpts("ttl", b64([]byte("again")), true, nil, 0), true)
	})

	t.Run("KVDelete", func(t *testing.T) {
		e.call("KVSet", "del-me", b64([]byte("x"))).ok(t, "KVSet", nil)
		c := e.call("KVDelete", "del-me")
		c.ok(t, "KVDelete", nil)
		if !c.isNull() || e.srv.KVValue(e.id, "del-me") != nil {
			t.Fatalf("KVDelete result %s, stored value %q", c.Result, e.srv.KVValue(e.id, "del-me"))
		}
		e.call("KVDelete", "never-existed").ok(t, "KVDelete(absent)", nil)
	})

	t.Run("KVList", func(t *testing.T) {
		for _, k := range []string{"list-c", "list-a", "list-b"} {
			e.call("KVSet", k, b64([]byte(k))).ok(t, "KVSet", nil)
		}
		e.call("KVSetWithOptions", "list-expired", b64([]byte("x")), map[string]any{"Atomic": false, "OldValue": nil, "ExpireInSeconds": 1}).ok(t, "KVSetWithOptions", nil)
		e.srv.Advance(2 * time.Second)
		want := e.srv.KVKeys(e.id)
		if !slices.IsSorted(want) || !slices.Contains(want, plugin.BotUserKey) || slices.Contains(want, "list-expired") {
			t.Fatalf("server keys %v: not what this test set up", want)
		}
		var all []string
		e.call("KVList", 0, 1000).ok(t, "KVList", &all)
		if !slices.Equal(all, want) {
			t.Fatalf("KVList(0, 1000) = %v, want %v (sorted, without expired keys)", all, want)
		}
		var page []string
		e.call("KVList", 1, 2).ok(t, "KVList", &page)
		if !slices.Equal(page, want[2:4]) {
			t.Fatalf("KVList(1, 2) = %v, want %v", page, want[2:4])
		}
		var beyond []string
		e.call("KVList", 1000, 10).ok(t, "KVList", &beyond)
		if len(beyond) != 0 {
			t.Fatalf("KVList past the end = %v, want []", beyond)
		}
	})

	t.Run("EnsureBotUser is stable", func(t *testing.T) {
		var id string
		e.call("EnsureBotUser", map[string]any{"username": "conformance-bot", "display_name": "Conformance Bot", "description": "again"}).ok(t, "EnsureBotUser", &id)
		if id != e.botID() {
			t.Fatalf("EnsureBotUser = %q, want the activation's bot id %q", id, e.botID())
		}
	})

	t.Run("bot API: CreateBot, PatchBot, GetBot, UpdateBotActive, SetProfileImage", func(t *testing.T) {
		var created model.Bot
		e.call("CreateBot", map[string]any{"username": "rule-bot", "display_name": "Rule Bot", "description": "posts for a rule"}).ok(t, "CreateBot", &created)
		if created.UserId == "" || created.Username != "rule-bot" || created.DisplayName != "Rule Bot" || created.OwnerId != e.id {
			t.Fatalf("CreateBot = %+v, want rule-bot owned by the plugin %s", created, e.id)
		}
		if u := e.srv.User(created.UserId); u == nil || !u.IsBot {
			t.Fatalf("CreateBot made no bot user: %+v", u)
		}
		e.call("CreateBot", map[string]any{"username": fx.Member.Username}).appErr(t, "CreateBot(taken)", http.StatusBadRequest, "app.user.save.username_exists.app_error")

		var patched model.Bot
		e.call("PatchBot", created.UserId, map[string]any{"display_name": "Renamed"}).ok(t, "PatchBot", &patched)
		if patched.DisplayName != "Renamed" || patched.Username != "rule-bot" || patched.Description != "posts for a rule" {
			t.Fatalf("PatchBot = %+v, want only the display name changed (nil patch fields leave the rest)", patched)
		}

		var off model.Bot
		e.call("UpdateBotActive", created.UserId, false).ok(t, "UpdateBotActive", &off)
		if off.DeleteAt == 0 || e.srv.User(created.UserId).DeleteAt == 0 {
			t.Fatalf("UpdateBotActive(false) left the bot active: %+v", off)
		}
		e.call("GetBot", created.UserId, false).appErr(t, "GetBot(deactivated, not included)", http.StatusNotFound, "store.sql_bot.get.missing.app_error")
		var got model.Bot
		e.call("GetBot", created.UserId, true).ok(t, "GetBot", &got)
		if got.UserId != created.UserId || got.DeleteAt == 0 {
			t.Fatalf("GetBot(includeDeleted) = %+v", got)
		}
		e.call("UpdateBotActive", created.UserId, true).ok(t, "UpdateBotActive", &off)
		if off.DeleteAt != 0 {
			t.Fatalf("UpdateBotActive(true) = %+v, want active", off)
		}

		png := []byte("\x89PNG\r\n\x1a\n-rest-of-image")
		e.call("SetProfileImage", created.UserId, b64(png)).ok(t, "SetProfileImage", nil)
		if !bytes.Equal(e.srv.ProfileImage(created.UserId), png) {
			t.Fatalf("SetProfileImage stored %q, want the bytes sent", e.srv.ProfileImage(created.UserId))
		}
		e.call("SetProfileImage", created.UserId, b64([]byte("<svg/>"))).appErr(t, "SetProfileImage(not an image)", http.StatusBadRequest, "api.user.upload_profile_user.decode.app_error")
	})

	t.Run("RegisterCommand", func(t *testing.T) {
		c := e.call("RegisterCommand", map[string]any{"trigger": "conformance2", "auto_complete": true, "auto_complete_desc": "second", "display_name": "Second"})
		c.ok(t, "RegisterCommand", nil)
		if !c.isNull() {
			t.Errorf("RegisterCommand result = %s, want null", c.Result)
		}
		found := false
		for _, cmd := range rec.Commands() {
			if cmd.Trigger == "conformance2" && cmd.AutoCompleteDesc == "second" && cmd.AutoComplete && cmd.PluginId == e.id {
				found = true
			}
		}
		if !found {
			t.Fatalf("conformance2 not registered: %+v", rec.Commands())
		}
		bad := e.call("RegisterCommand", map[string]any{"trigger": ""})
		if bad.Status != http.StatusInternalServerError || bad.Error == nil || !strings.Contains(bad.Error.Message, "trigger") {
			t.Fatalf("RegisterCommand without a trigger: want 500 with the server's error message, got %d: %s", bad.Status, bad.Raw)
		}
	})

	t.Run("OpenInteractiveDialog", func(t *testing.T) {
		n := len(rec.Dialogs())
		dialog := map[string]any{"trigger_id": "trigger-1", "url": "/plugins/" + e.id + "/dialog", "dialog": map[string]any{
			"callback_id": "cb", "title": "Edit rule", "submit_label": "Save", "notify_on_cancel": true, "state": "s1",
			"elements": []any{map[string]any{"display_name": "Name", "name": "name", "type": "text", "optional": false, "max_length": 50}},
		}}
		e.call("OpenInteractiveDialog", dialog).ok(t, "OpenInteractiveDialog", nil)
		all := rec.Dialogs()
		if len(all) != n+1 {
			t.Fatalf("want one dialog recorded, got %d", len(all)-n)
		}
		d := all[n]
		if d.TriggerId != "trigger-1" || d.URL != "/plugins/"+e.id+"/dialog" || d.Dialog.Title != "Edit rule" || d.Dialog.CallbackId != "cb" ||
			!d.Dialog.NotifyOnCancel || len(d.Dialog.Elements) != 1 || d.Dialog.Elements[0].Name != "name" || d.Dialog.Elements[0].MaxLength != 50 {
			t.Fatalf("dialog = %+v", d)
		}
		e.call("OpenInteractiveDialog", map[string]any{"trigger_id": "", "url": "/x", "dialog": map[string]any{"title": "t"}}).
			appErr(t, "OpenInteractiveDialog(no trigger)", http.StatusBadRequest, "interactive_message.decode_trigger_id.missing_data")
	})

	t.Run("PublishWebSocketEvent", func(t *testing.T) {
		n := len(rec.WebSocketEvents())
		payload := map[string]any{"channel_id": fx.Public.Id, "count": 2, "nested": map[string]any{"ok": true, "list": []any{"a", 1}}}
		e.call("PublishWebSocketEvent", "rules_changed", payload, map[string]any{"channel_id": fx.Public.Id}).ok(t, "PublishWebSocketEvent", nil)
		all := rec.WebSocketEvents()
		if len(all) != n+1 {
			t.Fatalf("want one websocket event, got %d", len(all)-n)
		}
		ev := all[n]
		if ev.Event != "custom_"+e.id+"_rules_changed" {
			t.Errorf("event = %q", ev.Event)
		}
		if !jsonEqual(t, ev.Payload, payload) {
			t.Errorf("payload = %#v, want %#v", ev.Payload, payload)
		}
		if _, ok := ev.Payload["nested"].(map[string]any); !ok {
			t.Errorf("payload.nested is %T, want a map", ev.Payload["nested"])
		}
		if ev.Broadcast == nil || ev.Broadcast.ChannelId != fx.Public.Id {
			t.Errorf("broadcast = %+v, want channel %s", ev.Broadcast, fx.Public.Id)
		}
	})

	t.Run("PublishPluginClusterEvent", func(t *testing.T) {
		n := len(rec.ClusterEvents())
		e.call("PublishPluginClusterEvent", map[string]any{"Id": "invalidate", "Data": b64([]byte{0, 'a', 0xff})},
			map[string]any{"SendType": model.PluginClusterEventSendTypeReliable, "TargetId": ""}).ok(t, "PublishPluginClusterEvent", nil)
		all := rec.ClusterEvents()
		if len(all) != n+1 {
			t.Fatalf("want one cluster event, got %d", len(all)-n)
		}
		ev := all[n]
		if ev.Event.Id != "invalidate" || !bytes.Equal(ev.Event.Data, []byte{0, 'a', 0xff}) || ev.Options.SendType != model.PluginClusterEventSendTypeReliable {
			t.Fatalf("cluster event = %+v", ev)
		}
	})

	t.Run("LogDebug, LogInfo, LogWarn, LogError", func(t *testing.T) {
		for _, level := range []string{"Debug", "Info", "Warn", "Error"} {
			msg := "conformance " + strings.ToLower(level) + " line"
			e.call("Log"+level, msg, "rule", "r-1", "attempt", "3").ok(t, "Log"+level, nil)
			l, ok := rec.FindLog(strings.ToLower(level), msg)
			if !ok {
				t.Fatalf("no %s log %q; logs:\n%s", level, msg, e.h.APILogs())
			}
			if v, _ := l.Field("rule"); v != "r-1" {
				t.Errorf("%s: rule = %q, want r-1 (%s)", level, v, l)
			}
			if v, _ := l.Field("attempt"); v != "3" {
				t.Errorf("%s: attempt = %q, want 3 (%s)", level, v, l)
			}
		}
	})

	t.Run("GetSession", func(t *testing.T) {
		var s model.Session
		e.call("GetSession", fx.MemberSession.Id).ok(t, "GetSession", &s)
		if s.Id != fx.MemberSession.Id || s.UserId != fx.Member.Id {
			t.Errorf("GetSession = %+v", s)
		}
		e.call("GetSession", model.NewId()).appErr(t, "GetSession(unknown)", http.StatusNotFound, "app.session.get.app_error")
	})

	t.Run("every call reached the server", func(t *testing.T) {
		for _, m := range []string{"LoadPluginConfiguration", "GetConfig", "CreatePost", "UpdatePost", "SendEphemeralPost", "DeletePost",
			"GetPost", "GetPostThread", "GetFileInfo", "GetGroupsForUser", "GetChannel", "GetChannelMember", "GetChannelMembers", "GetDirectChannel", "GetUser", "GetUserByUsername", "GetTeam", "HasPermissionTo",
			"HasPermissionToChannel", "HasPermissionToTeam", "KVGet", "KVSet", "KVSetWithOptions", "KVDelete", "KVList", "EnsureBotUser",
			"CreateBot", "PatchBot", "GetBot", "UpdateBotActive", "SetProfileImage",
			"RegisterCommand", "OpenInteractiveDialog", "PublishWebSocketEvent", "PublishPluginClusterEvent", "LogDebug", "LogInfo",
			"LogWarn", "LogError", "GetSession"} {
			if rec.CallCount(e.id, m) == 0 {
				t.Errorf("%s never reached the server", m)
			}
		}
	})
}
