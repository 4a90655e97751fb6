package storetest

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/shoal-dev/shoal/internal/store"
)

var logTests = []test{
	{"AppendRead", testLogAppendRead},
	{"DeleteAndIndependence", testLogDelete},
	{"ConcurrentAppendsAreGapless", testLogConcurrentAppends},
	{"LongAppend", testLogLongAppend},
	{"PagesAcrossAppends", testLogPages},
}

func (e *env) appendLog(t *testing.T, log string, entries ...string) int64 {
	t.Helper()
	var first int64
	e.update(t, func(tx store.Tx) error {
		data := make([][]byte, len(entries))
		for i, s := range entries {
			data[i] = []byte(s)
		}
		var err error
		first, err = tx.LogAppend(e.ctx, log, data...)
		return err
	})
	return first
}

func (e *env) readLog(t *testing.T, p store.LogReadParams) []string {
	t.Helper()
	var out []string
	e.view(t, func(tx store.Tx) error {
		entries, err := tx.LogRead(e.ctx, &p)
		if err != nil {
			return err
		}
		for _, en := range entries {
			out = append(out, fmt.Sprintf("%d:%s", en.Seq, en.Data))
		}
		return nil
	})
	return out
}

func (e *env) logLen(t *testing.T, log string) int64 {
	t.Helper()
	var n int64
	e.view(t, func(tx store.Tx) error {
		var err error
		n, err = tx.LogLen(e.ctx, log)
		return err
	})
	return n
}

func testLogAppendRead(t *testing.T, e *env) {
	const log = "history/exec-1"
	if n := e.logLen(t, log); n != 0 {
		t.Fatalf("empty log len = %d", n)
	}
	if got := e.readLog(t, store.LogReadParams{Log: log}); got != nil {
		t.Fatalf("empty log read = %q", got)
	}
	if first := e.appendLog(t, log, "a", "b", "c"); first != 1 {
		t.Fatalf("first append at %d, want 1", first)
	}
	if first := e.appendLog(t, log, "d", "e"); first != 4 {
		t.Fatalf("second append at %d, want 4", first)
	}
	// Several appends in one transaction stay gapless too.
	e.update(t, func(tx store.Tx) error {
		for want := int64(6); want <= 7; want++ {
			first, err := tx.LogAppend(e.ctx, log, []byte(string(rune('a'+want-1))))
			if err != nil {
				return err
			}
			if first != want {
				t.Errorf("append in one tx at %d, want %d", first, want)
			}
		}
		n, err := tx.LogLen(e.ctx, log)
		if n != 7 {
			t.Errorf("len inside tx = %d, want 7", n)
		}
		return err
	})
	if n := e.logLen(t, log); n != 7 {
		t.Fatalf("len = %d, want 7", n)
	}
	cases := []struct {
		p    store.LogReadParams
		want []string
	}{
		{store.LogReadParams{}, []string{"1:a", "2:b", "3:c", "4:d", "5:e", "6:f", "7:g"}},
		{store.LogReadParams{After: 2, Limit: 2}, []string{"3:c", "4:d"}},
		{store.LogReadParams{After: 6}, []string{"7:g"}},
		{store.LogReadParams{After: 7}, nil},
		{store.LogReadParams{Limit: 1}, []string{"1:a"}},
		{store.LogReadParams{Reverse: true}, []string{"7:g", "6:f", "5:e", "4:d", "3:c", "2:b", "1:a"}},
		{store.LogReadParams{Reverse: true, Limit: 2}, []string{"7:g", "6:f"}},
		{store.LogReadParams{Reverse: true, After: 4, Limit: 2}, []string{"3:c", "2:b"}},
		{store.LogReadParams{Reverse: true, After: 1}, nil},
	}
	for _, tc := range cases {
		tc.p.Log = log
		if got := e.readLog(t, tc.p); !slices.Equal(got, tc.want) {
			t.Errorf("read %+v = %q, want %q", tc.p, got, tc.want)
		}
	}
}

func testLogDelete(t *testing.T, e *env) {
	e.appendLog(t, "A", "a1", "a2")
	if first := e.appendLog(t, "B", "b1"); first != 1 {
		t.Fatalf("log B starts at %d, want 1", first)
	}
	e.update(t, func(tx store.Tx) error { return tx.LogDelete(e.ctx, "A") })
	if n := e.logLen(t, "A"); n != 0 {
		t.Fatalf("deleted log len = %d", n)
	}
	if got := e.readLog(t, store.LogReadParams{Log: "A"}); got != nil {
		t.Fatalf("deleted log read = %q", got)
	}
	if got := e.readLog(t, store.LogReadParams{Log: "B"}); !slices.Equal(got, []string{"1:b1"}) {
		t.Fatalf("log B = %q after deleting A", got)
	}
	// Deleting a missing log is not an error; a deleted log starts over.
	e.update(t, func(tx store.Tx) error { return tx.LogDelete(e.ctx, "never") })
	if first := e.appendLog(t, "A", "new"); first != 1 {
		t.Fatalf("recreated log starts at %d, want 1", first)
	}
}

