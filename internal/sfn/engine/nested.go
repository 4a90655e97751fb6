package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/shoal-dev/shoal/internal/asl"
	"github.com/shoal-dev/shoal/internal/asl/value"
	"github.com/shoal-dev/shoal/internal/store"
)

// A nested execution started by states:startExecution.sync (or .sync:2)
// has a Parent: the waiting task's token. The step that ends it also puts
// a job (its ARN + parentSuffix) carrying its end in the same transaction;
// the job reports the end to the parent's task in a transaction of its
// own. The job, not the ending step itself, reports it because a child can
// end inside the very transaction that starts it (a machine of Pass
// states), before the parent's TaskSubmitted is written.
const parentSuffix = "#parent"

// parentReport is a parent job's payload.
type parentReport struct {
	Token   string  `json:"token"`
	Outcome Outcome `json:"outcome"`
}

// putParentJob queues the report of x's end to the task that waits for it.
func putParentJob(ctx context.Context, tx store.Tx, x *Execution) error {
	if x.Parent == nil || x.Status == StatusRunning {
		return nil
	}
	return ReportToParent(ctx, tx, x)
}

// ReportToParent queues, inside the caller's transaction, the report of
// ended execution x to the .sync task x.Parent names. The engine does it
// for the executions it runs; the API does it for an Express execution
// that a Standard one started with .sync.
func ReportToParent(ctx context.Context, tx store.Tx, x *Execution) error {
	b, err := json.Marshal(parentReport{Token: x.Parent.Token, Outcome: syncOutcome(x, x.StopDate)})
	if err != nil {
		return fmt.Errorf("sfn engine: encode the report to the parent execution: %w", err)
	}
	if err := tx.JobPut(ctx, &store.Job{Queue: Queue, ID: x.ARN + parentSuffix, Due: x.StopDate, Payload: b}); err != nil {
		return fmt.Errorf("sfn engine: queue the report to the parent execution: %w", err)
	}
	return nil
}

// reportToParent is the job that completes the parent's .sync task. A
// parent that no longer waits (stopped, timed out, the task ended
// otherwise) is not an error: the report is dropped.
func (e *Engine) reportToParent(ctx context.Context, j store.Job) error {
	var r parentReport
	if err := json.Unmarshal(j.Payload, &r); err != nil {
		e.log.Error("sfn engine: dropping an unreadable report to a parent execution", "job", j.ID, "err", err)
		return e.dropJob(ctx, j)
	}
	for range 5 {
		err := e.st.Update(ctx, func(tx store.Tx) error {
			if err := tx.JobDelete(ctx, Queue, j.ID, j.Lease); err != nil {
				return err
			}
			err := e.Complete(ctx, tx, r.Token, r.Outcome)
			if errors.Is(err, ErrTaskDoesNotExist) || errors.Is(err, ErrTaskTimedOut) || errors.Is(err, ErrInvalidToken) {
				return nil
			}
			return err
		})
		if !errors.Is(err, store.ErrConflict) {
			return err
		}
	}
	return fmt.Errorf("sfn engine: report %s to its parent: too many conflicting updates", j.ID)
}

// syncOutcome is a nested execution's end as its parent's .sync task gets
// it: DescribeExecution's members in the SDK's PascalCase, dates in epoch
// milliseconds, Input and Output as strings (.sync) or as JSON (.sync:2).
func syncOutcome(x *Execution, now time.Time) Outcome {
	if x.Parent.Iteration {
		if x.Status == StatusSucceeded && x.Output != nil {
			return Outcome{Result: json.RawMessage(*x.Output)}
		}
		f := &asl.Failure{Error: x.Error, Cause: x.Cause}
		switch {
		case x.Status == StatusAborted && f.Error == "":
			f.Error = errAborted
		case x.Status == StatusTimedOut && f.Error == "":
			f.Error = asl.ErrTimeout
		}
		return Outcome{Failure: f}
	}
	data := func(s string) any {
		if x.Parent.JSONData {
			return decodeJSON([]byte(s))
		}
		return s
	}
	d := map[string]any{
		"ExecutionArn":    x.ARN,
		"Input":           data(x.Input),
		"InputDetails":    map[string]any{"Included": true},
		"Name":            x.Name,
		"RedriveCount":    x.RedriveCount,
		"RedriveStatus":   "REDRIVABLE",
		"StartDate":       x.StartDate.UnixMilli(),
		"StateMachineArn": x.StateMachineARN,
		"Status":          x.Status,
		"StopDate":        x.StopDate.UnixMilli(),
	}
	if x.RedriveReason(now) != "" {
		d["RedriveStatus"] = "NOT_REDRIVABLE"
	}
	if x.Output != nil {
		d["Output"] = data(*x.Output)
		d["OutputDetails"] = map[string]any{"Included": true}
	}
	if x.Error != "" {
		d["Error"] = x.Error
	}
	if x.Cause != "" {
		d["Cause"] = x.Cause
	}
	if x.TraceHeader != "" {
		d["TraceHeader"] = x.TraceHeader
	}
	desc, err := value.Compact(d)
	if err != nil {
		return Outcome{Failure: &asl.Failure{Error: asl.ErrTaskFailed, Cause: err.Error()}}
	}
	if x.Status != StatusSucceeded {
		return Outcome{Failure: &asl.Failure{Error: asl.ErrTaskFailed, Cause: desc}}
	}
	return Outcome{Result: json.RawMessage(desc)}
}
