// Package sqlite is the embedded store: one SQLite database file in a data
// directory, in WAL mode, owned by exactly one shoal process.
//
// All writes go through one connection driven by one goroutine, which groups
// the Updates waiting at that moment into a single transaction (group
// commit): each Update's fn runs inside its own SAVEPOINT, so a failing fn
// rolls back only its own changes and gets its own error, and the batch pays
// one fsync. Views read from a separate small pool of read-only connections
// and never wait for the writer.
//
// Locks: sqlkit.WakeHub.mu guards subscriptions and is never held while
// calling out; the writer goroutine owns the write connection, and an idle
// reader belongs to whoever took it from Store.readers.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"github.com/shoal-dev/shoal/internal/clock"
	"github.com/shoal-dev/shoal/internal/store"
	"github.com/shoal-dev/shoal/internal/store/internal/sqlkit"
)

// Config configures Open.
type Config struct {
	// Dir is the data directory; the database is <Dir>/shoal.db and the
	// process lock <Dir>/LOCK. It is created (0o755) if missing.
	Dir string
	// Clock gives real time for job leases; nil means clock.Real{}. Tests
	// pass a manual clock to expire leases without waiting.
	Clock clock.Clock
	// Logger receives diagnostics; nil discards them.
	Logger *slog.Logger
}

// Store is a store.Store backed by SQLite.
type Store struct {
	dir   string
	clock clock.Clock
	log   *slog.Logger
	q     *queries
	ins   *inserts
	wake  sqlkit.WakeHub

	lock     *os.File
	writeDB  *sql.DB    // holds exactly one connection: writer
	writer   *conn      // used only by the writer goroutine after Open
	readDB   *sql.DB    // query_only connections for View and JobNextDue
	readers  chan *conn // the idle ones; a reader's statements stay prepared
	nreaders int        // how many readers exist

	reqs       chan *request // unbuffered: a send succeeds only while the writer runs
	quit       chan struct{}
	writerDone chan struct{}

	closed atomic.Bool
	cache  *recordCache
}

var _ store.Store = (*Store)(nil)

var errClosed = errors.New("sqlite store is closed")

// maxBatch caps how many Updates share one commit, so one commit's latency
// stays bounded under a flood of writers.
const maxBatch = 256

// busyTimeout is how long a statement waits for a lock held by another
// connection of this process (a checkpoint, a reader starting) before
// failing with SQLITE_BUSY.
const busyTimeout = 10 * time.Second

