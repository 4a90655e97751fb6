package schedule

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// randomCron builds a valid cron expression from the grammar, with the day
// fields' special forms well represented.
func randomCron(r *rand.Rand) string {
	item := func(lo, hi int, names []string, slash bool) string {
		val := func() string {
			v := lo + r.IntN(hi-lo+1)
			if names != nil && r.IntN(2) == 0 {
				return names[v-1]
			}
			return fmt.Sprint(v)
		}
		switch n := r.IntN(6); {
		case n == 0:
			return "*"
		case n == 1 && slash:
			return fmt.Sprintf("%s/%d", val(), 1+r.IntN(hi/2+1))
		case n == 2 && slash:
			return fmt.Sprintf("*/%d", 1+r.IntN(hi/2+1))
		case n == 3:
			return val() + "-" + val() // may wrap
		case n == 4 && slash:
			return fmt.Sprintf("%s-%s/%d", val(), val(), 1+r.IntN(hi/3+1))
		default:
			return val()
		}
	}
	list := func(lo, hi int, names []string, slash bool) string {
		parts := make([]string, 1+r.IntN(3))
		for i := range parts {
			parts[i] = item(lo, hi, names, slash)
		}
		return strings.Join(parts, ",")
	}
	var dom, dow string
	if r.IntN(2) == 0 {
		dow = "?"
		switch r.IntN(6) {
		case 0:
			dom = "L"
		case 1:
			dom = "LW"
		case 2:
			dom = fmt.Sprintf("%dW", 1+r.IntN(31))
		case 3:
			dom = fmt.Sprintf("L-%d", r.IntN(31))
		default:
			dom = list(1, 31, nil, true)
		}
	} else {
		dom = "?"
		switch r.IntN(5) {
		case 0:
			dow = fmt.Sprintf("%d#%d", 1+r.IntN(7), 1+r.IntN(5))
		case 1:
			dow = fmt.Sprintf("%dL", 1+r.IntN(7))
		case 2:
			dow = "L"
		default:
			dow = list(1, 7, refDays, false)
		}
	}
	year := "*"
	if r.IntN(4) == 0 {
		y := 2024 + r.IntN(4)
		year = fmt.Sprintf("%d-%d", y, y+r.IntN(3))
	}
	return fmt.Sprintf("cron(%s %s %s %s %s %s)",
		list(0, 59, nil, true), list(0, 23, nil, true), dom, list(1, 12, refMonths, true), dow, year)
}

// TestCronAgainstReference compares Cron.Next with the naive reference on
// generated expressions, starting near the 2025 DST changes of every fuzz
// zone and at random times.
func TestCronAgainstReference(t *testing.T) {
	n := 300
	if testing.Short() {
		n = 60
	}
	r := rand.New(rand.NewPCG(1, 2))
	zones := make([]*time.Location, len(fuzzZones))
	for i, name := range fuzzZones {
		zones[i] = mustLoad(t, name)
	}
	starts := []time.Time{
		utc(2025, 3, 8, 12, 0), utc(2025, 3, 29, 12, 0), utc(2025, 11, 1, 12, 0),
		utc(2025, 10, 25, 12, 0), utc(2025, 4, 4, 12, 0), utc(2025, 10, 3, 12, 0),
		utc(2024, 2, 27, 0, 0), utc(2027, 12, 30, 0, 0),
	}
	for range n {
		expr := randomCron(r)
		e, err := Parse(expr)
		if err != nil {
			t.Fatalf("generated %q: %v", expr, err)
		}
		if _, err := ParseRule(expr); err != nil {
			t.Fatalf("generated %q: ParseRule: %v", expr, err)
		}
		after := starts[r.IntN(len(starts))]
		if r.IntN(3) == 0 {
			after = utc(2024, 1, 1, 0, 0).Add(time.Duration(r.Int64N(int64(4 * 365 * 24 * time.Hour))))
		}
		checkAgainstReference(t, expr, e, after, zones[r.IntN(len(zones))])
	}
}
