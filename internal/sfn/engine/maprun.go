package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"strings"
	"time"

	"github.com/shoal-dev/shoal/internal/asl"
	"github.com/shoal-dev/shoal/internal/store"
)

// A Distributed Map whose ExecutionType is STANDARD runs in a Map Run, as
// on AWS: each iteration (or ItemBatcher batch) is a child execution of
// the item processor — a Standard execution of its own, with its own
// history, listed by ListExecutions on the Map Run's ARN. The parent's
// fork keeps one cursor per started child (phaseChild), holding a task
// token; a child's end comes back through the same report job a nested
// .sync execution uses (nested.go), with the child's output or failure,
// and the fork goes on as with inline iterations (MaxConcurrency, failure
// tolerance, results in item order). The parent's history shows
// MapRunStarted and MapRunSucceeded/Failed/Aborted instead of
// MapIteration* events. An EXPRESS Distributed Map has a Map Run too, but
// its children, which keep no history, run inside the execution as inline
// iterations do (Fork.InlineRun).
const (
	tableMapRun = "sfn.maprun"
	// indexMapRunParent orders an execution's Map Runs, newest first
	// ("<execution ARN>|<inverted start time>"), for ListMapRuns.
	indexMapRunParent = "execution"
	// stopSuffix names the job that stops a child execution whose Map Run
	// ended without it (a failure, StopExecution).
	stopSuffix = "#stop"
)

// Map Run statuses (MapRunStatus in the model).
const (
	MapRunRunning   = "RUNNING"
	MapRunSucceeded = "SUCCEEDED"
	MapRunFailed    = "FAILED"
	MapRunAborted   = "ABORTED"
)

// MapRun is a Map Run's record: what DescribeMapRun reports once it ended
// (while it runs, the counts come from the parent's fork).
type MapRun struct {
	ARN                        string      `json:"arn"`
	ExecutionARN               string      `json:"executionArn"`
	StateMachineARN            string      `json:"stateMachineArn"` // the parent's state machine
	Status                     string      `json:"status"`
	StartDate                  time.Time   `json:"startDate"`
	StopDate                   time.Time   `json:"stopDate,omitzero"`
	MaxConcurrency             int64       `json:"maxConcurrency"`
	ToleratedFailureCount      int64       `json:"toleratedFailureCount"`
	ToleratedFailurePercentage float64     `json:"toleratedFailurePercentage"`
	Counts                     MapRunCount `json:"counts"`
}

// MapRunCount counts a Map Run's child executions (one per item, or per
// batch) by where they stand.
type MapRunCount struct {
	Pending   int64 `json:"pending"`
	Running   int64 `json:"running"`
	Succeeded int64 `json:"succeeded"`
	Failed    int64 `json:"failed"`
	TimedOut  int64 `json:"timedOut"`
	Aborted   int64 `json:"aborted"`
	Total     int64 `json:"total"`
}

// spawn is what a step starts or ends besides its own execution: Map Runs
// and their child executions, written in the step's transaction.
type spawn struct {
	defs     map[string][]byte // item processor definitions by key
	children []*Prepared
	mapRuns  []*MapRun
	stops    []string // child executions to stop
}

func (sp *spawn) empty() bool {
	return sp == nil || len(sp.children) == 0 && len(sp.mapRuns) == 0 && len(sp.stops) == 0
}

// spawned is the step's spawn, made on first use.
func (s *step) spawned() *spawn {
	if s.spawn == nil {
		s.spawn = &spawn{}
	}
	return s.spawn
}

// writeSpawn writes a step's spawn inside its transaction.
func (e *Engine) writeSpawn(ctx context.Context, tx store.Tx, sp *spawn, now time.Time) error {
	if sp.empty() {
		return nil
	}
	for key, def := range sp.defs {
		if got, err := PutDefinition(ctx, tx, def); err != nil {
			return err
		} else if got != key {
			return fmt.Errorf("sfn engine: item processor definition key %s, stored as %s", key, got)
		}
	}
	for _, p := range sp.children {
		if err := e.Insert(ctx, tx, p); err != nil {
			return err
		}
	}
	for _, r := range sp.mapRuns {
		if err := putMapRun(ctx, tx, r); err != nil {
			return err
		}
	}
	for _, arn := range sp.stops {
		if err := tx.JobPut(ctx, &store.Job{Queue: Queue, ID: arn + stopSuffix, Due: now}); err != nil {
			return fmt.Errorf("sfn engine: queue stopping a child execution: %w", err)
		}
	}
	return nil
}

