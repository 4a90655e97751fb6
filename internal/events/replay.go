package events

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"time"

	"github.com/shoal-dev/shoal/internal/store"
)

// Replays: a record per replay and one job while it runs.
const (
	tableReplay = "events.replay"
	// QueueReplay holds one job per replay in state STARTING, RUNNING or
	// CANCELLING (ID = the replay's key); each run replays one batch.
	QueueReplay = "events.replay"
	replayBatch = 100

	ReplayStarting   = "STARTING"
	ReplayRunning    = "RUNNING"
	ReplayCancelling = "CANCELLING"
	ReplayCompleted  = "COMPLETED"
	ReplayCancelled  = "CANCELLED"
	ReplayFailed     = "FAILED"
)

var (
	replayNameRE = regexp.MustCompile(`^[\.\-_A-Za-z0-9]+$`)
	archiveArnRE = regexp.MustCompile(`^arn:aws[\w-]*:events:([a-z0-9-]+):([0-9]{12}):archive/(.+)$`)
)

type ReplayDestination struct {
	Arn        string   `json:"Arn" aws:"required,min=1,max=1600"`
	FilterArns []string `json:"FilterArns,omitempty"`
}

type StartReplayInput struct {
	ReplayName     string             `json:"ReplayName" aws:"required,min=1,max=64"`
	Description    string             `json:"Description,omitempty" aws:"max=512"`
	EventSourceArn string             `json:"EventSourceArn" aws:"required,min=1,max=1600"`
	EventStartTime *time.Time         `json:"EventStartTime" aws:"required"`
	EventEndTime   *time.Time         `json:"EventEndTime" aws:"required"`
	Destination    *ReplayDestination `json:"Destination" aws:"required"`
}

type StartReplayOutput struct {
	ReplayArn       string     `json:"ReplayArn,omitempty"`
	State           string     `json:"State,omitempty"`
	StateReason     string     `json:"StateReason,omitempty"`
	ReplayStartTime *time.Time `json:"ReplayStartTime,omitempty"`
}

type DescribeReplayInput struct {
	ReplayName string `json:"ReplayName" aws:"required,min=1,max=64"`
}

type DescribeReplayOutput struct {
	ReplayName            string             `json:"ReplayName,omitempty"`
	ReplayArn             string             `json:"ReplayArn,omitempty"`
	Description           string             `json:"Description,omitempty"`
	State                 string             `json:"State,omitempty"`
	StateReason           string             `json:"StateReason,omitempty"`
	EventSourceArn        string             `json:"EventSourceArn,omitempty"`
	Destination           *ReplayDestination `json:"Destination,omitempty"`
	EventStartTime        *time.Time         `json:"EventStartTime,omitempty"`
	EventEndTime          *time.Time         `json:"EventEndTime,omitempty"`
	EventLastReplayedTime *time.Time         `json:"EventLastReplayedTime,omitempty"`
	ReplayStartTime       *time.Time         `json:"ReplayStartTime,omitempty"`
	ReplayEndTime         *time.Time         `json:"ReplayEndTime,omitempty"`
}

type ListReplaysInput struct {
	NamePrefix     string `json:"NamePrefix,omitempty" aws:"min=1,max=64"`
	State          string `json:"State,omitempty" aws:"enum=STARTING|RUNNING|CANCELLING|COMPLETED|CANCELLED|FAILED"`
	EventSourceArn string `json:"EventSourceArn,omitempty" aws:"min=1,max=1600"`
	NextToken      string `json:"NextToken,omitempty" aws:"min=1,max=2048"`
	Limit          *int32 `json:"Limit,omitempty" aws:"min=1,max=100"`
}

type Replay struct {
	ReplayName            string     `json:"ReplayName,omitempty"`
	EventSourceArn        string     `json:"EventSourceArn,omitempty"`
	State                 string     `json:"State,omitempty"`
	StateReason           string     `json:"StateReason,omitempty"`
	EventStartTime        *time.Time `json:"EventStartTime,omitempty"`
	EventEndTime          *time.Time `json:"EventEndTime,omitempty"`
	EventLastReplayedTime *time.Time `json:"EventLastReplayedTime,omitempty"`
	ReplayStartTime       *time.Time `json:"ReplayStartTime,omitempty"`
	ReplayEndTime         *time.Time `json:"ReplayEndTime,omitempty"`
}

