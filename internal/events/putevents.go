package events

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shoal-dev/shoal/internal/jobs"
	"github.com/shoal-dev/shoal/internal/pattern"
	"github.com/shoal-dev/shoal/internal/store"
)

// MaxEntriesSize is the limit on the summed size of a PutEvents request's
// entries, computed as "Calculating Amazon EventBridge PutEvents event
// entry size" describes. AWS raised it from 256 KB to 1 MB on 29 January
// 2026 ("More room to build: serverless services now support payloads up
// to 1 MB", AWS Compute Blog).
const MaxEntriesSize = 1 << 20

// entrySize is the guide's PutEventsRequestEntry size: 14 bytes for a
// Time, and the UTF-8 bytes of Source, DetailType, Detail and Resources.
func entrySize(e *PutEventsRequestEntry) int {
	n := len(e.Source) + len(e.DetailType) + len(e.Detail)
	if e.Time != nil {
		n += 14
	}
	for _, r := range e.Resources {
		n += len(r)
	}
	return n
}

// accepted is one event PutEvents accepted, with the rules it matched.
type accepted struct {
	sc       scope
	bus      string
	id       string
	event    []byte
	readOnly bool
	rules    []string
	archives []string // archives that keep the event
	// replay, when set, limits delivery to these rules (a replay's
	// FilterArns); such events are never archived again.
	replay map[string]bool
}

// routed reports whether the event needs a transaction at all.
func (a *accepted) routed() bool { return len(a.rules) > 0 || len(a.archives) > 0 }

// PutEvents accepts up to ten events. As on AWS, a request whose every
// entry fails still answers 200 with each entry's error: the API
// reference says such a request fails as a whole, but AWS's recorded
// answers to one-entry requests without Source, DetailType or Detail
// (LocalStack's AWS-validated snapshots) are per-entry InvalidArgument
// errors with HTTP 200, and the model lists no error for it.
//
// PutEvents accepts up to ten events. Each accepted event that matches
// rules is committed with one delivery job per (rule, target) in a single
// transaction before the call returns, so a crash right after PutEvents
// answers loses no delivery.
func (s *Service) PutEvents(ctx context.Context, in *PutEventsInput) (*PutEventsOutput, error) {
	sc := scopeFrom(ctx)
	total := 0
	for i := range in.Entries {
		total += entrySize(&in.Entries[i])
	}
	if total > MaxEntriesSize {
		return nil, errValidation("Total size of the entries in the request is over the limit.")
	}
	now := s.now()
	out := &PutEventsOutput{Entries: make([]PutEventsResultEntry, len(in.Entries))}
	var acc []accepted
	for i := range in.Entries {
		e := &in.Entries[i]
		a, code, msg := s.prepare(ctx, sc, e, now)
		if code != "" {
			out.Entries[i] = PutEventsResultEntry{ErrorCode: code, ErrorMessage: msg}
			out.FailedEntryCount++
			continue
		}
		out.Entries[i].EventId = a.id
		if a.routed() {
			acc = append(acc, a)
		}
	}
	if err := s.commit(ctx, acc, nil); err != nil {
		return nil, err
	}
	return out, nil
}

