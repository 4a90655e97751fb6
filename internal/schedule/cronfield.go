package schedule

import (
	"errors"
	"fmt"
	"math/bits"
	"strconv"
	"strings"
)

// bitset holds the values a cron field allows, value v at bit v-base.
type bitset [4]uint64

func (b *bitset) set(i int)      { b[i>>6] |= 1 << (i & 63) }
func (b *bitset) has(i int) bool { return b[i>>6]&(1<<(i&63)) != 0 }
func (b *bitset) word() uint64   { return b[0] }

// field describes one cron field: its values and the wildcards the table of
// "Cron expressions" allows in it.
type field struct {
	name     string
	min, max int
	base     int      // the value at bit 0: 1970 for years, 0 otherwise
	names    []string // names[i] is value i+1 (JAN=1, SUN=1)
	slash    bool     // "/" allowed
	wrap     bool     // a range may wrap past max ("20-2" hours)
}

var (
	minutesField = field{name: "minutes", min: 0, max: 59, slash: true, wrap: true}
	hoursField   = field{name: "hours", min: 0, max: 23, slash: true, wrap: true}
	domField     = field{name: "day-of-month", min: 1, max: 31, slash: true, wrap: true}
	monthField   = field{name: "month", min: 1, max: 12, slash: true, wrap: true,
		names: []string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}}
	// The day-of-week wildcards are ", - * ? L #": no "/".
	dowField = field{name: "day-of-week", min: 1, max: 7, wrap: true,
		names: []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}}
	// A year range cannot wrap: 2199 is the last year, not before 1970.
	yearField = field{name: "year", min: minYear, max: maxYear, base: minYear, slash: true}
)

const (
	minYear = 1970
	maxYear = 2199
)

// parseSet parses a list of items: "*", "a", "a-b", "a/n", "*/n", "a-b/n".
// A range whose end is below its start wraps, as in the guide's "0/30 20-2
// ? * MON-FRI *" ("between 10:00 pm on the starting day to 2:00 am on the
// following day").
func (f field) parseSet(s string) (bitset, error) {
	var b bitset
	for item := range strings.SplitSeq(s, ",") {
		if err := f.parseItem(item, &b); err != nil {
			return b, fmt.Errorf("%s field %q: %w", f.name, s, err)
		}
	}
	return b, nil
}

func (f field) parseItem(item string, b *bitset) error {
	rng, stepText, stepped := strings.Cut(item, "/")
	step := 1
	if stepped {
		if !f.slash {
			return errors.New(`"/" is not allowed here`)
		}
		n, err := number(stepText)
		// Quartz, whose syntax AWS's cron follows, refuses increments past
		// the field's largest value (60 minutes, 24 hours, ...).
		if err != nil || n < 1 || n > f.max-f.base {
			return fmt.Errorf("bad increment %q", stepText)
		}
		step = n
	}
	lo, hi := f.min, f.max
	switch {
	case rng == "*":
	case strings.Contains(rng, "-"):
		a, z, _ := strings.Cut(rng, "-")
		var err error
		if lo, err = f.value(a); err != nil {
			return err
		}
		if hi, err = f.value(z); err != nil {
			return err
		}
		if hi < lo && !f.wrap {
			return fmt.Errorf("range %q runs backwards", rng)
		}
	default:
		v, err := f.value(rng)
		if err != nil {
			return err
		}
		lo = v
		if !stepped {
			hi = v
		}
	}
	span := f.max - f.min + 1
	length := (hi - lo + span) % span // values after lo, wrapping past max
	for off := 0; off <= length; off += step {
		v := lo + off
		if v > f.max {
			v -= span
		}
		b.set(v - f.base)
	}
	return nil
}

// value parses a number or, in the month and day-of-week fields, a name.
func (f field) value(s string) (int, error) {
	for i, n := range f.names {
		if s == n {
			return i + 1, nil
		}
	}
	v, err := number(s)
	if err != nil || v < f.min || v > f.max {
		return 0, fmt.Errorf("%q is not a value from %d to %d", s, f.min, f.max)
	}
	return v, nil
}

// number parses unsigned decimal digits.
func number(s string) (int, error) {
	if s == "" || len(s) > 4 || strings.TrimLeft(s, "0123456789") != "" {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	return strconv.Atoi(s)
}

// nextBit returns the lowest set bit of mask at or above from, or -1.
func nextBit(mask uint64, from int) int {
	if from >= 64 {
		return -1
	}
	m := mask >> uint(from)
	if m == 0 {
		return -1
	}
	return from + bits.TrailingZeros64(m)
}
