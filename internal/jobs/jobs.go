// Package jobs runs the due-time work items (store jobs) of one queue: it
// claims the jobs that are due under a lease, hands each to a handler, and
// sleeps until the next one falls due. Step Functions executions,
// EventBridge deliveries and Scheduler schedules are all jobs, so waiting
// work costs only its stored row — no goroutine and no timer per item.
//
// A Runner wakes up for three reasons: a commit that added jobs to its
// queue (the store's Wake channel, across processes for PostgreSQL), the
// clock reaching the earliest due time (one clock.AfterFunc at a time), and
// a real-time poll that picks up jobs whose lease ran out because the
// process holding them died.
//
// Under a manual clock the AfterFunc callback drains the queue itself,
// synchronously, so `POST /_shoal/clock/advance` returns only after every
// job that fell due has been handled — and jobs those handlers enqueue for
// "now" are handled too, before Advance moves on.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/shoal-dev/shoal/internal/clock"
	"github.com/shoal-dev/shoal/internal/store"
)

// Handler does one job. It completes the job by deleting it (with
// job.Lease) in the transaction that applies the job's effect, or
// reschedules it with JobPut in that transaction. A returned error means the
// job is left as it was: the Runner puts it back due after a backoff.
//
// A Handler whose effect need not commit with the job's deletion (an
// at-least-once delivery: the effect is already committed or sent) may
// return Done instead of deleting the job itself.
type Handler func(ctx context.Context, job store.Job) error

// Done is what a Handler returns to have the Runner complete its job: the
// Runner deletes every job of a claimed batch whose handler returned Done
// in one store.Update once the batch's handlers have returned, rather than
// one Update per job. Until that commits the job stays leased, so a crash
// in between runs it again (at least once). It is not an error.
var Done = errors.New("jobs: done") //nolint:staticcheck // a sentinel, like filepath.SkipDir

// Config configures a Runner. Store, Clock, Queue and Handler are required.
type Config struct {
	Store   store.Store
	Clock   clock.Clock
	Queue   string
	Handler Handler
	Logger  *slog.Logger
	// Lease is how long (real time) a claim protects a job; 30 s when zero.
	Lease time.Duration
	// Batch is how many jobs one claim takes; 64 when zero.
	Batch int
	// Workers is how many jobs of a batch run at once; 16 when zero.
	Workers int
	// Poll is the real-time interval at which the runner looks for jobs
	// whose lease expired; Lease/2 when zero.
	Poll time.Duration
	// Owner names this process in claims, for diagnostics.
	Owner string
	// Backoff is the clock delay before a job whose handler failed is due
	// again; 1 s when zero.
	Backoff time.Duration
	// Handoff is how many jobs committers may have handed over (Reserve)
	// and not yet done, each in a handler on its own goroutine; 0
	// disables Reserve.
	Handoff int
}

// Runner runs one queue's jobs. Start it once; Stop ends it.
type Runner struct {
	cfg Config

	// drain serialises draining, so a manual clock's Advance (which drains
	// inside its callback) waits for a drain the wake goroutine has begun
	// and then sees everything that drain left due.
	drain sync.Mutex

	mu     sync.Mutex // guards timer, due, ctx, stop, done and closed
	timer  clock.Timer
	due    time.Time
	stop   context.CancelFunc
	done   chan struct{}
	ctx    context.Context
	closed bool

	// Jobs handed over by committers (handoff.go), each run on its own
	// goroutine (hrunning) with hctx, the context of Start. hmu guards the
	// rest; hcond signals when queued or pending shrinks.
	hrunning sync.WaitGroup
	hctx     context.Context
	hmu      sync.Mutex
	hcond    sync.Cond
	hopen    bool        // between Start and Stop: Reserve may succeed
	held     int         // reserved, or handed over and not done: at most cfg.Handoff
	queued   int         // handed over and not done
	pending  []store.Job // handed-over jobs whose handler returned Done
	deleting bool        // a goroutine is deleting pending jobs
}