func putMapRun(ctx context.Context, tx store.Tx, r *MapRun) error {
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("sfn engine: encode map run: %w", err)
	}
	rec := &store.Record{Table: tableMapRun, Key: r.ARN, Value: b,
		Indexes: map[string]string{indexMapRunParent: r.ExecutionARN + "|" + invTime(r.StartDate)}}
	if err := tx.RecordPut(ctx, rec); err != nil {
		return fmt.Errorf("sfn engine: write map run: %w", err)
	}
	return nil
}

// ErrMapRunNotFound is returned for a Map Run that does not exist.
var ErrMapRunNotFound = errors.New("sfn engine: no such map run")

// GetMapRun reads a Map Run, its counts current: while it runs they come
// from its parent's fork.
func GetMapRun(ctx context.Context, tx store.Tx, arn string) (*MapRun, error) {
	rec, err := tx.RecordGet(ctx, tableMapRun, arn)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrMapRunNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("sfn engine: read map run: %w", err)
	}
	var r MapRun
	if err := json.Unmarshal(rec.Value, &r); err != nil {
		return nil, fmt.Errorf("sfn engine: decode map run: %w", err)
	}
	if r.Status == MapRunRunning {
		x, err := Get(ctx, tx, r.ExecutionARN)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return nil, err
		}
		if x != nil {
			if f := findMapRun(&x.Cursor, arn); f != nil {
				r.Counts = forkCounts(f)
				r.MaxConcurrency = f.MaxConcurrency
				if t := f.Tolerance; t != nil {
					r.ToleratedFailureCount, r.ToleratedFailurePercentage = t.Count, t.Percent
				}
			}
		}
	}
	return &r, nil
}

// ListMapRuns returns a page of an execution's Map Runs, newest first,
// and the cursor of the next page ("" at the end).
func ListMapRuns(ctx context.Context, tx store.Tx, executionARN, after string, limit int) ([]*MapRun, string, error) {
	recs, err := tx.RecordScan(ctx, &store.RecordScanParams{Table: tableMapRun, Index: indexMapRunParent, Prefix: executionARN + "|", After: after, Limit: limit + 1})
	if err != nil {
		return nil, "", fmt.Errorf("sfn engine: list map runs: %w", err)
	}
	next := ""
	if len(recs) > limit {
		recs = recs[:limit]
		last := recs[len(recs)-1]
		next = last.Indexes[indexMapRunParent] + "\x00" + last.Key
	}
	out := make([]*MapRun, 0, len(recs))
	for _, rec := range recs {
		var r MapRun
		if err := json.Unmarshal(rec.Value, &r); err != nil {
			return nil, "", fmt.Errorf("sfn engine: decode map run: %w", err)
		}
		out = append(out, &r)
	}
	return out, next, nil
}

// UpdateMapRun changes a running Map Run's MaxConcurrency and failure
// tolerance inside the caller's transaction (nil leaves one as it is); a
// higher MaxConcurrency starts waiting children at once.
func (e *Engine) UpdateMapRun(ctx context.Context, tx store.Tx, arn string, maxConcurrency *int64, percent *float64, count *int64) error {
	r, err := GetMapRun(ctx, tx, arn)
	if err != nil {
		return err
	}
	if r.Status != MapRunRunning {
		return nil // AWS accepts the update of an ended Map Run; nothing runs to change
	}
	x, err := Get(ctx, tx, r.ExecutionARN)
	if err != nil {
		return err
	}
	m, err := e.machineIn(ctx, tx, x.Definition)
	if err != nil {
		return err
	}
	s := e.newStep(x, m, e.clock.Now())
	f := findMapRun(&x.Cursor, arn)
	if f == nil || x.Status != StatusRunning {
		return nil
	}
	if maxConcurrency != nil {
		f.MaxConcurrency = *maxConcurrency
	}
	if percent != nil {
		f.Tolerance.Percent = *percent
	}
	if count != nil {
		f.Tolerance.Count = *count
	}
	next, err := s.run(s.root)
	if err != nil {
		return err
	}
	if next != nil && !next.After(s.now) {
		n := s.now
		next = &n
	}
	return commit(ctx, tx, x, s, next, "")
}

