package sqlite

import (
	"context"
	"fmt"

	"github.com/shoal-dev/shoal/internal/store"
	"github.com/shoal-dev/shoal/internal/store/internal/sqlkit"
)

// joined returns the writer transaction of this store that ctx carries
// (store.WithTx), if any.
func (s *Store) joined(ctx context.Context) (*tx, bool) {
	t, ok := store.TxFrom(ctx).(*tx)
	if !ok || t.s != s || t.ReadOnly {
		return nil, false
	}
	return t, true
}

// nested runs fn inside t under a savepoint of its own, so fn's error rolls
// back only fn's writes. It runs on the writer goroutine already (t is the
// writer's), which is why it must not queue to the writer.
func (t *tx) nested(ctx context.Context, fn func(store.Tx) error) error {
	if err := t.Check(true); err != nil {
		return fmt.Errorf("nested update: %w", err)
	}
	t.depth++
	defer func() { t.depth-- }()
	name := fmt.Sprintf("nested%d", t.depth)
	ctx = t.ctx(ctx)
	if _, err := t.db.ExecContext(ctx, "SAVEPOINT "+name); err != nil {
		return fmt.Errorf("nested update: savepoint: %w", err)
	}
	panicked, err := run(func(t *tx) error { return fn(t) }, t)
	if err != nil || panicked != nil {
		if _, rerr := t.db.ExecContext(ctx, "ROLLBACK TO "+name); rerr != nil {
			return fmt.Errorf("nested update: rollback: %w (after %v)", rerr, err)
		}
	}
	if _, rerr := t.db.ExecContext(ctx, "RELEASE "+name); rerr != nil {
		return fmt.Errorf("nested update: release: %w", rerr)
	}
	if panicked != nil {
		panic(panicked)
	}
	return err
}

// readOnly is a read-only view of the joined writer transaction t: a View
// inside an Update reads what the Update has written so far.
func (t *tx) readOnly() *tx {
	return &tx{s: t.s, db: t.db, TxState: sqlkit.TxState{ReadOnly: true}}
}
