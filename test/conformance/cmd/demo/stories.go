package main

import (
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
)

// ruleView is the part of the API's rule view (common/src/api_dto.ts ruleViewSchema) the demo reads.
type ruleView struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Revision  int    `json:"revision"`
	Enabled   bool   `json:"enabled"`
	Endpoints []struct {
		ID        string `json:"id"`
		URL       string `json:"url"`
		HasSecret bool   `json:"has_secret"`
	} `json:"endpoints"`
}

// logEntry is one line of a rule's delivery log (common/src/delivery.ts deliveryLogEntrySchema).
type logEntry struct {
	DeliveryID    string   `json:"delivery_id"`
	WebhookID     string   `json:"webhook_id"`
	RuleID        string   `json:"rule_id"`
	EndpointID    string   `json:"endpoint_id"`
	EventType     string   `json:"event_type"`
	PostID        string   `json:"post_id"`
	At            int64    `json:"at"`
	Attempt       int      `json:"attempt"`
	Status        string   `json:"status"`
	HTTPStatus    int      `json:"http_status"`
	ErrorClass    string   `json:"error_class"`
	Error         string   `json:"error"`
	LatencyMs     *float64 `json:"latency_ms"`
	NextAttemptAt *int64   `json:"next_attempt_at"`
	Reply         *struct {
		Kind      string `json:"kind"`
		Posts     int    `json:"posts"`
		Ephemeral int    `json:"ephemeral"`
		Reason    string `json:"reason"`
	} `json:"reply"`
}

func (e logEntry) String() string {
	s := fmt.Sprintf("attempt %d %s", e.Attempt, e.Status)
	if e.HTTPStatus != 0 {
		s += fmt.Sprintf(", HTTP %d", e.HTTPStatus)
	}
	if e.ErrorClass != "" && e.ErrorClass != "http_status" {
		s += ", " + e.ErrorClass
	}
	if e.Error != "" && e.Error != fmt.Sprintf("HTTP %d", e.HTTPStatus) {
		s += " (" + excerpt(e.Error, 120) + ")"
	}
	return s
}

const (
	deployPattern = `^deploy (?P<service>[a-z0-9-]+) to (?P<env>prod|staging)\b`
	deployMessage = "deploy billing-api to prod"
	incidentWord  = "incident"
	incidentMsg   = "incident checkout is answering 500s"
)

// createRules creates the two example rules through the plugin's REST API as @olivia, the channel admin, and gives
// each endpoint the signing secret the demo service verifies with.
func (d *demo) createRules() {
	n := d.n
	n.title("Rules — created through Tripwire's REST API as @olivia (channel admin), like the channel settings panel does")
	d.deployRule = d.createRule("Deploy requests", map[string]any{
		"name":        "Deploy requests",
		"description": "Regex with named groups in a private channel; signed, retried deliveries; the reply goes in the thread.",
		"scope":       map[string]any{"kind": "channels", "teamId": d.w.Team.Id, "channelIds": []string{d.w.Ops.Id}},
		"trigger":     map[string]any{"mode": "regex", "pattern": deployPattern, "ignoreCase": true},
		"endpoints": []map[string]any{{
			"id": "deploy", "url": d.recv.URL + "/deploy", "payload": "rich", "timeout_ms": 5000,
		}},
		// Short retries for the demo, through the rule's own delivery policy: full jitter over 300 ms, 600 ms, ...
		"delivery": map[string]any{"max_attempts": 5, "backoff_base_ms": 300, "backoff_max_ms": 2000},
	}, "regex "+deployPattern+" in ~ops (private), rich JSON payload, up to 5 attempts, backoff base 300 ms")
	d.buttonsRule = d.createRule("Incident buttons", map[string]any{
		"name":        "Incident buttons",
		"description": "Native-style trigger word in a public channel; the service answers with buttons.",
		"scope":       map[string]any{"kind": "channels", "teamId": d.w.Team.Id, "channelIds": []string{d.w.TownSquare.Id}},
		"trigger":     map[string]any{"mode": "exact", "words": []string{incidentWord}, "ignoreCase": true},
		"endpoints": []map[string]any{{
			"id": "incidents", "url": d.recv.URL + "/buttons", "payload": "compat", "timeout_ms": 5000,
		}},
	}, "first word \""+incidentWord+"\" in ~town-square, native (compat) JSON payload")
}

