package asl

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/shoal-dev/shoal/internal/asl/jsonata"
	"github.com/shoal-dev/shoal/internal/asl/jsonpath"
	"github.com/shoal-dev/shoal/internal/asl/value"
)

// choiceRule is one entry of Choices: a JSONPath boolean expression or a
// JSONata Condition, the state to go to, and what the rule assigns/outputs.
type choiceRule struct {
	cond      *condition
	condition *jsonata.Template
	next      string
	assign    *assigner
	output    *jsonata.Template
}

// condition is a JSONPath Choice expression: And/Or/Not over comparisons.
type condition struct {
	op       string // "And", "Or", "Not", or a comparison operator without "Path"
	kids     []*condition
	variable *jsonpath.Path
	lit      any            // the literal operand
	other    *jsonpath.Path // the operand of a ...Path operator
	pattern  []matchPart    // StringMatches
	ts       time.Time      // Timestamp* literal
}

var comparators = map[string]string{ // operator → operand kind
	"StringEquals": "string", "StringLessThan": "string", "StringGreaterThan": "string",
	"StringLessThanEquals": "string", "StringGreaterThanEquals": "string", "StringMatches": "string",
	"NumericEquals": "number", "NumericLessThan": "number", "NumericGreaterThan": "number",
	"NumericLessThanEquals": "number", "NumericGreaterThanEquals": "number",
	"BooleanEquals":   "boolean",
	"TimestampEquals": "timestamp", "TimestampLessThan": "timestamp", "TimestampGreaterThan": "timestamp",
	"TimestampLessThanEquals": "timestamp", "TimestampGreaterThanEquals": "timestamp",
	"IsNull": "boolean", "IsPresent": "boolean", "IsNumeric": "boolean", "IsString": "boolean",
	"IsBoolean": "boolean", "IsTimestamp": "boolean",
}

// pathComparators are the operators that have a ...Path form.
func hasPathForm(op string) bool {
	return !strings.HasPrefix(op, "Is") && op != "StringMatches"
}

func (c *compiler) choice(st *state, o *object) {
	v, ok := o.m["Choices"]
	if !ok {
		c.ds.schema(o.loc, "These fields are required: [Choices]")
		return
	}
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		o.typeError("Choices", "a non-empty ARRAY")
		return
	}
	for i, x := range list {
		loc := pointer(o.at("Choices"), itoa(i))
		m, ok := x.(map[string]any)
		if !ok {
			c.ds.schema(loc, "The value must be an OBJECT")
			continue
		}
		ro := &object{m: m, loc: loc, ds: c.ds}
		r := &choiceRule{}
		r.next, _ = ro.str("Next", true)
		if ro.has("Assign") {
			r.assign = compileAssign(ro, "Assign", st.ql)
		}
		if st.ql == JSONata {
			unknownFields(ro, []string{"Condition", "Next", "Assign", "Output", "Comment"})
			if !ro.has("Condition") {
				c.ds.schema(loc, "These fields are required: [Condition]")
			} else {
				r.condition = ro.jsonataValue("Condition", "Choices["+itoa(i)+"]/Condition")
			}
			if ro.has("Output") {
				r.output = ro.jsonataValue("Output", "Choices["+itoa(i)+"]/Output")
			}
		} else {
			r.cond = compileCondition(ro, true)
		}
		st.choices = append(st.choices, r)
	}
	st.defaultNext, _ = o.str("Default", false)
}

