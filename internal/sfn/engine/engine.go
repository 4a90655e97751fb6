package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/shoal-dev/shoal/internal/asl"
	"github.com/shoal-dev/shoal/internal/clock"
	"github.com/shoal-dev/shoal/internal/store"
)

// Outcome is what running a task produced: Result (JSON) or Failure.
type Outcome struct {
	Result  json.RawMessage
	Failure *asl.Failure
}

// Invoker runs a Task state's resource: the service integrations. It is
// called outside any store transaction, at least once per scheduled task
// (again only if the process dies before the outcome commits).
type Invoker interface {
	Invoke(ctx context.Context, x *Execution, t *Task) Outcome
}

// Config configures an Engine.
type Config struct {
	Store   store.Store
	Clock   clock.Clock
	Invoker Invoker
	Logger  *slog.Logger
}

// Engine runs Standard executions durably. It holds no per-execution
// goroutine or timer: a running execution is a record, a history log and
// one due job, and Handle (a jobs.Handler for Queue) moves it on.
type Engine struct {
	st      store.Store
	clock   clock.Clock
	invoker Invoker
	log     *slog.Logger

	// machines caches compiled definitions by content key. Entries never
	// change (the key is the content's hash), so a sync.Map suffices.
	machines sync.Map // string → *asl.Machine
}

// New returns an engine.
func New(cfg Config) *Engine {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Engine{st: cfg.Store, clock: cfg.Clock, invoker: cfg.Invoker, log: cfg.Logger}
}

// maxEventsPerStep bounds what one transaction appends, so a long run of
// Pass and Choice states (or an endless loop of them) commits in pieces.
const maxEventsPerStep = 500

// MaxEvents is AWS's limit on an execution's history.
const MaxEvents = 25000

// Machine returns the compiled machine of a stored definition.
func (e *Engine) Machine(ctx context.Context, key string) (*asl.Machine, error) {
	if m, ok := e.machines.Load(key); ok {
		return m.(*asl.Machine), nil
	}
	var def []byte
	err := e.st.View(ctx, func(tx store.Tx) error {
		var err error
		def, err = GetDefinition(ctx, tx, key)
		return err
	})
	if err != nil {
		return nil, err
	}
	return e.Compiled(key, def)
}

// Compiled returns the machine for def (whose key is key), compiling it
// once.
func (e *Engine) Compiled(key string, def []byte) (*asl.Machine, error) {
	if m, ok := e.machines.Load(key); ok {
		return m.(*asl.Machine), nil
	}
	m, diags := asl.Compile(def)
	if m == nil {
		return nil, fmt.Errorf("sfn engine: stored definition %s does not compile: %s", key, asl.InvalidDefinitionMessage(diags))
	}
	e.machines.Store(key, m)
	return m, nil
}

// Prepared is a new execution's first transaction, computed outside it:
// the JSON encoding and the interpretation run on the caller's goroutine,
// so the store's single writer only writes.
type Prepared struct {
	x       *Execution
	rec     *store.Record
	entries [][]byte
	next    *time.Time
	timeout *time.Time
}

// Prepare runs a new execution as far as it goes without waiting or
// calling a task — a machine of Pass and Choice states finishes right here
// — and encodes what Insert will write. x needs ARN, StateMachineARN,
// StateMachine, Name, RoleARN, Definition, Input and StartDate.
func (e *Engine) Prepare(m *asl.Machine, x *Execution) (*Prepared, error) {
	x.Status = StatusRunning
	x.Events = 0
	x.Cursor = Cursor{Phase: phaseEnter, State: m.StartAt(), Input: json.RawMessage(x.Input)}
	s := newStep(x, m, x.StartDate)
	s.emit(HistoryEvent{Type: EventExecutionStarted, ExecutionStartedEventDetails: &ExecutionStartedEventDetails{
		Input: x.Input, InputDetails: &DataDetails{}, RoleArn: x.RoleARN,
		StateMachineVersionArn: x.VersionARN, StateMachineAliasArn: x.AliasARN,
	}})
	next, err := s.run(nil)
	if err != nil {
		return nil, err
	}
	p := &Prepared{x: x, next: next}
	if p.rec, err = x.record(); err != nil {
		return nil, err
	}
	if p.entries, err = encodeEvents(s.events); err != nil {
		return nil, err
	}
	if t := m.TimeoutSeconds(); t > 0 && x.Status == StatusRunning {
		due := x.StartDate.Add(time.Duration(t) * time.Second)
		p.timeout = &due
	}
	return p, nil
}

