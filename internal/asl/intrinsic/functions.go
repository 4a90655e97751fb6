package intrinsic

import "strconv"

// function describes one intrinsic: its arity and its implementation, which
// receives the evaluated arguments.
type function struct {
	minArgs, maxArgs int // maxArgs < 0: no upper bound
	eval             func(c *Call, args []any, env *Env) (any, error)
}

func (f *function) arity() string {
	switch {
	case f.maxArgs < 0:
		return "at least " + plural(f.minArgs, "argument")
	case f.minArgs == f.maxArgs:
		return plural(f.minArgs, "argument")
	}
	return strconv.Itoa(f.minArgs) + " to " + plural(f.maxArgs, "argument")
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// functions is the read-only table of every intrinsic Step Functions offers
// in JSONPath states.
var functions = map[string]*function{
	"States.Format":         {1, -1, evalFormat},
	"States.StringToJson":   {1, 1, evalStringToJSON},
	"States.JsonToString":   {1, 1, evalJSONToString},
	"States.Array":          {0, -1, evalArray},
	"States.ArrayPartition": {2, 2, evalArrayPartition},
	"States.ArrayContains":  {2, 2, evalArrayContains},
	"States.ArrayRange":     {3, 3, evalArrayRange},
	"States.ArrayGetItem":   {2, 2, evalArrayGetItem},
	"States.ArrayLength":    {1, 1, evalArrayLength},
	"States.ArrayUnique":    {1, 1, evalArrayUnique},
	"States.Base64Encode":   {1, 1, evalBase64Encode},
	"States.Base64Decode":   {1, 1, evalBase64Decode},
	"States.Hash":           {2, 2, evalHash},
	"States.JsonMerge":      {3, 3, evalJSONMerge},
	"States.MathRandom":     {2, 3, evalMathRandom},
	"States.MathAdd":        {2, 2, evalMathAdd},
	"States.StringSplit":    {2, 2, evalStringSplit},
	"States.UUID":           {0, 0, evalUUID},
}
