package value

import (
	"encoding/json"
	"math/big"
	"strconv"
)

// Number returns v as number text if it is a number: a json.Number, or a
// float64, int or int64 built by hand.
func Number(v any) (json.Number, bool) {
	switch n := v.(type) {
	case json.Number:
		return n, true
	case float64:
		return json.Number(strconv.FormatFloat(n, 'g', -1, 64)), true
	case int:
		return json.Number(strconv.Itoa(n)), true
	case int64:
		return json.Number(strconv.FormatInt(n, 10)), true
	}
	return "", false
}

// Int is the number i.
func Int(i int64) json.Number { return json.Number(strconv.FormatInt(i, 10)) }

// CompareNumbers orders two JSON numbers exactly (no float rounding), -1, 0
// or +1. Text that is not a number compares as zero.
func CompareNumbers(a, b json.Number) int {
	if x, err := strconv.ParseInt(string(a), 10, 64); err == nil {
		if y, err := strconv.ParseInt(string(b), 10, 64); err == nil {
			switch {
			case x < y:
				return -1
			case x > y:
				return 1
			}
			return 0
		}
	}
	// Rounding to float64 is monotonic, so distinct floats order the
	// decimals correctly; only a tie needs exact arithmetic.
	if x, err := strconv.ParseFloat(string(a), 64); err == nil {
		if y, err := strconv.ParseFloat(string(b), 64); err == nil && x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	x, _, err1 := big.ParseFloat(string(a), 10, 256, big.ToNearestEven)
	y, _, err2 := big.ParseFloat(string(b), 10, 256, big.ToNearestEven)
	if err1 != nil {
		x = new(big.Float)
	}
	if err2 != nil {
		y = new(big.Float)
	}
	return x.Cmp(y)
}

// ScanNumber returns the JSON number literal at the start of s (RFC 8259:
// an optional minus, digits, an optional fraction and exponent), for the
// parsers of path and intrinsic expressions. ok is false when s does not
// start with one.
func ScanNumber(s string) (n json.Number, ok bool) {
	i := 0
	digits := func() bool {
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i > start
	}
	if i < len(s) && s[i] == '-' {
		i++
	}
	if !digits() {
		return "", false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if !digits() {
			return "", false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if !digits() {
			return "", false
		}
	}
	return json.Number(s[:i]), true
}
