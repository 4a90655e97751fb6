// Package postgres is the shared store: several shoal processes use one
// PostgreSQL database (one schema) and split the work between them.
//
// Jobs are claimed with FOR UPDATE SKIP LOCKED, so claimers in different
// processes pass over each other's rows instead of queueing on them.
// Wake-ups cross processes by LISTEN/NOTIFY: the transaction that adds jobs
// notifies the channel (payload: the queue name), PostgreSQL delivers that
// at commit, and every process's listening connection wakes its local
// subscribers.
//
// Lease expiry uses Config.Clock (real time), not the database's now():
// the same clock the SQLite driver uses, and the one tests can advance. The
// processes' clocks must therefore agree to well within a lease — which NTP
// gives, and which leases of tens of seconds tolerate.
package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/shoal-dev/shoal/internal/clock"
	"github.com/shoal-dev/shoal/internal/store"
	"github.com/shoal-dev/shoal/internal/store/internal/sqlkit"
)

// Config configures Open.
type Config struct {
	// URL is a libpq connection string or URL. The schema is the first on
	// its search_path; pgx sends unknown URL parameters as run-time
	// parameters, so "...?search_path=shoal" picks schema shoal.
	URL string
	// Clock gives real time for job leases; nil means clock.Real{}.
	Clock clock.Clock
	// Logger receives diagnostics; nil discards them.
	Logger *slog.Logger
}

// Store is a store.Store backed by PostgreSQL.
type Store struct {
	clock   clock.Clock
	log     *slog.Logger
	q       *queries
	pool    *pgxpool.Pool
	channel string // NOTIFY channel, one per schema
	wake    sqlkit.WakeHub

	stopListen context.CancelFunc
	listenDone chan struct{}

	closed atomic.Bool
}

var _ store.Store = (*Store)(nil)

var errClosed = errors.New("postgres store is closed")

// maxAttempts bounds how often Update re-runs fn after a deadlock or
// serialization failure.
const maxAttempts = 10

