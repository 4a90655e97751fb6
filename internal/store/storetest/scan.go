package storetest

import (
	"fmt"
	"slices"
	"testing"

	"github.com/shoal-dev/shoal/internal/store"
)

var scanTests = []test{
	{"Cases", testScanCases},
	{"Paging", testScanPaging},
}

// scanFixture fills table "t" (and a decoy table "u") for scans. In byte
// order "é" sorts after every ASCII letter.
func scanFixture(t *testing.T, e *env) {
	t.Helper()
	idx := func(kv ...string) map[string]string {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	records := []store.Record{
		{Table: "t", Key: "a", Indexes: idx("color", "red", "size", "S")},
		{Table: "t", Key: "ab", Indexes: idx("color", "blue")},
		{Table: "t", Key: "abc", Indexes: idx("color", "red", "size", "L")},
		{Table: "t", Key: "b", Indexes: idx("color", "green")},
		{Table: "t", Key: "ba", Indexes: idx("color", "red")},
		{Table: "t", Key: "c", Indexes: idx("color", "rose")},
		{Table: "t", Key: "f"},
		{Table: "t", Key: "é1"},
		{Table: "t", Key: "é2", Indexes: idx("color", "é")},
		{Table: "u", Key: "a", Indexes: idx("color", "red")},
		{Table: "u", Key: "abd", Indexes: idx("color", "red")},
	}
	e.update(t, func(tx store.Tx) error {
		for i := range records {
			r := records[i]
			r.Value = []byte("value of " + r.Key)
			if err := tx.RecordInsert(e.ctx, &r); err != nil {
				return err
			}
		}
		return nil
	})
}

func (e *env) scanKeys(t *testing.T, p store.RecordScanParams) []string {
	t.Helper()
	var keys []string
	e.view(t, func(tx store.Tx) error {
		rs, err := tx.RecordScan(e.ctx, &p)
		if err != nil {
			return fmt.Errorf("scan %+v: %w", p, err)
		}
		for _, r := range rs {
			if r.Table != p.Table || r.Version < 1 {
				t.Fatalf("scan of %s returned %+v", p.Table, r)
			}
			if _, ok := r.Indexes[p.Index]; p.Index != "" && !ok {
				t.Fatalf("scan of index %s returned %+v", p.Index, r)
			}
			keys = append(keys, r.Key)
		}
		return nil
	})
	return keys
}

func testScanCases(t *testing.T, e *env) {
	scanFixture(t, e)
	cases := []struct {
		name string
		p    store.RecordScanParams
		want []string
	}{
		{"all", store.RecordScanParams{}, []string{"a", "ab", "abc", "b", "ba", "c", "f", "é1", "é2"}},
		{"prefix", store.RecordScanParams{Prefix: "ab"}, []string{"ab", "abc"}},
		{"prefix b", store.RecordScanParams{Prefix: "b"}, []string{"b", "ba"}},
		{"prefix multibyte", store.RecordScanParams{Prefix: "é"}, []string{"é1", "é2"}},
		{"prefix none", store.RecordScanParams{Prefix: "zz"}, nil},
		{"after", store.RecordScanParams{After: "ab"}, []string{"abc", "b", "ba", "c", "f", "é1", "é2"}},
		{"after absent key", store.RecordScanParams{After: "aa"}, []string{"ab", "abc", "b", "ba", "c", "f", "é1", "é2"}},
		{"after last", store.RecordScanParams{After: "é2"}, nil},
		{"prefix after", store.RecordScanParams{Prefix: "a", After: "a"}, []string{"ab", "abc"}},
		{"prefix after before prefix", store.RecordScanParams{Prefix: "b", After: "a"}, []string{"b", "ba"}},
		{"prefix after past prefix", store.RecordScanParams{Prefix: "a", After: "b"}, nil},
		{"limit", store.RecordScanParams{Limit: 2}, []string{"a", "ab"}},
		{"prefix after limit", store.RecordScanParams{Prefix: "a", After: "ab", Limit: 1}, []string{"abc"}},

		{"index", store.RecordScanParams{Index: "color"}, []string{"ab", "b", "a", "abc", "ba", "c", "é2"}},
		{"index value", store.RecordScanParams{Index: "color", Value: ptr("red")}, []string{"a", "abc", "ba"}},
		{"index value none", store.RecordScanParams{Index: "color", Value: ptr("purple")}, nil},
		{"index value after", store.RecordScanParams{Index: "color", Value: ptr("red"), After: "red\x00a"}, []string{"abc", "ba"}},
		{"index value after last", store.RecordScanParams{Index: "color", Value: ptr("red"), After: "red\x00ba"}, nil},
		{"index value limit", store.RecordScanParams{Index: "color", Value: ptr("red"), Limit: 2}, []string{"a", "abc"}},
		{"index value and prefix", store.RecordScanParams{Index: "color", Value: ptr("red"), Prefix: "r"}, []string{"a", "abc", "ba"}},
		{"index value outside prefix", store.RecordScanParams{Index: "color", Value: ptr("blue"), Prefix: "a"}, nil},
		{"index prefix", store.RecordScanParams{Index: "color", Prefix: "r"}, []string{"a", "abc", "ba", "c"}},
		{"index prefix multibyte", store.RecordScanParams{Index: "color", Prefix: "é"}, []string{"é2"}},
		{"index prefix after", store.RecordScanParams{Index: "color", Prefix: "r", After: "red\x00ba"}, []string{"c"}},
		{"index after", store.RecordScanParams{Index: "color", After: "green\x00b"}, []string{"a", "abc", "ba", "c", "é2"}},
		{"index after absent entry", store.RecordScanParams{Index: "color", After: "red\x00aa"}, []string{"abc", "ba", "c", "é2"}},
		{"index limit", store.RecordScanParams{Index: "color", Limit: 2}, []string{"ab", "b"}},
		{"other index", store.RecordScanParams{Index: "size"}, []string{"abc", "a"}},
		{"missing index", store.RecordScanParams{Index: "shape"}, nil},
	}
	e.view(t, func(tx store.Tx) error {
		rs, err := tx.RecordScan(e.ctx, &store.RecordScanParams{Table: "t", Index: "color", Value: ptr("red")})
		if err != nil {
			return err
		}
		for _, r := range rs {
			if string(r.Value) != "value of "+r.Key || r.Version != 1 || r.Indexes["color"] != "red" {
				t.Errorf("index scan returned %+v", r)
			}
		}
		return nil
	})
	for _, tc := range cases {
		tc.p.Table = "t"
		if got := e.scanKeys(t, tc.p); !slices.Equal(got, tc.want) {
			t.Errorf("%s: scan %+v = %q, want %q", tc.name, tc.p, got, tc.want)
		}
	}
	if got := e.scanKeys(t, store.RecordScanParams{Table: "nope"}); got != nil {
		t.Errorf("empty table: got %q", got)
	}
}

func testScanPaging(t *testing.T, e *env) {
	scanFixture(t, e)
	for _, p := range []store.RecordScanParams{
		{Table: "t"},
		{Table: "t", Prefix: "a"},
		{Table: "t", Index: "color"},
		{Table: "t", Index: "color", Value: ptr("red")},
		{Table: "t", Index: "color", Prefix: "r"},
	} {
		want := e.scanKeys(t, p)
		for _, limit := range []int{1, 2, 3} {
			var got []string
			page := p
			page.Limit = limit
			for {
				var rs []store.Record
				e.view(t, func(tx store.Tx) error {
					var err error
					rs, err = tx.RecordScan(e.ctx, &page)
					return err
				})
				for _, r := range rs {
					got = append(got, r.Key)
				}
				if len(rs) > limit {
					t.Fatalf("scan %+v returned %d records", page, len(rs))
				}
				if len(rs) < limit {
					break
				}
				last := rs[len(rs)-1]
				page.After = last.Key
				if p.Index != "" {
					page.After = last.Indexes[p.Index] + "\x00" + last.Key
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("scan %+v in pages of %d = %q, want %q", p, limit, got, want)
			}
		}
	}
}