type ListReplaysOutput struct {
	Replays   []Replay `json:"Replays"`
	NextToken string   `json:"NextToken,omitempty"`
}

type CancelReplayInput DescribeReplayInput

type CancelReplayOutput struct {
	ReplayArn   string `json:"ReplayArn,omitempty"`
	State       string `json:"State,omitempty"`
	StateReason string `json:"StateReason,omitempty"`
}

// replayRecord is a replay and its progress through the archive's log.
type replayRecord struct {
	Name        string            `json:"name"`
	Archive     string            `json:"archive"`
	Description string            `json:"description,omitempty"`
	Destination ReplayDestination `json:"destination"`
	Bus         string            `json:"bus"`
	Rules       []string          `json:"rules,omitempty"` // FilterArns as rule names; empty = every rule
	From        time.Time         `json:"from"`
	To          time.Time         `json:"to"`
	State       string            `json:"state"`
	StateReason string            `json:"stateReason,omitempty"`
	Started     time.Time         `json:"started"`
	Ended       *time.Time        `json:"ended,omitempty"`
	LastEvent   *time.Time        `json:"lastEvent,omitempty"`
	// Cursor is the last event read and Last the last one archived at
	// StartReplay, both numbered as archiveRecord.Base says.
	Cursor int64 `json:"cursor"`
	Last   int64 `json:"last"`
}

func (sc scope) replayKey(name string) string { return sc.prefix() + name }

func (sc scope) replayArn(name string) string {
	return "arn:" + sc.partition() + ":events:" + sc.region + ":" + sc.account + ":replay/" + name
}

func (r *replayRecord) describe(sc scope) *DescribeReplayOutput {
	dest := r.Destination
	return &DescribeReplayOutput{ReplayName: r.Name, ReplayArn: sc.replayArn(r.Name), Description: r.Description,
		State: r.State, StateReason: r.StateReason, EventSourceArn: sc.archiveArn(r.Archive), Destination: &dest,
		EventStartTime: &r.From, EventEndTime: &r.To, EventLastReplayedTime: r.LastEvent, ReplayStartTime: &r.Started, ReplayEndTime: r.Ended}
}

func errReplayNotFound(name string) error {
	return newErr("ResourceNotFoundException", "Replay %s does not exist.", name)
}

