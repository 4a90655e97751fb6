package intrinsic

import (
	"math"
	"strconv"

	"github.com/shoal-dev/shoal/internal/asl/value"
)

// integer returns v as an int64 when it is a number with no fractional part
// (2 and 2.0 both qualify).
func integer(v any) (int64, bool) {
	n, ok := value.Number(v)
	if !ok {
		return 0, false
	}
	if i, err := strconv.ParseInt(string(n), 10, 64); err == nil {
		return i, true
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil || f != math.Trunc(f) || f < math.MinInt64 || f >= math.MaxInt64 {
		return 0, false
	}
	return int64(f), true
}

// rounded returns v rounded to the nearest integer the way Java's
// Math.round does (halves go up: 2.5 → 3, -2.5 → -2), which the guide
// promises for States.MathAdd and States.MathRandom.
func rounded(v any) (int64, bool) {
	if i, ok := integer(v); ok {
		return i, true
	}
	n, ok := value.Number(v)
	if !ok {
		return 0, false
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil || math.IsNaN(f) {
		return 0, false
	}
	r := math.Floor(f + 0.5)
	if r < math.MinInt64 || r >= math.MaxInt64 {
		return 0, false
	}
	return int64(r), true
}