// Insert writes a prepared execution inside the caller's transaction: its
// record (the ARN must be new), its first events, its next job and its
// timeout job.
func (e *Engine) Insert(ctx context.Context, tx store.Tx, p *Prepared) error {
	rec := *p.rec
	if err := tx.RecordInsert(ctx, &rec); err != nil {
		return fmt.Errorf("sfn engine: insert execution: %w", err)
	}
	p.x.version = rec.Version
	if err := appendEntries(ctx, tx, p.x.ARN, 1, p.entries); err != nil {
		return err
	}
	if p.next != nil {
		if err := tx.JobPut(ctx, &store.Job{Queue: Queue, ID: p.x.ARN, Due: *p.next}); err != nil {
			return fmt.Errorf("sfn engine: enqueue execution: %w", err)
		}
	}
	if p.timeout != nil {
		if err := tx.JobPut(ctx, &store.Job{Queue: Queue, ID: p.x.ARN + timeoutSuffix, Due: *p.timeout}); err != nil {
			return fmt.Errorf("sfn engine: enqueue execution timeout: %w", err)
		}
	}
	return nil
}

// Start is Prepare then Insert, inside the caller's transaction.
func (e *Engine) Start(ctx context.Context, tx store.Tx, m *asl.Machine, x *Execution) error {
	p, err := e.Prepare(m, x)
	if err != nil {
		return err
	}
	return e.Insert(ctx, tx, p)
}

// Abort stops a running execution inside the caller's transaction
// (StopExecution): ExecutionAborted, status ABORTED, its jobs gone. It
// returns false when the execution was not running.
func (e *Engine) Abort(ctx context.Context, tx store.Tx, x *Execution, errName, cause string, now time.Time) (bool, error) {
	if x.Status != StatusRunning {
		return false, nil
	}
	s := &step{x: x, now: now}
	s.finish(StatusAborted, EventExecutionAborted, errName, cause)
	return true, commit(ctx, tx, x, s.events, nil, "")
}

// Handle is the jobs.Handler of Queue: it moves one execution on by one
// step and commits the step with the job's completion.
func (e *Engine) Handle(ctx context.Context, j store.Job) error {
	if arn, ok := strings.CutSuffix(j.ID, timeoutSuffix); ok {
		return e.timeout(ctx, j, arn)
	}
	for range 5 {
		err := e.handleOnce(ctx, j)
		if !errors.Is(err, store.ErrConflict) {
			return err
		}
		// Another writer (StopExecution, the timeout) changed the record
		// since it was read: read it again and redo the step.
	}
	return fmt.Errorf("sfn engine: execution %s: too many conflicting updates", j.ID)
}

func (e *Engine) handleOnce(ctx context.Context, j store.Job) error {
	var x *Execution
	err := e.st.View(ctx, func(tx store.Tx) error {
		var err error
		x, err = Get(ctx, tx, j.ID)
		return err
	})
	if errors.Is(err, ErrNotFound) {
		return e.dropJob(ctx, j)
	}
	if err != nil {
		return err
	}
	if x.Status != StatusRunning {
		return e.dropJob(ctx, j)
	}
	m, err := e.Machine(ctx, x.Definition)
	if err != nil {
		return err
	}
	now := e.clock.Now()
	var outcome *Outcome
	if x.Cursor.Phase == phaseTask {
		// The call happens outside the transaction, before its outcome is
		// recorded: a crash in between runs the task again on restart.
		o := e.invoker.Invoke(ctx, x, x.Cursor.Task)
		outcome = &o
		now = e.clock.Now()
	}
	if (x.Cursor.Phase == phaseWait || x.Cursor.Phase == phaseRetry) && x.Cursor.Until.After(now) {
		// Woken early (a poll, a replaced job): keep waiting.
		return e.st.Update(ctx, func(tx store.Tx) error {
			return tx.JobPut(ctx, &store.Job{Queue: Queue, ID: x.ARN, Due: x.Cursor.Until})
		})
	}
	s := newStep(x, m, now)
	next, err := s.run(outcome)
	if err != nil {
		return err
	}
	// Encode here, not in the transaction: the store has one writer.
	rec, err := x.record()
	if err != nil {
		return err
	}
	entries, err := encodeEvents(s.events)
	if err != nil {
		return err
	}
	return e.st.Update(ctx, func(tx store.Tx) error {
		if err := tx.JobDelete(ctx, Queue, j.ID, j.Lease); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return store.ErrConflict // StopExecution removed it: re-read
			}
			return err
		}
		r := *rec
		return writeStep(ctx, tx, x, &r, entries, next, j.ID)
	})
}