// prepare validates one entry, builds the event and matches it; code and
// msg are the entry's error when it is rejected.
func (s *Service) prepare(ctx context.Context, sc scope, e *PutEventsRequestEntry, now time.Time) (a accepted, code, msg string) {
	bus, err := busName(e.EventBusName, "eventBusName")
	if err != nil || strings.Contains(bus, "/") {
		return a, "InvalidArgument", "Parameter EventBusName is not valid."
	}
	// A bus ARN may name another account's bus; the event keeps the
	// sender's account, as EventBridge's cross-account events do.
	target := sc
	if m := resourceRE.FindStringSubmatch(e.EventBusName); m != nil {
		target = scope{account: m[2], region: m[1]}
		if target.region != sc.region {
			return a, "InvalidArgument", "Parameter EventBusName is not valid. Reason: the event bus is in another Region."
		}
	}
	switch {
	case e.Source == "":
		return a, "InvalidArgument", "Parameter Source is not valid. Reason: Source is a required argument."
	case e.DetailType == "":
		return a, "InvalidArgument", "Parameter DetailType is not valid. Reason: DetailType is a required argument."
	case e.Detail == "":
		return a, "InvalidArgument", "Parameter Detail is not valid. Reason: Detail is a required argument."
	}
	// Sources under aws. belong to AWS services; customers may not send them.
	if strings.HasPrefix(e.Source, "aws.") {
		return a, "NotAuthorizedForSourceException", "Not authorized for the source."
	}
	detail, ok := compactObject(e.Detail)
	if !ok || jsonDepth(detail) > maxDetailDepth {
		return a, "MalformedDetail", "Detail is malformed."
	}
	if target.account != sc.account {
		if code, msg := s.crossAccount(ctx, sc, target, bus, e); code != "" {
			return a, code, msg
		}
	}
	m, ok := s.matcher(target, bus)
	if !ok {
		return a, "ResourceNotFoundException", "Event bus " + bus + " does not exist."
	}
	t := now
	if e.Time != nil {
		t = e.Time.UTC()
	}
	a = accepted{sc: target, bus: bus, id: s.newID()}
	a.event = buildEvent(a.id, e.DetailType, e.Source, scope{account: sc.account, region: target.region}, t, e.Resources, detail)
	a.rules, _ = m.Match(a.event)
	a.archives = s.matchArchives(target, bus, a.event)
	return a, "", ""
}

// maxDetailDepth: "PutEvents will only process nested JSON up to 1000
// levels deep" (PutEvents API reference). AWS does not say how a deeper
// Detail fails; shoal fails the entry as MalformedDetail, the code for a
// Detail it cannot process.
const maxDetailDepth = 1000

// jsonDepth is the deepest nesting of objects and arrays in compact JSON;
// {} is 1.
func jsonDepth(b []byte) int {
	depth, deepest, inString := 0, 0, false
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case inString:
			if c == '\\' {
				i++
			} else if c == '"' {
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			depth++
			deepest = max(deepest, depth)
		case c == '}' || c == ']':
			depth--
		}
	}
	return deepest
}

// crossAccount checks an entry sent to another account's bus against that
// bus's resource policy (PutPermission); code is the entry's error.
func (s *Service) crossAccount(ctx context.Context, from, to scope, bus string, e *PutEventsRequestEntry) (code, msg string) {
	var b *busRecord
	err := s.st.View(ctx, func(tx store.Tx) error {
		var err error
		b, _, err = loadBus(ctx, tx, to, bus)
		return err
	})
	if err != nil {
		return "InternalFailure", "The event bus could not be read."
	}
	if b == nil && bus != DefaultBus {
		return "ResourceNotFoundException", "Event bus " + bus + " does not exist."
	}
	if b == nil || !allowsPutEvents(b.Policy, from.account, to.busArn(bus), e.Source, e.DetailType) {
		return "AccessDeniedException", "User: arn:" + from.partition() + ":iam::" + from.account + ":root is not authorized to perform: events:PutEvents on resource: " +
			to.busArn(bus) + " because no resource-based policy allows the events:PutEvents action"
	}
	return "", ""
}

// compactObject returns the detail compacted, if it is a JSON object.
func compactObject(s string) ([]byte, bool) {
	var b bytes.Buffer
	if !utf8.ValidString(s) || json.Compact(&b, []byte(s)) != nil {
		return nil, false
	}
	out := b.Bytes()
	return out, len(out) > 0 && out[0] == '{'
}

// buildEvent writes the event as EventBridge delivers it, members in AWS's
// order.
func buildEvent(id, detailType, source string, sc scope, t time.Time, resources []string, detail []byte) []byte {
	n := 128 + len(id) + len(detailType) + len(source) + len(sc.account) + len(sc.region) + len(detail)
	for _, r := range resources {
		n += len(r) + 3
	}
	b := make([]byte, 0, n)
	b = append(b, `{"version":"0","id":`...)
	b = appendQuote(b, id)
	b = append(b, `,"detail-type":`...)
	b = appendQuote(b, detailType)
	b = append(b, `,"source":`...)
	b = appendQuote(b, source)
	b = append(b, `,"account":`...)
	b = appendQuote(b, sc.account)
	b = append(b, `,"time":"`...)
	b = t.UTC().AppendFormat(b, "2006-01-02T15:04:05Z")
	b = append(b, `","region":`...)
	b = appendQuote(b, sc.region)
	b = append(b, `,"resources":[`...)
	for i, r := range resources {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendQuote(b, r)
	}
	b = append(b, `],"detail":`...)
	b = append(b, detail...)
	return append(b, '}')
}

