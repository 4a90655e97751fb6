package storetest

import (
	"bytes"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/shoal-dev/shoal/internal/store"
)

var jobTests = []test{
	{"PutGet", testJobPutGet},
	{"ClaimDueInOrder", testJobClaimDueInOrder},
	{"LeaseExpiry", testJobLeaseExpiry},
	{"PutReplaces", testJobPutReplaces},
	{"Ensure", testJobEnsure},
	{"PutLeased", testJobPutLeased},
	{"Delete", testJobDelete},
	{"NextDue", testJobNextDue},
	{"ConcurrentClaimers", testJobConcurrentClaimers},
}

const lease = time.Minute

func (e *env) putJobs(t *testing.T, jobs ...store.Job) {
	t.Helper()
	e.update(t, func(tx store.Tx) error {
		for i := range jobs {
			if err := tx.JobPut(e.ctx, &jobs[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

func (e *env) claim(t *testing.T, queue string, now time.Time, limit int) []store.Job {
	t.Helper()
	jobs, err := e.s.JobClaim(e.ctx, &store.JobClaimParams{Queue: queue, Now: now, Lease: lease, Limit: limit, Owner: t.Name()})
	if err != nil {
		t.Fatalf("claim %s: %v", queue, err)
	}
	return jobs
}

func (e *env) getJob(t *testing.T, queue, id string) (*store.Job, error) {
	t.Helper()
	var j *store.Job
	err := e.s.View(e.ctx, func(tx store.Tx) error {
		var err error
		j, err = tx.JobGet(e.ctx, queue, id)
		return err
	})
	return j, err
}

func jobIDs(jobs []store.Job) []string {
	var ids []string
	for _, j := range jobs {
		ids = append(ids, j.ID)
	}
	return ids
}

func testJobPutGet(t *testing.T, e *env) {
	due := epoch.Add(90*time.Second + 123456789) // nanoseconds survive
	local := due.In(time.FixedZone("CET", 3600))
	e.putJobs(t, store.Job{Queue: "sfn.timers", ID: "exec-1/wait", Due: local, Payload: []byte(`{"state":"Wait"}`)})
	j, err := e.getJob(t, "sfn.timers", "exec-1/wait")
	wantErr(t, "get", err, nil)
	if !j.Due.Equal(due) || j.Due.Location() != time.UTC {
		t.Fatalf("due = %v, want %v in UTC", j.Due, due)
	}
	if j.Queue != "sfn.timers" || j.ID != "exec-1/wait" || string(j.Payload) != `{"state":"Wait"}` ||
		j.Lease != "" || !j.LeaseExpires.IsZero() || j.Attempt != 0 {
		t.Fatalf("get = %+v", j)
	}
	_, err = e.getJob(t, "sfn.timers", "exec-2/wait")
	wantErr(t, "get missing", err, store.ErrNotFound)
	_, err = e.getJob(t, "other", "exec-1/wait")
	wantErr(t, "get in other queue", err, store.ErrNotFound)
}

func testJobClaimDueInOrder(t *testing.T, e *env) {
	now := e.clk.Now()
	e.putJobs(t,
		store.Job{Queue: "q", ID: "later", Due: now.Add(time.Minute)},
		store.Job{Queue: "q", ID: "now-b", Due: now, Payload: []byte("b")},
		store.Job{Queue: "q", ID: "now-a", Due: now, Payload: []byte("a")},
		store.Job{Queue: "q", ID: "past", Due: now.Add(-time.Hour), Payload: []byte("p")},
		store.Job{Queue: "other", ID: "x", Due: now.Add(-time.Hour)},
	)
	jobs := e.claim(t, "q", now, 2)
	if got := jobIDs(jobs); !slices.Equal(got, []string{"past", "now-a"}) {
		t.Fatalf("first claim = %q, want oldest due first", got)
	}
	for _, j := range jobs {
		if j.Queue != "q" || j.Lease == "" || j.Attempt != 1 || !j.LeaseExpires.Equal(e.clk.Now().Add(lease)) {
			t.Fatalf("claimed job = %+v (lease must run out at real now + lease)", j)
		}
	}
	if !bytes.Equal(jobs[0].Payload, []byte("p")) || !jobs[0].Due.Equal(now.Add(-time.Hour)) {
		t.Fatalf("claimed job = %+v", jobs[0])
	}
	stored, err := e.getJob(t, "q", "past")
	wantErr(t, "get claimed", err, nil)
	if stored.Lease != jobs[0].Lease || !stored.LeaseExpires.Equal(jobs[0].LeaseExpires) || stored.Attempt != 1 {
		t.Fatalf("stored claimed job = %+v, claim returned %+v", stored, jobs[0])
	}
	// Leased jobs are not claimed again; jobs not yet due are not claimed.
	if got := jobIDs(e.claim(t, "q", now, 10)); !slices.Equal(got, []string{"now-b"}) {
		t.Fatalf("second claim = %q, want [now-b]", got)
	}
	if got := e.claim(t, "q", now, 10); len(got) != 0 {
		t.Fatalf("third claim = %q, want nothing", jobIDs(got))
	}
	// Due-ness follows the caller's (emulated) Now, not the store's clock.
	if got := jobIDs(e.claim(t, "q", now.Add(time.Minute), 10)); !slices.Equal(got, []string{"later"}) {
		t.Fatalf("claim a minute on = %q, want [later]", got)
	}
}

func testJobLeaseExpiry(t *testing.T, e *env) {
	now := e.clk.Now()
	e.putJobs(t, store.Job{Queue: "q", ID: "j", Due: now})
	first := e.claim(t, "q", now, 1)
	if len(first) != 1 {
		t.Fatalf("claim = %d jobs", len(first))
	}
	e.clk.Advance(lease - time.Second)
	if got := e.claim(t, "q", now, 1); len(got) != 0 {
		t.Fatalf("claimed a job whose lease is still current: %+v", got)
	}
	e.clk.Advance(time.Second)
	second := e.claim(t, "q", now, 1)
	if len(second) != 1 || second[0].ID != "j" || second[0].Attempt != 2 || second[0].Lease == first[0].Lease {
		t.Fatalf("reclaim after lease expiry = %+v, want j with attempt 2 and a new lease", second)
	}
	err := e.s.Update(e.ctx, func(tx store.Tx) error { return tx.JobDelete(e.ctx, "q", "j", first[0].Lease) })
	wantErr(t, "delete with the lost lease", err, store.ErrConflict)
	err = e.s.Update(e.ctx, func(tx store.Tx) error { return tx.JobDelete(e.ctx, "q", "j", second[0].Lease) })
	wantErr(t, "delete with the current lease", err, nil)
	_, err = e.getJob(t, "q", "j")
	wantErr(t, "get deleted", err, store.ErrNotFound)
}

func testJobPutReplaces(t *testing.T, e *env) {
	now := e.clk.Now()
	e.putJobs(t, store.Job{Queue: "q", ID: "j", Due: now, Payload: []byte("v1")})
	claimed := e.claim(t, "q", now, 1)
	if len(claimed) != 1 {
		t.Fatalf("claim = %d jobs", len(claimed))
	}
	// Enqueueing the same ID again (a retry rescheduling itself, or a
	// duplicate request) replaces due time and payload and drops the lease.
	e.putJobs(t, store.Job{Queue: "q", ID: "j", Due: now.Add(time.Second), Payload: []byte("v2")})
	j, err := e.getJob(t, "q", "j")
	wantErr(t, "get", err, nil)
	if !j.Due.Equal(now.Add(time.Second)) || string(j.Payload) != "v2" || j.Lease != "" || !j.LeaseExpires.IsZero() {
		t.Fatalf("replaced job = %+v", j)
	}
	// The attempt count survives, so retries can be counted.
	if j.Attempt != 1 {
		t.Fatalf("replaced job attempt = %d, want 1 (kept)", j.Attempt)
	}
	err = e.s.Update(e.ctx, func(tx store.Tx) error { return tx.JobDelete(e.ctx, "q", "j", claimed[0].Lease) })
	wantErr(t, "delete with the replaced lease", err, store.ErrConflict)
	again := e.claim(t, "q", now.Add(time.Second), 1)
	if len(again) != 1 || again[0].Attempt != 2 || string(again[0].Payload) != "v2" {
		t.Fatalf("claim after replace = %+v", again)
	}
}

func (e *env) ensureJob(t *testing.T, j store.Job) {
	t.Helper()
	e.update(t, func(tx store.Tx) error { return tx.JobEnsure(e.ctx, &j) })
}

// testJobEnsure: JobEnsure adds a missing job, leaves an unclaimed one
// that is due in time alone, brings a later one forward, and takes a
// claimed one back from its claimer. (That leaving a job alone wakes
// nobody is a driver test: PostgreSQL's wake-ups arrive late and twice.)
func testJobEnsure(t *testing.T, e *env) {
	now := e.clk.Now()
	ch, cancel := e.s.Wake("q")
	defer cancel()
	check := func(what string, due time.Time, payload string) {
		t.Helper()
		j, err := e.getJob(t, "q", "j")
		wantErr(t, what, err, nil)
		if !j.Due.Equal(due) || string(j.Payload) != payload || j.Lease != "" {
			t.Fatalf("%s: job = %+v, want due %v, payload %q, no lease", what, j, due, payload)
		}
	}

	e.ensureJob(t, store.Job{Queue: "q", ID: "j", Due: now, Payload: []byte("v1")})
	waitWake(t, ch, "ensure of a missing job")
	check("ensure of a missing job", now, "v1")

	e.ensureJob(t, store.Job{Queue: "q", ID: "j", Due: now.Add(time.Second), Payload: []byte("v2")})
	check("ensure of a job due in time", now, "v1")

	e.putJobs(t, store.Job{Queue: "q", ID: "j", Due: now.Add(time.Hour), Payload: []byte("v3")})
	waitWake(t, ch, "put")
	e.ensureJob(t, store.Job{Queue: "q", ID: "j", Due: now, Payload: []byte("v4")})
	waitWake(t, ch, "ensure of a later job")
	check("ensure of a later job", now, "v4")

	claimed := e.claim(t, "q", now, 1)
	if len(claimed) != 1 {
		t.Fatalf("claim = %d jobs", len(claimed))
	}
	e.ensureJob(t, store.Job{Queue: "q", ID: "j", Due: now, Payload: []byte("v5")})
	waitWake(t, ch, "ensure of a claimed job")
	check("ensure of a claimed job", now, "v5")
	err := e.s.Update(e.ctx, func(tx store.Tx) error { return tx.JobDelete(e.ctx, "q", "j", claimed[0].Lease) })
	wantErr(t, "delete with the lease ensure dropped", err, store.ErrConflict)
	if again := e.claim(t, "q", now, 1); len(again) != 1 || string(again[0].Payload) != "v5" {
		t.Fatalf("claim after ensure = %+v", again)
	}
}

// testJobPutLeased: a job stored leased comes back with its lease, is no
// claimer's while the lease holds, wakes nobody, is claimed again once the
// lease runs out, and replaces an existing job, claim included.
func testJobPutLeased(t *testing.T, e *env) {
	now := e.clk.Now()
	ch, cancel := e.s.Wake("q")
	defer cancel()
	marker, cancelMarker := e.s.Wake("marker")
	defer cancelMarker()
	j := store.Job{Queue: "q", ID: "j", Due: now, Payload: []byte("v1")}
	e.update(t, func(tx store.Tx) error { return tx.JobPutLeased(e.ctx, &j, lease) })
	if j.Lease == "" || !j.LeaseExpires.Equal(now.Add(lease)) || j.Attempt != 1 {
		t.Fatalf("put leased = %+v, want a lease until %v and attempt 1", j, now.Add(lease))
	}
	got, err := e.getJob(t, "q", "j")
	wantErr(t, "get", err, nil)
	if got.Lease != j.Lease || !got.LeaseExpires.Equal(j.LeaseExpires) || got.Attempt != 1 || string(got.Payload) != "v1" || !got.Due.Equal(now) {
		t.Fatalf("get = %+v, want %+v", got, j)
	}
	// A later commit's wake-up arriving shows an earlier one would have.
	e.putJobs(t, store.Job{Queue: "marker", ID: "m", Due: now})
	waitWake(t, marker, "marker")
	noWake(t, ch, "put leased")
	if claimed := e.claim(t, "q", now, 10); len(claimed) != 0 {
		t.Fatalf("claimed a job stored leased: %+v", claimed)
	}
	if due, ok, err := e.s.JobNextDue(e.ctx, "q"); err != nil || ok {
		t.Fatalf("next due = %v %v %v, want none (the job is leased)", due, ok, err)
	}

	e.clk.Advance(lease)
	again := e.claim(t, "q", now, 10)
	if len(again) != 1 || again[0].Attempt != 2 || again[0].Lease == j.Lease {
		t.Fatalf("claim after the lease ran out = %+v, want j with attempt 2 and a new lease", again)
	}
	err = e.s.Update(e.ctx, func(tx store.Tx) error { return tx.JobDelete(e.ctx, "q", "j", j.Lease) })
	wantErr(t, "delete with the lost lease", err, store.ErrConflict)

	// Putting it leased again replaces payload and claim.
	k := store.Job{Queue: "q", ID: "j", Due: now, Payload: []byte("v2")}
	e.update(t, func(tx store.Tx) error { return tx.JobPutLeased(e.ctx, &k, lease) })
	if k.Attempt != 3 || k.Lease == again[0].Lease {
		t.Fatalf("put leased over a claimed job = %+v, want attempt 3 and a new lease", k)
	}
	err = e.s.Update(e.ctx, func(tx store.Tx) error { return tx.JobDelete(e.ctx, "q", "j", again[0].Lease) })
	wantErr(t, "delete with the replaced claim", err, store.ErrConflict)
	err = e.s.Update(e.ctx, func(tx store.Tx) error { return tx.JobDelete(e.ctx, "q", "j", k.Lease) })
	wantErr(t, "delete with the new lease", err, nil)
}

func testJobDelete(t *testing.T, e *env) {
	now := e.clk.Now()
	e.putJobs(t, store.Job{Queue: "q", ID: "free", Due: now}, store.Job{Queue: "q", ID: "leased", Due: now.Add(-time.Second)})
	claimed := e.claim(t, "q", now.Add(-time.Second), 1)
	if len(claimed) != 1 || claimed[0].ID != "leased" {
		t.Fatalf("claim = %+v", claimed)
	}
	steps := []struct {
		name, id, lease string
		want            error
	}{
		{"unleased job with a lease", "free", "bogus", store.ErrConflict},
		{"leased job with a wrong lease", "leased", "bogus", store.ErrConflict},
		{"unleased job without a lease", "free", "", nil},
		{"leased job without a lease (cancellation)", "leased", "", nil},
		{"missing job", "free", "", store.ErrNotFound},
		{"missing job with a lease", "leased", claimed[0].Lease, store.ErrNotFound},
	}
	for _, st := range steps {
		err := e.s.Update(e.ctx, func(tx store.Tx) error { return tx.JobDelete(e.ctx, "q", st.id, st.lease) })
		wantErr(t, st.name, err, st.want)
	}
}

func testJobNextDue(t *testing.T, e *env) {
	now := e.clk.Now()
	next := func() (time.Time, bool) {
		t.Helper()
		due, ok, err := e.s.JobNextDue(e.ctx, "q")
		wantErr(t, "next due", err, nil)
		return due, ok
	}
	if _, ok := next(); ok {
		t.Fatal("empty queue has a next due job")
	}
	e.putJobs(t,
		store.Job{Queue: "q", ID: "b", Due: now.Add(5 * time.Minute)},
		store.Job{Queue: "q", ID: "a", Due: now.Add(time.Minute)},
		store.Job{Queue: "other", ID: "x", Due: now},
	)
	if due, ok := next(); !ok || !due.Equal(now.Add(time.Minute)) || due.Location() != time.UTC {
		t.Fatalf("next due = %v %v, want %v", due, ok, now.Add(time.Minute))
	}
	if got := jobIDs(e.claim(t, "q", now.Add(time.Minute), 10)); !slices.Equal(got, []string{"a"}) {
		t.Fatalf("claim = %q", got)
	}
	if due, ok := next(); !ok || !due.Equal(now.Add(5*time.Minute)) {
		t.Fatalf("next due with a leased job = %v %v, want %v (leased jobs ignored)", due, ok, now.Add(5*time.Minute))
	}
	e.clk.Advance(lease)
	if due, ok := next(); !ok || !due.Equal(now.Add(time.Minute)) {
		t.Fatalf("next due after the lease ran out = %v %v, want %v", due, ok, now.Add(time.Minute))
	}
}

func testJobConcurrentClaimers(t *testing.T, e *env) {
	const jobs, claimers = 100, 8
	now := e.clk.Now()
	var all []store.Job
	for i := range jobs {
		all = append(all, store.Job{Queue: "q", ID: fmt.Sprintf("j%03d", i), Due: now})
	}
	e.putJobs(t, all...)
	var mu sync.Mutex
	seen := map[string]int{}
	var wg sync.WaitGroup
	for range claimers {
		wg.Go(func() {
			for {
				got, err := e.s.JobClaim(e.ctx, &store.JobClaimParams{Queue: "q", Now: now, Lease: lease, Limit: 3})
				if err != nil {
					t.Errorf("claim: %v", err)
					return
				}
				if len(got) == 0 {
					return
				}
				mu.Lock()
				for _, j := range got {
					seen[j.ID]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(seen) != jobs {
		t.Fatalf("claimed %d distinct jobs, want %d", len(seen), jobs)
	}
	for id, n := range seen {
		if n != 1 {
			t.Fatalf("job %s claimed %d times", id, n)
		}
	}
}