// commit writes the execution back (guarded by the version it was read
// at), appends its new events and sets its next job; a finished execution
// loses its jobs.
func commit(ctx context.Context, tx store.Tx, x *Execution, events []HistoryEvent, next *time.Time, claimed string) error {
	r, err := x.record()
	if err != nil {
		return err
	}
	entries, err := encodeEvents(events)
	if err != nil {
		return err
	}
	return writeStep(ctx, tx, x, r, entries, next, claimed)
}

func writeStep(ctx context.Context, tx store.Tx, x *Execution, r *store.Record, entries [][]byte, next *time.Time, claimed string) error {
	first := x.Events - int64(len(entries)) + 1
	if err := tx.RecordPut(ctx, r); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return store.ErrConflict
		}
		return err
	}
	if err := appendEntries(ctx, tx, x.ARN, first, entries); err != nil {
		return err
	}
	if next != nil {
		return tx.JobPut(ctx, &store.Job{Queue: Queue, ID: x.ARN, Due: *next})
	}
	if x.Status != StatusRunning {
		for _, id := range []string{x.ARN, x.ARN + timeoutSuffix} {
			if id == claimed {
				continue
			}
			if err := tx.JobDelete(ctx, Queue, id, ""); err != nil && !errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("sfn engine: delete job: %w", err)
			}
		}
	}
	return nil
}

func encodeEvents(events []HistoryEvent) ([][]byte, error) {
	entries := make([][]byte, len(events))
	for i := range events {
		b, err := json.Marshal(&events[i])
		if err != nil {
			return nil, fmt.Errorf("sfn engine: encode event: %w", err)
		}
		entries[i] = b
	}
	return entries, nil
}

func appendEvents(ctx context.Context, tx store.Tx, arn string, first int64, events []HistoryEvent) error {
	entries, err := encodeEvents(events)
	if err != nil {
		return err
	}
	return appendEntries(ctx, tx, arn, first, entries)
}

func appendEntries(ctx context.Context, tx store.Tx, arn string, first int64, entries [][]byte) error {
	if len(entries) == 0 {
		return nil
	}
	got, err := tx.LogAppend(ctx, logPrefix+arn, entries...)
	if err != nil {
		return fmt.Errorf("sfn engine: append history: %w", err)
	}
	if got != first {
		// Event ids are log sequence numbers; a gap means a lost race.
		return store.ErrConflict
	}
	return nil
}

func (e *Engine) dropJob(ctx context.Context, j store.Job) error {
	err := e.st.Update(ctx, func(tx store.Tx) error { return tx.JobDelete(ctx, Queue, j.ID, j.Lease) })
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrConflict) {
		return nil
	}
	return err
}

// timeout ends an execution that ran past its TimeoutSeconds.
func (e *Engine) timeout(ctx context.Context, j store.Job, arn string) error {
	for range 5 {
		var x *Execution
		err := e.st.View(ctx, func(tx store.Tx) error {
			var err error
			x, err = Get(ctx, tx, arn)
			return err
		})
		if errors.Is(err, ErrNotFound) {
			return e.dropJob(ctx, j)
		}
		if err != nil {
			return err
		}
		if x.Status != StatusRunning {
			return e.dropJob(ctx, j)
		}
		s := &step{x: x, now: e.clock.Now()}
		s.finish(StatusTimedOut, EventExecutionTimedOut, asl.ErrTimeout, "")
		err = e.st.Update(ctx, func(tx store.Tx) error {
			if err := tx.JobDelete(ctx, Queue, j.ID, j.Lease); err != nil {
				return err
			}
			return commit(ctx, tx, x, s.events, nil, j.ID)
		})
		if !errors.Is(err, store.ErrConflict) {
			return err
		}
	}
	return fmt.Errorf("sfn engine: execution %s: too many conflicting updates", arn)
}

