package conformance

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"
)

// TestConcurrentCallers has 8 goroutines call the plugin at once, as the server does (each hook runs in its
// own goroutine there). Every answer must be the answer to its own call: replies are matched by net/rpc
// sequence numbers, and nested API calls from concurrent hooks share one API connection.
func TestConcurrentCallers(t *testing.T) {
	e := newEnv(t, envOptions{})
	hooks := e.hooks()
	const callers, rounds = 8, 15
	before := e.srv.PostCount()

	var wg sync.WaitGroup
	errs := make(chan error, callers*rounds*3)
	roots := make([][]string, callers) // ids of the posts each caller posted with "echo"
	for g := 0; g < callers; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for r := 0; r < rounds; r++ {
				tag := fmt.Sprintf("g%d-r%d", g, r)

				p, appErr := e.srv.InsertPost(&model.Post{UserId: e.fx.Member.Id, ChannelId: e.fx.Public.Id, Message: "echo " + tag})
				if appErr != nil {
					errs <- appErr
					return
				}
				roots[g] = append(roots[g], p.Id)
				hooks.MessageHasBeenPosted(e.ctx(), p)

				resp, appErr := hooks.ExecuteCommand(e.ctx(), &model.CommandArgs{Command: "/conformance " + tag, UserId: e.fx.Member.Id,
					ChannelId: e.fx.Public.Id, TeamId: e.fx.Alpha.Id})
				if appErr != nil || resp == nil || resp.Text != "ran: "+tag {
					errs <- fmt.Errorf("%s: ExecuteCommand = %+v, %v; want 'ran: %s'", tag, resp, appErr, tag)
				}

				value := base64.StdEncoding.EncodeToString([]byte("value-" + tag))
				if c, err := e.tryCall("KVSet", "conc-"+tag, value); err != nil || c.Status != 200 {
					errs <- fmt.Errorf("%s: KVSet = %+v, %v", tag, c, err)
				}
				var got string
				if c, err := e.tryCall("KVGet", "conc-"+tag); err != nil || c.Status != 200 || c.Error != nil {
					errs <- fmt.Errorf("%s: KVGet = %+v, %v", tag, c, err)
				} else if err := json.Unmarshal(c.Result, &got); err != nil || got != value {
					errs <- fmt.Errorf("%s: KVGet = %s, want %q", tag, c.Result, value)
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	// Every echo got exactly its own reply, in the right thread.
	replies := map[string]*model.Post{}
	for _, p := range newPostsSince(e, before) {
		if p.UserId == e.botID() {
			if _, dup := replies[p.RootId]; dup {
				t.Errorf("two replies to post %s", p.RootId)
			}
			replies[p.RootId] = p
		}
	}
	for g := range roots {
		for r, root := range roots[g] {
			want := fmt.Sprintf("echo: g%d-r%d", g, r)
			if reply := replies[root]; reply == nil || reply.Message != want {
				t.Errorf("reply to %s = %v, want %q", root, reply, want)
			}
		}
	}
	if err := e.h.Env.PerformHealthCheck(e.id); err != nil {
		t.Fatalf("health check after the concurrent calls: %v", err)
	}
}
