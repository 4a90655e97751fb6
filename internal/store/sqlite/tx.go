package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
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
	if err := t.putIndexes(ctx, r.Table, r.Key, nil, r.Indexes); err != nil {
		return fmt.Errorf("insert record %s/%s: %w", r.Table, r.Key, err)
	}
	r.Version = 1
	return nil
}

// RecordPut reads the stored row's version and index map first: the
// version check needs it, and knowing the old entries lets an update touch
// only the index entries that change — usually none (a Step Functions step
// rewrites a running execution under the same indexes).
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
	var oldIndexes string
	err = t.db.QueryRowContext(ctx, t.s.q.RecordHead, r.Table, r.Key).Scan(&version, &oldIndexes)
	existed := err == nil
	switch {
	case errors.Is(err, sql.ErrNoRows) && r.Version != 0:
		return fmt.Errorf("put record %s/%s: %w", r.Table, r.Key, store.ErrNotFound)
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return fmt.Errorf("put record %s/%s: %w", r.Table, r.Key, err)
	case r.Version != 0 && version != r.Version:
		return fmt.Errorf("put record %s/%s: version is %d, not %d: %w", r.Table, r.Key, version, r.Version, store.ErrConflict)
	}
	var old map[string]string
	if existed {
		if old, err = sqlkit.DecodeIndexes(oldIndexes); err != nil {
			return fmt.Errorf("put record %s/%s: %w", r.Table, r.Key, err)
		}
		err = t.db.QueryRowContext(ctx, t.s.q.RecordUpdate, r.Table, r.Key, sqlkit.Blob(r.Value), indexes).Scan(&version)
	} else {
		version = 1
		_, err = t.db.ExecContext(ctx, t.s.q.RecordInsert, r.Table, r.Key, sqlkit.Blob(r.Value), indexes)
	}
	if err != nil {
		return fmt.Errorf("put record %s/%s: %w", r.Table, r.Key, err)
	}
	t.touched = append(t.touched, cacheKey{r.Table, r.Key})
	if err := t.putIndexes(ctx, r.Table, r.Key, old, r.Indexes); err != nil {
		return fmt.Errorf("put record %s/%s: %w", r.Table, r.Key, err)
	}
	r.Version = version
	return nil
}

