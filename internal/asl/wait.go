package asl

import (
	"encoding/json"
	"time"

	"github.com/shoal-dev/shoal/internal/asl/jsonata"
	"github.com/shoal-dev/shoal/internal/asl/jsonpath"
	"github.com/shoal-dev/shoal/internal/asl/value"
)

// waitSpec is a Wait state's one duration field.
type waitSpec struct {
	seconds       int64
	hasSeconds    bool
	timestamp     time.Time
	hasTimestamp  bool
	secondsPath   *jsonpath.Path
	timestampPath *jsonpath.Path
	secondsExpr   *jsonata.Template
	timestampExpr *jsonata.Template
}

func compileWait(o *object, ql QueryLanguage) *waitSpec {
	w := &waitSpec{}
	n := 0
	for _, k := range []string{"Seconds", "SecondsPath", "Timestamp", "TimestampPath"} {
		if o.has(k) {
			n++
		}
	}
	if n != 1 {
		o.ds.schema(o.loc, "A Wait state must have exactly one of the fields [Seconds, SecondsPath, Timestamp, TimestampPath]")
	}
	if v, ok := o.m["Seconds"]; ok {
		if ql == JSONata && isExpression(v) {
			w.secondsExpr = o.jsonataValue("Seconds", "Seconds")
		} else if s, ok := o.integer("Seconds", 0, jsonata.MaxWaitSeconds); ok {
			w.seconds, w.hasSeconds = s, true
		}
	}
	if v, ok := o.m["Timestamp"]; ok {
		if ql == JSONata && isExpression(v) {
			w.timestampExpr = o.jsonataValue("Timestamp", "Timestamp")
		} else if s, ok := o.str("Timestamp", false); ok {
			if t, ok := parseTimestamp(s); ok {
				w.timestamp, w.hasTimestamp = t, true
			} else {
				o.ds.schema(o.at("Timestamp"), "The value for the field 'Timestamp' must be a valid timestamp (RFC 3339)")
			}
		}
	}
	if p, ok := o.refPath("SecondsPath", false, false); ok {
		w.secondsPath = p.path
	}
	if p, ok := o.refPath("TimestampPath", false, false); ok {
		w.timestampPath = p.path
	}
	return w
}

// until computes when the wait ends. doc is the effective input (JSONPath)
// and states the $states bindings (JSONata).
func (w *waitSpec) until(doc any, states map[string]any, env *Env) (time.Time, error) {
	switch {
	case w.hasSeconds:
		return env.Now.Add(time.Duration(w.seconds) * time.Second), nil
	case w.hasTimestamp:
		return w.timestamp, nil
	case w.secondsExpr != nil:
		s, err := w.secondsExpr.EvalSeconds(env.bindings(states))
		if err != nil {
			return time.Time{}, jsonataFailure(err)
		}
		return env.Now.Add(time.Duration(s) * time.Second), nil
	case w.timestampExpr != nil:
		t, err := w.timestampExpr.EvalTimestamp(env.bindings(states))
		if err != nil {
			return time.Time{}, jsonataFailure(err)
		}
		return t, nil
	case w.secondsPath != nil:
		v, err := selectPath(w.secondsPath, doc, env)
		if err != nil {
			return time.Time{}, runtimeErrorf("Invalid path '%s' : No results for path: %s", w.secondsPath.Text(), bracketPath(w.secondsPath.Text()))
		}
		n, ok := asInteger(v)
		if _, isNum := v.(json.Number); !isNum || !ok || n < 0 || n > jsonata.MaxWaitSeconds {
			return time.Time{}, runtimeErrorf("The SecondsPath parameter does not reference a valid integer: '%s' = %s", w.secondsPath.Text(), value.Show(v))
		}
		return env.Now.Add(time.Duration(n) * time.Second), nil
	case w.timestampPath != nil:
		v, err := selectPath(w.timestampPath, doc, env)
		if err != nil {
			return time.Time{}, runtimeErrorf("Invalid path '%s' : No results for path: %s", w.timestampPath.Text(), bracketPath(w.timestampPath.Text()))
		}
		s, _ := v.(string)
		t, ok := parseTimestamp(s)
		if !ok {
			return time.Time{}, runtimeErrorf("The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: '%s' = %s", w.timestampPath.Text(), value.Show(v))
		}
		return t, nil
	}
	return env.Now, nil
}