// Open connects, applies pending migrations and starts listening for
// wake-ups from other processes.
func Open(ctx context.Context, cfg Config) (_ *Store, err error) {
	if cfg.Clock == nil {
		cfg.Clock = clock.Real{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	q, err := sqlkit.LoadQueries[queries](queriesSQL)
	if err != nil {
		return nil, fmt.Errorf("open postgres store: %w", err)
	}
	poolCfg, err := pgxpool.ParseConfig(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("open postgres store: %w", err)
	}
	s := &Store{clock: cfg.Clock, log: cfg.Logger, q: q, listenDone: make(chan struct{})}
	if s.pool, err = pgxpool.NewWithConfig(ctx, poolCfg); err != nil {
		return nil, fmt.Errorf("open postgres store: %w", err)
	}
	defer func() {
		if err != nil {
			s.pool.Close()
		}
	}()
	if err := migrate(ctx, s.pool, s.clock.Now()); err != nil {
		return nil, fmt.Errorf("open postgres store: %w", err)
	}
	var schema string
	if err := s.pool.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		return nil, fmt.Errorf("open postgres store: %w", err)
	}
	s.channel = channelFor(schema)

	// Listen before Open returns, so no commit after Open goes unnoticed.
	conn, err := pgx.ConnectConfig(ctx, poolCfg.ConnConfig.Copy())
	if err != nil {
		return nil, fmt.Errorf("open postgres store: listener: %w", err)
	}
	if err := s.listenOn(ctx, conn); err != nil {
		conn.Close(ctx)
		return nil, fmt.Errorf("open postgres store: %w", err)
	}
	listenCtx, stop := context.WithCancel(context.Background())
	s.stopListen = stop
	go s.runListener(listenCtx, conn, poolCfg.ConnConfig)
	return s, nil
}

// channelFor names the NOTIFY channel of a schema, so deployments (and
// tests) in different schemas of one database don't wake each other.
// Channel names are identifiers of at most 63 bytes.
func channelFor(schema string) string {
	if schema == "public" {
		return "shoal_jobs"
	}
	name := "shoal_jobs." + schema
	if len(name) > 63 {
		sum := sha256.Sum256([]byte(schema))
		name = "shoal_jobs." + hex.EncodeToString(sum[:8])
	}
	return name
}

// Close stops the listener and closes the pool, waiting for calls in
// flight to hand back their connections. Calls after Close fail; a second
// Close does nothing.
func (s *Store) Close() error {
	if !s.closed.CompareAndSwap(false, true) {
		return nil
	}
	s.stopListen()
	<-s.listenDone
	s.pool.Close()
	return nil
}

// Update runs fn in a READ COMMITTED transaction. Versioned puts, log
// heads and claims take row locks, so the only transient failures are
// deadlocks (two Updates locking the same rows in opposite orders) and
// serialization failures; on those Update runs fn again from scratch, up to
// maxAttempts times. So fn may run more than once and must have no effect
// outside the Tx.
//
// With a ctx from store.WithTx carrying one of this store's Update
// transactions, fn runs inside it instead, as a nested transaction (and is
// retried with it).
func (s *Store) Update(ctx context.Context, fn func(store.Tx) error) error {
	if t, ok := s.joined(ctx); ok {
		return t.nested(ctx, fn)
	}
	return s.update(ctx, func(t *tx) error { return fn(t) })
}

func (s *Store) update(ctx context.Context, fn func(*tx) error) error {
	if s.closed.Load() {
		return errClosed
	}
	for attempt := 1; ; attempt++ {
		retry, err := s.updateOnce(ctx, fn)
		if !retry || attempt == maxAttempts {
			return err
		}
		s.log.Debug("retrying update", "attempt", attempt, "err", err)
		// Back off a little, with jitter, so the Updates that collided
		// don't collide again. This is real time whatever Config.Clock
		// is: it paces database contention, not emulated work.
		if !sleep(ctx, time.Duration(rand.Int64N(int64(attempt)*int64(5*time.Millisecond)))) {
			return err
		}
	}
}

// updateOnce runs one attempt; retry reports a transient failure.
func (s *Store) updateOnce(ctx context.Context, fn func(*tx) error) (retry bool, err error) {
	pgTx, err := s.pool.Begin(ctx)
	if err != nil {
		return false, fmt.Errorf("update: begin: %w", err)
	}
	defer pgTx.Rollback(context.WithoutCancel(ctx))
	t := &tx{s: s, db: pgTx}
	err = fn(t)
	t.Finish()
	// A transient failure aborts the transaction whatever fn made of the
	// error, so retry even if fn swallowed it.
	if t.transient != nil {
		return true, fmt.Errorf("update: %w", t.transient)
	}
	if err != nil {
		return false, err
	}
	for queue := range t.Woke {
		if _, err := pgTx.Exec(ctx, s.q.Notify, s.channel, queue); err != nil {
			return isTransient(err), fmt.Errorf("update: notify %s: %w", queue, err)
		}
	}
	if err := pgTx.Commit(ctx); err != nil {
		return isTransient(err), fmt.Errorf("update: commit: %w", err)
	}
	// Our own listener hears the NOTIFY too, but waking local subscribers
	// here means they never wait on a round trip.
	for queue := range t.Woke {
		s.wake.Notify(queue)
	}
	return false, nil
}

// isTransient reports errors after which the transaction may succeed if run
// again.
func isTransient(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "40001", "40P01": // serialization_failure, deadlock_detected
			return true
		}
	}
	return false
}

// View runs fn in a read-only REPEATABLE READ transaction: one snapshot
// for all of fn's reads.
func (s *Store) View(ctx context.Context, fn func(store.Tx) error) error {
	if s.closed.Load() {
		return errClosed
	}
	if t, ok := s.joined(ctx); ok {
		ro := t.readOnly()
		defer ro.Finish()
		return fn(ro)
	}
	pgTx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return fmt.Errorf("view: begin: %w", err)
	}
	defer pgTx.Rollback(context.WithoutCancel(ctx))
	t := &tx{s: s, db: pgTx, TxState: sqlkit.TxState{ReadOnly: true}}
	defer t.Finish()
	return fn(t)
}

// JobClaim leases due jobs in a transaction of its own.
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

// JobNextDue returns the earliest due time of the queue's claimable jobs.
func (s *Store) JobNextDue(ctx context.Context, queue string) (time.Time, bool, error) {
	if s.closed.Load() {
		return time.Time{}, false, errClosed
	}
	var due int64
	err := s.pool.QueryRow(ctx, s.q.JobNextDue, queue, sqlkit.TimeToNanos(s.clock.Now())).Scan(&due)
	if errors.Is(err, pgx.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("next due job of %s: %w", queue, err)
	}
	return sqlkit.NanosToTime(due), true, nil
}

// Wake subscribes to commits, in any process on this schema, that add or
// reschedule jobs of queue.
func (s *Store) Wake(queue string) (<-chan struct{}, func()) {
	return s.wake.Subscribe(queue)
}

// Reset deletes every row and keeps the schema.
func (s *Store) Reset(ctx context.Context) error {
	return s.update(ctx, func(t *tx) error {
		if _, err := t.db.Exec(ctx, s.q.Reset, pgx.QueryExecModeSimpleProtocol); err != nil {
			return t.fail(fmt.Errorf("reset: %w", err))
		}
		return nil
	})
}