func (d *demo) createRule(name string, spec map[string]any, summary string) *ruleView {
	n := d.n
	var rule ruleView
	desc, err := d.api.call("createRule", nil, nil, spec, &rule)
	if !n.check(err == nil && rule.ID != "", fmt.Sprintf("rule %q created", name), firstErr(err, desc+", id "+rule.ID)) {
		return nil
	}
	n.detail("%s", summary)
	for _, ep := range rule.Endpoints {
		var out struct {
			Secret string `json:"secret"`
		}
		desc, err := d.api.call("setSigningSecret", map[string]string{"ruleId": rule.ID, "endpointId": ep.ID}, nil,
			map[string]any{"secret": d.secret}, &out)
		ok := err == nil && out.Secret == d.secret
		if err == nil && !ok {
			err = errors.New("the answer did not echo the secret that was set")
		}
		n.check(ok, fmt.Sprintf("signing secret set on endpoint %q", ep.ID), firstErr(err, desc+" (Standard Webhooks whsec_ secret, shown once)"))
	}
	return &rule
}

func firstErr(err error, otherwise string) string {
	if err != nil {
		return err.Error()
	}
	return otherwise
}

// storyDeploy: a regex rule in a private channel; the service fails twice with 503, then answers in the thread.
func (d *demo) storyDeploy() {
	n := d.n
	n.scene("Story 1 — @sam in ~ops (private): %q", deployMessage)
	trigger, took, err := d.post(d.w.Sam, d.w.SamSession, d.w.Ops, deployMessage)
	if !n.check(err == nil, "message posted; MessageHasBeenPosted ran in the plugin", firstErr(err, "post "+idOf(trigger)+", hook returned in "+ms(took))) {
		return
	}
	rule := d.deployRule
	if rule == nil {
		n.check(false, "delivery for rule \"Deploy requests\"", "the rule could not be created")
		return
	}

	forPost := func(rs []request) []request {
		return filter(rs, func(r request) bool { return r.postID() == trigger.Id })
	}
	reqs, _ := d.recv.waitFor(10*time.Second, func(rs []request) bool { return len(forPost(rs)) >= 1 })
	got := forPost(reqs)
	if !n.check(len(got) >= 1, "matched rule \"Deploy requests\"", matchSeen(got, "no request reached the demo service within 10 s")) {
		d.quietReasons(d.w.Ops, deployMessage)
		return
	}
	first := got[0]
	groupsOK := first.Fields != nil && first.Fields.Groups["service"] == "billing-api" && first.Fields.Groups["env"] == "prod"
	n.check(groupsOK, "capture groups service=billing-api env=prod in the payload", groupsSeen(first))
	d.checkAttempt(first, 1, "/deploy", 503, "")

	var prev = first
	for attempt := 2; attempt <= 3; attempt++ {
		entries, _ := d.waitLog(rule.ID, trigger.Id, 10*time.Second, func(es []logEntry) bool { return findAttempt(es, attempt-1) != nil })
		e := findAttempt(entries, attempt-1)
		n.check(e != nil && e.Status == "retrying" && e.NextAttemptAt != nil,
			fmt.Sprintf("attempt %d failed, retry scheduled (delivery log)", attempt-1), retrySeen(e))
		reqs, _ = d.recv.waitFor(15*time.Second, func(rs []request) bool { return len(forPost(rs)) >= attempt })
		got = forPost(reqs)
		if len(got) < attempt {
			n.check(false, fmt.Sprintf("attempt %d sent", attempt), fmt.Sprintf("only %d request(s) within the wait", len(got)))
			return
		}
		r := got[attempt-1]
		want := 503
		if attempt == 3 {
			want = 200
		}
		d.checkAttempt(r, attempt, "/deploy", want, first.WebhookID)
		n.detail("%s after attempt %d (the demo service's clock)", ms(time.Duration(r.At-prev.At)*time.Millisecond), attempt-1)
		prev = r
	}

	entries, _ := d.waitLog(rule.ID, trigger.Id, 10*time.Second, func(es []logEntry) bool {
		e := findAttempt(es, 3)
		return e != nil && e.Reply != nil
	})
	e := findAttempt(entries, 3)
	n.check(e != nil && e.Status == "succeeded", "delivered (delivery log)", deliveredSeen(e, entries))

	reply := d.waitReply(rule.ID, 10*time.Second)
	inThread := reply != nil && reply.RootId == trigger.Id
	n.check(reply != nil && d.isBot(reply.UserId) && inThread, "reply posted as the bot, in the thread of @sam's message", replySeen(d, reply, trigger))
}