// Open opens (creating if needed) the store in cfg.Dir. It fails at once
// with an error wrapping store.ErrLocked if another process has the
// directory open.
func Open(ctx context.Context, cfg Config) (_ *Store, err error) {
	if cfg.Dir == "" {
		return nil, errors.New("open sqlite store: no data directory")
	}
	// The driver takes a file: URI, in which a relative path such as the
	// default ".shoal" would read as a host name.
	if cfg.Dir, err = filepath.Abs(cfg.Dir); err != nil {
		return nil, fmt.Errorf("open sqlite store: %w", err)
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.Real{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	q, err := sqlkit.LoadQueries[queries](queriesSQL)
	if err != nil {
		return nil, fmt.Errorf("open sqlite store: %w", err)
	}
	if err := os.MkdirAll(cfg.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("open sqlite store: %w", err)
	}
	s := &Store{
		cache:      newRecordCache(),
		dir:        cfg.Dir,
		clock:      cfg.Clock,
		log:        cfg.Logger,
		q:          q,
		ins:        newInserts(q),
		reqs:       make(chan *request),
		quit:       make(chan struct{}),
		writerDone: make(chan struct{}),
	}
	if s.lock, err = lockDir(cfg.Dir); err != nil {
		return nil, fmt.Errorf("open sqlite store: %w", err)
	}
	defer func() {
		if err != nil {
			s.closeHandles()
		}
	}()

	path := filepath.Join(cfg.Dir, "shoal.db")
	// synchronous=FULL fsyncs the WAL at every commit, so an Update that
	// returned survives power loss (NORMAL in WAL mode may lose the last
	// commits). Group commit is what makes that affordable: one fsync per
	// batch, not per Update. temp_store=MEMORY keeps the statement journal
	// of each Update's SAVEPOINT in memory instead of a temporary file: it
	// only serves ROLLBACK TO within the open transaction, never recovery,
	// and writing it to a file was a tenth of the writer's CPU.
	// wal_autocheckpoint=4000 (16 MB of WAL, SQLite's default is 1000)
	// checkpoints a quarter as often: the writer runs each checkpoint inside
	// a COMMIT, with two more fsyncs, and the pages every commit rewrites
	// (log heads, index roots, job rows) are copied once per checkpoint, not
	// once per 1000 frames. The storetest ExecutionParallel benchmark was
	// faster with it in 8 of 9 alternating pairs of runs, by 12% on average
	// (-1% to 29%); durability is the same: each commit still fsyncs the WAL.
	s.writeDB, err = sql.Open("sqlite", dsn(path, "journal_mode(WAL)", "synchronous(FULL)", "temp_store(MEMORY)", "wal_autocheckpoint(4000)"))
	if err != nil {
		return nil, fmt.Errorf("open sqlite store: %w", err)
	}
	s.writeDB.SetMaxOpenConns(1)
	s.writeDB.SetMaxIdleConns(1)
	s.writeDB.SetConnMaxLifetime(0)
	s.writeDB.SetConnMaxIdleTime(0)
	wc, err := s.writeDB.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("open sqlite store %s: %w", path, err)
	}
	s.writer = newConn(wc)
	if err := migrate(ctx, wc, s.clock.Now()); err != nil {
		return nil, fmt.Errorf("open sqlite store %s: %w", path, err)
	}
	// The directory lock proves no other process is alive, so leases held
	// by a crashed predecessor protect nothing: make those jobs claimable
	// at once instead of after their lease runs out.
	res, err := wc.ExecContext(ctx, s.q.JobLeasesClear)
	if err != nil {
		return nil, fmt.Errorf("open sqlite store: clear job leases: %w", err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		s.log.Info("released job leases of a previous process", "jobs", n, "dir", cfg.Dir)
	}

	s.readDB, err = sql.Open("sqlite", dsn(path, "query_only(1)"))
	if err != nil {
		return nil, fmt.Errorf("open sqlite store: %w", err)
	}
	readers := min(max(runtime.GOMAXPROCS(0), 2), 8)
	s.readDB.SetMaxOpenConns(readers)
	s.readDB.SetMaxIdleConns(readers)
	s.readDB.SetConnMaxIdleTime(0)
	s.readDB.SetConnMaxLifetime(0)
	s.readers = make(chan *conn, readers)
	for range readers {
		c, err := s.readDB.Conn(ctx)
		if err != nil {
			return nil, fmt.Errorf("open sqlite store %s: reader: %w", path, err)
		}
		s.readers <- newConn(c)
		s.nreaders++
	}

	go s.runWriter()
	return s, nil
}

// dsn builds a modernc.org/sqlite data source name for path with the
// common pragmas plus extra ones.
func dsn(path string, pragmas ...string) string {
	v := url.Values{}
	v.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()))
	for _, p := range pragmas {
		v.Add("_pragma", p)
	}
	u := url.URL{Scheme: "file", Path: path, RawQuery: v.Encode()}
	return u.String()
}

// Close stops the writer, closes the database and releases the directory
// lock. Calls after Close fail; a second Close does nothing.
func (s *Store) Close() error {
	if !s.closed.CompareAndSwap(false, true) {
		return nil
	}
	close(s.quit)
	<-s.writerDone
	return s.closeHandles()
}

func (s *Store) isClosed() bool { return s.closed.Load() }

// closeHandles closes whatever Open managed to open.
func (s *Store) closeHandles() error {
	var errs []error
	// Waits for Views in flight to hand their readers back.
	for range s.nreaders {
		errs = append(errs, (<-s.readers).close())
	}
	if s.readDB != nil {
		errs = append(errs, s.readDB.Close())
	}
	if s.writer != nil {
		errs = append(errs, s.writer.close())
	}
	if s.writeDB != nil {
		errs = append(errs, s.writeDB.Close())
	}
	if s.lock != nil {
		// Closing the file releases the flock.
		errs = append(errs, s.lock.Close())
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("close sqlite store: %w", err)
	}
	return nil
}

