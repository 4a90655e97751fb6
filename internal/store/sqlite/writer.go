package sqlite

import (
	"context"
	"fmt"
)

// request is one Update waiting for the writer.
type request struct {
	ctx context.Context
	fn  func(*tx) error
	// Set by the writer before done is closed:
	err      error
	panicked any // fn's panic, re-raised on the caller's goroutine
	ok       bool
	woke     map[string]struct{}
	done     chan struct{}
}

// update hands fn to the writer and waits for its batch to commit.
func (s *Store) update(ctx context.Context, fn func(*tx) error) error {
	if s.isClosed() {
		return errClosed
	}
	r := &request{ctx: ctx, fn: fn, done: make(chan struct{})}
	select {
	case s.reqs <- r:
	case <-s.quit:
		return errClosed
	case <-ctx.Done():
		return fmt.Errorf("update: %w", ctx.Err())
	}
	// Once the writer has the request it always answers, and answering
	// after the commit is the contract, so don't give up on ctx here.
	<-r.done
	if r.panicked != nil {
		panic(r.panicked)
	}
	return r.err
}

// runWriter is the only goroutine that writes. It takes every request that
// is waiting, runs them in one transaction and commits once.
func (s *Store) runWriter() {
	defer close(s.writerDone)
	batch := make([]*request, 0, maxBatch)
	for {
		batch = batch[:0]
		select {
		case r := <-s.reqs:
			batch = append(batch, r)
		case <-s.quit:
			return
		}
	collect:
		for len(batch) < maxBatch {
			select {
			case r := <-s.reqs:
				batch = append(batch, r)
			default:
				break collect
			}
		}
		s.commit(batch)
		for _, r := range batch {
			close(r.done)
		}
	}
}

// commit runs a batch in one transaction, each fn in its own savepoint.
func (s *Store) commit(batch []*request) {
	// The writer's own statements must not be interrupted by any caller's
	// context: an interrupted write makes SQLite roll back the whole
	// transaction, everyone's work included.
	ctx := context.Background()
	exec := func(sql string) error {
		_, err := s.writer.ExecContext(ctx, sql)
		return err
	}
	failAll := func(err error) {
		for _, r := range batch {
			if r.err == nil && r.panicked == nil {
				r.err = err
			}
			r.ok = false
		}
	}
	if err := exec("BEGIN IMMEDIATE"); err != nil {
		failAll(fmt.Errorf("update: begin: %w", err))
		return
	}
	var touched []cacheKey // records to drop from the cache at commit
	resetAll := false
	for _, r := range batch {
		if err := r.ctx.Err(); err != nil {
			r.err = fmt.Errorf("update: %w", err)
			continue
		}
		if err := exec("SAVEPOINT fn"); err != nil {
			failAll(fmt.Errorf("update: savepoint: %w", err))
			_ = exec("ROLLBACK")
			return
		}
		t := &tx{s: s, db: s.writer}
		r.panicked, r.err = run(r.fn, t)
		t.Finish()
		touched = append(touched, t.touched...)
		resetAll = resetAll || t.resetAll
		if r.err != nil || r.panicked != nil {
			if err := exec("ROLLBACK TO fn"); err != nil {
				// SQLite has abandoned the transaction (a full disk, an
				// I/O error): the work of every fn in it is gone.
				failAll(fmt.Errorf("update: transaction aborted: %w", err))
				_ = exec("ROLLBACK")
				return
			}
		} else {
			r.ok, r.woke = true, t.Woke
		}
		if err := exec("RELEASE fn"); err != nil {
			failAll(fmt.Errorf("update: release savepoint: %w", err))
			_ = exec("ROLLBACK")
			return
		}
	}
	// The touched records leave the cache before COMMIT makes their new
	// versions visible (see recordCache).
	s.cache.beginCommit(touched, resetAll)
	err := exec("COMMIT")
	s.cache.endCommit()
	if err != nil {
		failAll(fmt.Errorf("update: commit: %w", err))
		_ = exec("ROLLBACK")
		return
	}
	// Wake-ups go out only now that the jobs are committed (and before the
	// callers return, so a caller's Update happens-before the wake-up).
	for _, r := range batch {
		if r.ok {
			for queue := range r.woke {
				s.wake.Notify(queue)
			}
		}
	}
}

// run calls fn, turning a panic into a value the caller re-raises, so a
// panicking fn cannot kill the writer.
func run(fn func(*tx) error, t *tx) (panicked any, err error) {
	defer func() {
		if p := recover(); p != nil {
			panicked = p
		}
	}()
	return nil, fn(t)
}