// storyButtons: a trigger-word rule in a public channel; the service answers with an attachment with buttons.
func (d *demo) storyButtons() {
	n := d.n
	n.scene("Story 2 — @sam in ~town-square: %q", incidentMsg)
	trigger, took, err := d.post(d.w.Sam, d.w.SamSession, d.w.TownSquare, incidentMsg)
	if !n.check(err == nil, "message posted; MessageHasBeenPosted ran in the plugin", firstErr(err, "post "+idOf(trigger)+", hook returned in "+ms(took))) {
		return
	}
	rule := d.buttonsRule
	if rule == nil {
		n.check(false, "delivery for rule \"Incident buttons\"", "the rule could not be created")
		return
	}
	reqs, _ := d.recv.waitFor(10*time.Second, func(rs []request) bool {
		return len(filter(rs, func(r request) bool { return r.postID() == trigger.Id })) >= 1
	})
	got := filter(reqs, func(r request) bool { return r.postID() == trigger.Id })
	if !n.check(len(got) >= 1 && got[0].Fields.TriggerWord == incidentWord, "matched rule \"Incident buttons\"", matchSeen(got, "no request reached the demo service within 10 s")) {
		d.quietReasons(d.w.TownSquare, incidentMsg)
		return
	}
	d.checkAttempt(got[0], 1, "/buttons", 200, "")

	entries, _ := d.waitLog(rule.ID, trigger.Id, 10*time.Second, func(es []logEntry) bool {
		e := findAttempt(es, 1)
		return e != nil && e.Reply != nil
	})
	e := findAttempt(entries, 1)
	n.check(e != nil && e.Status == "succeeded", "delivered (delivery log)", deliveredSeen(e, entries))

	reply := d.waitReply(rule.ID, 10*time.Second)
	buttons := attachmentButtons(reply)
	if !n.check(reply != nil && d.isBot(reply.UserId) && reply.RootId == "" && len(buttons) == 2,
		"reply posted as the bot in ~town-square, with buttons", buttonsSeen(d, reply, buttons)) {
		return
	}
	d.clickButton(reply, buttons[0])
}

// clickButton does what Mattermost does when @sam clicks a button of the reply (see postaction.go): the plugin gets
// the click, calls the service that made the reply, and the service's answer updates the post.
func (d *demo) clickButton(reply *model.Post, button *model.PostAction) {
	n := d.n
	n.info("@sam clicks [%s] (Mattermost posts the click to the button's integration URL, the plugin, as @sam)", button.Name)
	before := len(d.recv.Requests())
	res, err := d.doPostAction(reply.Id, button.Id, d.w.Sam, d.w.SamSession)
	reqs, _ := d.recv.waitFor(5*time.Second, func(rs []request) bool { return len(rs) > before })
	var forwarded *request
	for _, r := range reqs[before:] {
		if r.Path == "/actions" {
			forwarded = &r
			break
		}
	}
	seen := "the demo service got no click"
	if forwarded != nil {
		seen = fmt.Sprintf("%s %s, signature %s, answered %d %s", forwarded.Method, forwarded.Path, forwarded.Signature, forwarded.Status, excerpt(forwarded.ReplyExcerpt, 80))
		if forwarded.Fields != nil && forwarded.Fields.Context != nil {
			seen += fmt.Sprintf("; context.action=%v", forwarded.Fields.Context["action"])
		}
	}
	ok := forwarded != nil && forwarded.Status == 200 && forwarded.Fields != nil && forwarded.Fields.Context["action"] == button.Id
	n.check(ok, "the plugin forwarded the click to the service, with the button's context", seen)
	updated := ""
	if res != nil && res.Updated != nil {
		updated = res.Updated.Message
	}
	n.check(err == nil && res != nil && res.Status == 200 && strings.Contains(updated, "acknowledged"), "the service's answer updated the post",
		firstErr(err, fmt.Sprintf("plugin answered %d; post now reads %q", statusOf(res), excerpt(updated, 80))))
}

