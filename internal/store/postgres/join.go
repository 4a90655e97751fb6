package postgres

import (
	"context"
	"fmt"

	"github.com/shoal-dev/shoal/internal/store"
	"github.com/shoal-dev/shoal/internal/store/internal/sqlkit"
)

// joined returns the Update transaction of this store that ctx carries
// (store.WithTx), if any.
func (s *Store) joined(ctx context.Context) (*tx, bool) {
	t, ok := store.TxFrom(ctx).(*tx)
	if !ok || t.s != s || t.ReadOnly {
		return nil, false
	}
	return t, true
}

// nested runs fn inside t as a pgx nested transaction (a savepoint), so
// fn's error rolls back only fn's writes. Wake-ups and transient failures
// pass up to t, whose Update notifies, commits or retries as a whole.
func (t *tx) nested(ctx context.Context, fn func(store.Tx) error) error {
	if err := t.Check(true); err != nil {
		return fmt.Errorf("nested update: %w", err)
	}
	sp, err := t.db.Begin(ctx)
	if err != nil {
		return t.fail(fmt.Errorf("nested update: savepoint: %w", err))
	}
	child := &tx{s: t.s, db: sp}
	defer func() {
		child.Finish()
		if child.transient != nil && t.transient == nil {
			t.transient = child.transient
		}
	}()
	if err := fn(child); err != nil {
		if rerr := sp.Rollback(context.WithoutCancel(ctx)); rerr != nil {
			return t.fail(fmt.Errorf("nested update: rollback: %w (after %v)", rerr, err))
		}
		return err
	}
	if err := sp.Commit(ctx); err != nil {
		return t.fail(fmt.Errorf("nested update: release: %w", err))
	}
	for queue := range child.Woke {
		t.WakeQueue(queue)
	}
	return nil
}

// readOnly is a read-only view of the joined transaction t: a View inside
// an Update reads what the Update has written so far.
func (t *tx) readOnly() *tx {
	return &tx{s: t.s, db: t.db, TxState: sqlkit.TxState{ReadOnly: true}}
}
