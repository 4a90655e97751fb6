package postgres

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/shoal-dev/shoal/internal/store"
	"github.com/shoal-dev/shoal/internal/store/internal/sqlkit"
)

// tx is a store.Tx: one attempt of an Update's fn, or one View.
type tx struct {
	s  *Store
	db pgx.Tx
	sqlkit.TxState
	// transient is the first deadlock or serialization failure a statement
	// hit; Update then runs fn again.
	transient error
}

var _ store.Tx = (*tx)(nil)

// fail notes a transient database error before handing err back.
func (t *tx) fail(err error) error {
	if t.transient == nil && isTransient(err) {
		t.transient = err
	}
	return err
}

func (t *tx) RecordGet(ctx context.Context, table, key string) (*store.Record, error) {
	if err := t.Check(false); err != nil {
		return nil, fmt.Errorf("get record %s/%s: %w", table, key, err)
	}
	r := &store.Record{Table: table, Key: key}
	var indexes string
	err := t.db.QueryRow(ctx, t.s.q.RecordGet, table, key).Scan(&r.Value, &r.Version, &indexes)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("get record %s/%s: %w", table, key, store.ErrNotFound)
	}
	if err != nil {
		return nil, t.fail(fmt.Errorf("get record %s/%s: %w", table, key, err))
	}
	if r.Indexes, err = sqlkit.DecodeIndexes(indexes); err != nil {
		return nil, fmt.Errorf("get record %s/%s: %w", table, key, err)
	}
	return r, nil
}

