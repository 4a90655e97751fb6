package asl

import (
	"testing"

	"github.com/shoal-dev/shoal/internal/asl/value"
)

func TestItemBatcher(t *testing.T) {
	items := []any{"a", "b", "c", "d", "e"}
	for _, tc := range []struct {
		name string
		b    ItemBatcher
		want string
		fail bool
	}{
		{"by count", ItemBatcher{MaxItemsPerBatch: 2},
			`[{"Items":["a","b"]},{"Items":["c","d"]},{"Items":["e"]}]`, false},
		{"with BatchInput", ItemBatcher{MaxItemsPerBatch: 4, BatchInput: map[string]any{"k": "v"}},
			`[{"BatchInput":{"k":"v"},"Items":["a","b","c","d"]},{"BatchInput":{"k":"v"},"Items":["e"]}]`, false},
		// {"Items":["a","b"]} is 20 bytes; a third item makes 24.
		{"by bytes", ItemBatcher{MaxInputBytesPerBatch: 20},
			`[{"Items":["a","b"]},{"Items":["c","d"]},{"Items":["e"]}]`, false},
		{"both limits", ItemBatcher{MaxItemsPerBatch: 1, MaxInputBytesPerBatch: 1000},
			`[{"Items":["a"]},{"Items":["b"]},{"Items":["c"]},{"Items":["d"]},{"Items":["e"]}]`, false},
		{"an item too large", ItemBatcher{MaxInputBytesPerBatch: 14}, ``, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, f := tc.b.Batch(items)
			if tc.fail {
				if f == nil || f.Error != ErrRuntime {
					t.Fatalf("want States.Runtime, got %v %v", got, f)
				}
				return
			}
			if f != nil {
				t.Fatal(f)
			}
			if s := value.Show(got); s != tc.want {
				t.Errorf("got %s\nwant %s", s, tc.want)
			}
		})
	}
}
