package engine

import (
	"context"
	"time"

	"github.com/shoal-dev/shoal/internal/store"
)

// WriteTelemetry appends, inside the caller's transaction, the log records
// (as x.Logging selects them) and AWS/States metrics of a history the
// engine did not run: an Express execution's, which lives only in memory
// and reaches CloudWatch through the same outbox as Standard ones.
func WriteTelemetry(ctx context.Context, tx store.Tx, x *Execution, events []HistoryEvent, now time.Time) error {
	t, err := telemetryOf(x, events, nil)
	if err != nil {
		return err
	}
	return t.write(ctx, tx, x, now)
}
