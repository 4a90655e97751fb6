package sqlite

import (
	"context"
	"fmt"
	"maps"
	"sync"
	"sync/atomic"
	"time"

	"github.com/shoal-dev/shoal/internal/store"
	"github.com/shoal-dev/shoal/internal/store/internal/sqlkit"
)

// recordCache keeps recently read records in memory so that most Views are
// answered without a SQLite read transaction (a read costs ~20 µs through
// database/sql; a hit, well under one).
//
// It is coherent because this process is the only writer (the directory
// lock proves it): just before it commits, the writer drops every record
// the batch touched, so what stays cached is the same before and after
// that commit, and a View may use the cache while the COMMIT (and its
// fsync, most of the writer's time under load) is in flight. Views stay
// snapshots by a sequence lock: gen is odd from that drop until the COMMIT
// returned. A View that used the cache is kept only if no commit began
// since it started (begun counts them); otherwise the records the cache
// answered with are confirmed against its real read transaction, or fn
// runs again on one. A read transaction fills the cache only when no
// commit started since it began, so the cache never mixes two snapshots.
type recordCache struct {
	gen atomic.Uint64
	mu  sync.RWMutex
	m   map[cacheKey]*store.Record
	max int
}

type cacheKey struct{ table, key string }

// maxCachedRecords bounds the cache's memory: at a few hundred bytes a
// record, some tens of megabytes at most.
const maxCachedRecords = 100_000

func newRecordCache() *recordCache {
	return &recordCache{m: map[cacheKey]*store.Record{}, max: maxCachedRecords}
}

// get returns a copy of a cached record; callers may change what they get.
func (c *recordCache) get(table, key string) (*store.Record, bool) {
	c.mu.RLock()
	r, ok := c.m[cacheKey{table, key}]
	c.mu.RUnlock()
	if !ok {
		return nil, false
	}
	return copyRecord(r), true
}

// fill caches r, read by a transaction that began at gen; it is dropped if a
// commit has started since.
func (c *recordCache) fill(gen uint64, r *store.Record) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen.Load() != gen || gen%2 == 1 {
		return
	}
	if len(c.m) >= c.max {
		// Evict an arbitrary tenth: cheap, and a miss only costs a read.
		n := c.max / 10
		for k := range c.m {
			if n--; n < 0 {
				break
			}
			delete(c.m, k)
		}
	}
	c.m[cacheKey{r.Table, r.Key}] = copyRecord(r)
}

// beginCommit drops what the batch touched (everything after a Reset)
// and marks a commit in flight (gen odd). The drop comes first: a View
// that sees gen odd finds only records the commit leaves as they are.
func (c *recordCache) beginCommit(touched []cacheKey, all bool) {
	c.mu.Lock()
	if all {
		clear(c.m)
	}
	for _, k := range touched {
		delete(c.m, k)
	}
	c.gen.Add(1)
	c.mu.Unlock()
}

// endCommit makes gen even again once the COMMIT returned, whether or not
// it succeeded: from now on read transactions see the commit (or that it
// failed) and may fill the cache again.
func (c *recordCache) endCommit() {
	c.gen.Add(1)
}

// begun is how many commits had begun at generation gen.
func begun(gen uint64) uint64 { return (gen + 1) / 2 }

func copyRecord(r *store.Record) *store.Record {
	cp := *r
	cp.Value = append([]byte(nil), r.Value...)
	if r.Indexes != nil {
		cp.Indexes = maps.Clone(r.Indexes)
	}
	return &cp
}

// viewTx is a View's transaction. It answers RecordGet from the record
// cache and opens a real read transaction only when it must (a miss, or any
// other read). Reads stay one snapshot as long as no commit began between
// the View's start and that read transaction's first read; if one did after
// the cache had already answered, the View is tainted and View runs fn
// again on a plain read transaction.
type viewTx struct {
	sqlkit.TxState
	s       *Store
	gen     uint64 // cache generation at the View's start
	noCache bool   // this is a rerun
	hits    int
	hitKeys []hitKey // what the cache answered, to confirm against the real transaction
	// confirmed: the real transaction saw every cached answer unchanged.
	confirmed bool
	sql       *tx
	conn      *conn
	err       error
	tainted   bool
}

var _ store.Tx = (*viewTx)(nil)

type hitKey struct {
	table, key string
	version    int64
}