func (t *tx) RecordInsert(ctx context.Context, r *store.Record) error {
	if err := t.Check(true); err != nil {
		return fmt.Errorf("insert record %s/%s: %w", r.Table, r.Key, err)
	}
	indexes, err := sqlkit.EncodeIndexes(r.Indexes)
	if err != nil {
		return fmt.Errorf("insert record %s/%s: %w", r.Table, r.Key, err)
	}
	tag, err := t.db.Exec(ctx, t.s.q.RecordInsert, r.Table, r.Key, sqlkit.Blob(r.Value), indexes)
	if err != nil {
		return t.fail(fmt.Errorf("insert record %s/%s: %w", r.Table, r.Key, err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("insert record %s/%s: %w", r.Table, r.Key, store.ErrConflict)
	}
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
	indexes, err := sqlkit.EncodeIndexes(r.Indexes)
	if err != nil {
		return fmt.Errorf("put record %s/%s: %w", r.Table, r.Key, err)
	}
	var version int64
	if r.Version == 0 {
		err = t.db.QueryRow(ctx, t.s.q.RecordUpsert, r.Table, r.Key, sqlkit.Blob(r.Value), indexes).Scan(&version)
	} else {
		err = t.db.QueryRow(ctx, t.s.q.RecordUpdateVersion, r.Table, r.Key, sqlkit.Blob(r.Value), indexes, r.Version).Scan(&version)
		if errors.Is(err, pgx.ErrNoRows) {
			err = t.db.QueryRow(ctx, t.s.q.RecordVersion, r.Table, r.Key).Scan(&version)
			switch {
			case errors.Is(err, pgx.ErrNoRows):
				return fmt.Errorf("put record %s/%s: %w", r.Table, r.Key, store.ErrNotFound)
			case err == nil:
				return fmt.Errorf("put record %s/%s: version is %d, not %d: %w", r.Table, r.Key, version, r.Version, store.ErrConflict)
			}
		}
	}
	if err != nil {
		return t.fail(fmt.Errorf("put record %s/%s: %w", r.Table, r.Key, err))
	}
	if err := t.putIndexes(ctx, r, version > 1); err != nil {
		return fmt.Errorf("put record %s/%s: %w", r.Table, r.Key, err)
	}
	r.Version = version
	return nil
}

// putIndexes writes r's index entries in one statement, first dropping the
// old ones of a record that existed.
func (t *tx) putIndexes(ctx context.Context, r *store.Record, existed bool) error {
	if existed {
		if _, err := t.db.Exec(ctx, t.s.q.RecordIndexesDelete, r.Table, r.Key); err != nil {
			return t.fail(fmt.Errorf("drop index entries: %w", err))
		}
	}
	if len(r.Indexes) == 0 {
		return nil
	}
	names := make([]string, 0, len(r.Indexes))
	values := make([]string, 0, len(r.Indexes))
	for name, value := range r.Indexes {
		names, values = append(names, name), append(values, value)
	}
	if _, err := t.db.Exec(ctx, t.s.q.RecordIndexesInsert, r.Table, names, values, r.Key); err != nil {
		return t.fail(fmt.Errorf("write index entries: %w", err))
	}
	return nil
}

func (t *tx) RecordDelete(ctx context.Context, table, key string) error {
	if err := t.Check(true); err != nil {
		return fmt.Errorf("delete record %s/%s: %w", table, key, err)
	}
	tag, err := t.db.Exec(ctx, t.s.q.RecordDelete, table, key)
	if err != nil {
		return t.fail(fmt.Errorf("delete record %s/%s: %w", table, key, err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("delete record %s/%s: %w", table, key, store.ErrNotFound)
	}
	if _, err := t.db.Exec(ctx, t.s.q.RecordIndexesDelete, table, key); err != nil {
		return t.fail(fmt.Errorf("delete record %s/%s: drop index entries: %w", table, key, err))
	}
	return nil
}

func (t *tx) RecordScan(ctx context.Context, p *store.RecordScanParams) ([]store.Record, error) {
	if err := t.Check(false); err != nil {
		return nil, fmt.Errorf("scan %s: %w", p.Table, err)
	}
	if sqlkit.ScanEmpty(p) {
		return nil, nil
	}
	var limit any // NULL: no limit
	if p.Limit > 0 {
		limit = int64(p.Limit)
	}
	var hi any // NULL: no upper bound
	if end, ok := sqlkit.PrefixEnd(p.Prefix); ok {
		hi = end
	}
	var rows pgx.Rows
	var err error
	if p.Index == "" {
		lo, skip := sqlkit.KeyScanStart(p)
		rows, err = t.db.Query(ctx, t.s.q.RecordScan, p.Table, lo, hi, skip, limit)
	} else {
		if p.Value != nil {
			// Bounds the walk near Value (text cannot hold the NUL that
			// would make the tightest bound).
			if end, ok := sqlkit.PrefixEnd(*p.Value); ok {
				hi = end
			}
		}
		from := sqlkit.IndexScanFrom(p)
		rows, err = t.db.Query(ctx, t.s.q.RecordScanIndex,
			p.Table, p.Index, from.LoValue, from.LoKey, hi, from.SkipValue, from.SkipKey, from.Exact, limit)
	}
	if err != nil {
		return nil, t.fail(fmt.Errorf("scan %s: %w", p.Table, err))
	}
	defer rows.Close()
	var out []store.Record
	for rows.Next() {
		r := store.Record{Table: p.Table}
		var indexes string
		if err := rows.Scan(&r.Key, &r.Value, &r.Version, &indexes); err != nil {
			return nil, t.fail(fmt.Errorf("scan %s: %w", p.Table, err))
		}
		if r.Indexes, err = sqlkit.DecodeIndexes(indexes); err != nil {
			return nil, fmt.Errorf("scan %s: key %s: %w", p.Table, r.Key, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, t.fail(fmt.Errorf("scan %s: %w", p.Table, err))
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
	var last int64
	if err := t.db.QueryRow(ctx, t.s.q.LogReserve, log, int64(len(entries))).Scan(&last); err != nil {
		return 0, t.fail(fmt.Errorf("append to log %s: %w", log, err))
	}
	first := last - int64(len(entries)) + 1
	data := make([][]byte, len(entries))
	for i, e := range entries {
		data[i] = sqlkit.Blob(e)
	}
	if _, err := t.db.Exec(ctx, t.s.q.LogEntriesInsert, log, first, data); err != nil {
		return 0, t.fail(fmt.Errorf("append to log %s: %w", log, err))
	}
	return first, nil
}

func (t *tx) LogRead(ctx context.Context, p *store.LogReadParams) ([]store.LogEntry, error) {
	if err := t.Check(false); err != nil {
		return nil, fmt.Errorf("read log %s: %w", p.Log, err)
	}
	var limit any
	if p.Limit > 0 {
		limit = int64(p.Limit)
	}
	query, after := t.s.q.LogRead, p.After
	if p.Reverse {
		query = t.s.q.LogReadReverse
		if after <= 0 {
			after = math.MaxInt64
		}
	}
	rows, err := t.db.Query(ctx, query, p.Log, after, limit)
	if err != nil {
		return nil, t.fail(fmt.Errorf("read log %s: %w", p.Log, err))
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.LogEntry, error) {
		var e store.LogEntry
		err := row.Scan(&e.Seq, &e.Data)
		return e, err
	})
	if err != nil {
		return nil, t.fail(fmt.Errorf("read log %s: %w", p.Log, err))
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

func (t *tx) LogLen(ctx context.Context, log string) (int64, error) {
	if err := t.Check(false); err != nil {
		return 0, fmt.Errorf("length of log %s: %w", log, err)
	}
	var n int64
	err := t.db.QueryRow(ctx, t.s.q.LogLen, log).Scan(&n)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, t.fail(fmt.Errorf("length of log %s: %w", log, err))
	}
	return n, nil
}

func (t *tx) LogDelete(ctx context.Context, log string) error {
	if err := t.Check(true); err != nil {
		return fmt.Errorf("delete log %s: %w", log, err)
	}
	if _, err := t.db.Exec(ctx, t.s.q.LogEntriesDelete, log); err != nil {
		return t.fail(fmt.Errorf("delete log %s: %w", log, err))
	}
	if _, err := t.db.Exec(ctx, t.s.q.LogHeadDelete, log); err != nil {
		return t.fail(fmt.Errorf("delete log %s: %w", log, err))
	}
	return nil
}

func (t *tx) JobPut(ctx context.Context, j *store.Job) error {
	if err := t.Check(true); err != nil {
		return fmt.Errorf("put job %s/%s: %w", j.Queue, j.ID, err)
	}
	if _, err := t.db.Exec(ctx, t.s.q.JobPut, j.Queue, j.ID, sqlkit.TimeToNanos(j.Due), sqlkit.Blob(j.Payload)); err != nil {
		return t.fail(fmt.Errorf("put job %s/%s: %w", j.Queue, j.ID, err))
	}
	t.WakeQueue(j.Queue)
	return nil
}

func (t *tx) JobPutLeased(ctx context.Context, j *store.Job, lease time.Duration) error {
	if err := t.Check(true); err != nil {
		return fmt.Errorf("put leased job %s/%s: %w", j.Queue, j.ID, err)
	}
	token, expires := sqlkit.NewLease(), sqlkit.NanosToTime(sqlkit.TimeToNanos(t.s.clock.Now().Add(lease)))
	var attempt int32
	err := t.db.QueryRow(ctx, t.s.q.JobPutLeased, j.Queue, j.ID, sqlkit.TimeToNanos(j.Due), sqlkit.Blob(j.Payload),
		token, sqlkit.TimeToNanos(expires)).Scan(&attempt)
	if err != nil {
		return t.fail(fmt.Errorf("put leased job %s/%s: %w", j.Queue, j.ID, err))
	}
	// No wake-up: the job is claimed already.
	j.Lease, j.LeaseExpires, j.Attempt = token, expires, int(attempt)
	return nil
}

func (t *tx) JobEnsure(ctx context.Context, j *store.Job) error {
	if err := t.Check(true); err != nil {
		return fmt.Errorf("ensure job %s/%s: %w", j.Queue, j.ID, err)
	}
	tag, err := t.db.Exec(ctx, t.s.q.JobEnsure, j.Queue, j.ID, sqlkit.TimeToNanos(j.Due), sqlkit.Blob(j.Payload))
	if err != nil {
		return t.fail(fmt.Errorf("ensure job %s/%s: %w", j.Queue, j.ID, err))
	}
	if tag.RowsAffected() > 0 {
		t.WakeQueue(j.Queue)
	}
	return nil
}

func (t *tx) JobGet(ctx context.Context, queue, id string) (*store.Job, error) {
	if err := t.Check(false); err != nil {
		return nil, fmt.Errorf("get job %s/%s: %w", queue, id, err)
	}
	j := &store.Job{Queue: queue, ID: id}
	var due, leaseExpires int64
	var attempt int32
	err := t.db.QueryRow(ctx, t.s.q.JobGet, queue, id).Scan(&due, &j.Payload, &j.Lease, &leaseExpires, &attempt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("get job %s/%s: %w", queue, id, store.ErrNotFound)
	}
	if err != nil {
		return nil, t.fail(fmt.Errorf("get job %s/%s: %w", queue, id, err))
	}
	j.Due, j.Attempt = sqlkit.NanosToTime(due), int(attempt)
	if j.Lease != "" {
		j.LeaseExpires = sqlkit.NanosToTime(leaseExpires)
	}
	return j, nil
}

func (t *tx) JobDelete(ctx context.Context, queue, id, lease string) error {
	if err := t.Check(true); err != nil {
		return fmt.Errorf("delete job %s/%s: %w", queue, id, err)
	}
	var n int64
	if lease == "" {
		tag, err := t.db.Exec(ctx, t.s.q.JobDelete, queue, id)
		if err != nil {
			return t.fail(fmt.Errorf("delete job %s/%s: %w", queue, id, err))
		}
		n = tag.RowsAffected()
	} else {
		tag, err := t.db.Exec(ctx, t.s.q.JobDeleteLeased, queue, id, lease)
		if err != nil {
			return t.fail(fmt.Errorf("delete job %s/%s: %w", queue, id, err))
		}
		n = tag.RowsAffected()
	}
	if n > 0 {
		return nil
	}
	var one int32
	err := t.db.QueryRow(ctx, t.s.q.JobExists, queue, id).Scan(&one)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return fmt.Errorf("delete job %s/%s: %w", queue, id, store.ErrNotFound)
	case err != nil:
		return t.fail(fmt.Errorf("delete job %s/%s: %w", queue, id, err))
	}
	return fmt.Errorf("delete job %s/%s: lease %s is no longer current: %w", queue, id, lease, store.ErrConflict)
}

// jobClaim leases up to p.Limit due jobs; realNow decides lease expiry.
func (t *tx) jobClaim(ctx context.Context, p *store.JobClaimParams, realNow time.Time) ([]store.Job, error) {
	limit := int64(max(p.Limit, 1))
	lease := sqlkit.NewLease()
	expires := sqlkit.NanosToTime(sqlkit.TimeToNanos(realNow.Add(p.Lease)))
	rows, err := t.db.Query(ctx, t.s.q.JobClaim,
		p.Queue, sqlkit.TimeToNanos(p.Now), sqlkit.TimeToNanos(realNow), limit, lease, sqlkit.TimeToNanos(expires))
	if err != nil {
		return nil, t.fail(fmt.Errorf("claim jobs of %s: %w", p.Queue, err))
	}
	jobs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.Job, error) {
		j := store.Job{Queue: p.Queue, Lease: lease, LeaseExpires: expires}
		var due int64
		var attempt int32
		err := row.Scan(&j.ID, &due, &j.Payload, &attempt)
		j.Due, j.Attempt = sqlkit.NanosToTime(due), int(attempt)
		return j, err
	})
	if err != nil {
		return nil, t.fail(fmt.Errorf("claim jobs of %s: %w", p.Queue, err))
	}
	sqlkit.SortClaimed(jobs)
	return jobs, nil
}