// StartReplay replays the events an archive kept between EventStartTime
// (inclusive) and EventEndTime (exclusive) — by the time the bus accepted
// them, which is the order the archive holds them in — to the bus they
// came from: to the rules in FilterArns only, or to every rule without
// them. Each replayed event carries "replay-name". The replay runs as jobs
// of QueueReplay on shoal's clock, a batch of events per job.
func (s *Service) StartReplay(ctx context.Context, in *StartReplayInput) (*StartReplayOutput, error) {
	sc := scopeFrom(ctx)
	if !replayNameRE.MatchString(in.ReplayName) {
		return nil, errConstraint(in.ReplayName, "replayName", `Member must satisfy regular expression pattern: [\.\-_A-Za-z0-9]+`)
	}
	m := archiveArnRE.FindStringSubmatch(in.EventSourceArn)
	if m == nil || m[1] != sc.region || m[2] != sc.account {
		return nil, errValidation("Parameter EventSourceArn is not valid. Reason: Provided Arn is not in correct format.")
	}
	archive := m[3]
	from, to := in.EventStartTime.UTC(), in.EventEndTime.UTC()
	now := s.now()
	if !from.Before(to) {
		return nil, errValidation("Parameter EventStartTime is not valid. Reason: EventStartTime must be before EventEndTime.")
	}
	if to.After(now) {
		return nil, errValidation("Parameter EventEndTime is not valid. Reason: EventEndTime must not be in the future.")
	}
	bus, err := busOfArn(sc, in.Destination.Arn, "Destination.Arn")
	if err != nil {
		return nil, err
	}
	var rules []string
	for _, arn := range in.Destination.FilterArns {
		t, err := parseResource(arn)
		if err != nil || t.kind != "rule" || t.sc != sc || t.bus != bus {
			return nil, errValidation("Parameter Destination.FilterArns is not valid. Reason: %s is not a rule on the destination event bus.", arn)
		}
		rules = append(rules, t.rule)
	}
	r := &replayRecord{Name: in.ReplayName, Archive: archive, Description: in.Description, Destination: *in.Destination,
		Bus: bus, Rules: rules, From: from, To: to, State: ReplayStarting, Started: now}
	out, err := update(ctx, s.st, func(tx store.Tx) (*StartReplayOutput, error) {
		a, _, err := getJSON[archiveRecord](ctx, tx, tableArchive, sc.archiveKey(archive))
		if err != nil {
			return nil, err
		}
		if a == nil {
			return nil, errArchiveNotFound(archive)
		}
		if a.Bus != bus {
			return nil, errValidation("Parameter Destination.Arn is not valid. Reason: Cross event bus replay is not permitted.")
		}
		for _, name := range rules {
			if rr, err := loadRule(ctx, tx, sc, bus, name); err != nil {
				return nil, err
			} else if rr == nil {
				return nil, errRuleNotFound(name, bus)
			}
		}
		if cur, _, err := getJSON[replayRecord](ctx, tx, tableReplay, sc.replayKey(in.ReplayName)); err != nil {
			return nil, err
		} else if cur != nil {
			return nil, newErr("ResourceAlreadyExistsException", "Replay %s already exists.", in.ReplayName)
		}
		if r.Last, err = tx.LogLen(ctx, sc.archiveLog(archive)); err != nil {
			return nil, err
		}
		// Cursor and Last count every event ever archived (retention.go), so
		// deleting a fully expired log does not move them.
		r.Last += a.Base
		r.Cursor = a.Expired
		if err := putReplay(ctx, tx, sc, r, 0); err != nil {
			return nil, err
		}
		if err := tx.JobPut(ctx, &store.Job{Queue: QueueReplay, ID: sc.replayKey(r.Name), Due: now}); err != nil {
			return nil, err
		}
		return &StartReplayOutput{ReplayArn: sc.replayArn(r.Name), State: r.State, ReplayStartTime: &now}, nil
	})
	return out, err
}

func putReplay(ctx context.Context, tx store.Tx, sc scope, r *replayRecord, rev int64) error {
	v, err := json.Marshal(r)
	if err != nil {
		return err
	}
	rec := &store.Record{Table: tableReplay, Key: sc.replayKey(r.Name), Value: v, Version: rev}
	if rev == 0 {
		err = tx.RecordInsert(ctx, rec)
	} else {
		err = tx.RecordPut(ctx, rec)
	}
	if errors.Is(err, store.ErrConflict) {
		return errConcurrentModification()
	}
	return err
}

// DescribeReplay describes a replay.
func (s *Service) DescribeReplay(ctx context.Context, in *DescribeReplayInput) (*DescribeReplayOutput, error) {
	sc := scopeFrom(ctx)
	return view(ctx, s.st, func(tx store.Tx) (*DescribeReplayOutput, error) {
		r, _, err := getJSON[replayRecord](ctx, tx, tableReplay, sc.replayKey(in.ReplayName))
		if err != nil {
			return nil, err
		}
		if r == nil {
			return nil, errReplayNotFound(in.ReplayName)
		}
		return r.describe(sc), nil
	})
}