// step is one step's worth of interpretation: pure, no I/O.
type step struct {
	x      *Execution
	m      *asl.Machine
	now    time.Time
	events []HistoryEvent
	vars   *asl.Vars
	input  any // the execution input, for $$.Execution.Input
	rand   *rand.Rand
}

func newStep(x *Execution, m *asl.Machine, now time.Time) *step {
	h := fnv.New64a()
	h.Write([]byte(x.ARN))
	return &step{
		x: x, m: m, now: now,
		vars:  asl.NewVars(x.Cursor.Vars),
		input: decodeJSON([]byte(x.Input)),
		// Randomness (jitter, States.UUID) need not be reproducible; seeding
		// from the execution and the time keeps it free of shared state.
		rand: rand.New(rand.NewPCG(uint64(now.UnixNano()), h.Sum64())),
	}
}

func decodeJSON(b []byte) any {
	var v any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return nil
	}
	return v
}

func compact(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "null"
	}
	return string(b)
}

func (s *step) emit(ev HistoryEvent) int64 {
	s.x.Events++
	ev.ID = s.x.Events
	ev.PreviousEventID = s.x.Events - 1
	ev.Timestamp = s.now
	s.events = append(s.events, ev)
	return ev.ID
}

func (s *step) env() *asl.Env {
	c := &s.x.Cursor
	retries := 0
	for _, n := range c.RetryCounts {
		retries += n
	}
	return &asl.Env{
		Context: &asl.Context{
			Execution:    asl.ExecutionContext{ID: s.x.ARN, Input: s.input, Name: s.x.Name, RoleArn: s.x.RoleARN, StartTime: s.x.StartDate},
			State:        asl.StateContext{Name: c.State, EnteredTime: c.EnteredTime, RetryCount: retries},
			StateMachine: asl.StateMachineContext{ID: s.x.StateMachineARN, Name: s.x.StateMachine},
		},
		Vars:           s.vars,
		Now:            s.now,
		Rand:           s.rand,
		EnteredEventID: c.EnteredEventID,
		RetryCounts:    c.RetryCounts,
	}
}

// run advances the execution as far as it goes without waiting or calling
// out. It returns when the next job is due (nil when the execution ended).
func (s *step) run(outcome *Outcome) (*time.Time, error) {
	c := &s.x.Cursor
	if outcome != nil {
		if err := s.taskDone(outcome); err != nil {
			return nil, err
		}
	}
	for s.x.Status == StatusRunning {
		if len(s.events) >= maxEventsPerStep {
			return &s.now, nil // commit what we have; carry on in a new step
		}
		if s.x.Events >= MaxEvents {
			s.finish(StatusFailed, EventExecutionFailed, asl.ErrRuntime,
				fmt.Sprintf("The execution reached the maximum number of history events (%d).", MaxEvents))
			break
		}
		switch c.Phase {
		case phaseEnter:
			typ, ok := s.m.StateType(c.State)
			if !ok {
				return nil, fmt.Errorf("sfn engine: execution %s: no state %q", s.x.ARN, c.State)
			}
			id := s.emit(HistoryEvent{Type: string(typ) + "StateEntered", StateEnteredEventDetails: &StateEnteredEventDetails{
				Name: c.State, Input: string(c.Input), InputDetails: &DataDetails{},
			}})
			c.EnteredEventID, c.EnteredTime, c.RetryCounts = id, s.now, nil
			if err := s.decide(s.m.Enter(c.State, decodeJSON(c.Input), s.env())); err != nil {
				return nil, err
			}
		case phaseRetry:
			if c.Until.After(s.now) {
				return &c.Until, nil
			}
			c.Until = time.Time{}
			// A retry runs the state again without a new StateEntered, as
			// AWS's history shows (TaskFailed, then TaskScheduled).
			if err := s.decide(s.m.Enter(c.State, decodeJSON(c.Input), s.env())); err != nil {
				return nil, err
			}
		case phaseWait:
			if c.Until.After(s.now) {
				return &c.Until, nil
			}
			t := c.Then
			s.emit(HistoryEvent{Type: "WaitStateExited", StateExitedEventDetails: &StateExitedEventDetails{
				Name: c.State, Output: string(t.Output), OutputDetails: &DataDetails{}, AssignedVariables: renderVars(t.Assigned),
			}})
			s.vars.Assign(t.Assigned)
			c.Until, c.Then = time.Time{}, nil
			if t.Succeed {
				s.succeed(string(t.Output))
			} else {
				s.enter(t.State, t.Output)
			}
		case phaseTask:
			return &s.now, nil
		default:
			return nil, fmt.Errorf("sfn engine: execution %s: unknown phase %q", s.x.ARN, c.Phase)
		}
	}
	return nil, nil
}

