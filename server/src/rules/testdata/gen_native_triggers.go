// Generates native_triggers.json beside this file. Run from test/conformance (it has the module requirements):
//   cd test/conformance && GOFLAGS=-mod=readonly go run ../../server/src/rules/testdata/gen_native_triggers.go > ../../server/src/rules/testdata/native_triggers.json
//
// It records what Mattermost's own code (model.OutgoingWebhook and the
// first-word split in app.handleWebhookEvents) decides for each message and trigger list.
package main

import (
	"encoding/json"
	"os"
	"strings"

	"github.com/mattermost/mattermost/server/public/model"
)

type tcase struct {
	Message     string   `json:"message"`
	Words       []string `json:"words"`
	TriggerWhen int      `json:"trigger_when"`
	FirstWord   string   `json:"first_word"`
	Matched     bool     `json:"matched"`
	TriggerWord string   `json:"trigger_word"`
}

func main() {
	messages := []string{
		"deploy", "deploy now", "  deploy now", "\tdeploy\nnow", "\ndeploy", "deploy\u00a0now", "deploy\u0085now",
		"deploy\u200bnow", "deploy\ufeffnow", "\u3000deploy", "\u2028deploy", "deploy\u202fnow", "deploy\vnow", "deploy\fnow",
		"Deploy now", "DEPLOY", "deployment started", "redeploy", "", "   ", "\n\t ", "déploy now", "🚀 deploy", "deploy🚀 now",
		"deploy!", "!deploy prod", "dep", "de ploy", "deploy\r\nnow", "\u180edeploy", "\u1680deploy",
	}
	lists := [][]string{{"deploy"}, {"dep"}, {"Deploy", "deploy"}, {"de", "dep", "deploy"}, {"!deploy", "deploy"}, {"🚀"}, {"deploy🚀"}, {"déploy"}}
	var out []tcase
	for _, m := range messages {
		var first string
		if f := strings.Fields(m); len(f) > 0 {
			first = f[0]
		}
		for _, words := range lists {
			for _, when := range []int{0, 1} {
				hook := &model.OutgoingWebhook{TriggerWords: words, TriggerWhen: when}
				c := tcase{Message: m, Words: words, TriggerWhen: when, FirstWord: first}
				if when == 0 && hook.TriggerWordExactMatch(first) {
					c.Matched, c.TriggerWord = true, hook.GetTriggerWord(first, true)
				} else if when == 1 && hook.TriggerWordStartsWith(first) {
					c.Matched, c.TriggerWord = true, hook.GetTriggerWord(first, false)
				}
				out = append(out, c)
			}
		}
	}
	// One case per line keeps the fixture diffable.
	os.Stdout.WriteString("[\n")
	for i, c := range out {
		b, _ := json.Marshal(c)
		sep := ",\n"
		if i == len(out)-1 {
			sep = "\n"
		}
		os.Stdout.WriteString(string(b) + sep)
	}
	os.Stdout.WriteString("]\n")
}
