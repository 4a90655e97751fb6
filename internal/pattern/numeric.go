package pattern

import (
	"math"
	"slices"
)

// Numbers are compared the way event-ruler's ComparableNumber does: as
// fixed-point values with six digits after the decimal point, within
// -5.0e9..+5.0e9 inclusive. The guide ("Numeric matching") promises 15 digits
// of precision, "or six digits to the right of the decimal point". A number
// outside that range still matches an exact pattern number with the same
// literal text (event-ruler keeps both forms), but never a numeric operator.

const (
	microsPerUnit = 1_000_000
	maxMicros     = 5_000_000_000 * microsPerUnit // 5e9 in micro-units
	snsMaxMicros  = 1_000_000_000 * microsPerUnit // SNS: -1e9..1e9
)

// parseMicros turns the text of a JSON number into micro-units, truncating
// below the sixth decimal toward negative infinity. ok is false for text that
// is not a JSON number or lies outside ±5e9.
func parseMicros(b []byte) (int64, bool) {
	i, n := 0, len(b)
	neg := false
	if i < n && b[i] == '-' {
		neg = true
		i++
	}
	var d uint64 // significant digits
	nd := 0      // significant digits kept
	exp := 0     // value = d * 10^exp
	sticky := false
	digits := 0
	for ; i < n && b[i] >= '0' && b[i] <= '9'; i++ {
		digits++
		if d == 0 && b[i] == '0' {
			continue
		}
		if nd < 19 {
			d = d*10 + uint64(b[i]-'0')
			nd++
		} else {
			exp++
			sticky = sticky || b[i] != '0'
		}
	}
	if digits == 0 {
		return 0, false
	}
	if i < n && b[i] == '.' {
		i++
		fd := 0
		for ; i < n && b[i] >= '0' && b[i] <= '9'; i++ {
			fd++
			if d == 0 && b[i] == '0' {
				exp--
				continue
			}
			if nd < 19 {
				d = d*10 + uint64(b[i]-'0')
				nd++
				exp--
			} else {
				sticky = sticky || b[i] != '0'
			}
		}
		if fd == 0 {
			return 0, false
		}
	}
	if i < n && (b[i] == 'e' || b[i] == 'E') {
		i++
		eneg := false
		if i < n && (b[i] == '+' || b[i] == '-') {
			eneg = b[i] == '-'
			i++
		}
		e, ed := 0, 0
		for ; i < n && b[i] >= '0' && b[i] <= '9'; i++ {
			ed++
			if e < 10000 {
				e = e*10 + int(b[i]-'0')
			}
		}
		if ed == 0 {
			return 0, false
		}
		if eneg {
			e = -e
		}
		exp += e
	}
	if i != n {
		return 0, false
	}
	if d == 0 {
		return 0, true
	}
	// micros = d * 10^(exp+6)
	shift := exp + 6
	var m uint64
	if shift >= 0 {
		if shift > 19 {
			return 0, false
		}
		m = d
		for range shift {
			if m > maxMicros {
				return 0, false
			}
			m *= 10
		}
	} else {
		if -shift > 19 {
			m = 0
			sticky = true
		} else {
			p := uint64(1)
			for range -shift {
				p *= 10
			}
			m = d / p
			sticky = sticky || d%p != 0
		}
	}
	if m > maxMicros {
		return 0, false
	}
	v := int64(m)
	if neg {
		v = -v
		if sticky {
			v-- // floor
		}
		if v < -maxMicros {
			return 0, false
		}
	}
	return v, true
}

// numRange is one {"numeric": [...]} operand: lo/hi in micro-units;
// math.MinInt64 and math.MaxInt64 stand for an open-ended side.
type numRange struct {
	lo, hi         int64
	loOpen, hiOpen bool
}

func (r numRange) contains(v int64) bool {
	if v < r.lo || (r.loOpen && v == r.lo) {
		return false
	}
	if v > r.hi || (r.hiOpen && v == r.hi) {
		return false
	}
	return true
}

func unbounded() numRange { return numRange{lo: math.MinInt64, hi: math.MaxInt64} }

// rangeTree is a centered interval tree: a lookup costs O(log n + matches)
// however many numeric rules share a field.
type rangeTree struct {
	center int64
	byLo   []rangeEntry // ranges containing center, ascending lo
	byHi   []rangeEntry // the same, descending hi
	left   *rangeTree
	right  *rangeTree
}

type rangeEntry struct {
	r      numRange
	target int32
}

func buildRangeTree(es []rangeEntry) *rangeTree {
	if len(es) == 0 {
		return nil
	}
	pts := make([]int64, 0, 2*len(es))
	for _, e := range es {
		pts = append(pts, clampMid(e.r.lo), clampMid(e.r.hi))
	}
	slices.Sort(pts)
	t := &rangeTree{center: pts[len(pts)/2]}
	var l, r []rangeEntry
	for _, e := range es {
		switch {
		case e.r.hi < t.center:
			l = append(l, e)
		case e.r.lo > t.center:
			r = append(r, e)
		default:
			t.byLo = append(t.byLo, e)
		}
	}
	t.byHi = slices.Clone(t.byLo)
	slices.SortFunc(t.byLo, func(a, b rangeEntry) int { return cmpInt(a.r.lo, b.r.lo) })
	slices.SortFunc(t.byHi, func(a, b rangeEntry) int { return cmpInt(b.r.hi, a.r.hi) })
	t.left = buildRangeTree(l)
	t.right = buildRangeTree(r)
	return t
}

func clampMid(v int64) int64 {
	return max(min(v, maxMicros+1), -maxMicros-1)
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// find appends the targets of every range containing v.
func (t *rangeTree) find(v int64, out []int32) []int32 {
	for t != nil {
		switch {
		case v < t.center:
			for _, e := range t.byLo {
				if e.r.lo > v {
					break
				}
				if e.r.contains(v) {
					out = append(out, e.target)
				}
			}
			t = t.left
		case v > t.center:
			for _, e := range t.byHi {
				if e.r.hi < v {
					break
				}
				if e.r.contains(v) {
					out = append(out, e.target)
				}
			}
			t = t.right
		default:
			for _, e := range t.byLo {
				if e.r.contains(v) {
					out = append(out, e.target)
				}
			}
			return out
		}
	}
	return out
}