// compileCondition compiles a JSONPath rule; top says whether it is a
// top-level rule (which takes Next and Assign) or nested in And/Or/Not.
func compileCondition(o *object, top bool) *condition {
	allowed := []string{"Variable", "And", "Or", "Not", "Comment"}
	if top {
		allowed = append(allowed, "Next", "Assign")
	}
	var ops []string
	for _, k := range slices.Sorted(maps.Keys(o.m)) {
		base := strings.TrimSuffix(k, "Path")
		if _, ok := comparators[k]; ok {
			ops = append(ops, k)
			continue
		}
		if _, ok := comparators[base]; ok && hasPathForm(base) {
			ops = append(ops, k)
			continue
		}
		if k == "And" || k == "Or" || k == "Not" {
			ops = append(ops, k)
			continue
		}
		if !contains(allowed, k) {
			o.ds.schema(o.loc, "The field \"%s\" is not supported by Step Functions", k)
		}
	}
	if len(ops) != 1 {
		o.ds.schema(o.loc, "A Choice Rule must have exactly one comparison operator, And, Or or Not")
		return nil
	}
	op := ops[0]
	c := &condition{op: op}
	switch op {
	case "And", "Or":
		if o.has("Variable") {
			o.ds.schema(o.at("Variable"), "The field \"Variable\" cannot be used with %s", op)
		}
		list, ok := o.m[op].([]any)
		if !ok || len(list) == 0 {
			o.typeError(op, "a non-empty ARRAY")
			return nil
		}
		for i, x := range list {
			m, ok := x.(map[string]any)
			if !ok {
				o.ds.schema(pointer(o.at(op), itoa(i)), "The value must be an OBJECT")
				continue
			}
			c.kids = append(c.kids, compileCondition(&object{m: m, loc: pointer(o.at(op), itoa(i)), ds: o.ds}, false))
		}
		return c
	case "Not":
		m, ok := o.m[op].(map[string]any)
		if !ok {
			o.typeError(op, "an OBJECT")
			return nil
		}
		c.kids = []*condition{compileCondition(&object{m: m, loc: o.at(op), ds: o.ds}, false)}
		return c
	}
	if vp, ok := o.refPath("Variable", false, false); ok {
		c.variable = vp.path
	} else if !o.has("Variable") {
		o.ds.schema(o.loc, "These fields are required: [Variable]")
	}
	if _, isBase := comparators[op]; !isBase {
		// a ...Path form
		c.op = strings.TrimSuffix(op, "Path")
		if p, ok := o.refPath(op, false, false); ok {
			c.other = p.path
		}
		return c
	}
	val := o.m[op]
	switch comparators[op] {
	case "string":
		s, ok := val.(string)
		if !ok {
			o.typeError(op, "a STRING")
			return c
		}
		c.lit = s
		if op == "StringMatches" {
			c.pattern = compileMatch(s)
		}
	case "number":
		n, ok := val.(json.Number)
		if !ok {
			o.typeError(op, "a NUMBER")
			return c
		}
		c.lit = n
	case "boolean":
		b, ok := val.(bool)
		if !ok {
			o.typeError(op, "a BOOLEAN")
			return c
		}
		c.lit = b
	case "timestamp":
		s, _ := val.(string)
		t, ok := parseTimestamp(s)
		if !ok {
			o.typeError(op, "a valid timestamp (RFC 3339)")
			return c
		}
		c.lit, c.ts = s, t
	}
	return c
}

// eval evaluates a JSONPath rule against the state's effective input.
func (c *condition) eval(input any, env *Env) (bool, error) {
	if c == nil {
		return false, nil
	}
	switch c.op {
	case "And":
		for _, k := range c.kids {
			ok, err := k.eval(input, env)
			if err != nil || !ok {
				return false, err
			}
		}
		return true, nil
	case "Or":
		for _, k := range c.kids {
			ok, err := k.eval(input, env)
			if err != nil || ok {
				return ok, err
			}
		}
		return false, nil
	case "Not":
		ok, err := c.kids[0].eval(input, env)
		return !ok, err
	}
	v, err := selectPath(c.variable, input, env)
	present := err == nil
	if strings.HasPrefix(c.op, "Is") {
		want := c.lit.(bool)
		if !present {
			// A missing variable is not present, and (this package's choice,
			// the guide being silent) not null, numeric, string, boolean or a
			// timestamp either.
			return !want, nil
		}
		var is bool
		switch c.op {
		case "IsPresent":
			is = true
		case "IsNull":
			is = v == nil
		case "IsNumeric":
			_, is = v.(json.Number)
		case "IsString":
			_, is = v.(string)
		case "IsBoolean":
			_, is = v.(bool)
		case "IsTimestamp":
			s, ok := v.(string)
			_, is = parseTimestamp(s)
			is = is && ok
		}
		return is == want, nil
	}
	if !present {
		return false, runtimeErrorf("Invalid path '%s': The choice state's condition path references an invalid value.", c.variable.Text())
	}
	operand := c.lit
	ts := c.ts
	if c.other != nil {
		operand, err = selectPath(c.other, input, env)
		if err != nil {
			return false, runtimeErrorf("Invalid path '%s': The choice state's condition path references an invalid value.", c.other.Text())
		}
		if strings.HasPrefix(c.op, "Timestamp") {
			s, _ := operand.(string)
			var ok bool
			if ts, ok = parseTimestamp(s); !ok {
				return false, nil
			}
		}
	}
	return compare(c.op, v, operand, ts, c.pattern), nil
}