// findMapRun finds the running fork of a Map Run in a cursor tree.
func findMapRun(c *Cursor, arn string) *Fork {
	if c.Phase != phaseFork || c.Fork == nil {
		return nil
	}
	if c.Fork.MapRun == arn {
		return c.Fork
	}
	for _, ch := range c.Fork.Children {
		if f := findMapRun(&ch.Cursor, arn); f != nil {
			return f
		}
	}
	return nil
}

// forkCounts counts a Map Run's children from its fork.
func forkCounts(f *Fork) MapRunCount {
	n := MapRunCount{Pending: int64(len(f.Items)), Total: int64(f.Total)}
	for _, ch := range f.Children {
		c := ch.Cursor
		switch {
		case c.Phase != phaseDone:
			n.Running++
		case c.Failure == nil:
			n.Succeeded++
		case c.Failure.Error == asl.ErrTimeout:
			n.TimedOut++
		case c.Failure.Error == errAborted:
			n.Aborted++
		default:
			n.Failed++
		}
	}
	return n
}

// errAborted is how an aborted branch, iteration or child ends.
const errAborted = "States.Aborted"

// startMapRun makes the Map Run of a Distributed Map entering now: its
// ARN, its record, and the child state machine its children run.
func (s *step) startMapRun(fr *frame, f *Fork, d *asl.RunMap) error {
	label := d.Label
	if label == "" {
		label = fr.c.State
	}
	smName := s.x.StateMachine
	id := mapRunID(s.x.ARN, f.StartedEventID, s.x.RedriveCount)
	arn := fmt.Sprintf("arn:aws:states:%s:%s:mapRun:%s/%s:%s", s.x.Region(), s.x.Account(), smName, label, id)
	def, err := processorDefinition(fr.m.Processor(fr.c.State), s.m.QueryLanguage())
	if err != nil {
		return err
	}
	key := DefinitionKey(def)
	if !f.InlineRun {
		sp := s.spawned()
		if sp.defs == nil {
			sp.defs = map[string][]byte{}
		}
		sp.defs[key] = def
	}
	f.MapRun = arn
	f.ChildDef = key
	f.ChildMachine = fmt.Sprintf("arn:aws:states:%s:%s:stateMachine:%s/%s", s.x.Region(), s.x.Account(), smName, label)
	r := &MapRun{ARN: arn, ExecutionARN: s.x.ARN, StateMachineARN: s.x.StateMachineARN, Status: MapRunRunning, StartDate: s.now,
		MaxConcurrency: f.MaxConcurrency, ToleratedFailureCount: d.ToleratedFailureCount, ToleratedFailurePercentage: d.ToleratedFailurePercentage,
		Counts: MapRunCount{Pending: int64(f.Total), Total: int64(f.Total)}}
	s.spawned().mapRuns = append(s.spawned().mapRuns, r)
	s.emit(fr, HistoryEvent{Type: EventMapRunStarted, MapRunStartedEventDetails: &MapRunStartedEventDetails{MapRunArn: arn}})
	return nil
}

// endMapRun records how a Map Run ended, with its final counts, and
// writes its closing event.
func (s *step) endMapRun(fr *frame, f *Fork, status string, failure *asl.Failure) {
	r := &MapRun{ARN: f.MapRun, ExecutionARN: s.x.ARN, StateMachineARN: s.x.StateMachineARN, Status: status, StopDate: s.now,
		MaxConcurrency: f.MaxConcurrency, Counts: forkCounts(f)}
	if t := f.Tolerance; t != nil {
		r.ToleratedFailureCount, r.ToleratedFailurePercentage = t.Count, t.Percent
	}
	// The start date is the MapRunStarted event's; the fork knows its id.
	r.StartDate = f.StartedAt
	s.spawned().mapRuns = append(s.spawned().mapRuns, r)
	switch status {
	case MapRunSucceeded:
		s.emit(fr, HistoryEvent{Type: EventMapRunSucceeded})
	case MapRunFailed:
		ev := HistoryEvent{Type: EventMapRunFailed}
		if failure != nil {
			ev.MapRunFailedEventDetails = &ErrorDetails{Error: failure.Error, Cause: failure.Cause}
		}
		s.emit(fr, ev)
	case MapRunAborted:
		s.emit(fr, HistoryEvent{Type: EventMapRunAborted})
	}
}

