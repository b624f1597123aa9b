package fields

import (
	"encoding/json"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/plugin"

	"github.com/tripwire/test/conformance/host/hosttest"
	"github.com/tripwire/test/conformance/memapi"
)

// richBody is the part of a rich delivery body these tests read.
type richBody struct {
	EventType string `json:"event_type"`
	PostID    string `json:"post_id"`
	Text      string `json:"text"`
	UserID    string `json:"user_id"`
	UserName  string `json:"user_name"`
	Reaction  *struct {
		EmojiName  string `json:"emoji_name"`
		PostUserID string `json:"post_user_id"`
	} `json:"reaction"`
	Actor *struct {
		ID       string `json:"id"`
		Username string `json:"username"`
	} `json:"actor"`
	Files []struct {
		ID       string `json:"id"`
		Name     string `json:"name"`
		MimeType string `json:"mime_type"`
		Size     int64  `json:"size"`
	} `json:"files"`
}

// bodies waits for `want` requests on the path and decodes their JSON bodies.
func (e *env) bodies(t *testing.T, path string, want int) []richBody {
	t.Helper()
	e.delivered(t, path, want)
	var out []richBody
	for _, r := range e.svc.On(path) {
		var b richBody
		if err := json.Unmarshal(r.Body, &b); err != nil {
			t.Fatalf("%s: body is not JSON: %v in %s", path, err, r.Body)
		}
		out = append(out, b)
	}
	if len(out) != want {
		t.Fatalf("%s got %d requests, want %d: %+v", path, len(out), want, out)
	}
	return out
}

func (e *env) react(added bool, userID, postID, emoji string) {
	r := &model.Reaction{UserId: userID, PostId: postID, EmojiName: emoji, CreateAt: model.GetMillis(), ChannelId: e.fx.Public.Id}
	if added {
		e.hooks.ReactionHasBeenAdded(&plugin.Context{RequestId: model.NewId()}, r)
	} else {
		r.DeleteAt = model.GetMillis()
		e.hooks.ReactionHasBeenRemoved(&plugin.Context{RequestId: model.NewId()}, r)
	}
}

