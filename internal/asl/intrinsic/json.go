package intrinsic

import (
	"errors"

	"github.com/shoal-dev/shoal/internal/asl/value"
)

// evalStringToJSON is States.StringToJson(s): parse escaped JSON text.
func evalStringToJSON(c *Call, args []any, _ *Env) (any, error) {
	s, ok := args[0].(string)
	if !ok {
		return nil, failf(c.Name, "the argument must be a string, but was %s", value.Describe(args[0]))
	}
	v, err := value.Decode([]byte(s))
	if errors.Is(err, value.ErrTrailingData) {
		return nil, failf(c.Name, "the argument is not valid JSON: unexpected text after the value")
	}
	if err != nil {
		return nil, failf(c.Name, "the argument is not valid JSON: %v", err)
	}
	return v, nil
}

// evalJSONToString is States.JsonToString(v): compact JSON text, without
// Go's HTML escaping (Jackson writes <, > and & as they are).
func evalJSONToString(c *Call, args []any, _ *Env) (any, error) {
	s, err := value.Compact(args[0])
	if err != nil {
		return nil, failf(c.Name, "cannot serialise the argument: %v", err)
	}
	return s, nil
}

// evalJSONMerge is States.JsonMerge(a, b, false): a shallow merge where b's
// members win. Step Functions supports only the shallow mode.
func evalJSONMerge(c *Call, args []any, _ *Env) (any, error) {
	a, ok := args[0].(map[string]any)
	if !ok {
		return nil, failf(c.Name, "the first argument must be a JSON object, but was %s", value.Describe(args[0]))
	}
	b, ok := args[1].(map[string]any)
	if !ok {
		return nil, failf(c.Name, "the second argument must be a JSON object, but was %s", value.Describe(args[1]))
	}
	deep, ok := args[2].(bool)
	if !ok {
		return nil, failf(c.Name, "the third argument must be a boolean, but was %s", value.Describe(args[2]))
	}
	if deep {
		return nil, failf(c.Name, "deep merging is not supported; the third argument must be false")
	}
	out := make(map[string]any, len(a)+len(b))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out, nil
}
