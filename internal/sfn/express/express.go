// Package express runs Express workflows: in memory, at least once, for at
// most five minutes, keeping no history (AWS sends it to CloudWatch Logs
// only). It drives the same interpreter (internal/asl) as the durable
// Standard engine and calls tasks through the same Invoker (the service
// integrations), and runs Parallel branches and Map iterations in-process.
//
// An execution holds no goroutine while it waits: a Wait state or a Retry
// delay is one clock timer whose callback carries the execution on, so a
// manual clock's Advance runs it (inside Advance, before it returns). The
// work between waits runs on one goroutine at a time per execution,
// serialised by the execution's mutex; Parallel branches and Map
// iterations interleave on it at their waits and run their tasks one after
// another.
package express

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/shoal-dev/shoal/internal/asl"
	"github.com/shoal-dev/shoal/internal/clock"
)

// MaxDuration is the longest an Express execution runs ("Express
// Workflows can run for up to five minutes").
const MaxDuration = 5 * time.Minute

// Statuses an Express execution ends with (SyncExecutionStatus).
const (
	StatusSucceeded = "SUCCEEDED"
	StatusFailed    = "FAILED"
	StatusTimedOut  = "TIMED_OUT"
)

// Task is a Task state's work, as the Invoker receives it.
type Task struct {
	Resource         string
	Parameters       json.RawMessage
	TimeoutSeconds   int64
	HeartbeatSeconds int64
}

// Outcome is what running a task produced: Result (JSON) or Failure.
type Outcome struct {
	Result  json.RawMessage
	Failure *asl.Failure
}

// Invoker runs Task resources (the service integrations) on behalf of an
// execution. The package defines its own seam, rather than the durable
// engine's, so Express depends on nothing of the Standard engine.
type Invoker interface {
	Invoke(ctx context.Context, x *Params, t *Task) Outcome
}

// Config configures a Runner.
type Config struct {
	Clock   clock.Clock
	Invoker Invoker
	Logger  *slog.Logger
}

// Runner runs Express executions. It is safe for concurrent use.
type Runner struct {
	clock   clock.Clock
	invoker Invoker
	log     *slog.Logger

	ctx    context.Context // cancelled by Stop: in-flight task calls end
	cancel context.CancelFunc
	wg     sync.WaitGroup // goroutines running first steps

	mu      sync.Mutex
	stopped bool
	running map[*execution]struct{}
}

// New returns a runner.
func New(cfg Config) *Runner {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Runner{clock: cfg.Clock, invoker: cfg.Invoker, log: cfg.Logger, ctx: ctx, cancel: cancel, running: map[*execution]struct{}{}}
}

// Params describe an execution to start.
type Params struct {
	ARN             string
	StateMachineARN string
	StateMachine    string // its name
	Name            string
	RoleARN         string
	Input           string // JSON
	Machine         *asl.Machine
	StartDate       time.Time
	// OnEnd, when set, is called once with the result after the execution
	// ends, on a goroutine of its own (it may block on a store).
	OnEnd func(Result)
	// Record asks for the execution's history events in Result.Events:
	// Express keeps no history, but logs it to CloudWatch Logs and counts
	// it in CloudWatch metrics.
	Record bool
}

// Event is one history event of an Express execution, with what its
// details carry (the caller shapes them as the model's HistoryEvent).
type Event struct {
	Type      string
	Timestamp time.Time
	ID        int64
	Previous  int64
	// State names the state of a StateEntered, StateExited or
	// MapIteration event; Index is the iteration's, Length a
	// MapStateStarted's item count.
	State  string
	Index  int
	Length int
	// Input and Output are JSON; Error and Cause a failure's.
	Input, Output string
	Error, Cause  string
	// ResourceType, Resource and Parameters describe a task.
	ResourceType, Resource, Parameters string
}

