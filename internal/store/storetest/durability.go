package storetest

import (
	"slices"
	"testing"

	"github.com/shoal-dev/shoal/internal/store"
)

var durabilityTests = []test{
	{"Reopen", testDurabilityReopen},
}

// testDurabilityReopen closes the store and opens a new one on the same
// location: everything committed is there.
func testDurabilityReopen(t *testing.T, e *env) {
	scanFixture(t, e)
	e.update(t, func(tx store.Tx) error { return writeAll(e, tx, "x") })
	e.appendLog(t, "log/x", "second")
	e.putJobs(t, store.Job{Queue: "timers", ID: "wait", Due: epoch.Add(lease), Payload: []byte("p")})
	wantScan := e.scanKeys(t, store.RecordScanParams{Table: "t", Index: "color"})

	if err := e.s.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	e.s = e.reopen(t)

	if r, l, j := e.hasAll(t, "x"); !r || !l || !j {
		t.Fatalf("after reopen: record %v, log %v, job %v", r, l, j)
	}
	if got := e.scanKeys(t, store.RecordScanParams{Table: "t", Index: "color"}); !slices.Equal(got, wantScan) {
		t.Fatalf("index scan after reopen = %q, want %q", got, wantScan)
	}
	if got := e.readLog(t, store.LogReadParams{Log: "log/x"}); !slices.Equal(got, []string{"1:x", "2:second"}) {
		t.Fatalf("log after reopen = %q", got)
	}
	if first := e.appendLog(t, "log/x", "third"); first != 3 {
		t.Fatalf("append after reopen at %d, want 3", first)
	}
	j, err := e.getJob(t, "timers", "wait")
	wantErr(t, "job after reopen", err, nil)
	if !j.Due.Equal(epoch.Add(lease)) || string(j.Payload) != "p" {
		t.Fatalf("job after reopen = %+v", j)
	}
	if due, ok, err := e.s.JobNextDue(e.ctx, "timers"); err != nil || !ok || !due.Equal(epoch.Add(lease)) {
		t.Fatalf("next due after reopen = %v %v %v", due, ok, err)
	}
}
