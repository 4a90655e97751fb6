package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"time"

	"github.com/shoal-dev/shoal/internal/store"
	"github.com/shoal-dev/shoal/internal/store/internal/sqlkit"
)

// querier is what a tx runs statements on: the writer's *sql.Conn inside
// the writer's transaction, or a read pool *sql.Tx.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// tx is a store.Tx: one Update's fn (inside its savepoint) or one View.
type tx struct {
	s  *Store
	db querier
	sqlkit.TxState
	// fill marks a View's own read transaction, whose reads may fill the
	// record cache — if no commit began since gen, the cache's generation
	// when it started. (A View joined to an Update reads uncommitted data
	// and never fills.)
	fill bool
	gen  uint64
	// touched and resetAll tell the writer what to drop from the record
	// cache when the batch commits.
	touched  []cacheKey
	resetAll bool
	depth    int // nesting of joined Updates (store.WithTx)
}

var _ store.Tx = (*tx)(nil)

// ctx shields the writer's statements from the caller's cancellation: an
// interrupted write would make SQLite abandon the whole group commit.
func (t *tx) ctx(ctx context.Context) context.Context {
	if t.ReadOnly {
		return ctx
	}
	return context.WithoutCancel(ctx)
}

func (t *tx) RecordGet(ctx context.Context, table, key string) (*store.Record, error) {
	if err := t.Check(false); err != nil {
		return nil, fmt.Errorf("get record %s/%s: %w", table, key, err)
	}
	r := &store.Record{Table: table, Key: key}
	var indexes string
	err := t.db.QueryRowContext(t.ctx(ctx), t.s.q.RecordGet, table, key).Scan(&r.Value, &r.Version, &indexes)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("get record %s/%s: %w", table, key, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("get record %s/%s: %w", table, key, err)
	}
	if r.Indexes, err = sqlkit.DecodeIndexes(indexes); err != nil {
		return nil, fmt.Errorf("get record %s/%s: %w", table, key, err)
	}
	if t.fill {
		t.s.cache.fill(t.gen, r)
	}
	return r, nil
}

func (t *tx) RecordInsert(ctx context.Context, r *store.Record) error {
	if err := t.Check(true); err != nil {
		return fmt.Errorf("insert record %s/%s: %w", r.Table, r.Key, err)
	}
	ctx = t.ctx(ctx)
	indexes, err := sqlkit.EncodeIndexes(r.Indexes)
	if err != nil {
		return fmt.Errorf("insert record %s/%s: %w", r.Table, r.Key, err)
	}
	res, err := t.db.ExecContext(ctx, t.s.q.RecordInsert, r.Table, r.Key, sqlkit.Blob(r.Value), indexes)
	if err != nil {
		return fmt.Errorf("insert record %s/%s: %w", r.Table, r.Key, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return fmt.Errorf("insert record %s/%s: %w", r.Table, r.Key, store.ErrConflict)
	}
	t.touched = append(t.touched, cacheKey{r.Table, r.Key})
	if err := t.putIndexes(ctx, r, false); err != nil {
		return fmt.Errorf("insert record %s/%s: %w", r.Table, r.Key, err)
	}
	r.Version = 1
	return nil
}

func (t *tx) RecordPut(ctx context.Context, r *store.Record) error {
	if err := t.Check(true); err != nil {
		return fmt.Errorf("put record %s/%s: %w", r.Table, r.Key, err)
	}
	ctx = t.ctx(ctx)
	indexes, err := sqlkit.EncodeIndexes(r.Indexes)
	if err != nil {
		return fmt.Errorf("put record %s/%s: %w", r.Table, r.Key, err)
	}
	var version int64
	if r.Version == 0 {
		err = t.db.QueryRowContext(ctx, t.s.q.RecordUpsert, r.Table, r.Key, sqlkit.Blob(r.Value), indexes).Scan(&version)
	} else {
		err = t.db.QueryRowContext(ctx, t.s.q.RecordUpdateVersion, r.Table, r.Key, sqlkit.Blob(r.Value), indexes, r.Version).Scan(&version)
		if errors.Is(err, sql.ErrNoRows) {
			err = t.db.QueryRowContext(ctx, t.s.q.RecordVersion, r.Table, r.Key).Scan(&version)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				return fmt.Errorf("put record %s/%s: %w", r.Table, r.Key, store.ErrNotFound)
			case err == nil:
				return fmt.Errorf("put record %s/%s: version is %d, not %d: %w", r.Table, r.Key, version, r.Version, store.ErrConflict)
			}
		}
	}
	if err != nil {
		return fmt.Errorf("put record %s/%s: %w", r.Table, r.Key, err)
	}
	t.touched = append(t.touched, cacheKey{r.Table, r.Key})
	if err := t.putIndexes(ctx, r, version > 1); err != nil {
		return fmt.Errorf("put record %s/%s: %w", r.Table, r.Key, err)
	}
	r.Version = version
	return nil
}