// compare applies a comparison; operands of the wrong type never match.
func compare(op string, v, operand any, ts time.Time, pattern []matchPart) bool {
	switch {
	case strings.HasPrefix(op, "String"):
		a, ok1 := v.(string)
		b, ok2 := operand.(string)
		if !ok1 || !ok2 {
			return false
		}
		if op == "StringMatches" {
			return matchPattern(pattern, a)
		}
		return ordered(op, strings.Compare(a, b))
	case strings.HasPrefix(op, "Numeric"):
		a, ok1 := v.(json.Number)
		b, ok2 := operand.(json.Number)
		if !ok1 || !ok2 {
			return false
		}
		return ordered(op, value.CompareNumbers(a, b))
	case op == "BooleanEquals":
		a, ok1 := v.(bool)
		b, ok2 := operand.(bool)
		return ok1 && ok2 && a == b
	case strings.HasPrefix(op, "Timestamp"):
		s, ok := v.(string)
		if !ok {
			return false
		}
		a, ok := parseTimestamp(s)
		if !ok {
			return false
		}
		return ordered(op, a.Compare(ts))
	}
	return false
}

func ordered(op string, cmp int) bool {
	switch {
	case strings.HasSuffix(op, "GreaterThanEquals"):
		return cmp >= 0
	case strings.HasSuffix(op, "LessThanEquals"):
		return cmp <= 0
	case strings.HasSuffix(op, "GreaterThan"):
		return cmp > 0
	case strings.HasSuffix(op, "LessThan"):
		return cmp < 0
	default: // Equals
		return cmp == 0
	}
}

// matchPart is a piece of a StringMatches pattern: literal text, or a '*'.
type matchPart struct {
	star bool
	text string
}

// compileMatch splits a StringMatches pattern. '*' matches any run of
// characters; "\*" is a literal asterisk and "\\" a literal backslash (the
// guide's escapes); any other backslash stands for itself.
func compileMatch(p string) []matchPart {
	var parts []matchPart
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			parts = append(parts, matchPart{text: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(p); i++ {
		switch {
		case p[i] == '\\' && i+1 < len(p) && (p[i+1] == '*' || p[i+1] == '\\'):
			lit.WriteByte(p[i+1])
			i++
		case p[i] == '*':
			flush()
			if len(parts) == 0 || !parts[len(parts)-1].star {
				parts = append(parts, matchPart{star: true})
			}
		default:
			lit.WriteByte(p[i])
		}
	}
	flush()
	return parts
}

// matchPattern matches s against the parts. Stars match greedily with one
// resume point, so a match costs O(len(s) × len(parts)), never exponential.
func matchPattern(parts []matchPart, s string) bool {
	pi, si := 0, 0
	starPart, starPos := -1, 0
	for {
		if pi < len(parts) && parts[pi].star {
			starPart, starPos = pi, si
			pi++
			continue
		}
		if pi < len(parts) && strings.HasPrefix(s[si:], parts[pi].text) {
			si += len(parts[pi].text)
			pi++
			if pi == len(parts) && si != len(s) && starPart >= 0 {
				// trailing literal must end the string: retry further on
				pi, starPos = starPart+1, starPos+1
				if starPos > len(s) {
					return false
				}
				si = starPos
			}
			continue
		}
		if pi == len(parts) && si == len(s) {
			return true
		}
		if starPart < 0 || starPos >= len(s) {
			return pi == len(parts) && si == len(s) || (pi == len(parts) && starPart == len(parts)-1)
		}
		starPos++
		pi, si = starPart+1, starPos
	}
}

// parseTimestamp accepts the RFC 3339 profile of ISO 8601 AWS requires:
// an uppercase T between date and time and an uppercase Z when there is no
// numeric offset.
func parseTimestamp(s string) (time.Time, bool) {
	if strings.ContainsAny(s, "tz ") {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}