func statusOf(r *actionResult) int {
	if r == nil {
		return 0
	}
	return r.Status
}

// storyQuiet: what must not fire — a message no rule matches, a channel no rule watches, and Tripwire's own replies.
func (d *demo) storyQuiet() {
	n := d.n
	n.scene("Story 3 — what must not fire")
	before := len(d.recv.Requests())

	quiet := "lunch anyone?"
	p1, _, err1 := d.post(d.w.Sam, d.w.SamSession, d.w.TownSquare, quiet)
	n.check(err1 == nil, fmt.Sprintf("@sam posted %q in ~town-square", quiet), firstErr(err1, "post "+idOf(p1)))
	d.quietReasons(d.w.TownSquare, quiet)

	var list struct {
		Rules []ruleView `json:"rules"`
	}
	// Only admins see a channel's rules; @admin (system admin) asks.
	desc, err := d.api.as(d.w.AdminSession.Token).call("listChannelRules", map[string]string{"channelId": d.w.Random.Id}, nil, nil, &list)
	n.check(err == nil && len(list.Rules) == 0, "no rule watches ~random", firstErr(err, fmt.Sprintf("asked as @admin: %s: %d rules", desc, len(list.Rules))))
	loud := "deploy web to prod"
	p2, _, err2 := d.post(d.w.Sam, d.w.SamSession, d.w.Random, loud)
	n.check(err2 == nil, fmt.Sprintf("@sam posted %q in ~random (it would match the deploy regex, but in ~ops only)", loud), firstErr(err2, "post "+idOf(p2)))

	// Give the plugin time to (wrongly) act on any of them, and on its own replies handed back to it.
	time.Sleep(1500 * time.Millisecond)
	var stray []string
	for _, r := range d.recv.Requests()[before:] {
		stray = append(stray, fmt.Sprintf("%s %s for post %s", r.Method, r.Path, r.postID()))
	}
	n.check(len(stray) == 0, "no request for them, nor for Tripwire's own replies (Mattermost hands those to MessageHasBeenPosted too)",
		orDefault(strings.Join(stray, "; "), fmt.Sprintf("the demo service saw nothing new in 1.5 s; %d Tripwire posts went through the hook", d.echoed.Load())))
	var extra []string
	for _, p := range d.srv.Posts() {
		if (p.ChannelId == d.w.Random.Id || (p1 != nil && p.RootId == p1.Id)) && p.UserId != d.w.Sam.Id {
			extra = append(extra, excerpt(p.Message, 60))
		}
	}
	n.check(len(extra) == 0, "no reply in ~random or under the quiet message", orDefault(strings.Join(extra, "; "), "none"))
}