// Result is how an execution ended.
type Result struct {
	Status    string
	Output    *string // set when it succeeded
	Error     string
	Cause     string
	StartDate time.Time
	StopDate  time.Time
	// Events is the history (Params.Record), in the order it happened.
	Events []Event
}

// Handle is a started execution.
type Handle struct{ x *execution }

// Done is closed when the execution has ended.
func (h *Handle) Done() <-chan struct{} { return h.x.doneCh }

// Result is the outcome; valid once Done is closed.
func (h *Handle) Result() Result {
	h.x.mu.Lock()
	defer h.x.mu.Unlock()
	return h.x.result
}

// ErrStopped: the runner no longer starts executions.
var ErrStopped = fmt.Errorf("express: runner stopped")

// Start begins an execution and returns at once; its first steps run on a
// new goroutine. Under a manual clock they run before Start returns, so a
// test sees the execution either finished or parked on a timer.
func (r *Runner) Start(p Params) (*Handle, error) {
	x := r.newExecution(p)
	r.mu.Lock()
	if r.stopped {
		r.mu.Unlock()
		return nil, ErrStopped
	}
	r.running[x] = struct{}{}
	r.wg.Add(1)
	r.mu.Unlock()

	first := func() {
		defer r.wg.Done()
		x.mu.Lock()
		defer x.mu.Unlock()
		limit := MaxDuration
		if t := p.Machine.TimeoutSeconds(); t > 0 && time.Duration(t)*time.Second < limit {
			limit = time.Duration(t) * time.Second
		}
		x.after(limit, func() {
			x.end(StatusTimedOut, nil, &asl.Failure{Error: asl.ErrTimeout, Cause: "The execution timed out"})
		})
		x.emit(Event{Type: "ExecutionStarted", Input: p.Input})
		root := &frame{x: x, m: p.Machine, vars: asl.NewVars(nil)}
		root.k = func() { root.enter(p.Machine.StartAt(), x.input) }
		x.ready = append(x.ready, root)
		x.drain()
	}
	if r.clock.Mode() == "manual" {
		first()
	} else {
		go first()
	}
	return &Handle{x: x}, nil
}

// Running is the number of executions not yet ended.
func (r *Runner) Running() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.running)
}