// Update queues fn for the writer and waits until the batch it joined has
// committed. fn runs exactly once (SQLite never asks for a retry), on the
// writer goroutine, inside a SAVEPOINT of the batch's transaction. So fn must
// not call Update or JobClaim (the writer is busy running it: deadlock) nor
// runtime.Goexit (t.Fatal), which would stop the writer; a panic is carried
// back and re-raised in the caller. If ctx ends before fn starts, fn does
// not run; once it has started, Update waits for the commit and reports it.
//
// With a ctx from store.WithTx carrying one of this store's Update
// transactions, fn runs inside it instead, as a nested transaction.
func (s *Store) Update(ctx context.Context, fn func(store.Tx) error) error {
	if t, ok := s.joined(ctx); ok {
		return t.nested(ctx, fn)
	}
	return s.update(ctx, func(t *tx) error { return fn(t) })
}

// View runs fn over a consistent snapshot, answering record reads from the
// record cache where it can (see viewTx). Inside an Update joined with
// store.WithTx, fn reads that Update's transaction, uncommitted writes
// included. In the rare case that a commit
// lands between a cached read and a later one, fn runs a second time on a
// plain read transaction and only that run's result counts; so fn must only
// read and compute, acting on what it read after View returns.
func (s *Store) View(ctx context.Context, fn func(store.Tx) error) error {
	if s.isClosed() {
		return fmt.Errorf("view: %w", errClosed)
	}
	if t, ok := s.joined(ctx); ok {
		ro := t.readOnly()
		defer ro.Finish()
		return fn(ro)
	}
	v := &viewTx{TxState: sqlkit.TxState{ReadOnly: true}, s: s, gen: s.cache.gen.Load()}
	err := fn(v)
	v.checked(ctx) // cached answers must still hold if a commit began since
	v.Finish()
	v.close(ctx)
	if !v.tainted {
		return err
	}
	v = &viewTx{TxState: sqlkit.TxState{ReadOnly: true}, s: s, noCache: true}
	err = fn(v)
	v.Finish()
	v.close(ctx)
	return err
}

// reader takes an idle reader; the caller must put it back.
func (s *Store) reader(ctx context.Context) (*conn, error) {
	if s.isClosed() {
		return nil, errClosed
	}
	select {
	case c := <-s.readers:
		return c, nil
	case <-s.quit:
		return nil, errClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// JobClaim leases due jobs. It runs as one writer transaction, so two
// claims can never lease the same job.
func (s *Store) JobClaim(ctx context.Context, p *store.JobClaimParams) ([]store.Job, error) {
	if err := sqlkit.CheckClaim(p); err != nil {
		return nil, err
	}
	var jobs []store.Job
	err := s.update(ctx, func(t *tx) error {
		var err error
		jobs, err = t.jobClaim(ctx, p, s.clock.Now())
		return err
	})
	if err != nil {
		return nil, err
	}
	return jobs, nil
}

// JobNextDue reads from the read pool: it needs no writer.
func (s *Store) JobNextDue(ctx context.Context, queue string) (time.Time, bool, error) {
	c, err := s.reader(ctx)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("next due job of %s: %w", queue, err)
	}
	defer func() { s.readers <- c }()
	var due int64
	err = c.QueryRowContext(ctx, s.q.JobNextDue, queue, sqlkit.TimeToNanos(s.clock.Now())).Scan(&due)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("next due job of %s: %w", queue, err)
	}
	return sqlkit.NanosToTime(due), true, nil
}

// Wake subscribes to commits that add or reschedule jobs of queue.
func (s *Store) Wake(queue string) (<-chan struct{}, func()) {
	return s.wake.Subscribe(queue)
}

// Reset deletes every row and keeps the schema.
func (s *Store) Reset(ctx context.Context) error {
	return s.update(ctx, func(t *tx) error {
		// Several statements: run unprepared, on the writer's connection.
		if _, err := s.writer.conn.ExecContext(context.WithoutCancel(ctx), s.q.Reset); err != nil {
			return fmt.Errorf("reset: %w", err)
		}
		t.resetAll = true
		return nil
	})
}