// open starts the read transaction, once.
func (v *viewTx) open(ctx context.Context) (*tx, error) {
	if v.sql != nil || v.err != nil {
		return v.sql, v.err
	}
	c, err := v.s.reader(ctx)
	if err != nil {
		v.err = fmt.Errorf("view: %w", err)
		return nil, v.err
	}
	if _, err := c.ExecContext(ctx, "BEGIN"); err != nil {
		v.s.readers <- c
		v.err = fmt.Errorf("view: begin: %w", err)
		return nil, v.err
	}
	v.conn = c
	v.sql = &tx{s: v.s, db: c, TxState: sqlkit.TxState{ReadOnly: true}, fill: true, gen: v.s.cache.gen.Load()}
	return v.sql, nil
}

// checked runs after each read on the real transaction and when fn returns.
// If a commit began since the View started and the cache has answered, the
// records it answered with are looked up again in the real transaction: if
// every one still has the version fn saw, fn's reads are one snapshot (the
// real transaction's) and nothing reruns; otherwise the View is tainted and
// fn runs again. Once the real transaction has confirmed them, its snapshot
// is fixed, so later reads need no check.
func (v *viewTx) checked(ctx context.Context) {
	if v.hits == 0 || v.confirmed || v.tainted || begun(v.s.cache.gen.Load()) == begun(v.gen) {
		return
	}
	t, err := v.open(ctx)
	if err != nil {
		v.tainted = true
		return
	}
	for _, h := range v.hitKeys {
		var version int64
		if err := t.db.QueryRowContext(ctx, v.s.q.RecordVersion, h.table, h.key).Scan(&version); err != nil || version != h.version {
			v.tainted = true
			return
		}
	}
	v.confirmed = true
}

// close ends the read transaction, if one was opened.
func (v *viewTx) close(ctx context.Context) {
	if v.sql == nil {
		return
	}
	v.sql.Finish()
	// A read-only transaction has nothing to commit.
	_, _ = v.conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
	v.s.readers <- v.conn
	v.sql, v.conn = nil, nil
}

func (v *viewTx) RecordGet(ctx context.Context, table, key string) (*store.Record, error) {
	if err := v.Check(false); err != nil {
		return nil, fmt.Errorf("get record %s/%s: %w", table, key, err)
	}
	if v.sql == nil && !v.noCache {
		if r, ok := v.s.cache.get(table, key); ok {
			v.hits++
			v.hitKeys = append(v.hitKeys, hitKey{table, key, r.Version})
			return r, nil
		}
	}
	t, err := v.open(ctx)
	if err != nil {
		return nil, err
	}
	defer v.checked(ctx)
	return t.RecordGet(ctx, table, key)
}

// read runs any other read on the real transaction.
func read[T any](v *viewTx, ctx context.Context, f func(*tx) (T, error)) (T, error) {
	var zero T
	if err := v.Check(false); err != nil {
		return zero, fmt.Errorf("view: %w", err)
	}
	t, err := v.open(ctx)
	if err != nil {
		return zero, err
	}
	defer v.checked(ctx)
	return f(t)
}

func (v *viewTx) RecordScan(ctx context.Context, p *store.RecordScanParams) ([]store.Record, error) {
	return read(v, ctx, func(t *tx) ([]store.Record, error) { return t.RecordScan(ctx, p) })
}

func (v *viewTx) LogRead(ctx context.Context, p *store.LogReadParams) ([]store.LogEntry, error) {
	return read(v, ctx, func(t *tx) ([]store.LogEntry, error) { return t.LogRead(ctx, p) })
}

func (v *viewTx) LogLen(ctx context.Context, log string) (int64, error) {
	return read(v, ctx, func(t *tx) (int64, error) { return t.LogLen(ctx, log) })
}

func (v *viewTx) JobGet(ctx context.Context, queue, id string) (*store.Job, error) {
	return read(v, ctx, func(t *tx) (*store.Job, error) { return t.JobGet(ctx, queue, id) })
}

// Writes fail as in any read-only transaction.
func (v *viewTx) write(what string) error { return fmt.Errorf("%s: %w", what, v.Check(true)) }

func (v *viewTx) RecordInsert(context.Context, *store.Record) error  { return v.write("insert record") }
func (v *viewTx) RecordPut(context.Context, *store.Record) error     { return v.write("put record") }
func (v *viewTx) RecordDelete(context.Context, string, string) error { return v.write("delete record") }
func (v *viewTx) LogAppend(context.Context, string, ...[]byte) (int64, error) {
	return 0, v.write("append log")
}
func (v *viewTx) LogDelete(context.Context, string) error  { return v.write("delete log") }
func (v *viewTx) JobPut(context.Context, *store.Job) error { return v.write("put job") }
func (v *viewTx) JobPutLeased(context.Context, *store.Job, time.Duration) error {
	return v.write("put leased job")
}
func (v *viewTx) JobEnsure(context.Context, *store.Job) error {
	return v.write("ensure job")
}
func (v *viewTx) JobDelete(context.Context, string, string, string) error {
	return v.write("delete job")
}