// Stop ends every running execution (they leave nothing behind: Express
// state lives only in memory) and waits for first steps in flight.
func (r *Runner) Stop(ctx context.Context) error {
	r.mu.Lock()
	r.stopped = true
	xs := make([]*execution, 0, len(r.running))
	for x := range r.running {
		xs = append(xs, x)
	}
	r.mu.Unlock()
	r.cancel()
	for _, x := range xs {
		x.mu.Lock()
		x.end(StatusFailed, nil, &asl.Failure{Error: asl.ErrRuntime, Cause: "shoal stopped while the Express execution ran"})
		x.mu.Unlock()
	}
	done := make(chan struct{})
	go func() { r.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// execution is one Express execution. mu guards every field below it and
// is held while the execution runs (drain), so its frames never run
// concurrently.
type execution struct {
	r      *Runner
	p      Params
	input  any // the decoded input, for $$.Execution.Input
	doneCh chan struct{}

	mu      sync.Mutex
	ready   []*frame // frames with work to do, in order
	done    bool
	result  Result
	timers  map[uint64]clock.Timer
	timerID uint64
	events  int64 // the id the next history event would have, for causes
	rand    *rand.Rand
	log     []Event // Params.Record
}

// emit records a history event when the caller asked for them.
func (x *execution) emit(ev Event) {
	if !x.p.Record {
		return
	}
	ev.ID = int64(len(x.log)) + 1
	ev.Previous = ev.ID - 1
	ev.Timestamp = x.r.clock.Now()
	x.log = append(x.log, ev)
}

func (r *Runner) newExecution(p Params) *execution {
	h := fnv.New64a()
	h.Write([]byte(p.ARN))
	return &execution{
		r: r, p: p, input: decode([]byte(p.Input)), doneCh: make(chan struct{}),
		timers: map[uint64]clock.Timer{},
		// Jitter and States.UUID need no reproducibility; seeding from
		// the ARN (unique per execution) keeps them free of shared state.
		rand:   rand.New(rand.NewPCG(h.Sum64(), uint64(p.StartDate.UnixNano()))),
		events: 1, // ExecutionStarted
	}
}

// drain runs ready frames until none is left or the execution ended.
func (x *execution) drain() {
	for len(x.ready) > 0 && !x.done {
		f := x.ready[0]
		x.ready = x.ready[1:]
		k := f.k
		f.k = nil
		if k != nil && !f.cancelled() {
			k()
		}
	}
}

// after runs fn (with the execution locked, then drains) once d has passed
// on the clock. The timer is the only thing a waiting execution holds.
func (x *execution) after(d time.Duration, fn func()) {
	x.timerID++
	id := x.timerID
	// The callback takes x.mu, which the caller holds: it cannot run
	// before x.timers[id] is set.
	x.timers[id] = x.r.clock.AfterFunc(d, func() {
		x.mu.Lock()
		defer x.mu.Unlock()
		delete(x.timers, id)
		if x.done {
			return
		}
		fn()
		x.drain()
	})
}

// end finishes the execution once: its timers stop and waiters wake.
func (x *execution) end(status string, output any, f *asl.Failure) {
	if x.done {
		return
	}
	x.done = true
	x.ready = nil
	for id, t := range x.timers {
		t.Stop()
		delete(x.timers, id)
	}
	x.result = Result{Status: status, StartDate: x.p.StartDate, StopDate: x.r.clock.Now()}
	if f != nil {
		x.result.Error, x.result.Cause = f.Error, f.Cause
	} else {
		out := compact(output)
		x.result.Output = &out
	}
	switch status {
	case StatusSucceeded:
		x.emit(Event{Type: "ExecutionSucceeded", Output: *x.result.Output})
	case StatusTimedOut:
		x.emit(Event{Type: "ExecutionTimedOut", Error: x.result.Error, Cause: x.result.Cause})
	default:
		x.emit(Event{Type: "ExecutionFailed", Error: x.result.Error, Cause: x.result.Cause})
	}
	x.result.Events = x.log
	x.r.mu.Lock()
	delete(x.r.running, x)
	x.r.mu.Unlock()
	close(x.doneCh)
	if x.p.OnEnd != nil {
		go x.p.OnEnd(x.result)
	}
}

func (x *execution) event() int64 {
	x.events++
	return x.events
}

// group is the children of one Parallel or Map state: they end together.
type group struct {
	results   []any
	remaining int
	failed    bool // the first failure ended the state; the others stop
}

// frame runs one machine: the execution's, a Parallel branch or a Map
// iteration. k is its next piece of work when it sits in the ready queue.
type frame struct {
	x    *execution
	m    *asl.Machine
	vars *asl.Vars

	state       string
	input       any // the current state's raw input
	enteredTime time.Time
	enteredID   int64
	retryCounts []int

	k      func()
	group  *group                        // nil for the execution's own frame
	parent *frame                        // the frame of the Parallel or Map state
	onDone func(out any, f *asl.Failure) // nil for the execution's own frame
}

func (f *frame) cancelled() bool {
	for c := f; c != nil; c = c.parent {
		if c.group != nil && c.group.failed {
			return true
		}
	}
	return false
}

func (f *frame) schedule(k func()) {
	f.k = k
	f.x.ready = append(f.x.ready, f)
}

func (f *frame) env() *asl.Env {
	x := f.x
	retries := 0
	for _, n := range f.retryCounts {
		retries += n
	}
	return &asl.Env{
		Context: &asl.Context{
			Execution:    asl.ExecutionContext{ID: x.p.ARN, Input: x.input, Name: x.p.Name, RoleArn: x.p.RoleARN, StartTime: x.p.StartDate},
			State:        asl.StateContext{Name: f.state, EnteredTime: f.enteredTime, RetryCount: retries},
			StateMachine: asl.StateMachineContext{ID: x.p.StateMachineARN, Name: x.p.StateMachine},
		},
		Vars:           f.vars,
		Now:            x.r.clock.Now(),
		Rand:           x.rand,
		EnteredEventID: f.enteredID,
		RetryCounts:    f.retryCounts,
	}
}

func (f *frame) enter(state string, input any) {
	f.state, f.input, f.retryCounts = state, input, nil
	f.enteredTime, f.enteredID = f.x.r.clock.Now(), f.x.event()
	if f.x.p.Record { // spare the encoding when nobody records
		f.x.emit(Event{Type: f.stateType() + "StateEntered", State: state, Input: compact(input)})
	}
	f.decide(f.m.Enter(state, input, f.env()))
}

// stateType is the current state's type, as history event types start.
func (f *frame) stateType() string {
	t, _ := f.m.StateType(f.state)
	return string(t)
}

// exited records the current state's StateExited.
func (f *frame) exited(output any) {
	if f.x.p.Record {
		f.x.emit(Event{Type: f.stateType() + "StateExited", State: f.state, Output: compact(output)})
	}
}

// finish ends the frame's machine with an output or a failure.
func (f *frame) finish(out any, fail *asl.Failure) {
	if f.onDone != nil {
		f.onDone(out, fail)
		return
	}
	if fail != nil {
		f.x.end(StatusFailed, nil, fail)
		return
	}
	f.x.end(StatusSucceeded, out, nil)
}

// decide carries out what the interpreter decided for the current state.
// Moving to another state goes through the ready queue, so a long (or
// endless) run of states never deepens the stack.
func (f *frame) decide(d asl.Decision, err error) {
	if err != nil {
		// The interpreter reports misuse this way (an unknown state), which
		// a compiled machine never causes; fail loudly rather than hang.
		f.x.end(StatusFailed, nil, &asl.Failure{Error: asl.ErrRuntime, Cause: err.Error()})
		return
	}
	f.x.event() // the state's exit or the task's scheduling
	switch d := d.(type) {
	case *asl.Next:
		f.exited(d.Output)
		f.vars.Assign(d.Assigned)
		f.schedule(func() { f.enter(d.State, d.Output) })
	case *asl.Catch:
		f.exited(d.Output)
		f.vars.Assign(d.Assigned)
		f.schedule(func() { f.enter(d.Next, d.Output) })
	case *asl.Succeed:
		f.exited(d.Output)
		f.vars.Assign(d.Assigned)
		f.finish(d.Output, nil)
	case *asl.Fail:
		f.finish(nil, &asl.Failure{Error: d.Error, Cause: d.Cause})
	case *asl.Wait:
		f.x.after(d.Until.Sub(f.x.r.clock.Now()), func() {
			if !f.cancelled() {
				f.decide(d.Then, nil)
			}
		})
	case *asl.Retry:
		f.x.after(d.After, func() {
			if f.cancelled() {
				return
			}
			f.retryCounts = d.Counts
			f.decide(f.m.Enter(f.state, f.input, f.env()))
		})
	case *asl.RunTask:
		f.runTask(d)
	case *asl.RunBranches:
		f.runChildren(d.Branches, nil, d.Input)
	case *asl.RunMap:
		if fail := d.UnsupportedIO(); fail != nil {
			f.taskFailed(*fail)
			return
		}
		items := d.Items
		if d.ItemBatcher != nil {
			batches, fail := d.ItemBatcher.Batch(items)
			if fail != nil {
				f.taskFailed(*fail)
				return
			}
			items = batches
		}
		f.runChildren(nil, d.Processor, items)
	default:
		f.x.end(StatusFailed, nil, &asl.Failure{Error: asl.ErrRuntime, Cause: fmt.Sprintf("express: unknown decision %T", d)})
	}
}

func (f *frame) runTask(d *asl.RunTask) {
	x := f.x
	params, err := json.Marshal(d.Parameters)
	if err != nil {
		f.taskFailed(asl.Failure{Error: asl.ErrRuntime, Cause: err.Error()})
		return
	}
	t := &Task{Resource: d.Resource, Parameters: params, TimeoutSeconds: d.TimeoutSeconds, HeartbeatSeconds: d.HeartbeatSeconds}
	rtype, res := asl.SplitResource(d.Resource)
	x.emit(Event{Type: "TaskScheduled", ResourceType: rtype, Resource: res, Parameters: string(params)})
	x.emit(Event{Type: "TaskStarted", ResourceType: rtype, Resource: res})
	// The call runs with the execution locked: its frames wait for it, as
	// they would for any step. Stop cancels x.r.ctx.
	o := x.r.invoker.Invoke(x.r.ctx, &x.p, t)
	if x.done {
		return // timed out or stopped during the call
	}
	if o.Failure != nil {
		x.emit(Event{Type: "TaskFailed", ResourceType: rtype, Resource: res, Error: o.Failure.Error, Cause: o.Failure.Cause})
		f.taskFailed(*o.Failure)
		return
	}
	x.emit(Event{Type: "TaskSucceeded", ResourceType: rtype, Resource: res, Output: string(o.Result)})
	f.x.event()
	f.decide(f.m.TaskSucceeded(f.state, f.input, decode(o.Result), f.env()))
}

func (f *frame) taskFailed(fail asl.Failure) {
	f.x.event()
	f.decide(f.m.TaskFailed(f.state, f.input, fail, f.env()))
}

// runChildren runs a Parallel state's branches (each with the same input)
// or a Map state's iterations (processor, one per item), each in a child
// variable scope, and completes the state with their outputs in order or
// with the first failure.
func (f *frame) runChildren(branches []*asl.Machine, processor *asl.Machine, items any) {
	n := len(branches)
	var list []any
	if processor != nil {
		list, _ = items.([]any)
		n = len(list)
	}
	g := &group{results: make([]any, n), remaining: n}
	kind := "Parallel"
	if processor != nil {
		kind = "Map"
		f.x.emit(Event{Type: "MapStateStarted", Length: n})
	} else {
		f.x.emit(Event{Type: "ParallelStateStarted"})
	}
	if n == 0 {
		f.x.emit(Event{Type: kind + "StateSucceeded"})
		f.decide(f.m.TaskSucceeded(f.state, f.input, []any{}, f.env()))
		return
	}
	for i := range n {
		m, in := processor, any(nil)
		if processor == nil {
			m, in = branches[i], items
		} else {
			in = list[i]
		}
		c := &frame{x: f.x, m: m, vars: f.vars.Child(), group: g, parent: f}
		c.onDone = func(out any, fail *asl.Failure) {
			if g.failed {
				return
			}
			if processor != nil {
				typ := "MapIterationSucceeded"
				if fail != nil {
					typ = "MapIterationFailed"
				}
				f.x.emit(Event{Type: typ, State: f.state, Index: i})
			}
			if fail != nil {
				g.failed = true
				f.x.emit(Event{Type: kind + "StateFailed"})
				f.taskFailed(*fail)
				return
			}
			g.results[i] = out
			g.remaining--
			if g.remaining == 0 {
				f.x.event()
				f.x.emit(Event{Type: kind + "StateSucceeded"})
				f.decide(f.m.TaskSucceeded(f.state, f.input, g.results, f.env()))
			}
		}
		if processor != nil {
			f.x.emit(Event{Type: "MapIterationStarted", State: f.state, Index: i})
		}
		c.schedule(func() { c.enter(m.StartAt(), in) })
	}
}

func decode(b []byte) any {
	var v any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber() // numbers stay exact, as asl wants them
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
