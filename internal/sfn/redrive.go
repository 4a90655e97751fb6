package sfn

import (
	"context"
	"time"

	"github.com/shoal-dev/shoal/internal/sfn/engine"
	"github.com/shoal-dev/shoal/internal/store"
)

// RedriveExecution restarts a FAILED, TIMED_OUT or ABORTED Standard
// execution from the top-level state it stopped in (engine.Redrive), with
// AWS's eligibility rules (engine.RedriveReason) and its clientToken
// idempotency.
func (s *Service) RedriveExecution(ctx context.Context, in *RedriveExecutionInput) (*RedriveExecutionOutput, error) {
	now := s.clock.Now()
	out := &RedriveExecutionOutput{RedriveDate: now}
	err := s.st.Update(ctx, func(tx store.Tx) error {
		x, err := s.execution(ctx, tx, in.ExecutionArn)
		if err != nil {
			return err
		}
		if x.RedrivenBy(in.ClientToken, now) {
			out.RedriveDate = x.RedriveDate // the same request again
			return nil
		}
		if reason := x.RedriveReason(now); reason != "" {
			return errExecutionNotRedrivable(reason)
		}
		return s.engine.Redrive(ctx, tx, x, in.ClientToken, now)
	})
	if err != nil {
		return nil, err
	}
	s.runner.Notify(context.WithoutCancel(ctx))
	return out, nil
}

// redriveFields are redriveCount (0 when never redriven, as AWS reports
// it) and redriveDate (absent then).
func redriveFields(x *engine.Execution) (*int32, *time.Time) {
	n := int32(x.RedriveCount)
	if x.RedriveDate.IsZero() {
		return &n, nil
	}
	d := x.RedriveDate
	return &n, &d
}