// commit stores the delivery jobs of the accepted events, and whatever also
// writes, in one transaction. Matching ran on the in-memory matchers; here
// each matched rule is read again so its state and targets are the ones
// committed. No transaction is needed when nothing matched.
func (s *Service) commit(ctx context.Context, acc []accepted, also func(context.Context, store.Tx) error) error {
	if len(acc) == 0 && also == nil {
		return nil
	}
	now := s.now()
	type trigger struct {
		a    *accepted
		rule string
	}
	var triggered []trigger
	hand := s.handover(ctx, acc)
	if hand != nil {
		defer hand.h.Cancel() // frees the room if fn panicked; no-op after settle
	}
	err := s.st.Update(ctx, func(tx store.Tx) error {
		triggered = triggered[:0] // fn may run again
		hand.reset()
		// A request's entries mostly match the same rules: read each once
		// per transaction, not once per entry.
		var read map[string]*decodedRule
		if len(acc) > 1 {
			read = map[string]*decodedRule{}
		}
		if also != nil {
			if err := also(ctx, tx); err != nil {
				return err
			}
		}
		for i := range acc {
			a := &acc[i]
			for _, name := range a.archives {
				if err := archiveEvent(ctx, tx, a.sc, name, a.event, now); err != nil {
					return err
				}
			}
			for _, name := range a.rules {
				if a.replay != nil && !a.replay[name] {
					continue
				}
				key := a.sc.ruleKey(a.bus, name)
				c, ok := read[key]
				if !ok {
					var err error
					if c, err = s.committedRule(ctx, tx, a.sc, a.bus, name); err != nil {
						return err
					}
					if read != nil {
						read[key] = c
					}
				}
				if c == nil || !c.rule.matchable() || (a.readOnly && c.rule.State != StateEnabledCloudTrail) {
					continue
				}
				if err := c.enqueue(ctx, tx, a.sc, a.id, a.event, now, hand); err != nil {
					return err
				}
				triggered = append(triggered, trigger{a, name})
			}
		}
		return nil
	})
	hand.settle(err)
	if err != nil {
		return errInternal("the events could not be stored: %v", err)
	}
	for _, t := range triggered {
		s.countAccepted(t.a, t.rule)
	}
	return nil
}

// decodedRule is a rule as committed, decoded once for every event that
// matches it: value is the record it was decoded from, rule must not be
// changed, and targets holds each target encoded for delivery payloads.
type decodedRule struct {
	value   []byte
	rule    *ruleRecord
	targets [][]byte
}

// committedRule reads a matched rule in the accepting transaction, as
// committed, and returns it decoded (nil if it is gone). Decoding the rule
// and encoding its targets for every event cost more than the rest of
// accepting it, so the result is kept per rule key and reused while the
// stored bytes are the same; comparing the bytes, not the version, keeps a
// rule deleted and created again from reusing its predecessor.
func (s *Service) committedRule(ctx context.Context, tx store.Tx, sc scope, bus, name string) (*decodedRule, error) {
	key := sc.ruleKey(bus, name)
	rec, err := tx.RecordGet(ctx, tableRule, key)
	if errors.Is(err, store.ErrNotFound) {
		s.decoded.Delete(key)
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("events: read rule %s: %w", key, err)
	}
	if v, ok := s.decoded.Load(key); ok {
		if d := v.(*decodedRule); bytes.Equal(d.value, rec.Value) {
			return d, nil
		}
	}
	var r ruleRecord
	if err := json.Unmarshal(rec.Value, &r); err != nil {
		return nil, fmt.Errorf("events: decode rule %s: %w", key, err)
	}
	d := &decodedRule{value: bytes.Clone(rec.Value), rule: &r, targets: make([][]byte, len(r.Targets))}
	for i := range r.Targets {
		if d.targets[i], err = marshalRaw(&r.Targets[i]); err != nil {
			return nil, err
		}
	}
	s.decoded.Store(key, d)
	return d, nil
}