// TestRuleEventsAct: the events beyond posted/edited, driven through the real hooks RPC client (ReactionHasBeenAdded,
// ReactionHasBeenRemoved, UserHasJoinedChannel, UserHasLeftChannel) into the real plugin. Subtest names are cited by
// server/test/schema_coverage/registry.ts.
func TestRuleEventsAct(t *testing.T) {
	e := setup(t)
	f := e.fx
	bot, appErr := e.srv.APIFor(&model.Manifest{Id: "events-test"}).GetUserByUsername("tripwire")
	if appErr != nil {
		t.Fatalf("Tripwire's bot: %v", appErr)
	}

	t.Run("events reaction_added with emoji: the reacted post and who reacted, in the rich body even for a compat endpoint", func(t *testing.T) {
		_, path := e.rule(t, map[string]any{"events": []string{"reaction_added"}, "emoji": []string{":ticket:"}})
		p := e.post(draft{user: f.ChanAdmin, message: "the printer is on fire"})
		e.react(true, f.Member.Id, p.Id, "smile")   // another emoji
		e.react(true, bot.Id, p.Id, "ticket")       // Tripwire's own reaction: the loop guard
		e.react(false, f.Member.Id, p.Id, "ticket") // a removal: the rule listens to additions
		e.react(true, f.Member.Id, p.Id, "ticket")
		got := e.bodies(t, path, 1)[0]
		if got.EventType != "reaction_added" || got.PostID != p.Id || got.Text != "the printer is on fire" || got.UserID != f.Member.Id || got.UserName != "member" {
			t.Fatalf("body = %+v, want reaction_added on %s by member", got, p.Id)
		}
		if got.Reaction == nil || got.Reaction.EmojiName != "ticket" || got.Reaction.PostUserID != f.ChanAdmin.Id {
			t.Fatalf("reaction = %+v, want ticket on the channel admin's post", got.Reaction)
		}
	})

	t.Run("events reaction_removed: a removed reaction, with the user conditions about who reacted", func(t *testing.T) {
		_, path := e.rule(t, map[string]any{
			"events":     []string{"reaction_removed"},
			"conditions": []any{map[string]any{"type": "user", "userIds": []string{f.ChanAdmin.Id}}},
		})
		p := e.post(draft{message: "react to me"})
		e.react(true, f.ChanAdmin.Id, p.Id, "+1")
		e.react(false, f.Member.Id, p.Id, "+1")
		e.react(false, f.ChanAdmin.Id, p.Id, "+1")
		got := e.bodies(t, path, 1)[0]
		if got.EventType != "reaction_removed" || got.UserID != f.ChanAdmin.Id || got.Reaction == nil || got.Reaction.EmojiName != "+1" {
			t.Fatalf("body = %+v, want the channel admin's removed +1", got)
		}
	})

	t.Run("events user_joined and user_left: who joined or left, and who added them", func(t *testing.T) {
		joinRule, joins := e.rule(t, map[string]any{"events": []string{"user_joined"}})
		// A welcome: the service's answer is posted in the channel (a join has no post to thread under).
		e.svc.Answer(joins, hosttest.Answer{Status: 200, Body: `{"text": "welcome!"}`})
		_, leaves := e.rule(t, map[string]any{"events": []string{"user_left"}})
		member := e.srv.AddChannelMember(f.Public.Id, f.Guest.Id, memapi.ChannelUser)
		e.hooks.UserHasJoinedChannel(&plugin.Context{RequestId: model.NewId()}, member, f.ChanAdmin)
		e.hooks.UserHasJoinedChannel(&plugin.Context{RequestId: model.NewId()}, &model.ChannelMember{ChannelId: f.Public.Id, UserId: bot.Id}, f.ChanAdmin)
		e.hooks.UserHasLeftChannel(&plugin.Context{RequestId: model.NewId()}, member, nil)
		joined := e.bodies(t, joins, 1)[0]
		if joined.EventType != "user_joined" || joined.UserID != f.Guest.Id || joined.Actor == nil || joined.Actor.ID != f.ChanAdmin.Id || joined.Actor.Username != "chanadmin" {
			t.Fatalf("join body = %+v (actor %+v), want the guest added by the channel admin", joined, joined.Actor)
		}
		welcome := e.replies(t, joinRule, 1)
		if len(welcome) != 1 || welcome[0].Message != "welcome!" || welcome[0].RootId != "" || welcome[0].ChannelId != f.Public.Id {
			t.Fatalf("replies to the join = %d, want one root post \"welcome!\" in town-square: %+v", len(welcome), welcome)
		}
		left := e.bodies(t, leaves, 1)[0]
		if left.EventType != "user_left" || left.UserID != f.Guest.Id || left.Actor != nil {
			t.Fatalf("leave body = %+v (actor %+v), want the guest leaving by themselves", left, left.Actor)
		}
	})

	t.Run("file posted without text: a has_files rule gets the file metadata", func(t *testing.T) {
		csv := e.srv.AddFileInfo(&model.FileInfo{Name: "numbers.csv", Extension: "csv", MimeType: "text/csv", Size: 42, CreatorId: f.Member.Id})
		path := "/files-without-text"
		e.rule(t, map[string]any{
			"conditions": []any{map[string]any{"type": "has_files", "mimeTypes": []string{"text/*"}}},
			"endpoints":  []any{map[string]any{"id": "main", "url": path, "payload": "rich"}},
		})
		e.post(draft{message: "", files: []string{csv.Id}})
		e.post(draft{message: ""})
		got := e.bodies(t, path, 1)[0]
		if got.Text != "" || len(got.Files) != 1 || got.Files[0].ID != csv.Id || got.Files[0].Name != "numbers.csv" || got.Files[0].MimeType != "text/csv" || got.Files[0].Size != 42 {
			t.Fatalf("body = %+v, want the csv's metadata and no text", got)
		}
	})
}