func (s *step) enter(state string, input json.RawMessage) {
	s.x.Cursor = Cursor{Phase: phaseEnter, State: state, Input: input, Vars: s.localVars()}
}

func (s *step) succeed(output string) {
	s.x.Output = &output
	s.finish(StatusSucceeded, EventExecutionSucceeded, "", "")
}

// finish ends the execution with its closing event.
func (s *step) finish(status, event, errName, cause string) {
	ev := HistoryEvent{Type: event}
	switch event {
	case EventExecutionSucceeded:
		ev.ExecutionSucceededEventDetails = &ExecutionSucceededEventDetails{Output: *s.x.Output, OutputDetails: &DataDetails{}}
	case EventExecutionFailed:
		ev.ExecutionFailedEventDetails = &ErrorDetails{Error: errName, Cause: cause}
	case EventExecutionAborted:
		ev.ExecutionAbortedEventDetails = &ErrorDetails{Error: errName, Cause: cause}
	case EventExecutionTimedOut:
		ev.ExecutionTimedOutEventDetails = &ErrorDetails{Error: errName, Cause: cause}
	}
	s.emit(ev)
	s.x.Status, s.x.Error, s.x.Cause, s.x.StopDate = status, errName, cause, s.now
	s.x.Cursor = Cursor{Phase: phaseDone, Vars: s.localVars()}
}

func (s *step) stateType() asl.StateType {
	t, _ := s.m.StateType(s.x.Cursor.State)
	return t
}

func (s *step) exited(output any, assigned map[string]any) string {
	out := compact(output)
	s.emit(HistoryEvent{Type: string(s.stateType()) + "StateExited", StateExitedEventDetails: &StateExitedEventDetails{
		Name: s.x.Cursor.State, Output: out, OutputDetails: &DataDetails{}, AssignedVariables: renderVars(assigned),
	}})
	s.vars.Assign(assigned)
	return out
}

// localVars is the top-level variables to persist; nil when there are none.
func (s *step) localVars() map[string]any {
	if s.vars == nil || len(s.vars.Local()) == 0 {
		return nil
	}
	return s.vars.Local()
}

func renderVars(assigned map[string]any) map[string]string {
	if len(assigned) == 0 {
		return nil
	}
	out := make(map[string]string, len(assigned))
	for k, v := range assigned {
		out[k] = compact(v)
	}
	return out
}

