package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/shoal-dev/shoal/internal/asl"
	"github.com/shoal-dev/shoal/internal/clock"
	"github.com/shoal-dev/shoal/internal/store"
)

// Outcome is what running a task produced: Result (JSON) or Failure.
type Outcome struct {
	Result  json.RawMessage `json:"result,omitempty"`
	Failure *asl.Failure    `json:"failure,omitempty"`
	// TimedOut: the Failure is States.Timeout or States.HeartbeatTimeout
	// from the task's own timers (TaskTimedOut, ActivityTimedOut).
	TimedOut bool `json:"timedOut,omitempty"`
	// Callback: the outcome came with the task token (SendTaskSuccess,
	// SendTaskFailure), not from the call that submitted the task.
	Callback bool `json:"callback,omitempty"`
	// Poll, on a .sync task's successful outcome: the work it started has
	// not ended yet; the engine asks again (Invoke with Task.Submitted
	// set) after this long. Zero when the end is reported by itself.
	Poll time.Duration `json:"poll,omitempty"`
	// StartFailed: the call could not be made at all (the integration
	// cannot run it); the history shows TaskStartFailed.
	StartFailed bool `json:"startFailed,omitempty"`
	// Await, on a .sync task's successful outcome: the end of the work it
	// started will come back through Complete (a nested execution's
	// report). A .sync outcome with neither Poll nor Await is final.
	Await bool `json:"await,omitempty"`
}

// Invoker runs a Task state's resource: the service integrations.
//
// A call InProcess reports true for is served by a service inside this
// process whose writes go through the store: the engine makes it inside
// the step's transaction, with a ctx from store.WithTx, so the service's
// writes and the task's outcome commit together — exactly once. Any other
// call is made outside a transaction, at least once (again only if the
// process dies before the outcome commits).
type Invoker interface {
	Invoke(ctx context.Context, x *Execution, t *Task) Outcome
	InProcess(t *Task) bool
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
	tokens  []tokenWrite
	tel     *telemetry
	spawn   *spawn
}

// Prepare runs a new execution as far as it goes without waiting or
// calling a task — a machine of Pass and Choice states finishes right here
// — and encodes what Insert will write. x needs ARN, StateMachineARN,
// StateMachine, Name, RoleARN, Definition, Input and StartDate.
func (e *Engine) Prepare(m *asl.Machine, x *Execution) (*Prepared, error) {
	x.Status = StatusRunning
	x.Events = 0
	x.Cursor = Cursor{Phase: phaseEnter, State: m.StartAt(), Input: json.RawMessage(x.Input)}
	s := e.newStep(x, m, x.StartDate)
	s.emit(nil, HistoryEvent{Type: EventExecutionStarted, ExecutionStartedEventDetails: &ExecutionStartedEventDetails{
		Input: x.Input, InputDetails: &DataDetails{}, RoleArn: x.RoleARN,
		StateMachineVersionArn: x.VersionARN, StateMachineAliasArn: x.AliasARN,
	}})
	next, err := s.run(s.root)
	if err != nil {
		return nil, err
	}
	p := &Prepared{x: x, next: next, tokens: s.tokens, spawn: s.spawn}
	if p.rec, err = x.record(); err != nil {
		return nil, err
	}
	if p.entries, err = encodeEvents(s.events); err != nil {
		return nil, err
	}
	if p.tel, err = telemetryOf(x, s.events, s.metrics); err != nil {
		return nil, err
	}
	if t := m.TimeoutSeconds(); t > 0 && x.Status == StatusRunning {
		due := x.StartDate.Add(time.Duration(t) * time.Second)
		p.timeout = &due
	}
	return p, nil
}

// ErrExists is Insert's error for an ARN that names an execution already.
var ErrExists = errors.New("sfn engine: execution exists")

