// Command baseline is the Go baseline for the hook benchmark: a plain Mattermost Go plugin whose
// MessageHasBeenPosted does what the conformance plugin does for "echo <text>" (a nested CreatePost with the
// same props) and for any other message (nothing).
package main

import (
	"strings"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/plugin"
)

type Plugin struct {
	plugin.MattermostPlugin
	botID string
}

func main() { plugin.ClientMain(&Plugin{}) }

func (p *Plugin) OnActivate() error {
	id, err := p.API.EnsureBotUser(&model.Bot{Username: "baseline-bot", DisplayName: "Baseline Bot"})
	p.botID = id
	return err
}

func (p *Plugin) MessageHasBeenPosted(_ *plugin.Context, post *model.Post) {
	text, ok := strings.CutPrefix(post.Message, "echo ")
	if !ok {
		return
	}
	root := post.RootId
	if root == "" {
		root = post.Id
	}
	_, _ = p.API.CreatePost(&model.Post{
		ChannelId: post.ChannelId, RootId: root, UserId: p.botID, Message: "echo: " + text,
		Props: model.StringInterface{
			"from_conformance": true,
			"hops":             float64(1),
			"attachments": []any{map[string]any{
				"text": "att",
				"actions": []any{map[string]any{
					"id": "ok", "name": "OK", "type": "button",
					"integration": map[string]any{"url": "/plugins/tripwire-conformance/action", "context": map[string]any{"n": float64(1)}},
				}},
			}},
		},
	})
}