// enqueue puts the event's delivery jobs to the rule's targets in tx.
func (d *decodedRule) enqueue(ctx context.Context, tx store.Tx, sc scope, id string, event []byte, now time.Time, hand *handover) error {
	r := d.rule
	ruleArn := sc.ruleArn(r.Bus, r.Name)
	for i, t := range r.Targets {
		job := &store.Job{Queue: QueueDelivery, ID: deliveryJobID(now, id, r.Bus, r.Name, t.Id), Due: now,
			Payload: deliveryPayload(sc, r.Bus, r.Name, ruleArn, d.targets[i], id, event, now)}
		if !hand.room() {
			if err := tx.JobPut(ctx, job); err != nil {
				return err
			}
			continue
		}
		// What decoding job.Payload gives (now has no monotonic reading
		// and is UTC, as RFC 3339 parsing makes it).
		dv := &delivery{Account: sc.account, Region: sc.region, Bus: r.Bus, Rule: r.Name, RuleArn: ruleArn,
			Target: t, EventID: id, Event: event, Ingested: now}
		if err := hand.put(ctx, tx, job, dv); err != nil {
			return err
		}
	}
	return nil
}

// deliveryJobID names the delivery of an event to one target of a rule.
// It starts with the accepting time (16 hex digits of Unix nanoseconds),
// so job keys grow with time as event ids (random UUIDs) do not: a
// commit's new jobs land on the last pages of the store's job index, and
// delivered ones leave from its first, instead of each job dirtying a
// page of its own (on SQLite, a WAL frame written and often a page read
// per job). Nothing parses it; it only has to be unique in the queue.
func deliveryJobID(now time.Time, id, bus, rule, target string) string {
	b := make([]byte, 0, 20+len(id)+len(bus)+len(rule)+len(target))
	b = appendHex16(b, uint64(now.UnixNano()))
	for _, s := range [...]string{id, bus, rule, target} {
		b = append(b, '|')
		b = append(b, s...)
	}
	return string(b)
}

// appendHex16 appends v as 16 lower-case hex digits, so ids sort by v.
func appendHex16(b []byte, v uint64) []byte {
	const digits = "0123456789abcdef"
	for shift := 60; shift >= 0; shift -= 4 {
		b = append(b, digits[v>>uint(shift)&0xf])
	}
	return b
}

// handover holds the delivery jobs of one commit that this process runs
// itself once the commit is durable (jobs.Handoff): they are stored
// leased, in the accepting transaction as before, and go straight to the
// delivery runner's workers, without a JobClaim write or a wait for its
// wake-up. A nil handover, or jobs beyond its reservation, are put as
// usual for the runner to claim. Each handed job's delivery goes along
// decoded (Service.handed), sparing the handler the payload's decoding.
type handover struct {
	s          *Service
	h          *jobs.Handoff
	jobs       []store.Job
	deliveries []*delivery
}

// handover reserves room in the delivery runner for the jobs of acc:
// one per matched rule, the usual case of one target per rule.
func (s *Service) handover(ctx context.Context, acc []accepted) *handover {
	n := 0
	for i := range acc {
		n += len(acc[i].rules)
	}
	h, ok := s.runner.Reserve(ctx, n)
	if !ok {
		return nil
	}
	return &handover{s: s, h: h}
}

// reset forgets the jobs of an earlier run of the transaction's fn.
func (o *handover) reset() {
	if o != nil {
		o.jobs, o.deliveries = o.jobs[:0], o.deliveries[:0]
	}
}

// room reports whether the reservation has room for another job.
func (o *handover) room() bool { return o != nil && len(o.jobs) < o.h.Len() }

// put stores a delivery job leased in tx; d is its payload decoded.
func (o *handover) put(ctx context.Context, tx store.Tx, j *store.Job, d *delivery) error {
	if err := tx.JobPutLeased(ctx, j, o.h.Lease()); err != nil {
		return err
	}
	o.jobs, o.deliveries = append(o.jobs, *j), append(o.deliveries, d)
	return nil
}