// putIndexes turns a record's index entries from one map into another:
// it drops the entries that changed or went and writes the ones that
// changed or came, leaving equal ones alone.
func (t *tx) putIndexes(ctx context.Context, table, key string, from, to map[string]string) error {
	for idx, value := range from {
		if v, ok := to[idx]; ok && v == value {
			continue
		}
		if _, err := t.db.ExecContext(ctx, t.s.q.RecordIndexDelete, table, key, idx, value); err != nil {
			return fmt.Errorf("drop index entry %s: %w", idx, err)
		}
	}
	args := make([]any, 2, 2+2*min(len(to), maxIndexRows))
	args[0], args[1] = table, key
	flush := func() error {
		n := (len(args) - 2) / 2
		if _, err := t.db.ExecContext(ctx, t.s.ins.index[n], args...); err != nil {
			return fmt.Errorf("write index entries: %w", err)
		}
		args = args[:2]
		return nil
	}
	for idx, value := range to {
		if v, ok := from[idx]; ok && v == value {
			continue
		}
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
	var indexes string
	err := t.db.QueryRowContext(ctx, t.s.q.RecordDelete, table, key).Scan(&indexes)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("delete record %s/%s: %w", table, key, store.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("delete record %s/%s: %w", table, key, err)
	}
	t.touched = append(t.touched, cacheKey{table, key})
	old, err := sqlkit.DecodeIndexes(indexes)
	if err != nil {
		return fmt.Errorf("delete record %s/%s: %w", table, key, err)
	}
	if err := t.putIndexes(ctx, table, key, old, nil); err != nil {
		return fmt.Errorf("delete record %s/%s: %w", table, key, err)
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
	var id, last int64
	if err := t.db.QueryRowContext(ctx, t.s.q.LogReserve, log, len(entries)).Scan(&id, &last); err != nil {
		return 0, fmt.Errorf("append to log %s: %w", log, err)
	}
	first := last - int64(len(entries)) + 1
	seq := first
	for _, run := range cutChunks(entries) {
		if _, err := t.db.ExecContext(ctx, t.s.q.LogChunkInsert, id, seq, len(run), sqlkit.Blob(encodeChunk(run))); err != nil {
			return 0, fmt.Errorf("append to log %s: %w", log, err)
		}
		seq += int64(len(run))
	}
	return first, nil
}

// LogRead reads whole chunks and keeps the entries the page asks for.
func (t *tx) LogRead(ctx context.Context, p *store.LogReadParams) ([]store.LogEntry, error) {
	if err := t.Check(false); err != nil {
		return nil, fmt.Errorf("read log %s: %w", p.Log, err)
	}
	// Every chunk holds at least one wanted entry, so Limit chunks are
	// enough for Limit entries.
	limit := int64(p.Limit)
	if limit <= 0 {
		limit = -1
	}
	var rows *sql.Rows
	var err error
	if p.Reverse {
		before := p.After
		if before <= 0 {
			before = math.MaxInt64
		}
		rows, err = t.db.QueryContext(t.ctx(ctx), t.s.q.LogReadReverse, p.Log, before, limit)
	} else {
		rows, err = t.db.QueryContext(t.ctx(ctx), t.s.q.LogRead, p.Log, p.After, maxChunkEntries, limit)
	}
	if err != nil {
		return nil, fmt.Errorf("read log %s: %w", p.Log, err)
	}
	defer rows.Close()
	var out []store.LogEntry
	for rows.Next() && (p.Limit <= 0 || len(out) < p.Limit) {
		var seq, n int64
		var data []byte
		if err := rows.Scan(&seq, &n, &data); err != nil {
			return nil, fmt.Errorf("read log %s: %w", p.Log, err)
		}
		run, err := decodeChunk(n, data)
		if err != nil {
			return nil, fmt.Errorf("read log %s: chunk at %d: %w", p.Log, seq, err)
		}
		for k := range run {
			i := k
			if p.Reverse {
				i = len(run) - 1 - k
			}
			e := store.LogEntry{Seq: seq + int64(i), Data: run[i]}
			if wanted(p, e.Seq) && (p.Limit <= 0 || len(out) < p.Limit) {
				out = append(out, e)
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read log %s: %w", p.Log, err)
	}
	return out, nil
}

// wanted reports whether entry seq of a chunk LogRead fetched is on the
// page: a chunk may begin before the page's After (or, reading backwards,
// end after it).
func wanted(p *store.LogReadParams, seq int64) bool {
	if p.Reverse {
		return p.After <= 0 || seq < p.After
	}
	return seq > p.After
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
	var id int64
	err := t.db.QueryRowContext(ctx, t.s.q.LogDelete, log).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("delete log %s: %w", log, err)
	}
	if _, err := t.db.ExecContext(ctx, t.s.q.LogChunksDelete, id); err != nil {
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

func (t *tx) JobEnsure(ctx context.Context, j *store.Job) error {
	if err := t.Check(true); err != nil {
		return fmt.Errorf("ensure job %s/%s: %w", j.Queue, j.ID, err)
	}
	res, err := t.db.ExecContext(t.ctx(ctx), t.s.q.JobEnsure, j.Queue, j.ID, sqlkit.TimeToNanos(j.Due), sqlkit.Blob(j.Payload))
	if err != nil {
		return fmt.Errorf("ensure job %s/%s: %w", j.Queue, j.ID, err)
	}
	if n, err := res.RowsAffected(); err != nil || n > 0 {
		t.WakeQueue(j.Queue)
	}
	return nil
}

func (t *tx) JobPutLeased(ctx context.Context, j *store.Job, lease time.Duration) error {
	if err := t.Check(true); err != nil {
		return fmt.Errorf("put leased job %s/%s: %w", j.Queue, j.ID, err)
	}
	token, expires := sqlkit.NewLease(), sqlkit.NanosToTime(sqlkit.TimeToNanos(t.s.clock.Now().Add(lease)))
	var attempt int
	err := t.db.QueryRowContext(t.ctx(ctx), t.s.q.JobPutLeased, j.Queue, j.ID, sqlkit.TimeToNanos(j.Due), sqlkit.Blob(j.Payload),
		token, sqlkit.TimeToNanos(expires)).Scan(&attempt)
	if err != nil {
		return fmt.Errorf("put leased job %s/%s: %w", j.Queue, j.ID, err)
	}
	// No wake-up: the job is claimed already.
	j.Lease, j.LeaseExpires, j.Attempt = token, expires, attempt
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
