package jsonata

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/shoal-dev/shoal/internal/asl/value"
)

// The typed evaluations below serve the fields whose JSONata result must have
// one type: a Choice rule's Condition, a Wait's Seconds and Timestamp, a Map's
// Items. AWS documents the wording for Items ("returned an unexpected result
// type. Expected 'array', but was 'object' for value: ..."); the others use
// the same shape.

// source names the expression (or literal) for error messages.
func (t *Template) source() string {
	if e, ok := t.root.(exprNode); ok {
		return e.e.src
	}
	if l, ok := t.root.(literal); ok {
		return value.Show(l.v)
	}
	return ""
}

// EvalBool evaluates a Condition, which must yield a boolean.
func (t *Template) EvalBool(b *Bindings) (bool, error) {
	v, err := t.Eval(b)
	if err != nil {
		return false, err
	}
	x, ok := v.(bool)
	if !ok {
		return false, typeError(t.source(), t.field, "boolean", v)
	}
	return x, nil
}

// EvalNumber evaluates a field that must yield a number (MaxConcurrency,
// ToleratedFailurePercentage, TimeoutSeconds, ...).
func (t *Template) EvalNumber(b *Bindings) (float64, error) {
	v, err := t.Eval(b)
	if err != nil {
		return 0, err
	}
	n, ok := v.(json.Number)
	if !ok {
		return 0, typeError(t.source(), t.field, "number", v)
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil {
		return 0, typeError(t.source(), t.field, "number", v)
	}
	return f, nil
}

// MaxWaitSeconds is the largest Seconds a Wait state accepts.
const MaxWaitSeconds = 99999999

// EvalSeconds evaluates a Wait state's Seconds: an integer from 0 to
// MaxWaitSeconds.
func (t *Template) EvalSeconds(b *Bindings) (int64, error) {
	f, err := t.EvalNumber(b)
	if err != nil {
		return 0, err
	}
	if f != math.Trunc(f) || f < 0 || f > MaxWaitSeconds {
		return 0, valueError(t.source(), t.field,
			"Expected a non-negative integer no greater than 99999999", json.Number(formatNumber(f)))
	}
	return int64(f), nil
}

// EvalTimestamp evaluates a Wait state's Timestamp: a string in the RFC 3339
// profile AWS requires (uppercase T and Z).
func (t *Template) EvalTimestamp(b *Bindings) (time.Time, error) {
	v, err := t.Eval(b)
	if err != nil {
		return time.Time{}, err
	}
	s, ok := v.(string)
	if !ok {
		return time.Time{}, typeError(t.source(), t.field, "string", v)
	}
	ts, err := time.Parse(time.RFC3339Nano, s)
	if err != nil || len(s) < 11 || s[10] != 'T' || strings.HasSuffix(s, "z") {
		return time.Time{}, valueError(t.source(), t.field,
			"Expected an RFC3339 timestamp such as 2016-03-14T01:59:00Z", s)
	}
	return ts, nil
}

// EvalArray evaluates a Map state's Items, which must yield an array.
func (t *Template) EvalArray(b *Bindings) ([]any, error) {
	v, err := t.Eval(b)
	if err != nil {
		return nil, err
	}
	a, ok := v.([]any)
	if !ok {
		return nil, typeError(t.source(), t.field, "array", v)
	}
	return a, nil
}
