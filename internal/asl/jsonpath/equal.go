package jsonpath

import (
	"encoding/json"
	"math/big"
	"strconv"
)

// Equal reports whether two JSON values are equal: numbers by value (1 and
// 1.0 are equal), objects by members, arrays element by element.
func Equal(a, b any) bool {
	if an, ok := asNumber(a); ok {
		bn, ok := asNumber(b)
		return ok && CompareNumbers(an, bn) == 0
	}
	switch av := a.(type) {
	case nil:
		return b == nil
	case bool:
		bv, ok := b.(bool)
		return ok && av == bv
	case string:
		bv, ok := b.(string)
		return ok && av == bv
	case []any:
		bv, ok := b.([]any)
		if !ok || len(av) != len(bv) {
			return false
		}
		for i := range av {
			if !Equal(av[i], bv[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		bv, ok := b.(map[string]any)
		if !ok || len(av) != len(bv) {
			return false
		}
		for k, x := range av {
			y, ok := bv[k]
			if !ok || !Equal(x, y) {
				return false
			}
		}
		return true
	}
	return false
}

// asNumber accepts json.Number, and also the float64 and int a caller might
// build by hand, as number text.
func asNumber(v any) (json.Number, bool) {
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