// quietReasons asks the plugin's test bench (POST /channels/:channelId/test) why the channel's rules do or do not
// match a message, and prints its explanation.
func (d *demo) quietReasons(ch *model.Channel, message string) {
	var res struct {
		Outcomes []struct {
			RuleName string            `json:"ruleName"`
			Matched  bool              `json:"matched"`
			Reason   string            `json:"reason"`
			Detail   string            `json:"detail"`
			Groups   map[string]string `json:"groups"`
		} `json:"outcomes"`
	}
	desc, err := d.api.call("testMessage", map[string]string{"channelId": ch.Id}, nil, map[string]any{"message": message}, &res)
	if err != nil {
		d.n.check(false, "the plugin's test bench explains the match", err.Error())
		return
	}
	matched := 0
	var why []string
	for _, o := range res.Outcomes {
		if o.Matched {
			matched++
		}
		why = append(why, fmt.Sprintf("%q: %s (%s)", o.RuleName, o.Reason, o.Detail))
	}
	if message == "lunch anyone?" {
		d.n.check(matched == 0 && len(res.Outcomes) > 0, "not matched, says the plugin's test bench", desc+": "+strings.Join(why, "; "))
		return
	}
	d.n.detail("the plugin's test bench (%s) says: %s", desc, strings.Join(why, "; "))
}

func (d *demo) checkAttempt(r request, attempt int, path string, status int, webhookID string) {
	ok := r.Method == "POST" && r.Path == path && r.WebhookID != "" && r.Signature == "ok" && r.Status == status
	label := fmt.Sprintf("attempt %d: signed request → HTTP %d", attempt, status)
	if webhookID != "" {
		ok = ok && r.WebhookID == webhookID
		label = fmt.Sprintf("attempt %d: signed request, same webhook-id → HTTP %d", attempt, status)
	}
	seen := fmt.Sprintf("%s %s, webhook-id %s, webhook-signature %s, answered %d", r.Method, r.Path, r.WebhookID, sigWord(r.Signature), r.Status)
	if r.Status >= 300 {
		seen += " " + r.ReplyExcerpt
	}
	d.n.check(ok, label, seen)
	if attempt == 1 {
		d.n.detail("body: %s, %d bytes, fields %s", r.ContentType, r.BodyBytes, excerpt(strings.Join(r.BodyKeys, " "), 100))
	}
	if r.Status == 200 {
		d.n.detail("service answered: %s", excerpt(r.ReplyExcerpt, 110))
	}
}

func sigWord(s string) string {
	if s == "ok" {
		return "verified (signature ok)"
	}
	return s
}

