package asl

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/shoal-dev/shoal/internal/asl/jsonata"
	"github.com/shoal-dev/shoal/internal/asl/jsonpath"
	"github.com/shoal-dev/shoal/internal/asl/value"
)

// stepError is a failure detected while processing a state's data. detail is
// AWS's cause without the "An error occurred while executing the state ..."
// prefix, which needs the state name and event id and is added by fail.
type stepError struct {
	name   string
	detail string
	bare   bool // the detail is the whole cause (task and JSONata errors carry their own wording)
}

func (e *stepError) Error() string { return e.name + ": " + e.detail }

func runtimeErrorf(format string, args ...any) *stepError {
	return &stepError{name: ErrRuntime, detail: fmt.Sprintf(format, args...)}
}

// failure renders a stepError as the Failure AWS records.
func (e *stepError) failure(st *state, env *Env) Failure {
	if e.bare {
		return Failure{Error: e.name, Cause: e.detail}
	}
	return Failure{Error: e.name, Cause: causePrefix(st.name, env) + e.detail}
}

// causePrefix is how AWS opens the cause of a failure it detects itself.
func causePrefix(name string, env *Env) string {
	return "An error occurred while executing the state '" + name + "' (entered at the event id #" +
		strconv.FormatInt(env.EnteredEventID, 10) + "). "
}

// asStepError normalizes the errors evaluation can return.
func asStepError(err error) *stepError {
	var se *stepError
	if errors.As(err, &se) {
		return se
	}
	return jsonataFailure(err)
}

// jsonataFailure maps a JSONata evaluation error to States.QueryEvaluationError.
func jsonataFailure(err error) *stepError {
	var se *stepError
	if errors.As(err, &se) {
		return se
	}
	var ee *jsonata.EvalError
	if errors.As(err, &ee) {
		return &stepError{name: ErrQueryEvaluationError, detail: ee.Cause}
	}
	return &stepError{name: ErrQueryEvaluationError, detail: err.Error()}
}

// prettyJSON renders a value as AWS quotes documents in causes: indented by
// two spaces, HTML characters unescaped. Object keys come out sorted (AWS
// keeps document order; the asl value model has none).
func prettyJSON(v any) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

// applyPath applies InputPath or OutputPath: absent means "$", null means
// the empty object {} (the guide: "If the value of InputPath is null, that
// means that the raw input is discarded, and the effective input for the
// state is an empty JSON object").
func applyPath(o optPath, doc any, env *Env) (any, error) {
	if o.null {
		return map[string]any{}, nil
	}
	if o.path == nil {
		return doc, nil
	}
	v, err := selectPath(o.path, doc, env)
	if err != nil {
		if errors.Is(err, jsonpath.ErrNullInput) {
			return nil, runtimeErrorf("Unable to apply Path transformation to null or empty input.")
		}
		return nil, runtimeErrorf("Invalid path '%s' : No results for path: %s", o.path.Text(), bracketPath(o.path.Text()))
	}
	return v, nil
}

// applyResultPath places result into the raw input as ResultPath says:
// absent or "$" replaces the input, null discards the result.
func applyResultPath(o optPath, input, result any) (any, error) {
	if o.null {
		return input, nil
	}
	if o.path == nil || o.path.IsRoot() {
		return result, nil
	}
	out, err := jsonpath.Set(input, o.path, result)
	if err != nil {
		return nil, &stepError{name: ErrResultPathMatchFailure,
			detail: fmt.Sprintf("Unable to apply ResultPath \"%s\" to input \"%s\"", o.path.Text(), value.Show(input))}
	}
	return out, nil
}

// bracketPath renders a dotted path in Jayway's normalized form
// ($['a']['b'][0]) as AWS quotes it in "No results for path" messages.
func bracketPath(s string) string {
	root := "$"
	rest := strings.TrimPrefix(s, "$")
	var b strings.Builder
	b.WriteString(root)
	for len(rest) > 0 {
		switch rest[0] {
		case '.':
			rest = rest[1:]
			i := strings.IndexAny(rest, ".[")
			if i < 0 {
				i = len(rest)
			}
			b.WriteString("['" + rest[:i] + "']")
			rest = rest[i:]
		case '[':
			i := strings.IndexByte(rest, ']')
			if i < 0 {
				b.WriteString(rest)
				return b.String()
			}
			b.WriteString(rest[:i+1])
			rest = rest[i+1:]
		default:
			b.WriteString(rest)
			return b.String()
		}
	}
	return b.String()
}

func itoa(i int) string { return strconv.Itoa(i) }