// putIndexes writes r's index entries, first dropping the old ones of a
// record that existed.
func (t *tx) putIndexes(ctx context.Context, r *store.Record, existed bool) error {
	if existed {
		if _, err := t.db.ExecContext(ctx, t.s.q.RecordIndexesDelete, r.Table, r.Key); err != nil {
			return fmt.Errorf("drop index entries: %w", err)
		}
	}
	if len(r.Indexes) == 0 {
		return nil
	}
	args := make([]any, 2, 2+2*min(len(r.Indexes), maxIndexRows))
	args[0], args[1] = r.Table, r.Key
	flush := func() error {
		n := (len(args) - 2) / 2
		if _, err := t.db.ExecContext(ctx, t.s.ins.index[n], args...); err != nil {
			return fmt.Errorf("write index entries: %w", err)
		}
		args = args[:2]
		return nil
	}
	for idx, value := range r.Indexes {
		args = append(args, idx, value)
		if len(args) == 2+2*maxIndexRows {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if len(args) > 2 {
		return flush()
	}
	return nil
}

func (t *tx) RecordDelete(ctx context.Context, table, key string) error {
	if err := t.Check(true); err != nil {
		return fmt.Errorf("delete record %s/%s: %w", table, key, err)
	}
	ctx = t.ctx(ctx)
	res, err := t.db.ExecContext(ctx, t.s.q.RecordDelete, table, key)
	if err != nil {
		return fmt.Errorf("delete record %s/%s: %w", table, key, err)
	}
	t.touched = append(t.touched, cacheKey{table, key})
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return fmt.Errorf("delete record %s/%s: %w", table, key, store.ErrNotFound)
	}
	if _, err := t.db.ExecContext(ctx, t.s.q.RecordIndexesDelete, table, key); err != nil {
		return fmt.Errorf("delete record %s/%s: drop index entries: %w", table, key, err)
	}
	return nil
}

// noBound is an upper bound above every TEXT value: SQLite orders all TEXT
// before all BLOBs.
var noBound = []byte{}

func (t *tx) RecordScan(ctx context.Context, p *store.RecordScanParams) ([]store.Record, error) {
	if err := t.Check(false); err != nil {
		return nil, fmt.Errorf("scan %s: %w", p.Table, err)
	}
	if sqlkit.ScanEmpty(p) {
		return nil, nil
	}
	limit := int64(p.Limit)
	if limit <= 0 {
		limit = -1
	}
	var hi any = noBound
	if end, ok := sqlkit.PrefixEnd(p.Prefix); ok {
		hi = end
	}
	var rows *sql.Rows
	var err error
	if p.Index == "" {
		lo, skip := sqlkit.KeyScanStart(p)
		rows, err = t.db.QueryContext(t.ctx(ctx), t.s.q.RecordScan, p.Table, lo, hi, skip, limit)
	} else {
		if p.Value != nil {
			// The least string above Value, so the walk stops after it.
			hi = *p.Value + "\x00"
		}
		from := sqlkit.IndexScanFrom(p)
		rows, err = t.db.QueryContext(t.ctx(ctx), t.s.q.RecordScanIndex,
			p.Table, p.Index, from.LoValue, from.LoKey, hi, from.SkipValue, from.SkipKey, from.Exact, limit)
	}
	if err != nil {
		return nil, fmt.Errorf("scan %s: %w", p.Table, err)
	}
	defer rows.Close()
	var out []store.Record
	for rows.Next() {
		r := store.Record{Table: p.Table}
		var indexes string
		if err := rows.Scan(&r.Key, &r.Value, &r.Version, &indexes); err != nil {
			return nil, fmt.Errorf("scan %s: %w", p.Table, err)
		}
		if r.Indexes, err = sqlkit.DecodeIndexes(indexes); err != nil {
			return nil, fmt.Errorf("scan %s: key %s: %w", p.Table, r.Key, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("scan %s: %w", p.Table, err)
	}
	return out, nil
}

func (t *tx) LogAppend(ctx context.Context, log string, entries ...[]byte) (int64, error) {
	if err := t.Check(true); err != nil {
		return 0, fmt.Errorf("append to log %s: %w", log, err)
	}
	if len(entries) == 0 {
		return 0, fmt.Errorf("append to log %s: no entries", log)
	}
	ctx = t.ctx(ctx)
	var last int64
	if err := t.db.QueryRowContext(ctx, t.s.q.LogReserve, log, len(entries)).Scan(&last); err != nil {
		return 0, fmt.Errorf("append to log %s: %w", log, err)
	}
	first := last - int64(len(entries)) + 1
	args := make([]any, 0, 2+min(len(entries), maxLogRows))
	for done := 0; done < len(entries); {
		// The largest power of two that fits: 12 entries are 8 + 4.
		k := bits.Len(uint(min(len(entries)-done, maxLogRows))) - 1
		n := 1 << k
		args = append(args[:0], log, first+int64(done))
		for _, data := range entries[done : done+n] {
			args = append(args, sqlkit.Blob(data))
		}
		if _, err := t.db.ExecContext(ctx, t.s.ins.log[k], args...); err != nil {
			return 0, fmt.Errorf("append to log %s: %w", log, err)
		}
		done += n
	}
	return first, nil
}

func (t *tx) LogRead(ctx context.Context, p *store.LogReadParams) ([]store.LogEntry, error) {
	if err := t.Check(false); err != nil {
		return nil, fmt.Errorf("read log %s: %w", p.Log, err)
	}
	limit := int64(p.Limit)
	if limit <= 0 {
		limit = -1
	}
	query, after := t.s.q.LogRead, p.After
	if p.Reverse {
		query = t.s.q.LogReadReverse
		if after <= 0 {
			after = math.MaxInt64
		}
	}
	rows, err := t.db.QueryContext(t.ctx(ctx), query, p.Log, after, limit)
	if err != nil {
		return nil, fmt.Errorf("read log %s: %w", p.Log, err)
	}
	defer rows.Close()
	var out []store.LogEntry
	for rows.Next() {
		var e store.LogEntry
		if err := rows.Scan(&e.Seq, &e.Data); err != nil {
			return nil, fmt.Errorf("read log %s: %w", p.Log, err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read log %s: %w", p.Log, err)
	}
	return out, nil
}

func (t *tx) LogLen(ctx context.Context, log string) (int64, error) {
	if err := t.Check(false); err != nil {
		return 0, fmt.Errorf("length of log %s: %w", log, err)
	}
	var n int64
	err := t.db.QueryRowContext(t.ctx(ctx), t.s.q.LogLen, log).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("length of log %s: %w", log, err)
	}
	return n, nil
}

func (t *tx) LogDelete(ctx context.Context, log string) error {
	if err := t.Check(true); err != nil {
		return fmt.Errorf("delete log %s: %w", log, err)
	}
	ctx = t.ctx(ctx)
	if _, err := t.db.ExecContext(ctx, t.s.q.LogEntriesDelete, log); err != nil {
		return fmt.Errorf("delete log %s: %w", log, err)
	}
	if _, err := t.db.ExecContext(ctx, t.s.q.LogHeadDelete, log); err != nil {
		return fmt.Errorf("delete log %s: %w", log, err)
	}
	return nil
}

func (t *tx) JobPut(ctx context.Context, j *store.Job) error {
	if err := t.Check(true); err != nil {
		return fmt.Errorf("put job %s/%s: %w", j.Queue, j.ID, err)
	}
	if _, err := t.db.ExecContext(t.ctx(ctx), t.s.q.JobPut, j.Queue, j.ID, sqlkit.TimeToNanos(j.Due), sqlkit.Blob(j.Payload)); err != nil {
		return fmt.Errorf("put job %s/%s: %w", j.Queue, j.ID, err)
	}
	t.WakeQueue(j.Queue)
	return nil
}

func (t *tx) JobGet(ctx context.Context, queue, id string) (*store.Job, error) {
	if err := t.Check(false); err != nil {
		return nil, fmt.Errorf("get job %s/%s: %w", queue, id, err)
	}
	j := &store.Job{Queue: queue, ID: id}
	var due, leaseExpires int64
	err := t.db.QueryRowContext(t.ctx(ctx), t.s.q.JobGet, queue, id).Scan(&due, &j.Payload, &j.Lease, &leaseExpires, &j.Attempt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("get job %s/%s: %w", queue, id, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("get job %s/%s: %w", queue, id, err)
	}
	j.Due = sqlkit.NanosToTime(due)
	if j.Lease != "" {
		j.LeaseExpires = sqlkit.NanosToTime(leaseExpires)
	}
	return j, nil
}

func (t *tx) JobDelete(ctx context.Context, queue, id, lease string) error {
	if err := t.Check(true); err != nil {
		return fmt.Errorf("delete job %s/%s: %w", queue, id, err)
	}
	ctx = t.ctx(ctx)
	var res sql.Result
	var err error
	if lease == "" {
		res, err = t.db.ExecContext(ctx, t.s.q.JobDelete, queue, id)
	} else {
		res, err = t.db.ExecContext(ctx, t.s.q.JobDeleteLeased, queue, id, lease)
	}
	if err != nil {
		return fmt.Errorf("delete job %s/%s: %w", queue, id, err)
	}
	if n, err := res.RowsAffected(); err == nil && n > 0 {
		return nil
	}
	var one int
	err = t.db.QueryRowContext(ctx, t.s.q.JobExists, queue, id).Scan(&one)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("delete job %s/%s: %w", queue, id, store.ErrNotFound)
	case err != nil:
		return fmt.Errorf("delete job %s/%s: %w", queue, id, err)
	}
	return fmt.Errorf("delete job %s/%s: lease %s is no longer current: %w", queue, id, lease, store.ErrConflict)
}

// jobClaim leases up to p.Limit due jobs; realNow decides lease expiry.
func (t *tx) jobClaim(ctx context.Context, p *store.JobClaimParams, realNow time.Time) ([]store.Job, error) {
	limit := max(p.Limit, 1)
	lease := sqlkit.NewLease()
	expires := realNow.Add(p.Lease)
	rows, err := t.db.QueryContext(t.ctx(ctx), t.s.q.JobClaim,
		p.Queue, sqlkit.TimeToNanos(p.Now), sqlkit.TimeToNanos(realNow), limit, lease, sqlkit.TimeToNanos(expires))
	if err != nil {
		return nil, fmt.Errorf("claim jobs of %s: %w", p.Queue, err)
	}
	defer rows.Close()
	var jobs []store.Job
	for rows.Next() {
		j := store.Job{Queue: p.Queue, Lease: lease, LeaseExpires: sqlkit.NanosToTime(sqlkit.TimeToNanos(expires))}
		var due int64
		if err := rows.Scan(&j.ID, &due, &j.Payload, &j.Attempt); err != nil {
			return nil, fmt.Errorf("claim jobs of %s: %w", p.Queue, err)
		}
		j.Due = sqlkit.NanosToTime(due)
		jobs = append(jobs, j)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("claim jobs of %s: %w", p.Queue, err)
	}
	sqlkit.SortClaimed(jobs)
	return jobs, nil
}