// waitLog polls the rule's delivery log (GET /rules/:ruleId/deliveries) until pred holds for the post's entries.
func (d *demo) waitLog(ruleID, postID string, timeout time.Duration, pred func([]logEntry) bool) ([]logEntry, error) {
	deadline := time.Now().Add(timeout)
	var entries []logEntry
	var err error
	for {
		var page struct {
			Entries []logEntry `json:"entries"`
		}
		_, err = d.api.call("listDeliveries", map[string]string{"ruleId": ruleID}, url.Values{"per_page": {"100"}}, nil, &page)
		entries = filterLog(page.Entries, postID)
		if err == nil && pred(entries) {
			return entries, nil
		}
		if time.Now().After(deadline) {
			if err == nil {
				err = errors.New("timed out")
			}
			return entries, err
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func filterLog(es []logEntry, postID string) []logEntry {
	var out []logEntry
	for _, e := range es {
		if e.PostID == postID {
			out = append(out, e)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Attempt < out[j].Attempt })
	return out
}

func findAttempt(es []logEntry, attempt int) *logEntry {
	for i := range es {
		if es[i].Attempt == attempt {
			return &es[i]
		}
	}
	return nil
}

// waitReply waits for a post Tripwire created for the rule (props tripwire_rule_id).
func (d *demo) waitReply(ruleID string, timeout time.Duration) *model.Post {
	deadline := time.Now().Add(timeout)
	for {
		for _, p := range d.srv.Posts() {
			if p.GetProp("tripwire_rule_id") == ruleID {
				return p
			}
		}
		if time.Now().After(deadline) {
			return nil
		}
		time.Sleep(25 * time.Millisecond)
	}
}

func (d *demo) isBot(userID string) bool {
	u := d.srv.User(userID)
	return u != nil && u.IsBot
}

func attachmentButtons(p *model.Post) []*model.PostAction {
	if p == nil {
		return nil
	}
	var out []*model.PostAction
	for _, a := range p.Attachments() {
		for _, act := range a.Actions {
			if act != nil && (act.Type == model.PostActionTypeButton || act.Type == "") {
				out = append(out, act)
			}
		}
	}
	return out
}

// ---- what was seen, in words ----

func matchSeen(got []request, none string) string {
	if len(got) == 0 {
		return none
	}
	r := got[0]
	if r.Fields == nil {
		return "a request arrived, but its body is not JSON: " + r.BodyExcerpt
	}
	return fmt.Sprintf("trigger %q (the plugin's payload: trigger_word)", r.Fields.TriggerWord)
}

func groupsSeen(r request) string {
	if r.Fields == nil || len(r.Fields.Groups) == 0 {
		return "no matches.groups in the payload: " + excerpt(r.BodyExcerpt, 120)
	}
	keys := make([]string, 0, len(r.Fields.Groups))
	for k := range r.Fields.Groups {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, k+"="+r.Fields.Groups[k])
	}
	return "matches.groups: " + strings.Join(parts, " ")
}

func retrySeen(e *logEntry) string {
	if e == nil {
		return "no delivery log entry for it"
	}
	if e.NextAttemptAt == nil {
		return e.String() + ", no next attempt"
	}
	return fmt.Sprintf("%s; next attempt in %s (rule's backoff with full jitter)", e, ms(time.Duration(*e.NextAttemptAt-e.At)*time.Millisecond))
}

func deliveredSeen(e *logEntry, all []logEntry) string {
	if e == nil {
		var parts []string
		for _, x := range all {
			parts = append(parts, x.String())
		}
		return "log has: " + orDefault(strings.Join(parts, "; "), "nothing for this post")
	}
	s := e.String()
	if e.LatencyMs != nil {
		s += fmt.Sprintf(", %.0f ms", *e.LatencyMs)
	}
	if e.Reply != nil {
		s += ", reply: " + e.Reply.Kind
		if e.Reply.Kind == "posted" {
			s += fmt.Sprintf(" (%d post)", e.Reply.Posts)
		} else if e.Reply.Reason != "" {
			s += " (" + e.Reply.Reason + ")"
		}
	}
	return s + fmt.Sprintf("; delivery %s, webhook-id %s", e.DeliveryID, e.WebhookID)
}

func replySeen(d *demo, p, trigger *model.Post) string {
	if p == nil {
		return "no post by Tripwire for this rule within 10 s"
	}
	u := d.srv.User(p.UserId)
	where := "a new root post"
	if p.RootId == trigger.Id {
		where = "root_id = the trigger post"
	} else if p.RootId != "" {
		where = "root_id " + p.RootId
	}
	return fmt.Sprintf("@%s (bot=%v), %s: %q", userName(u), u != nil && u.IsBot, where, excerpt(p.Message, 90))
}

func buttonsSeen(d *demo, p *model.Post, buttons []*model.PostAction) string {
	if p == nil {
		return "no post by Tripwire for this rule within 10 s"
	}
	u := d.srv.User(p.UserId)
	var names []string
	for _, b := range buttons {
		target := ""
		if b.Integration != nil {
			target = " → " + excerpt(b.Integration.URL, 60)
		}
		names = append(names, fmt.Sprintf("[%s]%s", b.Name, target))
	}
	root := "in the channel"
	if p.RootId != "" {
		root = "in a thread"
	}
	return fmt.Sprintf("@%s (bot=%v) %s: %q, buttons %s", userName(u), u != nil && u.IsBot, root, excerpt(p.Message, 60), orDefault(strings.Join(names, " "), "none"))
}

func userName(u *model.User) string {
	if u == nil {
		return "?"
	}
	return u.Username
}

func filter(rs []request, keep func(request) bool) []request {
	var out []request
	for _, r := range rs {
		if keep(r) {
			out = append(out, r)
		}
	}
	return out
}

func idOf(p *model.Post) string {
	if p == nil {
		return ""
	}
	return p.Id
}

func ms(d time.Duration) string {
	if d < 10*time.Millisecond {
		return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000)
	}
	if d < time.Second {
		return fmt.Sprintf("%d ms", d.Milliseconds())
	}
	return seconds(d)
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
