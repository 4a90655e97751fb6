package schedule

import (
	"testing"
	"time"
)

func TestAt(t *testing.T) {
	ny := mustLoad(t, "America/New_York")
	la := mustLoad(t, "America/Los_Angeles")
	tests := []struct {
		expr string
		loc  *time.Location
		want time.Time
	}{
		{"at(2022-11-20T13:00:00)", nil, utc(2022, 11, 20, 13, 0)},
		// The guide's example: 1pm UTC-8 on November 20, 2022.
		{"at(2022-11-20T13:00:00)", la, utc(2022, 11, 20, 21, 0)},
		{"at(2025-06-11T07:00:30)", ny, time.Date(2025, 6, 11, 11, 0, 30, 0, time.UTC)},
		// Repeated by the fall-back: the first occurrence, 01:30 EDT.
		{"at(2025-11-02T01:30:00)", ny, utc(2025, 11, 2, 5, 30)},
		// Skipped by the spring-forward: read with EST, which is 03:30 EDT.
		{"at(2025-03-09T02:30:00)", ny, utc(2025, 3, 9, 7, 30)},
	}
	for _, tt := range tests {
		e, err := Parse(tt.expr)
		if err != nil {
			t.Fatal(err)
		}
		a := e.(At)
		if got := a.Time(tt.loc); !got.Equal(tt.want) {
			t.Errorf("%s in %v = %v, want %v", tt.expr, tt.loc, got, tt.want)
		}
		if got, ok := a.Next(tt.want.Add(-time.Second), tt.loc); !ok || !got.Equal(tt.want) {
			t.Errorf("%s: Next before = %v, %v", tt.expr, got, ok)
		}
		if got, ok := a.Next(tt.want, tt.loc); ok {
			t.Errorf("%s: Next at its own time = %v; want none", tt.expr, got)
		}
	}
}