// New returns a Runner; it does nothing until Start.
func New(cfg Config) *Runner {
	if cfg.Lease <= 0 {
		cfg.Lease = 30 * time.Second
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 64
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 16
	}
	if cfg.Poll <= 0 {
		cfg.Poll = cfg.Lease / 2
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	// Until Start, a clock callback drains with a background context, so a
	// test can drive a runner with Drain and a manual clock alone.
	r := &Runner{cfg: cfg, ctx: context.Background()}
	r.hcond.L = &r.hmu
	return r
}

// Start subscribes to the queue's wake-ups, handles whatever is due (work a
// previous process left in flight) and keeps handling jobs until Stop.
func (r *Runner) Start(ctx context.Context) error {
	if r.cfg.Store == nil || r.cfg.Clock == nil || r.cfg.Handler == nil || r.cfg.Queue == "" {
		return errors.New("jobs: store, clock, queue and handler are required")
	}
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	r.mu.Lock()
	r.ctx, r.stop, r.done = ctx, cancel, make(chan struct{})
	r.mu.Unlock()
	wake, unsubscribe := r.cfg.Store.Wake(r.cfg.Queue)
	r.startHandoff(ctx)
	go r.loop(ctx, wake, unsubscribe)
	return nil
}

// Stop ends the runner and waits for the handlers in progress.
func (r *Runner) Stop(ctx context.Context) error {
	r.mu.Lock()
	if r.stop == nil || r.closed {
		r.mu.Unlock()
		return nil
	}
	r.closed = true
	r.stop()
	if r.timer != nil {
		r.timer.Stop()
	}
	done := r.done
	r.mu.Unlock()
	select {
	case <-done:
	case <-ctx.Done():
		return fmt.Errorf("jobs %s: stop: %w", r.cfg.Queue, ctx.Err())
	}
	r.stopHandoff()
	// A manual clock's callback may be draining; wait for it to finish.
	// (Drain waits for handed-over jobs outside the lock; stopHandoff
	// waited for those.)
	r.drain.Lock()
	r.drain.Unlock() //nolint:staticcheck // an empty critical section is the point: wait
	return nil
}

// Notify tells the runner its queue has new work due now. Under a manual
// clock it handles that work before returning, so a request that starts
// work (StartExecution) answers after the work reached its first wait and a
// following clock advance finds the timers armed; otherwise the store's
// wake-up suffices and Notify returns at once.
func (r *Runner) Notify(ctx context.Context) {
	if r.cfg.Clock.Mode() != "manual" {
		return
	}
	if store.TxFrom(ctx) != nil {
		// Called inside a transaction (a Step Functions task calling
		// StartExecution in-process): draining here would claim jobs from
		// inside the store's writer. The commit's wake-up drains instead.
		return
	}
	r.mu.Lock()
	closed := r.closed
	r.mu.Unlock()
	if !closed {
		r.Drain(ctx)
	}
}

// The wake goroutine: one per runner, not per job.
func (r *Runner) loop(ctx context.Context, wake <-chan struct{}, unsubscribe func()) {
	defer close(r.done)
	defer unsubscribe()
	// Leases are real time (they guard against a dead process), so the
	// poll for expired ones is on a real ticker, not on the emulated clock.
	poll := time.NewTicker(r.cfg.Poll)
	defer poll.Stop()
	r.drainDue(ctx)
	for {
		select {
		case <-ctx.Done():
			return
		case <-wake:
		case <-poll.C:
		}
		// Handed-over jobs run on their own: waiting for them here would
		// keep the loop from claiming while committers keep handing over.
		r.drainDue(ctx)
	}
}

// Drain handles every job that is due now, including jobs the handlers
// make due now and jobs committers handed over, then arms the clock for
// the next due job. Tests and a manual clock's callback call it; it is
// safe to call concurrently.
func (r *Runner) Drain(ctx context.Context) {
	r.drainDue(ctx)
	// Outside the drain lock, so the wake loop keeps claiming meanwhile.
	if r.waitHanded() {
		// A handed-over job that failed was put back due later (or a
		// handler made work due now): claim and arm for it.
		r.drainDue(ctx)
	}
}

// drainDue claims and handles the queue's due jobs until none is left,
// then arms the clock for the next due job.
func (r *Runner) drainDue(ctx context.Context) {
	r.drain.Lock()
	defer r.drain.Unlock()
	if ctx.Err() != nil {
		return
	}
	for ctx.Err() == nil {
		jobs, err := r.cfg.Store.JobClaim(ctx, &store.JobClaimParams{
			Queue: r.cfg.Queue, Now: r.cfg.Clock.Now(), Lease: r.cfg.Lease, Limit: r.cfg.Batch, Owner: r.cfg.Owner,
		})
		if err != nil {
			if ctx.Err() == nil {
				r.cfg.Logger.Error("claim jobs", "queue", r.cfg.Queue, "err", err)
			}
			break
		}
		if len(jobs) == 0 {
			break
		}
		r.run(ctx, jobs)
	}
	r.arm(ctx)
}

// run hands a batch to at most Workers goroutines, waits for them and
// completes the jobs whose handler returned Done.
func (r *Runner) run(ctx context.Context, jobs []store.Job) {
	done := make([]bool, len(jobs))
	if len(jobs) == 1 || r.cfg.Workers == 1 {
		for i, j := range jobs {
			done[i] = r.one(ctx, j)
		}
	} else {
		sem := make(chan struct{}, r.cfg.Workers)
		var wg sync.WaitGroup
		for i, j := range jobs {
			sem <- struct{}{}
			wg.Add(1)
			go func() {
				defer func() { <-sem; wg.Done() }()
				done[i] = r.one(ctx, j)
			}()
		}
		wg.Wait()
	}
	var completed []store.Job
	for i, j := range jobs {
		if done[i] {
			completed = append(completed, j)
		}
	}
	r.complete(ctx, completed)
}

// complete deletes jobs whose handler returned Done, in one Update: one
// write for them all instead of one per job. A job whose lease was lost
// meanwhile (another claimer took it over after it expired) is left to
// its new owner. The Update runs even when ctx was cancelled by Stop,
// since the work is done and deleting it spares a second run after a
// restart.
func (r *Runner) complete(ctx context.Context, jobs []store.Job) {
	if len(jobs) == 0 {
		return
	}
	ctx = context.WithoutCancel(ctx)
	err := r.cfg.Store.Update(ctx, func(tx store.Tx) error {
		for _, j := range jobs {
			err := tx.JobDelete(ctx, j.Queue, j.ID, j.Lease)
			if err != nil && !errors.Is(err, store.ErrNotFound) && !errors.Is(err, store.ErrConflict) {
				return err
			}
		}
		return nil
	})
	if err != nil {
		// The jobs stay leased and run again once their lease expires.
		r.cfg.Logger.Error("complete jobs", "queue", r.cfg.Queue, "jobs", len(jobs), "err", err)
	}
}

// one runs a job's handler; it reports whether the handler returned Done.
func (r *Runner) one(ctx context.Context, j store.Job) bool {
	err := r.cfg.Handler(ctx, j)
	if errors.Is(err, Done) {
		return true
	}
	if err == nil || ctx.Err() != nil {
		return false
	}
	r.cfg.Logger.Warn("job failed; retrying after backoff", "queue", j.Queue, "job", j.ID, "attempt", j.Attempt, "err", err)
	// Put the job back (this clears the lease) so it does not wait for the
	// lease to expire; the backoff keeps a persistent failure from spinning.
	back := j
	back.Due = r.cfg.Clock.Now().Add(r.cfg.Backoff)
	perr := r.cfg.Store.Update(ctx, func(tx store.Tx) error {
		cur, err := tx.JobGet(ctx, j.Queue, j.ID)
		if err != nil {
			return err
		}
		if cur.Lease != j.Lease {
			return store.ErrConflict // someone else owns it now; leave it be
		}
		return tx.JobPut(ctx, &back)
	})
	if perr != nil && !errors.Is(perr, store.ErrNotFound) && !errors.Is(perr, store.ErrConflict) && ctx.Err() == nil {
		r.cfg.Logger.Error("reschedule failed job", "queue", j.Queue, "job", j.ID, "err", perr)
	}
	return false
}

// arm sets the one clock timer for the earliest due job. Leased jobs are
// not counted; the poll finds them if their owner dies.
func (r *Runner) arm(ctx context.Context) {
	due, ok, err := r.cfg.Store.JobNextDue(ctx, r.cfg.Queue)
	if err != nil {
		if ctx.Err() == nil {
			r.cfg.Logger.Error("next due job", "queue", r.cfg.Queue, "err", err)
		}
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed || !ok {
		return
	}
	if r.timer != nil {
		if r.due.Equal(due) {
			return // already armed for it
		}
		r.timer.Stop()
	}
	d := due.Sub(r.cfg.Clock.Now())
	r.due = due
	r.timer = r.cfg.Clock.AfterFunc(d, func() {
		r.mu.Lock()
		if r.closed {
			r.mu.Unlock()
			return
		}
		r.timer = nil
		c := r.ctx
		r.mu.Unlock()
		if r.cfg.Clock.Mode() == "manual" {
			// Advance returns once the due work is done, handed-over
			// jobs included.
			r.Drain(c)
		} else {
			r.drainDue(c)
		}
	})
}
