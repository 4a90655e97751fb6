package value

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ErrTrailingData marks a document with more than one value in it.
var ErrTrailingData = errors.New("unexpected data after the value")

// Decode parses one JSON document into the value model. Text after the
// value fails with ErrTrailingData, so callers can word that case
// themselves.
func Decode(data []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := d.Token(); !errors.Is(err, io.EOF) {
		return nil, ErrTrailingData
	}
	return v, nil
}

// Compact renders v as one line of JSON, object keys sorted, without Go's
// HTML escaping (AWS, in Java and JavaScript, writes <, > and & as they are).
func Compact(v any) (string, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return strings.TrimSuffix(buf.String(), "\n"), nil
}

// Show is Compact for messages: a value Compact cannot encode is shown the
// way fmt prints it.
func Show(v any) string {
	s, err := Compact(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return s
}

// Equal reports whether two values are equal: numbers by value (1 and 1.0
// are equal), objects by members, arrays element by element.
func Equal(a, b any) bool {
	if an, ok := Number(a); ok {
		bn, ok := Number(b)
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

// Map copies v's objects and arrays, all the way down, and replaces every
// other value x in it by leaf(x). Evaluators use it to hand out values the
// caller may change without touching the source, converting as they go.
func Map(v any, leaf func(any) any) any {
	switch t := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, x := range t {
			m[k] = Map(x, leaf)
		}
		return m
	case []any:
		s := make([]any, len(t))
		for i, x := range t {
			s[i] = Map(x, leaf)
		}
		return s
	}
	return leaf(v)
}

// Kind is the JSON type of v as AWS names it in messages: "null",
// "boolean", "string", "number", "array" or "object"; for a Go value outside
// the model, its Go type.
func Kind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	if _, ok := Number(v); ok {
		return "number"
	}
	return fmt.Sprintf("%T", v)
}

// Describe is Kind with an article, for prose: "a string", "an object",
// "null".
func Describe(v any) string {
	switch k := Kind(v); k {
	case "null":
		return k
	case "boolean", "string", "number":
		return "a " + k
	case "array", "object":
		return "an " + k
	default:
		return k
	}
}