// settle hands the jobs over once the transaction committed (err nil),
// or releases the reservation.
func (o *handover) settle(err error) {
	switch {
	case o == nil:
	case err != nil:
		o.h.Cancel()
	default:
		for i, j := range o.jobs {
			o.s.handed.Store(j.ID, o.deliveries[i])
		}
		o.h.Run(o.jobs)
	}
}

// deliveryPayload encodes a delivery (Attempts 0) as json.Marshal would,
// but without HTML escaping and with the target already encoded: it is
// written once per matched target of every accepted event.
func deliveryPayload(sc scope, bus, rule, ruleArn string, target []byte, id string, event []byte, now time.Time) []byte {
	b := make([]byte, 0, 160+len(sc.account)+len(sc.region)+len(bus)+len(rule)+len(ruleArn)+len(target)+len(id)+len(event))
	b = append(b, `{"account":`...)
	b = appendQuote(b, sc.account)
	b = append(b, `,"region":`...)
	b = appendQuote(b, sc.region)
	b = append(b, `,"bus":`...)
	b = appendQuote(b, bus)
	b = append(b, `,"rule":`...)
	b = appendQuote(b, rule)
	b = append(b, `,"ruleArn":`...)
	b = appendQuote(b, ruleArn)
	b = append(b, `,"target":`...)
	b = append(b, target...)
	b = append(b, `,"eventId":`...)
	b = appendQuote(b, id)
	b = append(b, `,"event":`...)
	b = append(b, event...)
	b = append(b, `,"ingested":"`...)
	b = now.AppendFormat(b, time.RFC3339Nano)
	return append(b, `"}`...)
}

// ServiceEvent is an event an AWS service puts on an account's default bus
// (CloudTrail's "AWS API Call via CloudTrail" events), given in-process.
type ServiceEvent struct {
	Account, Region string
	Source          string // "aws.ssm"
	DetailType      string
	Detail          []byte // a JSON object
	Resources       []string
	Time            time.Time
	// ReadOnly marks a read-only management event: only rules in state
	// ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS receive it.
	ReadOnly bool
	// Also runs in the transaction that accepts the event, so the caller's
	// own record of it commits with the deliveries; nil for none. It may run
	// more than once and must only use tx.
	Also func(ctx context.Context, tx store.Tx) error
}

// PutServiceEvent puts an AWS service's event on the default bus of its
// account and region and returns the event id. Unlike PutEvents it
// accepts aws.* sources.
func (s *Service) PutServiceEvent(ctx context.Context, e *ServiceEvent) (string, error) {
	sc := scope{account: e.Account, region: e.Region}
	detail, ok := compactObject(string(e.Detail))
	if !ok {
		return "", errValidation("Detail is malformed.")
	}
	a := accepted{sc: sc, bus: DefaultBus, id: s.newID(), readOnly: e.ReadOnly}
	a.event = buildEvent(a.id, e.DetailType, e.Source, sc, e.Time, e.Resources, detail)
	m, _ := s.matcher(sc, DefaultBus)
	a.rules, _ = m.Match(a.event)
	a.archives = s.matchArchives(sc, DefaultBus, a.event)
	var acc []accepted
	if a.routed() {
		acc = append(acc, a)
	}
	return a.id, s.commit(ctx, acc, e.Also)
}

// TestEventPattern reports whether an event matches a pattern.
func (s *Service) TestEventPattern(ctx context.Context, in *TestEventPatternInput) (*TestEventPatternOutput, error) {
	p, err := pattern.Compile([]byte(in.EventPattern))
	if err != nil {
		return nil, errInvalidEventPattern(err.Error())
	}
	if _, ok := compactObject(in.Event); !ok {
		return nil, errValidation("Parameter Event is not valid.")
	}
	ok, err := p.Match([]byte(in.Event))
	if err != nil {
		return nil, errValidation("Parameter Event is not valid.")
	}
	return &TestEventPatternOutput{Result: ok}, nil
}
