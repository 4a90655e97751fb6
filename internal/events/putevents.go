package events

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"

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
}

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
		a, code, msg := s.prepare(sc, e, now)
		if code != "" {
			out.Entries[i] = PutEventsResultEntry{ErrorCode: code, ErrorMessage: msg}
			out.FailedEntryCount++
			continue
		}
		out.Entries[i].EventId = a.id
		if len(a.rules) > 0 {
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
func (s *Service) prepare(sc scope, e *PutEventsRequestEntry, now time.Time) (a accepted, code, msg string) {
	bus, err := busName(e.EventBusName, "eventBusName")
	if err != nil || strings.Contains(bus, "/") {
		return a, "InvalidArgument", "Parameter EventBusName is not valid."
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
	if !ok {
		return a, "MalformedDetail", "Detail is malformed."
	}
	m, ok := s.matcher(sc, bus)
	if !ok {
		return a, "ResourceNotFoundException", "Event bus " + bus + " does not exist."
	}
	t := now
	if e.Time != nil {
		t = e.Time.UTC()
	}
	a = accepted{sc: sc, bus: bus, id: s.newID()}
	a.event = buildEvent(a.id, e.DetailType, e.Source, sc, t, e.Resources, detail)
	a.rules, _ = m.Match(a.event)
	return a, "", ""
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
	var b bytes.Buffer
	b.Grow(160 + len(detail))
	b.WriteString(`{"version":"0","id":`)
	b.WriteString(quote(id))
	b.WriteString(`,"detail-type":`)
	b.WriteString(quote(detailType))
	b.WriteString(`,"source":`)
	b.WriteString(quote(source))
	b.WriteString(`,"account":`)
	b.WriteString(quote(sc.account))
	b.WriteString(`,"time":"`)
	b.WriteString(t.UTC().Format("2006-01-02T15:04:05Z"))
	b.WriteString(`","region":`)
	b.WriteString(quote(sc.region))
	b.WriteString(`,"resources":[`)
	for i, r := range resources {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(quote(r))
	}
	b.WriteString(`],"detail":`)
	b.Write(detail)
	b.WriteByte('}')
	return b.Bytes()
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
	err := s.st.Update(ctx, func(tx store.Tx) error {
		if also != nil {
			if err := also(ctx, tx); err != nil {
				return err
			}
		}
		for _, a := range acc {
			for _, name := range a.rules {
				r, err := loadRule(ctx, tx, a.sc, a.bus, name)
				if err != nil {
					return err
				}
				if r == nil || !r.matchable() || (a.readOnly && r.State != StateEnabledCloudTrail) {
					continue
				}
				for _, t := range r.Targets {
					d := &delivery{Account: a.sc.account, Region: a.sc.region, Bus: a.bus, Rule: r.Name,
						RuleArn: a.sc.ruleArn(a.bus, r.Name), Target: t, EventID: a.id, Event: a.event, Ingested: now}
					payload, err := json.Marshal(d)
					if err != nil {
						return err
					}
					job := &store.Job{Queue: QueueDelivery, ID: a.id + "|" + a.bus + "|" + r.Name + "|" + t.Id, Due: now, Payload: payload}
					if err := tx.JobPut(ctx, job); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		return errInternal("the events could not be stored: %v", err)
	}
	return nil
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
	var acc []accepted
	if len(a.rules) > 0 {
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