func testLogConcurrentAppends(t *testing.T, e *env) {
	const writers, each = 50, 3
	const log = "shared"
	var wg sync.WaitGroup
	firsts := make([]int64, writers)
	for i := range writers {
		wg.Go(func() {
			err := e.s.Update(e.ctx, func(tx store.Tx) error {
				first, err := tx.LogAppend(e.ctx, log, []byte("x"), []byte("y"), []byte("z"))
				firsts[i] = first
				return err
			})
			if err != nil {
				t.Errorf("append %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	if n := e.logLen(t, log); n != writers*each {
		t.Fatalf("len = %d, want %d", n, writers*each)
	}
	slices.Sort(firsts)
	for i, f := range firsts {
		if f != int64(i*each+1) {
			t.Fatalf("appends started at %v: not gapless", firsts)
		}
	}
	entries := e.readLog(t, store.LogReadParams{Log: log})
	if len(entries) != writers*each {
		t.Fatalf("read %d entries, want %d", len(entries), writers*each)
	}
}

// testLogLongAppend appends runs long enough that a driver writing many
// rows per statement has to cut them up, empty entries included.
func testLogLongAppend(t *testing.T, e *env) {
	const log = "history/long"
	var want []string
	seq := int64(0)
	for _, n := range []int{1, 12, 63, 64, 65, 200, 1000} {
		entries := make([]string, n)
		for i := range entries {
			if i%7 != 3 { // every seventh entry is empty
				entries[i] = fmt.Sprintf("e%d.%d", n, i)
			}
			want = append(want, fmt.Sprintf("%d:%s", seq+int64(i)+1, entries[i]))
		}
		if first := e.appendLog(t, log, entries...); first != seq+1 {
			t.Fatalf("append of %d at %d, want %d", n, first, seq+1)
		}
		seq += int64(n)
	}
	if n := e.logLen(t, log); n != seq {
		t.Fatalf("len = %d, want %d", n, seq)
	}
	if got := e.readLog(t, store.LogReadParams{Log: log}); !slices.Equal(got, want) {
		t.Fatalf("read %d entries, want %d; first difference at %d", len(got), len(want), firstDiff(got, want))
	}
}

// testLogPages reads a log page by page from every position, both ways,
// across appends of different lengths and sizes: a driver that stores an
// append as one unit (SQLite keeps runs of entries in one row) must still
// start and stop a page at any entry.
func testLogPages(t *testing.T, e *env) {
	const log = "history/paged"
	big := strings.Repeat("b", 100<<10)
	var all []string
	for _, run := range [][]string{
		{"a1"},
		{"b1", "b2", "b3"},
		{"c1", big, "c3", "", "c5"},
		{big, big},
		{"d1"},
	} {
		e.appendLog(t, log, run...)
		for _, s := range run {
			all = append(all, fmt.Sprintf("%d:%s", len(all)+1, s))
		}
	}
	n := int64(len(all))
	for _, limit := range []int{0, 1, 2, 3, 5} {
		for after := int64(0); after <= n+1; after++ {
			want := all[min(after, n):]
			if limit > 0 && len(want) > limit {
				want = want[:limit]
			}
			if got := e.readLog(t, store.LogReadParams{Log: log, After: after, Limit: limit}); !slices.Equal(got, want) {
				t.Errorf("read after %d limit %d: %d entries, want %d; first difference at %d", after, limit, len(got), len(want), firstDiff(got, want))
			}
			// Backwards from before `after` (the end when 0).
			var back []string
			from := after - 1
			if after == 0 {
				from = n
			}
			for i := min(from, n); i >= 1 && (limit == 0 || len(back) < limit); i-- {
				back = append(back, all[i-1])
			}
			if got := e.readLog(t, store.LogReadParams{Log: log, After: after, Limit: limit, Reverse: true}); !slices.Equal(got, back) {
				t.Errorf("read before %d limit %d: %d entries, want %d; first difference at %d", after, limit, len(got), len(back), firstDiff(got, back))
			}
		}
	}
}

func firstDiff(a, b []string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}
