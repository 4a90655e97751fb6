package engine

import (
	"context"
	"time"

	"github.com/shoal-dev/shoal/internal/store"
)

// Redrive limits from the Step Functions developer guide ("Redriving
// executions") and RedriveExecution's reference.
const (
	// RedrivePeriod: an execution can be redriven for 14 days after it
	// stopped.
	RedrivePeriod = 14 * 24 * time.Hour
	// maxOpenTime: no redrive once a year has passed since the start.
	maxOpenTime = 365 * 24 * time.Hour
	// redriveTokens and redriveTokenTTL: "the last 10 client tokens ...
	// valid for up to 15 minutes after they are first used".
	redriveTokens   = 10
	redriveTokenTTL = 15 * time.Minute
)

// RedriveReason says why the execution cannot be redriven at now, in
// AWS's redriveStatusReason words; "" when it can.
func (x *Execution) RedriveReason(now time.Time) string {
	switch {
	case x.Status == StatusRunning:
		return "Execution is RUNNING and cannot be redriven"
	case x.Status == StatusSucceeded:
		return "Execution is SUCCEEDED and cannot be redriven"
	case x.Resume == nil:
		// Only executions that ended before shoal recorded where they
		// stopped lack it: the closest of AWS's reasons.
		return "Execution was started before the launch of RedriveExecution"
	case x.Events >= MaxEvents-1:
		// The redrive needs room for ExecutionRedriven and one more event.
		return "Execution history event limit exceeded"
	case now.Sub(x.StartDate) > maxOpenTime:
		return "Execution has exceeded the max execution time"
	case now.Sub(x.StopDate) > RedrivePeriod:
		return "Execution redrivable period exceeded"
	}
	return ""
}

// RedrivenBy reports whether a redrive with clientToken token already
// succeeded recently: RedriveExecution is idempotent by it.
func (x *Execution) RedrivenBy(token string, now time.Time) bool {
	if token == "" {
		return false
	}
	for _, t := range x.RedriveTokens {
		if t.Token == token && now.Sub(t.Used) <= redriveTokenTTL {
			return true
		}
	}
	return false
}

// Redrive restarts an unsuccessful execution inside the caller's
// transaction (RedriveExecution): ExecutionRedriven, then the top-level
// state that did not succeed runs again with its original input, as far
// as it goes without calling out; the next job does the rest. The caller
// checked RedriveReason.
//
// A Parallel or Map state that failed or was stopped reruns only its
// branches or iterations that failed or were aborted, from their input, as
// AWS's RedriveExecution does; the others keep their output.
func (e *Engine) Redrive(ctx context.Context, tx store.Tx, x *Execution, token string, now time.Time) error {
	m, err := e.machineIn(ctx, tx, x.Definition)
	if err != nil {
		return err
	}
	r := x.Resume
	x.Status, x.Error, x.Cause, x.Output, x.StopDate, x.Resume = StatusRunning, "", "", nil, time.Time{}, nil
	x.RedriveCount++
	x.RedriveDate = now
	if token != "" {
		x.RedriveTokens = append(x.RedriveTokens, RedriveToken{Token: token, Used: now})
		if n := len(x.RedriveTokens); n > redriveTokens {
			x.RedriveTokens = x.RedriveTokens[n-redriveTokens:]
		}
	}
	phase := phaseEnter
	if r.Entered {
		// Run the state again without a new StateEntered and with fresh
		// retry counts: AWS "reschedules and then reruns" it.
		phase = phaseRetry
	}
	x.Cursor = Cursor{Phase: phase, State: r.State, Input: r.Input, EnteredEventID: r.EnteredEventID, EnteredTime: r.EnteredTime, Vars: x.Cursor.Vars}
	s := e.newStep(x, m, now)
	id := s.emit(nil, HistoryEvent{Type: EventExecutionRedriven, ExecutionRedrivenEventDetails: &ExecutionRedrivenEventDetails{RedriveCount: x.RedriveCount}})
	if f := r.Fork; f != nil && r.Entered {
		x.Cursor.Phase, x.Cursor.Fork = phaseFork, f
		if err := s.rerunFailed(s.root, f, id); err != nil {
			return err
		}
	}
	next, err := s.run(s.root)
	if err != nil {
		return err
	}
	if err := commit(ctx, tx, x, s, next, ""); err != nil {
		return err
	}
	if t := m.TimeoutSeconds(); t > 0 && x.Status == StatusRunning {
		// "the state machine level timeout ... is reset": it counts from
		// the redrive.
		due := now.Add(time.Duration(t) * time.Second)
		return tx.JobPut(ctx, &store.Job{Queue: Queue, ID: x.ARN + timeoutSuffix, Due: due})
	}
	return nil
}

// rerunFailed readies a failed fork for a redrive: each branch or
// iteration that failed or was aborted starts again from its input; the
// ones that succeeded keep their output; iterations never started still
// wait in Items.
//
// A Map Run is redriven in place (MapRunRedriven, its record RUNNING
// again): its failed and aborted children are started again as new child
// executions (AWS redrives the same child executions; shoal starts fresh
// ones, named for the redrive).
func (s *step) rerunFailed(fr *frame, f *Fork, redriven int64) error {
	state := fr.c.State
	f.Failed, f.Failures = nil, 0
	if f.MapRun != "" {
		s.emit(fr, HistoryEvent{Type: EventMapRunRedriven, MapRunRedrivenEventDetails: &MapRunRedrivenEventDetails{MapRunArn: f.MapRun, RedriveCount: s.x.RedriveCount}})
		r := &MapRun{ARN: f.MapRun, ExecutionARN: s.x.ARN, StateMachineARN: s.x.StateMachineARN, Status: MapRunRunning,
			StartDate: f.StartedAt, MaxConcurrency: f.MaxConcurrency}
		s.spawned().mapRuns = append(s.spawned().mapRuns, r)
	}
	for _, ch := range f.Children {
		if ch.Cursor.Phase == phaseDone && ch.Cursor.Failure == nil {
			continue
		}
		if f.MapRun != "" && !f.InlineRun {
			c, err := s.startChild(fr, f, ch.Index, ch.Input, redriven)
			if err != nil {
				return err
			}
			ch.Cursor = c
			continue
		}
		last := redriven
		start := s.m.Branch(state, ch.Index)
		if f.Map {
			start = s.m.Processor(state)
			if f.MapRun == "" {
				last = s.emit(nil, HistoryEvent{Type: EventMapIterationStarted, MapIterationStartedEventDetails: &MapIterationEventDetails{Name: state, Index: ch.Index}})
			}
		}
		ch.Cursor = Cursor{Phase: phaseEnter, State: start.StartAt(), Input: ch.Input, Last: last}
	}
	return nil
}
