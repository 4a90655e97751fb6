package jobs

import (
	"context"
	"time"

	"github.com/shoal-dev/shoal/internal/store"
)

// Handing over: a committer that puts jobs due now and whose process could
// run them at once (an EventBridge event's deliveries) stores them leased
// with store.Tx.JobPutLeased in its own transaction and, once that
// commits, hands them to the runner. That spares the JobClaim
// write and the wait for the wake-up and the claim; durability is the
// same, since the jobs commit with the transaction that makes them: if
// the process dies first, they are claimed like any job whose lease ran
// out (SQLite clears leases at Open).
//
// A Handoff reserves room first, so handing over never blocks a committer
// and never runs more than Config.Handoff handed-over jobs at once: with
// no room, the committer puts its jobs as usual (JobPut) and the runner
// claims them.

// Handoff is room reserved for jobs a committer will hand over.
type Handoff struct {
	r       *Runner
	n       int
	settled bool // Run or Cancel was called (guarded by r.hmu)
}

// Reserve reserves room for up to n jobs, as many as there is room for
// (Len); ok is false (and the caller puts its jobs with JobPut) when the
// runner is not running, hands over nothing (Config.Handoff is 0), has no
// room, or ctx carries a transaction (store.WithTx): that Update commits
// only with the caller's, so the jobs might run before, or without, their
// commit.
func (r *Runner) Reserve(ctx context.Context, n int) (h *Handoff, ok bool) {
	if n <= 0 || store.TxFrom(ctx) != nil {
		return nil, false
	}
	r.hmu.Lock()
	defer r.hmu.Unlock()
	n = min(n, r.cfg.Handoff-r.held)
	if !r.hopen || n <= 0 {
		return nil, false
	}
	r.held += n
	return &Handoff{r: r, n: n}, true
}

// Len is how many jobs the reservation has room for: the caller puts at
// most that many with JobPutLeased and any more with JobPut.
func (h *Handoff) Len() int { return h.n }

// Lease is the lease to pass to JobPutLeased.
func (h *Handoff) Lease() time.Duration { return h.r.cfg.Lease }

// Run hands the committed jobs, as JobPutLeased left them (lease
// included), to the runner, each to a goroutine of its own, and releases
// the rest of the reservation. Call it only after the transaction
// committed. Each job starts at once rather than waiting behind others:
// a slow target (an API destination may take 5 s) must not hold a job
// back until its lease runs out and a claimer runs it a second time.
func (h *Handoff) Run(jobs []store.Job) {
	r := h.r
	r.hmu.Lock()
	defer r.hmu.Unlock()
	if h.settled {
		return
	}
	h.settled = true
	if len(jobs) > h.n {
		jobs = jobs[:h.n] // a caller's mistake; the rest wait for their lease to expire
	}
	r.held -= h.n - len(jobs)
	if !r.hopen {
		// Stopped meanwhile: the jobs stay leased in the store and run
		// after a restart (or once the lease expires elsewhere).
		r.held -= len(jobs)
		jobs = nil
	}
	r.queued += len(jobs)
	r.hcond.Broadcast()
	// Started under hmu while hopen, so stopHandoff's Wait sees them.
	for _, j := range jobs {
		r.hrunning.Go(func() { r.runHanded(r.hctx, j) })
	}
}

// Cancel releases the reservation: the transaction did not commit. After
// Run it does nothing, so a caller may defer it.
func (h *Handoff) Cancel() { h.Run(nil) }

// startHandoff lets committers hand jobs over from now on.
func (r *Runner) startHandoff(ctx context.Context) {
	if r.cfg.Handoff <= 0 {
		return
	}
	r.hmu.Lock()
	r.hctx, r.hopen = ctx, true
	r.hmu.Unlock()
}

// stopHandoff refuses new reservations and waits for the handed-over jobs
// in progress (the runner's context is cancelled by now).
func (r *Runner) stopHandoff() {
	r.hmu.Lock()
	r.hopen = false
	r.hmu.Unlock()
	r.hrunning.Wait()
}

// runHanded runs one handed-over job. A job whose handler returned Done
// joins pending, and the goroutine that finds no deletion in progress
// deletes pending jobs, in one Update per round, until none are left:
// while one Update commits, the jobs others finish gather for the next.
func (r *Runner) runHanded(ctx context.Context, j store.Job) {
	done := r.one(ctx, j)
	r.hmu.Lock()
	r.held--
	r.queued--
	lead := false
	if done {
		r.pending = append(r.pending, j)
		lead = !r.deleting
		r.deleting = r.deleting || lead
	}
	r.hcond.Broadcast()
	r.hmu.Unlock()
	for lead {
		r.hmu.Lock()
		batch := r.pending
		r.pending = nil
		if len(batch) == 0 {
			r.deleting = false
			r.hcond.Broadcast()
			r.hmu.Unlock()
			return
		}
		r.hmu.Unlock()
		r.complete(ctx, batch)
	}
}

// waitHanded waits until every job handed over so far has run and the
// completed ones are deleted, so Drain returns with all work due now
// done; it reports whether there was any. Reservations not yet handed
// over are not waited for: their commit may not have happened yet.
func (r *Runner) waitHanded() bool {
	r.hmu.Lock()
	defer r.hmu.Unlock()
	waited := false
	for r.queued > 0 || r.deleting || len(r.pending) > 0 {
		waited = true
		r.hcond.Wait()
	}
	return waited
}