// ListReplays lists replays in name order.
func (s *Service) ListReplays(ctx context.Context, in *ListReplaysInput) (*ListReplaysOutput, error) {
	sc := scopeFrom(ctx)
	after, err := decodeToken("ListReplays", in.NextToken)
	if err != nil {
		return nil, err
	}
	limit := pageLimit(in.Limit)
	return view(ctx, s.st, func(tx store.Tx) (*ListReplaysOutput, error) {
		afterKey := ""
		if after != "" {
			afterKey = sc.replayKey(after)
		}
		items, next, err := listByName(ctx, tx, tableReplay, sc.prefix()+in.NamePrefix, afterKey, limit,
			func(r *replayRecord) bool {
				return (in.State == "" || in.State == r.State) && (in.EventSourceArn == "" || in.EventSourceArn == sc.archiveArn(r.Archive))
			},
			func(r *replayRecord) (Replay, string) {
				d := r.describe(sc)
				return Replay{ReplayName: d.ReplayName, EventSourceArn: d.EventSourceArn, State: d.State,
					StateReason: d.StateReason, EventStartTime: d.EventStartTime, EventEndTime: d.EventEndTime,
					EventLastReplayedTime: d.EventLastReplayedTime, ReplayStartTime: d.ReplayStartTime, ReplayEndTime: d.ReplayEndTime}, d.ReplayName
			})
		if err != nil {
			return nil, err
		}
		out := &ListReplaysOutput{Replays: items}
		if next != "" {
			out.NextToken = encodeToken("ListReplays", next)
		}
		return out, nil
	})
}

// CancelReplay asks a running replay to stop: it is CANCELLING until its
// next batch, which ends it CANCELLED instead.
func (s *Service) CancelReplay(ctx context.Context, in *CancelReplayInput) (*CancelReplayOutput, error) {
	sc := scopeFrom(ctx)
	return update(ctx, s.st, func(tx store.Tx) (*CancelReplayOutput, error) {
		r, rev, err := getJSON[replayRecord](ctx, tx, tableReplay, sc.replayKey(in.ReplayName))
		if err != nil {
			return nil, err
		}
		if r == nil {
			return nil, errReplayNotFound(in.ReplayName)
		}
		if r.State != ReplayStarting && r.State != ReplayRunning {
			return nil, newErr("IllegalStatusException", "Replay %s is %s; only a STARTING or RUNNING replay can be cancelled.", r.Name, r.State)
		}
		r.State = ReplayCancelling
		if err := putReplay(ctx, tx, sc, r, rev); err != nil {
			return nil, err
		}
		return &CancelReplayOutput{ReplayArn: sc.replayArn(r.Name), State: r.State}, nil
	})
}

// runReplay is the handler of QueueReplay: in one transaction, guarded by
// the job's lease and the replay record's version, it replays the next
// batch of archived events (their deliveries committed like PutEvents'),
// moves the cursor, and either requeues the job for the next batch or
// ends the replay COMPLETED (or CANCELLED, when asked).
func (s *Service) runReplay(ctx context.Context, job store.Job) error {
	sc, name, ok := scopeOfKey(job.ID)
	if !ok {
		s.log.Error("replay job with a bad key dropped", "job", job.ID)
		return s.finish(ctx, job, nil)
	}
	now := s.now()
	var r *replayRecord
	var rev int64
	var entries []store.LogEntry
	var base int64 // the archive's Base: entry n of its log is event base+n
	err := s.st.View(ctx, func(tx store.Tx) error {
		var err error
		if r, rev, err = getJSON[replayRecord](ctx, tx, tableReplay, sc.replayKey(name)); err != nil || r == nil {
			return err
		}
		a, _, err := getJSON[archiveRecord](ctx, tx, tableArchive, sc.archiveKey(r.Archive))
		if err != nil || a == nil {
			entries = nil
			return err // the archive was deleted, and its events with it
		}
		// Events that expired since the replay started are deleted: skip
		// them.
		base = a.Base
		from := max(r.Cursor, a.Expired)
		entries, err = tx.LogRead(ctx, &store.LogReadParams{Log: sc.archiveLog(r.Archive), After: from - base, Limit: replayBatch})
		return err
	})
	if err != nil {
		return err
	}
	if r == nil || r.State == ReplayCompleted || r.State == ReplayCancelled || r.State == ReplayFailed {
		return s.finish(ctx, job, nil)
	}
	// Match outside the transaction, as PutEvents does.
	var acc []accepted
	done := r.State == ReplayCancelling || len(entries) < replayBatch
	allowed := map[string]bool{}
	for _, n := range r.Rules {
		allowed[n] = true
	}
	m, hasBus := s.matcher(sc, r.Bus)
	cursor := r.Cursor
	for _, e := range entries {
		if r.State == ReplayCancelling {
			break
		}
		seq := base + e.Seq
		if seq > r.Last {
			done = true
			break
		}
		cursor = seq
		var ev archived
		if json.Unmarshal(e.Data, &ev) != nil || ev.Ingested.Before(r.From) || !ev.Ingested.Before(r.To) {
			continue
		}
		t := ev.Ingested
		r.LastEvent = &t
		if !hasBus {
			continue
		}
		a := accepted{sc: sc, bus: r.Bus, id: s.newID(), event: withReplayName(ev.Event, r.Name), replay: allowed}
		if len(allowed) == 0 {
			a.replay = nil
		}
		a.rules, _ = m.Match(a.event)
		if len(a.rules) > 0 {
			acc = append(acc, a)
		}
	}
	if cursor >= r.Last {
		done = true
	}
	r.Cursor = cursor
	switch {
	case r.State == ReplayCancelling:
		r.State = ReplayCancelled
	case done:
		r.State = ReplayCompleted
	default:
		r.State = ReplayRunning
	}
	if done {
		r.Ended = &now
	}
	return s.commitReplay(ctx, job, sc, r, rev, acc, done)
}

