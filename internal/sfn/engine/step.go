package engine

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/shoal-dev/shoal/internal/asl"
	"github.com/shoal-dev/shoal/internal/asl/value"
	"github.com/shoal-dev/shoal/internal/metrics"
)

// step is one step's worth of interpretation: pure, no I/O. It moves the
// execution's cursor tree (the top-level machine, and the branches and
// iterations of any Parallel or Map state running in it) as far as it goes
// without waiting or calling out, and collects the history events and the
// task-token records to write with it.
type step struct {
	x      *Execution
	m      *asl.Machine
	now    time.Time
	events []HistoryEvent
	input  any // the execution input, for $$.Execution.Input
	rand   *rand.Rand
	tokens []tokenWrite
	// newToken makes task tokens; it is the engine's (crypto-random).
	newToken func(arn string) string
	root     *frame
	// limitHit: the history is one event short of MaxEvents and the next
	// event was not the execution's end, so the execution fails (run and
	// finish turn whatever comes next into that failure).
	limitHit bool
	// e compiles and prepares a Map Run's child executions; spawn is what
	// the step starts or stops besides its own execution (maprun.go).
	e     *Engine
	spawn *spawn
	// metrics are the task metrics the step adds (telemetry.go).
	metrics []metrics.Datum
}

// MaxPayload is the 256 KiB limit on a state's or task's input and
// output, in bytes.
const MaxPayload = 256 * 1024

// historyLimitCause is ExecutionFailed's cause when the history is full.
const historyLimitCause = "The execution reached the maximum number of history events (25000)."

// dataLimitFailure is States.DataLimitExceeded for a state or task (named
// by name) whose result is over MaxPayload, in AWS's words.
func dataLimitFailure(name string) asl.Failure {
	return asl.Failure{Error: asl.ErrDataLimitExceeded, Cause: fmt.Sprintf(
		"The state/task '%s' returned a result with a size exceeding the maximum number of bytes service limit.", name)}
}

// frame is one running machine: the execution's own, a Parallel branch or
// a Map iteration. Frames are rebuilt from the stored cursors each step.
type frame struct {
	c      *Cursor
	m      *asl.Machine
	vars   *asl.Vars
	parent *frame
	// mapState and index name a Map iteration (mapState is "" for a
	// Parallel branch and for the top level).
	mapState string
	index    int
	// token is the task token made for the Task state being entered, so
	// its Parameters can render $$.Task.Token.
	token string
}