// startChild starts the child execution of one item of a Map Run: a
// Standard execution of the item processor whose end is reported to the
// returned cursor's task token.
func (s *step) startChild(fr *frame, f *Fork, index int, item json.RawMessage, last int64) (Cursor, error) {
	name := childName(f.MapRun, index, s.x.RedriveCount)
	smName := f.ChildMachine[strings.Index(f.ChildMachine, ":stateMachine:")+len(":stateMachine:"):]
	arn := fmt.Sprintf("arn:aws:states:%s:%s:execution:%s:%s", s.x.Region(), s.x.Account(), smName, name)
	// The definition is the item processor's: derived again from the
	// machine (the same key), compiled once per process.
	def, err := processorDefinition(fr.m.Processor(fr.c.State), s.m.QueryLanguage())
	if err != nil {
		return Cursor{}, err
	}
	m, err := s.e.Compiled(f.ChildDef, def)
	if err != nil {
		return Cursor{}, err
	}
	token := s.newToken(s.x.ARN)
	x := &Execution{
		ARN: arn, StateMachineARN: f.ChildMachine, StateMachine: smName, Name: name, RoleARN: s.x.RoleARN,
		Definition: f.ChildDef, Input: string(item), StartDate: s.now,
		Parent: &Parent{Token: token, Iteration: true}, MapRunARN: f.MapRun,
	}
	p, err := s.e.Prepare(m, x)
	if err != nil {
		return Cursor{}, err
	}
	s.spawned().children = append(s.spawned().children, p)
	s.tokens = append(s.tokens, tokenWrite{rec: &taskRecord{Token: token, Execution: s.x.ARN, Scheduled: s.now}})
	return Cursor{Phase: phaseChild, Task: &Task{Resource: arn, Token: token}, Last: last}, nil
}

// processorDefinition is a Distributed Map's item processor as a state
// machine definition of its own: without ProcessorConfig, with the
// parent's QueryLanguage when that is JSONata (its states inherit it).
func processorDefinition(p *asl.Machine, ql asl.QueryLanguage) ([]byte, error) {
	var def map[string]any
	if err := json.Unmarshal(p.Definition(), &def); err != nil {
		return nil, fmt.Errorf("sfn engine: item processor definition: %w", err)
	}
	delete(def, "ProcessorConfig")
	if _, ok := def["QueryLanguage"]; !ok && ql == asl.JSONata {
		def["QueryLanguage"] = string(ql)
	}
	return json.Marshal(def)
}

// mapRunID and childName are UUID-shaped and derived from what they
// belong to, so a step computed again (after a conflict) names the same
// Map Run and children.
func mapRunID(executionARN string, startedEventID int64, redrives int) string {
	return hashUUID(fmt.Sprintf("%s|%d|%d", executionARN, startedEventID, redrives))
}

func childName(mapRunARN string, index, redrives int) string {
	return hashUUID(fmt.Sprintf("%s|%d|%d", mapRunARN, index, redrives))
}

func hashUUID(s string) string {
	h1, h2 := fnv.New64a(), fnv.New64()
	h1.Write([]byte(s))
	h2.Write([]byte(s))
	a, b := h1.Sum64(), h2.Sum64()
	return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", a>>32, (a>>16)&0xffff, a&0xffff, b>>48, b&0xffffffffffff)
}

// stopChild is the job that stops a child execution whose Map Run ended
// without it.
func (e *Engine) stopChild(ctx context.Context, j store.Job, arn string) error {
	for range 5 {
		err := e.st.Update(ctx, func(tx store.Tx) error {
			if err := tx.JobDelete(ctx, Queue, j.ID, j.Lease); err != nil {
				return err
			}
			x, err := Get(ctx, tx, arn)
			if errors.Is(err, ErrNotFound) {
				return nil
			}
			if err != nil {
				return err
			}
			_, err = e.Abort(ctx, tx, x, "", "", e.clock.Now())
			return err
		})
		if !errors.Is(err, store.ErrConflict) {
			return err
		}
	}
	return fmt.Errorf("sfn engine: stop %s: too many conflicting updates", arn)
}