// Insert writes a prepared execution inside the caller's transaction: its
// record, its first events, its next job and its timeout job. If the ARN
// is taken it writes nothing and returns ErrExists, so StartExecution need
// not read first to find out.
func (e *Engine) Insert(ctx context.Context, tx store.Tx, p *Prepared) error {
	rec := *p.rec
	if err := tx.RecordInsert(ctx, &rec); errors.Is(err, store.ErrConflict) {
		return ErrExists
	} else if err != nil {
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
	if err := writeTokens(ctx, tx, p.tokens, p.x.StartDate); err != nil {
		return err
	}
	if err := putParentJob(ctx, tx, p.x); err != nil {
		return err
	}
	if err := e.writeSpawn(ctx, tx, p.spawn, p.x.StartDate); err != nil {
		return err
	}
	if err := p.tel.write(ctx, tx, p.x, p.x.StartDate); err != nil {
		return err
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
	s, err := e.stopStep(ctx, tx, x, now)
	if err != nil {
		return false, err
	}
	s.finish(StatusAborted, EventExecutionAborted, errName, cause)
	return true, commit(ctx, tx, x, s, nil, "")
}

// stopStep is the step that ends a running execution from outside
// (StopExecution, its TimeoutSeconds): the states in flight report
// <Type>StateAborted first, as AWS's history shows, and their task tokens
// go.
func (e *Engine) stopStep(ctx context.Context, tx store.Tx, x *Execution, now time.Time) (*step, error) {
	m, err := e.machineIn(ctx, tx, x.Definition)
	if err != nil {
		return nil, err
	}
	s := e.newStep(x, m, now)
	s.abort(s.root)
	return s, nil
}

// Handle is the jobs.Handler of Queue: it moves one execution on by one
// step and commits the step with the job's completion.
func (e *Engine) Handle(ctx context.Context, j store.Job) error {
	if arn, ok := strings.CutSuffix(j.ID, timeoutSuffix); ok {
		return e.timeout(ctx, j, arn)
	}
	if strings.HasSuffix(j.ID, parentSuffix) {
		return e.reportToParent(ctx, j)
	}
	if arn, ok := strings.CutSuffix(j.ID, stopSuffix); ok {
		return e.stopChild(ctx, j, arn)
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
	if (x.Cursor.Phase == phaseWait || x.Cursor.Phase == phaseRetry) && x.Cursor.Until.After(now) {
		// Woken early (a poll, a replaced job): keep waiting.
		return e.st.Update(ctx, func(tx store.Tx) error {
			return tx.JobPut(ctx, &store.Job{Queue: Queue, ID: x.ARN, Due: x.Cursor.Until})
		})
	}
	calls := pendingCalls(&x.Cursor, now, nil)
	inTx := false
	for _, t := range calls {
		if e.invoker.InProcess(t) {
			inTx = true
			continue
		}
		// A call that leaves the process happens outside the transaction,
		// before its outcome is recorded: a crash in between makes it again.
		o := e.invoke(ctx, x, t)
		t.Outcome = &o
	}
	if inTx {
		return e.stepInTx(ctx, j, x, m, now, calls)
	}
	if len(calls) > 0 {
		now = e.clock.Now()
	}
	s := e.newStep(x, m, now)
	next, err := s.run(s.root)
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
	tel, err := telemetryOf(x, s.events, s.metrics)
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
		if err := writeStep(ctx, tx, x, &r, entries, next, j.ID); err != nil {
			return err
		}
		if err := tel.write(ctx, tx, x, s.now); err != nil {
			return err
		}
		if err := e.writeSpawn(ctx, tx, s.spawn, s.now); err != nil {
			return err
		}
		return writeTokens(ctx, tx, s.tokens, s.now)
	})
}

// stepInTx makes a step whose calls include in-process ones inside one
// transaction: the calls run with a ctx joined to it (store.WithTx), so
// what the called services write commits with the outcome — or, on a crash
// or a conflict, neither does. Outcomes of calls that left the process are
// already on x's tasks.
func (e *Engine) stepInTx(ctx context.Context, j store.Job, read *Execution, m *asl.Machine, now time.Time, external []*Task) error {
	return e.st.Update(ctx, func(tx store.Tx) error {
		// fn may run more than once: start from the stored execution each
		// time, and check it is the one the outside calls were made for.
		x, err := Get(ctx, tx, read.ARN)
		if err != nil {
			return err
		}
		if x.version != read.version || x.Status != StatusRunning {
			return store.ErrConflict
		}
		if err := tx.JobDelete(ctx, Queue, j.ID, j.Lease); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return store.ErrConflict
			}
			return err
		}
		joined := store.WithTx(ctx, tx)
		for i, t := range pendingCalls(&x.Cursor, now, nil) {
			if o := external[i].Outcome; o != nil {
				t.Outcome = o
				continue
			}
			o := e.invoke(joined, x, t)
			t.Outcome = &o
		}
		s := e.newStep(x, m, e.clock.Now())
		next, err := s.run(s.root)
		if err != nil {
			return err
		}
		if err := commit(ctx, tx, x, s, next, j.ID); err != nil {
			return err
		}
		return nil
	})
}

// invoke makes one call. A task with TimeoutSeconds gets a context that
// the clock cancels at its deadline, so a call that honours its context
// ends then (the step reports States.Timeout).
func (e *Engine) invoke(ctx context.Context, x *Execution, t *Task) Outcome {
	if !t.Deadline.IsZero() {
		var cancel context.CancelFunc
		ctx, cancel = context.WithCancel(ctx)
		timer := e.clock.AfterFunc(t.Deadline.Sub(e.clock.Now()), cancel)
		defer timer.Stop()
		defer cancel()
	}
	return e.invoker.Invoke(ctx, x, t)
}

func (e *Engine) newStep(x *Execution, m *asl.Machine, now time.Time) *step {
	s := newStep(x, m, now)
	s.e = e
	return s
}

// commit writes the execution back (guarded by the version it was read
// at), appends its new events and sets its next job; a finished execution
// loses its jobs.
func commit(ctx context.Context, tx store.Tx, x *Execution, s *step, next *time.Time, claimed string) error {
	r, err := x.record()
	if err != nil {
		return err
	}
	entries, err := encodeEvents(s.events)
	if err != nil {
		return err
	}
	if err := writeStep(ctx, tx, x, r, entries, next, claimed); err != nil {
		return err
	}
	tel, err := telemetryOf(x, s.events, s.metrics)
	if err != nil {
		return err
	}
	if err := tel.write(ctx, tx, x, s.now); err != nil {
		return err
	}
	if err := s.e.writeSpawn(ctx, tx, s.spawn, s.now); err != nil {
		return err
	}
	return writeTokens(ctx, tx, s.tokens, s.now)
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
	if err := putParentJob(ctx, tx, x); err != nil {
		return err
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
		now := e.clock.Now()
		err = e.st.Update(ctx, func(tx store.Tx) error {
			if err := tx.JobDelete(ctx, Queue, j.ID, j.Lease); err != nil {
				return err
			}
			// Read again inside fn: it may run more than once, and the
			// step changes the execution it is given.
			y, err := Get(ctx, tx, arn)
			if err != nil {
				return err
			}
			if y.version != x.version {
				return store.ErrConflict
			}
			s, err := e.stopStep(ctx, tx, y, now)
			if err != nil {
				return err
			}
			s.finish(StatusTimedOut, EventExecutionTimedOut, asl.ErrTimeout, "")
			return commit(ctx, tx, y, s, nil, j.ID)
		})
		if !errors.Is(err, store.ErrConflict) {
			return err
		}
	}
	return fmt.Errorf("sfn engine: execution %s: too many conflicting updates", arn)
}