func newStep(x *Execution, m *asl.Machine, now time.Time) *step {
	h := fnv.New64a()
	h.Write([]byte(x.ARN))
	s := &step{
		x: x, m: m, now: now,
		input: decodeJSON([]byte(x.Input)),
		// Randomness (jitter, States.UUID) need not be reproducible; seeding
		// from the execution and the time keeps it free of shared state.
		rand:     rand.New(rand.NewPCG(uint64(now.UnixNano()), h.Sum64())),
		newToken: newToken,
	}
	if x.Cursor.Vars == nil {
		x.Cursor.Vars = map[string]any{}
	}
	// NewVars takes the map over: assignments land in the cursor directly.
	s.root = &frame{c: &x.Cursor, m: m, vars: asl.NewVars(x.Cursor.Vars)}
	return s
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

// compact renders v as AWS writes JSON (value.Compact: no HTML escaping).
func compact(v any) string {
	s, err := value.Compact(v)
	if err != nil {
		return "null"
	}
	return s
}

// emit appends an event. At the top level it follows the event before it;
// inside a branch or iteration it follows that branch's previous event, as
// AWS chains them (fr nil: the execution's own closing events).
func (s *step) emit(fr *frame, ev HistoryEvent) int64 {
	if s.limitHit || (s.x.Events >= MaxEvents-1 && !closing(ev.Type)) {
		// "If the event number 25,000 isn't ExecutionSucceeded, the
		// ExecutionFailed event is logged": drop it, fail instead.
		s.limitHit = true
		return s.x.Events
	}
	s.x.Events++
	ev.ID = s.x.Events
	ev.PreviousEventID = s.x.Events - 1
	if fr != nil && fr.parent != nil {
		ev.PreviousEventID = fr.c.Last
		fr.c.Last = ev.ID
	}
	ev.Timestamp = s.now
	s.events = append(s.events, ev)
	return ev.ID
}

func (s *step) env(fr *frame) *asl.Env {
	c := fr.c
	retries := 0
	for _, n := range c.RetryCounts {
		retries += n
	}
	ctx := &asl.Context{
		Execution: asl.ExecutionContext{ID: s.x.ARN, Input: s.input, Name: s.x.Name, RoleArn: s.x.RoleARN, StartTime: s.x.StartDate,
			RedriveCount: s.x.RedriveCount, RedriveTime: s.x.RedriveDate},
		State:        asl.StateContext{Name: c.State, EnteredTime: c.EnteredTime, RetryCount: retries},
		StateMachine: asl.StateMachineContext{ID: s.x.StateMachineARN, Name: s.x.StateMachine},
	}
	if fr.token != "" {
		ctx.Task = &asl.TaskContext{Token: fr.token}
	}
	return &asl.Env{
		Context:        ctx,
		Vars:           fr.vars,
		Now:            s.now,
		Rand:           s.rand,
		EnteredEventID: c.EnteredEventID,
		RetryCounts:    c.RetryCounts,
	}
}

func earliest(a, b *time.Time) *time.Time {
	if a == nil || (b != nil && b.Before(*a)) {
		return b
	}
	return a
}

func closing(typ string) bool {
	switch typ {
	case EventExecutionSucceeded, EventExecutionFailed, EventExecutionAborted, EventExecutionTimedOut:
		return true
	}
	return false
}

// run advances a frame as far as it goes without waiting or calling out.
// It returns when the frame's next work is due; nil when the frame ended
// or waits for nothing but a callback.
func (s *step) run(fr *frame) (*time.Time, error) {
	next, err := s.runFrame(fr)
	if err == nil && s.limitHit && s.x.Status == StatusRunning {
		s.finish(StatusFailed, EventExecutionFailed, "", "") // finish fills in the limit's failure
		return nil, nil
	}
	return next, err
}

func (s *step) runFrame(fr *frame) (*time.Time, error) {
	c := fr.c
	for c.Phase != phaseDone && s.x.Status == StatusRunning && !s.limitHit {
		if len(s.events) >= maxEventsPerStep {
			return &s.now, nil // commit what we have; carry on in a new step
		}
		switch c.Phase {
		case phaseEnter:
			typ, ok := fr.m.StateType(c.State)
			if !ok {
				return nil, fmt.Errorf("sfn engine: execution %s: no state %q", s.x.ARN, c.State)
			}
			id := s.emit(fr, HistoryEvent{Type: string(typ) + "StateEntered", StateEnteredEventDetails: &StateEnteredEventDetails{
				Name: c.State, Input: string(c.Input), InputDetails: &DataDetails{},
			}})
			c.EnteredEventID, c.EnteredTime, c.RetryCounts = id, s.now, nil
			s.prepareToken(fr)
			if err := s.decide(fr)(fr.m.Enter(c.State, decodeJSON(c.Input), s.env(fr))); err != nil {
				return nil, err
			}
		case phaseRetry:
			if c.Until.After(s.now) {
				return &c.Until, nil
			}
			c.Until = time.Time{}
			// A retry runs the state again without a new StateEntered, as
			// AWS's history shows (TaskFailed, then TaskScheduled).
			s.prepareToken(fr)
			if err := s.decide(fr)(fr.m.Enter(c.State, decodeJSON(c.Input), s.env(fr))); err != nil {
				return nil, err
			}
		case phaseWait:
			if c.Until.After(s.now) {
				return &c.Until, nil
			}
			t := c.Then
			s.emit(fr, HistoryEvent{Type: "WaitStateExited", StateExitedEventDetails: &StateExitedEventDetails{
				Name: c.State, Output: string(t.Output), OutputDetails: &DataDetails{}, AssignedVariables: renderVars(t.Assigned),
			}})
			fr.vars.Assign(t.Assigned)
			c.Until, c.Then = time.Time{}, nil
			if t.Succeed {
				s.ended(fr, string(t.Output))
			} else {
				s.enter(fr, t.State, t.Output)
			}
		case phaseTask:
			t := c.Task
			if t.Outcome != nil {
				if err := s.taskDone(fr); err != nil {
					return nil, err
				}
				continue
			}
			due, expired := s.taskTimers(fr)
			if expired {
				continue
			}
			if t.Submitted && !t.PollDue.IsZero() {
				if !s.now.Before(t.PollDue) {
					return &s.now, nil // a .sync poll to make
				}
				return earliest(due, &t.PollDue), nil
			}
			if t.Activity() != "" || t.Submitted {
				return due, nil // a worker or a callback ends it, or a timer
			}
			return &s.now, nil // a call to make: the next step makes it
		case phaseChild:
			t := c.Task
			if t.Outcome == nil {
				return nil, nil // the child execution reports its end
			}
			s.tokens = append(s.tokens, tokenWrite{token: t.Token})
			if t.Outcome.Failure != nil {
				*c = Cursor{Phase: phaseDone, Failure: t.Outcome.Failure, Last: c.Last}
			} else {
				*c = Cursor{Phase: phaseDone, Output: t.Outcome.Result, Last: c.Last}
			}
		case phaseFork:
			due, err := s.fork(fr)
			if err != nil {
				return nil, err
			}
			if c.Phase == phaseFork {
				return due, nil
			}
		default:
			return nil, fmt.Errorf("sfn engine: execution %s: unknown phase %q", s.x.ARN, c.Phase)
		}
	}
	return nil, nil
}

// prepareToken makes the task token of a Task state about to run with a
// callback, so its Parameters can use $$.Task.Token.
func (s *step) prepareToken(fr *frame) {
	fr.token = ""
	if fr.m.WaitsForTaskToken(fr.c.State) {
		fr.token = s.newToken(s.x.ARN)
	}
}

// taskTimers ends a task whose TimeoutSeconds or HeartbeatSeconds ran out
// (expired), or says when the first of them runs out.
func (s *step) taskTimers(fr *frame) (due *time.Time, expired bool) {
	t := fr.c.Task
	switch {
	case !t.Deadline.IsZero() && !s.now.Before(t.Deadline):
		t.Outcome = &Outcome{Failure: &asl.Failure{Error: asl.ErrTimeout}, TimedOut: true}
		return nil, true
	case !t.HeartbeatDue.IsZero() && !s.now.Before(t.HeartbeatDue):
		t.Outcome = &Outcome{Failure: &asl.Failure{Error: asl.ErrHeartbeatTimeout}, TimedOut: true}
		return nil, true
	}
	if !t.Deadline.IsZero() {
		due = &t.Deadline
	}
	if !t.HeartbeatDue.IsZero() {
		due = earliest(due, &t.HeartbeatDue)
	}
	return due, false
}

func (s *step) enter(fr *frame, state string, input json.RawMessage) {
	*fr.c = Cursor{Phase: phaseEnter, State: state, Input: input, Vars: fr.c.Vars, Last: fr.c.Last}
}

// ended finishes a frame with output: the execution succeeds, or a branch
// or iteration is done.
func (s *step) ended(fr *frame, output string) {
	if fr.parent == nil {
		s.succeed(output)
		return
	}
	*fr.c = Cursor{Phase: phaseDone, Output: json.RawMessage(output), Last: fr.c.Last}
}

// failed finishes a frame with a failure.
func (s *step) failed(fr *frame, f asl.Failure) {
	if fr.parent == nil {
		s.finish(StatusFailed, EventExecutionFailed, f.Error, f.Cause)
		return
	}
	*fr.c = Cursor{Phase: phaseDone, Failure: &f, Last: fr.c.Last}
}

func (s *step) succeed(output string) {
	s.x.Output = &output
	s.finish(StatusSucceeded, EventExecutionSucceeded, "", "")
}

// finish ends the execution with its closing event.
func (s *step) finish(status, event, errName, cause string) {
	if s.limitHit {
		status, event, errName, cause = StatusFailed, EventExecutionFailed, asl.ErrRuntime, historyLimitCause
		s.limitHit = false // the closing event has room
	}
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
	s.emit(nil, ev)
	s.x.Resume = nil
	if c := s.x.Cursor; status != StatusSucceeded && c.State != "" {
		// Remember the state that did not succeed: a redrive runs it again.
		s.x.Resume = &Resume{Entered: c.Phase != phaseEnter, State: c.State, Input: c.Input, EnteredEventID: c.EnteredEventID, EnteredTime: c.EnteredTime, Fork: c.Failed}
		if c.Phase == phaseFork && c.Fork != nil {
			s.x.Resume.Fork = c.Fork // stopped or timed out while it ran
		}
	}
	s.x.Status, s.x.Error, s.x.Cause, s.x.StopDate = status, errName, cause, s.now
	s.x.Cursor = Cursor{Phase: phaseDone, Vars: s.x.Cursor.Vars}
}

func (s *step) exited(fr *frame, out string, assigned map[string]any) string {
	typ, _ := fr.m.StateType(fr.c.State)
	s.emit(fr, HistoryEvent{Type: string(typ) + "StateExited", StateExitedEventDetails: &StateExitedEventDetails{
		Name: fr.c.State, Output: out, OutputDetails: &DataDetails{}, AssignedVariables: renderVars(assigned),
	}})
	fr.vars.Assign(assigned)
	return out
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

// inlineMaxConcurrency is how many iterations an inline Map runs at once
// when MaxConcurrency is 0 or larger: AWS's documented limit ("Inline mode
// supports up to 40 concurrent iterations"). It also bounds the cursors an
// execution record carries.
const inlineMaxConcurrency = 40

// decide applies what the interpreter decided for a frame's current state:
// s.decide(fr)(fr.m.Enter(...)).
func (s *step) decide(fr *frame) func(asl.Decision, error) error {
	return func(d asl.Decision, err error) error { return s.apply(fr, d, err) }
}

func (s *step) apply(fr *frame, d asl.Decision, err error) error {
	if err != nil {
		return fmt.Errorf("sfn engine: execution %s: %w", s.x.ARN, err)
	}
	c := fr.c
	var out string // the output of a state that ends now, compacted once
	switch d := d.(type) {
	case *asl.Next:
		out = compact(d.Output)
	case *asl.Catch:
		out = compact(d.Output)
	case *asl.Succeed:
		out = compact(d.Output)
	}
	if len(out) > MaxPayload {
		// A state's output over the limit fails its frame; no Retry or
		// Catch applies (States.ALL does not match the error).
		s.failed(fr, dataLimitFailure(c.State))
		return nil
	}
	switch d := d.(type) {
	case *asl.Next:
		s.exited(fr, out, d.Assigned)
		s.enter(fr, d.State, json.RawMessage(out))
	case *asl.Catch:
		s.exited(fr, out, d.Assigned)
		s.enter(fr, d.Next, json.RawMessage(out))
	case *asl.Succeed:
		s.ended(fr, s.exited(fr, out, d.Assigned))
	case *asl.Fail:
		s.failed(fr, asl.Failure{Error: d.Error, Cause: d.Cause})
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
		s.schedule(fr, d)
	case *asl.Retry:
		// A retried Parallel or Map runs again as a whole.
		c.Phase, c.RetryCounts, c.Task, c.Fork, c.Failed = phaseRetry, d.Counts, nil, nil, nil
		if d.After > 0 {
			c.Until = s.now.Add(d.After)
		}
	case *asl.RunBranches:
		id := s.emit(fr, HistoryEvent{Type: EventParallelStateStarted})
		input := json.RawMessage(compact(d.Input))
		f := &Fork{StartedEventID: id, Total: len(d.Branches)}
		for i, b := range d.Branches {
			f.Children = append(f.Children, &Child{Index: i, Cursor: Cursor{Phase: phaseEnter, State: b.StartAt(), Input: input, Last: id}, Input: input})
		}
		c.Phase, c.Fork = phaseFork, f
	case *asl.RunMap:
		if f := d.UnsupportedIO(); f != nil {
			// Loud, never a silent success.
			return s.decide(fr)(fr.m.TaskFailed(c.State, decodeJSON(c.Input), *f, s.env(fr)))
		}
		if d.ItemBatcher != nil {
			batches, f := d.ItemBatcher.Batch(d.Items)
			if f != nil {
				return s.decide(fr)(fr.m.TaskFailed(c.State, decodeJSON(c.Input), *f, s.env(fr)))
			}
			d.Items = batches
		}
		id := s.emit(fr, HistoryEvent{Type: EventMapStateStarted, MapStateStartedEventDetails: &MapStateStartedEventDetails{Length: len(d.Items)}})
		f := &Fork{Map: true, StartedEventID: id, Total: len(d.Items), MaxConcurrency: d.MaxConcurrency, Children: []*Child{}}
		if d.Mode != asl.ModeDistributed && (f.MaxConcurrency == 0 || f.MaxConcurrency > inlineMaxConcurrency) {
			f.MaxConcurrency = inlineMaxConcurrency
		}
		if d.Mode == asl.ModeDistributed {
			f.Tolerance = &Tolerance{Count: d.ToleratedFailureCount, Percent: d.ToleratedFailurePercentage}
		}
		f.Items = make([]json.RawMessage, len(d.Items))
		for i, it := range d.Items {
			f.Items[i] = json.RawMessage(compact(it))
		}
		if d.Mode == asl.ModeDistributed {
			// A Map Run: STANDARD children are executions of their own;
			// EXPRESS ones, which keep no history, run inside this
			// execution.
			f.StartedAt, f.InlineRun = s.now, d.ExecutionType == "EXPRESS"
			if err := s.startMapRun(fr, f, d); err != nil {
				return err
			}
		}
		c.Phase, c.Fork = phaseFork, f
	default:
		return fmt.Errorf("sfn engine: execution %s: unknown decision %T", s.x.ARN, d)
	}
	return nil
}

// schedule starts a Task: a call the next step makes, an activity task a
// worker takes, or a call whose answer comes back with a task token.
func (s *step) schedule(fr *frame, d *asl.RunTask) {
	c := fr.c
	params := compact(d.Parameters)
	t := &Task{Resource: d.Resource, Parameters: json.RawMessage(params), TimeoutSeconds: d.TimeoutSeconds, HeartbeatSeconds: d.HeartbeatSeconds, ScheduledAt: s.now}
	if d.TimeoutSeconds > 0 {
		t.Deadline = s.now.Add(time.Duration(d.TimeoutSeconds) * time.Second)
	}
	activity := t.Activity() != ""
	// A .sync task has a token too, never shown to the state machine: the
	// nested execution it starts reports its end with it.
	if activity || strings.HasSuffix(d.Resource, ".waitForTaskToken") || t.Sync() {
		t.Token = fr.token
		if t.Token == "" { // a Resource that was an expression
			t.Token = s.newToken(s.x.ARN)
		}
		if d.HeartbeatSeconds > 0 {
			t.HeartbeatDue = s.now.Add(time.Duration(d.HeartbeatSeconds) * time.Second)
		}
	}
	fr.token = ""
	switch {
	case activity:
		s.emit(fr, HistoryEvent{Type: EventActivityScheduled, ActivityScheduledEventDetails: &ActivityScheduledEventDetails{
			Resource: d.Resource, Input: params, InputDetails: &DataDetails{},
			TimeoutInSeconds: d.TimeoutSeconds, HeartbeatInSeconds: d.HeartbeatSeconds,
		}})
	case t.Lambda():
		s.emit(fr, HistoryEvent{Type: EventLambdaFunctionScheduled, LambdaFunctionScheduledEventDetails: &LambdaFunctionScheduledEventDetails{
			Resource: d.Resource, Input: params, InputDetails: &DataDetails{}, TimeoutInSeconds: d.TimeoutSeconds,
		}})
		s.emit(fr, HistoryEvent{Type: EventLambdaFunctionStarted})
	default:
		rtype, res := asl.SplitResource(d.Resource)
		s.emit(fr, HistoryEvent{Type: EventTaskScheduled, TaskScheduledEventDetails: &TaskScheduledEventDetails{
			ResourceType: rtype, Resource: res, Region: s.x.Region(), Parameters: params,
			TimeoutInSeconds: d.TimeoutSeconds, HeartbeatInSeconds: d.HeartbeatSeconds,
		}})
		s.emit(fr, HistoryEvent{Type: EventTaskStarted, TaskStartedEventDetails: &TaskStartedEventDetails{ResourceType: rtype, Resource: res}})
	}
	if t.Token != "" {
		s.tokens = append(s.tokens, tokenWrite{rec: &taskRecord{
			Token: t.Token, Execution: s.x.ARN, Activity: t.Activity(), Input: params, Scheduled: s.now,
		}})
	}
	s.taskScheduled(t)
	c.Phase, c.Task = phaseTask, t
}

// taskDone records a task's outcome and lets the interpreter decide.
func (s *step) taskDone(fr *frame) error {
	c := fr.c
	t := c.Task
	o := t.Outcome
	t.Outcome = nil
	activity := t.Activity() != ""
	rtype, res := asl.SplitResource(t.Resource)
	if t.Submitted && o.Poll > 0 && o.Failure == nil {
		// A .sync poll: the work has not ended yet.
		t.PollDue = s.now.Add(o.Poll)
		return nil
	}
	if t.Token != "" && !activity && !t.Submitted && !o.Callback && o.Failure == nil {
		// The call of a .waitForTaskToken or .sync task went out: the task
		// now waits for its token to come back, or for a poll to find the
		// work it started ended.
		s.emit(fr, HistoryEvent{Type: EventTaskSubmitted, TaskSubmittedEventDetails: &TaskSucceededEventDetails{
			ResourceType: rtype, Resource: res, Output: string(o.Result), OutputDetails: &DataDetails{},
		}})
		t.Submitted = true
		if t.Sync() {
			t.Submission = o.Result
		}
		switch {
		case o.Poll > 0:
			t.PollDue = s.now.Add(o.Poll)
			return nil
		case !t.Sync() || o.Await:
			return nil
		}
		// A .sync job that ended with its submission: done.
	}
	if o.Failure == nil && !t.Deadline.IsZero() && s.now.After(t.Deadline) {
		// The answer came after TimeoutSeconds: the task timed out.
		o = &Outcome{Failure: &asl.Failure{Error: asl.ErrTimeout}, TimedOut: true}
	}
	if o.Failure == nil && len(o.Result) > MaxPayload {
		// A result over the limit fails the task (its Retry and Catch
		// apply only when they name States.DataLimitExceeded).
		o = &Outcome{Failure: ptr(dataLimitFailure(t.Resource))}
	}
	if t.Token != "" {
		s.tokens = append(s.tokens, tokenWrite{token: t.Token, timedOut: o.TimedOut})
	}
	s.taskEnded(t, o)
	if child := nestedChild(t); child != "" && o.TimedOut {
		// Timed out waiting: the nested execution is stopped too.
		s.spawned().stops = append(s.spawned().stops, child)
	}
	input := decodeJSON(c.Input)
	c.Task = nil
	if f := o.Failure; f != nil {
		switch {
		case t.Lambda() && o.TimedOut:
			s.emit(fr, HistoryEvent{Type: EventLambdaFunctionTimedOut, LambdaFunctionTimedOutEventDetails: &ErrorDetails{Error: f.Error, Cause: f.Cause}})
		case t.Lambda():
			s.emit(fr, HistoryEvent{Type: EventLambdaFunctionFailed, LambdaFunctionFailedEventDetails: &ErrorDetails{Error: f.Error, Cause: f.Cause}})
		case activity && o.TimedOut:
			s.emit(fr, HistoryEvent{Type: EventActivityTimedOut, ActivityTimedOutEventDetails: &ErrorDetails{Error: f.Error, Cause: f.Cause}})
		case activity:
			s.emit(fr, HistoryEvent{Type: EventActivityFailed, ActivityFailedEventDetails: &ErrorDetails{Error: f.Error, Cause: f.Cause}})
		case o.TimedOut:
			s.emit(fr, HistoryEvent{Type: EventTaskTimedOut, TaskTimedOutEventDetails: &TaskFailedEventDetails{
				ResourceType: rtype, Resource: res, Error: f.Error, Cause: f.Cause,
			}})
		case t.Token != "" && !t.Submitted && !o.Callback:
			// The call that submits a .waitForTaskToken or .sync task
			// failed: the task was never submitted.
			s.emit(fr, HistoryEvent{Type: EventTaskSubmitFailed, TaskSubmitFailedEventDetails: &TaskFailedEventDetails{
				ResourceType: rtype, Resource: res, Error: f.Error, Cause: f.Cause,
			}})
		case o.StartFailed:
			s.emit(fr, HistoryEvent{Type: EventTaskStartFailed, TaskStartFailedEventDetails: &TaskFailedEventDetails{
				ResourceType: rtype, Resource: res, Error: f.Error, Cause: f.Cause,
			}})
		default:
			s.emit(fr, HistoryEvent{Type: EventTaskFailed, TaskFailedEventDetails: &TaskFailedEventDetails{
				ResourceType: rtype, Resource: res, Error: f.Error, Cause: f.Cause,
			}})
		}
		return s.decide(fr)(fr.m.TaskFailed(c.State, input, *f, s.env(fr)))
	}
	switch {
	case activity:
		s.emit(fr, HistoryEvent{Type: EventActivitySucceeded, ActivitySucceededEventDetails: &ExecutionSucceededEventDetails{
			Output: string(o.Result), OutputDetails: &DataDetails{},
		}})
	case t.Lambda():
		s.emit(fr, HistoryEvent{Type: EventLambdaFunctionSucceeded, LambdaFunctionSucceededEventDetails: &ExecutionSucceededEventDetails{
			Output: string(o.Result), OutputDetails: &DataDetails{},
		}})
	default:
		s.emit(fr, HistoryEvent{Type: EventTaskSucceeded, TaskSucceededEventDetails: &TaskSucceededEventDetails{
			ResourceType: rtype, Resource: res, Output: string(o.Result), OutputDetails: &DataDetails{},
		}})
	}
	return s.decide(fr)(fr.m.TaskSucceeded(c.State, input, decodeJSON(o.Result), s.env(fr)))
}

// childFrame is the frame of a branch or iteration of fr's fork.
func (s *step) childFrame(fr *frame, ch *Child) *frame {
	cf := &frame{c: &ch.Cursor, parent: fr, index: ch.Index}
	if fr.c.Fork.Map {
		cf.m, cf.mapState = fr.m.Processor(fr.c.State), fr.c.State
	} else {
		cf.m = fr.m.Branch(fr.c.State, ch.Index)
	}
	// Each branch and iteration assigns in its own scope and reads its
	// parent's; its own variables live in its cursor.
	cf.vars = fr.vars.Child()
	cf.vars.Assign(ch.Cursor.Vars)
	ch.Cursor.Vars = cf.vars.Local()
	return cf
}

// fork advances a running Parallel or Map state: its branches or
// iterations in index order, each as far as it goes, starting further Map
// iterations as others end (MaxConcurrency). Once all are done, or one
// failed beyond tolerance, the state completes through the interpreter
// with the outputs in order (or the failure).
func (s *step) fork(fr *frame) (*time.Time, error) {
	c := fr.c
	f := c.Fork
	if fr.m.Processor(c.State) == nil && f.Map || (!f.Map && fr.m.Branch(c.State, 0) == nil) {
		return nil, fmt.Errorf("sfn engine: execution %s: state %q runs no branches", s.x.ARN, c.State)
	}
	var due *time.Time
	if err := s.startIterations(fr); err != nil {
		return nil, err
	}
	for i := 0; i < len(f.Children) && f.Failed == nil; i++ {
		ch := f.Children[i]
		if ch.Cursor.Phase == phaseDone {
			continue
		}
		cf := s.childFrame(fr, ch)
		d, err := s.run(cf)
		if err != nil {
			return nil, err
		}
		if s.x.Status != StatusRunning {
			return nil, nil
		}
		if ch.Cursor.Phase != phaseDone {
			due = earliest(due, d)
			continue
		}
		s.childDone(fr, cf)
		if ch.Cursor.Failure == nil {
			ch.Input = nil // never rerun: a redrive keeps its output
		}
		if err := s.startIterations(fr); err != nil {
			return nil, err
		}
		if len(s.events) >= maxEventsPerStep {
			return &s.now, nil
		}
	}
	if f.Failed != nil {
		for _, ch := range f.Children {
			if ch.Cursor.Phase != phaseDone {
				s.abort(s.childFrame(fr, ch))
			}
		}
		failure := *f.Failed
		typ := EventParallelStateFailed
		if f.Map {
			typ = EventMapStateFailed
		}
		if f.MapRun != "" {
			s.endMapRun(fr, f, MapRunFailed, &failure)
		}
		s.emit(fr, HistoryEvent{Type: typ})
		c.Failed, c.Fork = f, nil
		return nil, s.decide(fr)(fr.m.TaskFailed(c.State, decodeJSON(c.Input), failure, s.env(fr)))
	}
	for _, ch := range f.Children {
		if ch.Cursor.Phase != phaseDone {
			return due, nil
		}
	}
	if len(f.Items) > 0 {
		return due, nil
	}
	results := make([]any, len(f.Children))
	for i, ch := range f.Children {
		if ch.Cursor.Failure != nil {
			results[i] = ch.Cursor.Failure.Output() // a tolerated failure
			continue
		}
		results[i] = decodeJSON(ch.Cursor.Output)
	}
	typ := EventParallelStateSucceeded
	if f.Map {
		typ = EventMapStateSucceeded
	}
	if f.MapRun != "" {
		s.endMapRun(fr, f, MapRunSucceeded, nil)
	}
	s.emit(fr, HistoryEvent{Type: typ})
	c.Fork = nil
	return nil, s.decide(fr)(fr.m.TaskSucceeded(c.State, decodeJSON(c.Input), results, s.env(fr)))
}

// startIterations starts a Map's next iterations — or a Map Run's next
// child executions — while fewer than MaxConcurrency run.
func (s *step) startIterations(fr *frame) error {
	f := fr.c.Fork
	if !f.Map || f.Failed != nil {
		return nil
	}
	running := int64(0)
	for _, ch := range f.Children {
		if ch.Cursor.Phase != phaseDone {
			running++
		}
	}
	proc := fr.m.Processor(fr.c.State)
	for len(f.Items) > 0 && (f.MaxConcurrency == 0 || running < f.MaxConcurrency) {
		idx, item := f.Next, f.Items[0]
		f.Items, f.Next = f.Items[1:], f.Next+1
		if f.MapRun != "" && !f.InlineRun {
			c, err := s.startChild(fr, f, idx, item, f.StartedEventID)
			if err != nil {
				return err
			}
			f.Children = append(f.Children, &Child{Index: idx, Cursor: c, Input: item})
			running++
			continue
		}
		id := f.StartedEventID
		if f.MapRun == "" { // a Map Run's iterations write no MapIteration events
			id = s.emit(fr, HistoryEvent{Type: EventMapIterationStarted, MapIterationStartedEventDetails: &MapIterationEventDetails{Name: fr.c.State, Index: idx}})
		}
		f.Children = append(f.Children, &Child{Index: idx, Cursor: Cursor{Phase: phaseEnter, State: proc.StartAt(), Input: item, Last: id}, Input: item})
		running++
	}
	if len(f.Items) == 0 {
		f.Items = nil
	}
	return nil
}

// childDone reports a branch or iteration that ended, and decides whether
// its failure fails the whole state.
func (s *step) childDone(fr *frame, cf *frame) {
	f := fr.c.Fork
	c := cf.c
	if cf.mapState != "" && f.MapRun == "" { // a Map Run's children have histories of their own
		ev := HistoryEvent{Type: EventMapIterationSucceeded, MapIterationSucceededEventDetails: &MapIterationEventDetails{Name: cf.mapState, Index: cf.index}}
		if c.Failure != nil {
			ev = HistoryEvent{Type: EventMapIterationFailed, MapIterationFailedEventDetails: &MapIterationEventDetails{Name: cf.mapState, Index: cf.index}}
		}
		s.emit(cf, ev)
	}
	c.Vars = nil // a finished branch keeps only its output
	if c.Failure == nil {
		return
	}
	f.Failures++
	if f.Tolerance == nil {
		// "If any branch fails ... the entire Parallel state is considered
		// to have failed"; an inline Map likewise, with that error.
		f.Failed = c.Failure
		return
	}
	tol := f.Tolerance
	overCount := int64(f.Failures) > tol.Count
	overPct := f.Total > 0 && float64(f.Failures)*100/float64(f.Total) > tol.Percent
	// A threshold left at 0 while the other is set does not count; with
	// both set, exceeding either fails the Map.
	fail := overCount
	switch {
	case tol.Count > 0 && tol.Percent > 0:
		fail = overCount || overPct
	case tol.Percent > 0:
		fail = overPct
	}
	if fail {
		f.Failed = &asl.Failure{Error: asl.ErrExceedToleratedFailure, Cause: "The specified tolerated failure threshold was exceeded"}
	}
}

// abort ends a frame that is still running because its Parallel or Map
// failed, or the execution stopped: the states in flight report
// <Type>StateAborted, iterations MapIterationAborted.
func (s *step) abort(fr *frame) {
	c := fr.c
	switch c.Phase {
	case phaseChild:
		// A Map Run's child: stop it, and let it go.
		s.tokens = append(s.tokens, tokenWrite{token: c.Task.Token})
		s.spawned().stops = append(s.spawned().stops, c.Task.Resource)
		*c = Cursor{Phase: phaseDone, Failure: &asl.Failure{Error: errAborted}, Last: c.Last}
		return
	case phaseTask, phaseWait, phaseRetry, phaseFork:
		if c.Phase == phaseFork && c.Fork != nil {
			for _, ch := range c.Fork.Children {
				if ch.Cursor.Phase != phaseDone {
					s.abort(s.childFrame(fr, ch))
				}
			}
			if c.Fork.MapRun != "" {
				s.endMapRun(fr, c.Fork, MapRunAborted, nil)
			}
		}
		if c.Task != nil && c.Task.Token != "" {
			s.tokens = append(s.tokens, tokenWrite{token: c.Task.Token})
		}
		if child := nestedChild(c.Task); child != "" {
			// A .sync task's nested execution is stopped with it, as AWS
			// stops the job a Run a Job task started.
			s.spawned().stops = append(s.spawned().stops, child)
		}
		typ, _ := fr.m.StateType(c.State)
		s.emit(fr, HistoryEvent{Type: string(typ) + "StateAborted"})
	}
	if fr.mapState != "" && fr.parent.c.Fork.MapRun == "" {
		s.emit(fr, HistoryEvent{Type: EventMapIterationAborted, MapIterationAbortedEventDetails: &MapIterationEventDetails{Name: fr.mapState, Index: fr.index}})
	}
	if fr.parent != nil {
		*c = Cursor{Phase: phaseDone, Failure: &asl.Failure{Error: errAborted}, Last: c.Last}
	}
}

// nestedChild is the execution a submitted states:startExecution.sync task
// waits for ("" for any other task).
func nestedChild(t *Task) string {
	if t == nil || !t.Submitted || !t.Sync() || !strings.Contains(t.Resource, ":states:::states:startExecution") {
		return ""
	}
	var started struct {
		ExecutionArn string `json:"ExecutionArn"`
	}
	_ = json.Unmarshal(t.Submission, &started)
	return started.ExecutionArn
}

// pendingCalls lists the tasks of the cursor tree whose call is to be made
// at now — a first call, or a .sync task's poll — in the order the step
// reports them.
func pendingCalls(c *Cursor, now time.Time, out []*Task) []*Task {
	switch c.Phase {
	case phaseTask:
		t := c.Task
		if t.Outcome != nil || t.Activity() != "" {
			break
		}
		if !t.Submitted || (!t.PollDue.IsZero() && !now.Before(t.PollDue)) {
			out = append(out, t)
		}
	case phaseFork:
		for _, ch := range c.Fork.Children {
			if ch.Cursor.Phase != phaseDone {
				out = pendingCalls(&ch.Cursor, now, out)
			}
		}
	}
	return out
}

// findTask finds the running task with a token in the cursor tree.
func findTask(c *Cursor, token string) *Task {
	switch c.Phase {
	case phaseTask:
		if c.Task.Token == token {
			return c.Task
		}
	case phaseFork:
		for _, ch := range c.Fork.Children {
			if ch.Cursor.Phase != phaseDone {
				if t := findTask(&ch.Cursor, token); t != nil {
					return t
				}
			}
		}
	}
	return nil
}

func ptr[T any](v T) *T { return &v }
