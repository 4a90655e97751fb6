package jsonata

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"

	"github.com/shoal-dev/shoal/internal/asl/value"
)

// null is how the library spells JSON null: a typed nil pointer. A plain nil
// interface is "undefined" to it, which would make every null in the input
// vanish (AWS keeps them: {"v": null} stays {"v": null}).
var null = (*any)(nil)

// toLib converts a value of the asl value model (encoding/json with
// UseNumber) into the library's model: float64 numbers and typed-nil nulls.
// It copies containers, so the caller's data is never aliased by evaluation.
func toLib(v any) any { return value.Map(v, toLibScalar) }

func toLibScalar(v any) any {
	switch t := v.(type) {
	case nil:
		return null
	case json.Number:
		f, err := strconv.ParseFloat(string(t), 64)
		if err != nil {
			// Out of float64 range: JavaScript (and so AWS) reads it as ±Infinity;
			// the library cannot carry that, so clamp to the largest finite value.
			if strings.HasPrefix(string(t), "-") {
				return -math.MaxFloat64
			}
			return math.MaxFloat64
		}
		return f
	case int:
		return float64(t)
	case int64:
		return float64(t)
	}
	return v
}

// errUnsupportedResult marks a result JSON cannot hold (a function).
var errUnsupportedResult = fmt.Errorf("unsupported result type")

// fromLib converts a library result back into the asl value model. Numbers
// become json.Number written as JavaScript writes them (AWS evaluates JSONata
// in JavaScript), so 3 stays "3" and 1e21 becomes "1e+21".
func fromLib(v any) (any, error) {
	switch t := v.(type) {
	case nil:
		return nil, nil
	case *any:
		if t == nil {
			return nil, nil
		}
		return fromLib(*t)
	case bool, string:
		return t, nil
	case float64:
		return numberValue(t), nil
	case json.Number:
		return t, nil
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, x := range t {
			y, err := fromLib(x)
			if err != nil {
				return nil, err
			}
			m[k] = y
		}
		return m, nil
	case []any:
		s := make([]any, len(t))
		for i, x := range t {
			y, err := fromLib(x)
			if err != nil {
				return nil, err
			}
			s[i] = y
		}
		return s, nil
	}
	return fromReflect(reflect.ValueOf(v))
}

// fromReflect handles the typed values library functions return
// ([]string, map[string]string, int, ...).
func fromReflect(rv reflect.Value) (any, error) {
	switch rv.Kind() {
	case reflect.Invalid:
		return nil, nil
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			return nil, nil
		}
		if isCallable(rv) {
			return nil, errUnsupportedResult
		}
		return fromLib(rv.Elem().Interface())
	case reflect.Bool:
		return rv.Bool(), nil
	case reflect.String:
		return rv.String(), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return numberValue(float64(rv.Int())), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return numberValue(float64(rv.Uint())), nil
	case reflect.Float32, reflect.Float64:
		return numberValue(rv.Float()), nil
	case reflect.Slice, reflect.Array:
		s := make([]any, rv.Len())
		for i := range s {
			y, err := fromLib(rv.Index(i).Interface())
			if err != nil {
				return nil, err
			}
			s[i] = y
		}
		return s, nil
	case reflect.Map:
		if rv.Type().Key().Kind() != reflect.String {
			return nil, errUnsupportedResult
		}
		m := make(map[string]any, rv.Len())
		it := rv.MapRange()
		for it.Next() {
			y, err := fromLib(it.Value().Interface())
			if err != nil {
				return nil, err
			}
			m[it.Key().String()] = y
		}
		return m, nil
	case reflect.Struct:
		if isCallable(rv) {
			return nil, errUnsupportedResult
		}
	}
	return nil, errUnsupportedResult
}

// numberValue writes f as JavaScript's Number#toString does. JSON has no
// literal for a non-finite number; AWS writes those as the strings JavaScript
// names them by.
func numberValue(f float64) any {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	return json.Number(formatNumber(f))
}

// formatNumber implements ECMAScript Number::toString(10) for finite f.
func formatNumber(f float64) string {
	if f == 0 {
		return "0" // also -0, as JavaScript prints it
	}
	// Shortest round-tripping digits, as ECMAScript requires.
	e := strconv.FormatFloat(f, 'e', -1, 64) // d.ddddde±xx
	neg := false
	if e[0] == '-' {
		neg = true
		e = e[1:]
	}
	mant, expStr, _ := strings.Cut(e, "e")
	digits := strings.Replace(mant, ".", "", 1)
	exp, _ := strconv.Atoi(expStr)
	k := len(digits)
	n := exp + 1 // value = 0.digits × 10^n
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	switch {
	case k <= n && n <= 21:
		b.WriteString(digits)
		b.WriteString(strings.Repeat("0", n-k))
	case 0 < n && n <= 21:
		b.WriteString(digits[:n])
		b.WriteByte('.')
		b.WriteString(digits[n:])
	case -6 < n && n <= 0:
		b.WriteString("0.")
		b.WriteString(strings.Repeat("0", -n))
		b.WriteString(digits)
	default:
		b.WriteByte(digits[0])
		if k > 1 {
			b.WriteByte('.')
			b.WriteString(digits[1:])
		}
		b.WriteByte('e')
		if n-1 >= 0 {
			b.WriteByte('+')
		}
		b.WriteString(strconv.Itoa(n - 1))
	}
	return b.String()
}
