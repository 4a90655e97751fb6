package intrinsic

import (
	"strings"

	"github.com/shoal-dev/shoal/internal/asl/value"
)

// evalStringSplit is States.StringSplit(s, delimiters). Like Java's
// StringTokenizer, every character of the second argument is a delimiter
// and empty pieces are dropped: ("a,,b", ",") gives ["a", "b"].
func evalStringSplit(c *Call, args []any, _ *Env) (any, error) {
	s, ok := args[0].(string)
	if !ok {
		return nil, failf(c.Name, "the first argument must be a string, but was %s", value.Describe(args[0]))
	}
	delims, ok := args[1].(string)
	if !ok {
		return nil, failf(c.Name, "the second argument must be a string, but was %s", value.Describe(args[1]))
	}
	fields := strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(delims, r) })
	out := make([]any, len(fields))
	for i, f := range fields {
		out[i] = f
	}
	return out, nil
}
