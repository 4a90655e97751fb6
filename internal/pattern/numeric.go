package pattern

import (
	"encoding/binary"
	"math"
	"math/bits"
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
	if v, ok, done := parseMicrosPlain(b); done {
		return v, ok
	}
	return parseMicrosAny(b)
}

// parseMicrosPlain is parseMicros for the common case, a JSON number
// without exponent of at most ten integer digits (scanNumber). done is false
// for any other text, which parseMicrosAny handles.
func parseMicrosPlain(b []byte) (v int64, ok, done bool) {
	end, v, st := scanNumber(b, 0)
	if end != len(b) || st == numUnknown {
		return 0, false, false
	}
	return v, st == numComparable, true
}

// What scanNumber knows of a number's value (leaf.numSt).
const (
	numUnknown    = 0 // not plain: parseMicros will tell
	numComparable = 1 // within ±5e9: v is its value in micro-units
	numOutOfRange = 2
)

// scanNumber checks the JSON number at b[i:] and returns the index after it
// (or -1). In the same pass it keeps the integer digits and first six
// decimals of a plain number — no exponent, at most ten integer digits — so
// that its value in micro-units (v, when st is numComparable) costs no
// second scan and no division.
func scanNumber(b []byte, i int) (end int, v int64, st uint8) {
	neg := i < len(b) && b[i] == '-'
	if neg {
		i++
	}
	if i >= len(b) {
		return -1, 0, numUnknown
	}
	start := i
	var m uint64
	if b[i] == '0' {
		i++
	} else if b[i] >= '1' && b[i] <= '9' {
		for ; i < len(b); i++ {
			c := b[i] - '0'
			if c > 9 {
				break
			}
			m = m*10 + uint64(c)
		}
	} else {
		return -1, 0, numUnknown
	}
	plain := i-start <= 10
	sticky := false
	decimals := 0
	if i < len(b) && b[i] == '.' {
		i++
		d := i
		if i+8 <= len(b) {
			if w := binary.LittleEndian.Uint64(b[i : i+8]); nonDigits(w) == 0 {
				// Eight decimals at once (GeoJSON coordinates have 14):
				// the first six, shifted up past two '0's, are kept; the
				// last two only tell whether they are zeros.
				m = m*microsPerUnit + eightDigits(w<<16|0x3030)
				decimals, sticky = 6, w>>48 != 0x3030
				i += 8
			}
		}
		for ; i < len(b) && decimals < 6; i++ {
			c := b[i] - '0'
			if c > 9 {
				break
			}
			m = m*10 + uint64(c)
			decimals++
		}
		var nz bool
		i, nz = skipDigits(b, i)
		sticky = sticky || nz
		if i == d {
			return -1, 0, numUnknown
		}
	}
	m *= pow10[6-decimals]
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		plain = false
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		d := i
		if i, _ = skipDigits(b, i); i == d {
			return -1, 0, numUnknown
		}
	}
	if i < len(b) && numberByte[b[i]] { // "01", "1.2.3", "1e5e5", "1-2"
		return -1, 0, numUnknown
	}
	if !plain {
		return i, 0, numUnknown
	}
	if m > maxMicros {
		return i, 0, numOutOfRange
	}
	v = int64(m)
	if neg {
		v = -v
		if sticky {
			v-- // floor
		}
		if v < -maxMicros {
			return i, 0, numOutOfRange
		}
	}
	return i, v, numComparable
}

// skipNumber is scanNumber for a number nobody reads: it only checks it.
func skipNumber(b []byte, i int) int {
	if i < len(b) && b[i] == '-' {
		i++
	}
	if i >= len(b) {
		return -1
	}
	switch c := b[i]; {
	case c == '0':
		i++
	case c >= '1' && c <= '9':
		i, _ = skipDigits(b, i+1)
	default:
		return -1
	}
	if i < len(b) && b[i] == '.' {
		d := i + 1
		if i, _ = skipDigits(b, d); i == d {
			return -1
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		d := i
		if i, _ = skipDigits(b, i); i == d {
			return -1
		}
	}
	if i < len(b) && numberByte[b[i]] {
		return -1
	}
	return i
}

var pow10 = [...]uint64{1, 10, 100, 1000, 10000, 100000, 1000000}

// numberByte tells the bytes that may occur in a JSON number.
var numberByte = [256]bool{
	'0': true, '1': true, '2': true, '3': true, '4': true, '5': true, '6': true, '7': true, '8': true, '9': true,
	'.': true, 'e': true, 'E': true, '-': true, '+': true,
}

// skipDigits returns the end of the run of digits at b[i:] and whether one of
// them is not '0', eight at a time.
func skipDigits(b []byte, i int) (int, bool) {
	nonZero := false
	for ; i+8 <= len(b); i += 8 {
		w := binary.LittleEndian.Uint64(b[i : i+8])
		nd := nonDigits(w)
		if nd == 0 {
			nonZero = nonZero || w != 0x3030303030303030
			continue
		}
		// The digits end in this word, after k of its bytes.
		k := uint(bits.TrailingZeros64(nd)) &^ 7
		low := uint64(1)<<k - 1
		return i + int(k>>3), nonZero || w&low != 0x3030303030303030&low
	}
	for ; i < len(b); i++ {
		c := b[i] - '0'
		if c > 9 {
			break
		}
		nonZero = nonZero || c != 0
	}
	return i, nonZero
}

// nonDigits returns the bytes of w (little-endian) that are not ASCII
// digits, as their high bits. A carry out of a non-digit byte can only
// corrupt the bytes after it, which do not matter to the callers.
func nonDigits(w uint64) uint64 {
	const ones7, highs, hiNibbles, threes, sixes = 0x7f7f7f7f7f7f7f7f, 0x8080808080808080, 0xf0f0f0f0f0f0f0f0, 0x3030303030303030, 0x0606060606060606
	// A digit is 0x30..0x39: its high nibble is 3, and stays 3 after
	// adding 6.
	x := (w&hiNibbles ^ threes) | ((w+sixes)&hiNibbles ^ threes)
	return ((x&ones7 + ones7) | x) & highs
}

// eightDigits returns the value of eight ASCII digits, the first in the
// lowest byte.
func eightDigits(w uint64) uint64 {
	w -= 0x3030303030303030
	w = (w*10 + w>>8) & 0x00ff00ff00ff00ff
	w = (w*100 + w>>16) & 0x0000ffff0000ffff
	return (w*10000 + w>>32) & 0xffffffff
}

// parseMicrosAny is parseMicros for any text.
func parseMicrosAny(b []byte) (int64, bool) {
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