// decide applies what the interpreter decided for the current state.
func (s *step) decide(d asl.Decision, err error) error {
	if err != nil {
		return fmt.Errorf("sfn engine: execution %s: %w", s.x.ARN, err)
	}
	c := &s.x.Cursor
	switch d := d.(type) {
	case *asl.Next:
		out := s.exited(d.Output, d.Assigned)
		s.enter(d.State, json.RawMessage(out))
	case *asl.Catch:
		out := s.exited(d.Output, d.Assigned)
		s.enter(d.Next, json.RawMessage(out))
	case *asl.Succeed:
		s.succeed(s.exited(d.Output, d.Assigned))
	case *asl.Fail:
		s.finish(StatusFailed, EventExecutionFailed, d.Error, d.Cause)
	case *asl.Wait:
		then := &Then{}
		switch t := d.Then.(type) {
		case *asl.Next:
			then.State, then.Output, then.Assigned = t.State, json.RawMessage(compact(t.Output)), t.Assigned
		case *asl.Succeed:
			then.Succeed, then.Output, then.Assigned = true, json.RawMessage(compact(t.Output)), t.Assigned
		default:
			return fmt.Errorf("sfn engine: execution %s: a Wait ends with %T", s.x.ARN, d.Then)
		}
		c.Phase, c.Until, c.Then = phaseWait, d.Until, then
	case *asl.RunTask:
		params := compact(d.Parameters)
		rtype, res := SplitResource(d.Resource)
		s.emit(HistoryEvent{Type: EventTaskScheduled, TaskScheduledEventDetails: &TaskScheduledEventDetails{
			ResourceType: rtype, Resource: res, Region: s.x.Region(), Parameters: params,
			TimeoutInSeconds: d.TimeoutSeconds, HeartbeatInSeconds: d.HeartbeatSeconds,
		}})
		s.emit(HistoryEvent{Type: EventTaskStarted, TaskStartedEventDetails: &TaskStartedEventDetails{ResourceType: rtype, Resource: res}})
		c.Phase = phaseTask
		c.Task = &Task{Resource: d.Resource, Parameters: json.RawMessage(params), TimeoutSeconds: d.TimeoutSeconds, HeartbeatSeconds: d.HeartbeatSeconds}
	case *asl.Retry:
		c.Phase, c.RetryCounts, c.Task = phaseRetry, d.Counts, nil
		if d.After > 0 {
			c.Until = s.now.Add(d.After)
		}
	case *asl.RunBranches, *asl.RunMap:
		// Loud, never a silent success: the engine does not run Parallel
		// and Map states yet.
		s.finish(StatusFailed, EventExecutionFailed, asl.ErrRuntime, fmt.Sprintf(
			"An error occurred while executing the state '%s' (entered at the event id #%d). shoal does not run %s states yet.",
			c.State, c.EnteredEventID, s.stateType()))
	default:
		return fmt.Errorf("sfn engine: execution %s: unknown decision %T", s.x.ARN, d)
	}
	return nil
}

// taskDone records a task's outcome and lets the interpreter decide.
func (s *step) taskDone(o *Outcome) error {
	c := &s.x.Cursor
	rtype, res := SplitResource(c.Task.Resource)
	input := decodeJSON(c.Input)
	c.Task = nil
	if o.Failure != nil {
		s.emit(HistoryEvent{Type: EventTaskFailed, TaskFailedEventDetails: &TaskFailedEventDetails{
			ResourceType: rtype, Resource: res, Error: o.Failure.Error, Cause: o.Failure.Cause,
		}})
		return s.decide(s.m.TaskFailed(c.State, input, *o.Failure, s.env()))
	}
	s.emit(HistoryEvent{Type: EventTaskSucceeded, TaskSucceededEventDetails: &TaskSucceededEventDetails{
		ResourceType: rtype, Resource: res, Output: string(o.Result), OutputDetails: &DataDetails{},
	}})
	return s.decide(s.m.TaskSucceeded(c.State, input, decodeJSON(o.Result), s.env()))
}

// SplitResource splits a Task's Resource into the resourceType and resource
// history events name: "arn:aws:states:::aws-sdk:glue:stopSession" is
// ("aws-sdk:glue", "stopSession"), "arn:aws:states:::sns:publish" is
// ("sns", "publish"); other ARNs (activities, Lambda functions) are split at
// their resource type.
func SplitResource(resource string) (resourceType, name string) {
	if i := strings.Index(resource, ":::"); i >= 0 && strings.HasPrefix(resource, "arn:") {
		rest := resource[i+3:]
		skip := 0
		if strings.HasPrefix(rest, "aws-sdk:") {
			skip = len("aws-sdk:")
		}
		if j := strings.IndexByte(rest[skip:], ':'); j >= 0 {
			return rest[:skip+j], rest[skip+j+1:]
		}
		return rest, ""
	}
	parts := strings.SplitN(resource, ":", 7)
	if len(parts) == 7 {
		return parts[2], parts[5] + ":" + parts[6]
	}
	return "", resource
}