// errReplayMoved: the record changed under a batch other than by
// CancelReplay (another process ran the batch); the runner retries.
var errReplayMoved = errors.New("events: replay changed while a batch ran")

// commitReplay writes a replay batch: deliveries, the replay's progress
// and its job, in one transaction. The record is guarded by the version
// the batch read it at: if CancelReplay wrote it since, the batch is
// dropped and the replay ends CANCELLED where it was.
func (s *Service) commitReplay(ctx context.Context, job store.Job, sc scope, r *replayRecord, rev int64, acc []accepted, done bool) error {
	now := s.now()
	err := s.st.Update(ctx, func(tx store.Tx) error {
		if err := tx.JobDelete(ctx, job.Queue, job.ID, job.Lease); err != nil {
			return err
		}
		cur, curRev, err := getJSON[replayRecord](ctx, tx, tableReplay, sc.replayKey(r.Name))
		if err != nil || cur == nil {
			return err
		}
		if curRev != rev {
			if cur.State != ReplayCancelling {
				return errReplayMoved
			}
			cur.State, cur.Ended = ReplayCancelled, &now
			return putReplay(ctx, tx, sc, cur, curRev)
		}
		for _, a := range acc {
			for _, name := range a.rules {
				if a.replay != nil && !a.replay[name] {
					continue
				}
				c, err := s.committedRule(ctx, tx, a.sc, a.bus, name)
				if err != nil {
					return err
				}
				if c == nil || !c.rule.matchable() {
					continue
				}
				if err := c.enqueue(ctx, tx, a.sc, a.id, a.event, now, nil); err != nil {
					return err
				}
			}
		}
		if err := putReplay(ctx, tx, sc, r, rev); err != nil {
			return err
		}
		if done {
			return nil
		}
		return tx.JobPut(ctx, &store.Job{Queue: QueueReplay, ID: job.ID, Due: now})
	})
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrConflict) {
		return nil // the job was replaced or removed meanwhile
	}
	return err
}

// withReplayName adds "replay-name" to an archived event, as replayed
// events carry it, so rules can tell them apart.
func withReplayName(event []byte, name string) []byte {
	i := bytes.LastIndexByte(event, '}')
	if i < 0 {
		return event
	}
	var b bytes.Buffer
	b.Grow(len(event) + len(name) + 20)
	b.Write(event[:i])
	b.WriteString(`,"replay-name":`)
	b.WriteString(quote(name))
	b.WriteByte('}')
	return b.Bytes()
}

// scopeOfKey splits "<account>/<region>/<name>".
func scopeOfKey(key string) (scope, string, bool) {
	p := strings.SplitN(key, "/", 3)
	if len(p) != 3 {
		return scope{}, "", false
	}
	return scope{account: p[0], region: p[1]}, p[2], true
}
