package asl

import (
	"bytes"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/shoal-dev/shoal/internal/asl/value"
)

// Limits the validator enforces.
const (
	// MaxStateNameLength is the longest state name AWS accepts.
	MaxStateNameLength = 80
	// MaxNesting bounds how deeply Parallel and Map states nest. AWS
	// reports TOO_DEEPLY_NESTED without documenting its limit; this value is
	// this package's choice.
	MaxNesting = 20
	// maxBigInt bounds IntervalSeconds, MaxAttempts and the other large integers.
	maxBigInt = 99999999
	// maxDelaySeconds bounds a retrier's MaxDelaySeconds (exclusive).
	maxDelaySeconds = 31622400
)

// Compile parses and validates a state machine definition. On success it
// returns the machine and any WARNING diagnostics; when the definition has
// an ERROR it returns nil and every diagnostic found. It never panics on any
// input.
func Compile(definition []byte) (*Machine, []Diagnostic) {
	ds := &diagnostics{}
	if len(bytes.TrimSpace(definition)) == 0 {
		ds.errorf(CodeMissingDescription, "", "The state machine definition is empty")
		return nil, ds.sorted()
	}
	v, err := value.Decode(definition)
	if errors.Is(err, value.ErrTrailingData) {
		ds.errorf(CodeInvalidJSON, "", "Invalid JSON: unexpected data after the definition")
		return nil, ds.sorted()
	}
	if err != nil {
		ds.errorf(CodeInvalidJSON, "", "Invalid JSON: %s", err.Error())
		return nil, ds.sorted()
	}
	checkDuplicateKeys(definition, ds)
	c := &compiler{ds: ds, names: map[string]bool{}}
	m := c.machine(v, "", JSONPath, 0, machineTop)
	if m != nil && !HasErrors(ds.list) {
		checkScopes(m, nil, ds)
	}
	if HasErrors(ds.list) {
		return nil, ds.sorted()
	}
	return m, ds.sorted()
}

// MustCompile is Compile for definitions known to be valid (tests,
// built-in machines); it panics with the InvalidDefinition message otherwise.
func MustCompile(definition string) *Machine {
	m, diags := Compile([]byte(definition))
	if m == nil {
		panic(InvalidDefinitionMessage(diags))
	}
	return m
}

type machineKind uint8

const (
	machineTop machineKind = iota
	machineBranch
	machineProcessor // ItemProcessor
	machineIterator  // the older Iterator
)

type compiler struct {
	ds    *diagnostics
	names map[string]bool // every state name, branches included: names are unique machine-wide
}

var machineFields = map[machineKind][]string{
	machineTop:       {"StartAt", "States", "Comment", "Version", "TimeoutSeconds", "QueryLanguage"},
	machineBranch:    {"StartAt", "States", "Comment", "QueryLanguage"},
	machineProcessor: {"StartAt", "States", "Comment", "QueryLanguage", "ProcessorConfig"},
	machineIterator:  {"StartAt", "States", "Comment", "QueryLanguage", "ProcessorConfig"},
}

func (c *compiler) machine(v any, loc string, parentQL QueryLanguage, depth int, kind machineKind) *Machine {
	mm, ok := v.(map[string]any)
	if !ok {
		c.ds.schema(loc, "The value must be an OBJECT")
		return nil
	}
	if depth > MaxNesting {
		c.ds.errorf(CodeTooDeeplyNested, loc, "The states are too deeply nested (more than %d levels)", MaxNesting)
		return nil
	}
	o := &object{m: mm, loc: loc, ds: c.ds}
	allowed := machineFields[kind]
	for _, k := range slices.Sorted(maps.Keys(mm)) {
		if !contains(allowed, k) {
			c.ds.schema(loc, "The field \"%s\" is not supported by Step Functions", k)
		}
	}
	m := &Machine{queryLanguage: parentQL, definition: v, states: map[string]*state{}}
	if ql, ok := o.str("QueryLanguage", false); ok {
		switch QueryLanguage(ql) {
		case JSONPath, JSONata:
			if parentQL == JSONata && QueryLanguage(ql) == JSONPath {
				c.ds.schema(o.at("QueryLanguage"), "The QueryLanguage JSONPath cannot be used inside a JSONata state machine")
			}
			m.queryLanguage = QueryLanguage(ql)
		default:
			c.ds.schema(o.at("QueryLanguage"), "The value for the field 'QueryLanguage' must be one of [JSONPath, JSONata]")
		}
	}
	m.comment, _ = o.str("Comment", false)
	if ver, ok := o.str("Version", false); ok {
		m.version = ver
	}
	if n, ok := o.integer("TimeoutSeconds", 1, maxBigInt); ok {
		m.timeoutSeconds = n
	}
	m.startAt, _ = o.str("StartAt", true)
	statesV, ok := mm["States"]
	if !ok {
		c.ds.schema(loc, "These fields are required: [States]")
		return m
	}
	states, ok := statesV.(map[string]any)
	if !ok {
		o.typeError("States", "an OBJECT")
		return m
	}
	if len(states) == 0 {
		c.ds.schema(o.at("States"), "The field 'States' must contain at least one state")
		return m
	}
	statesLoc := pointer(loc, "States")
	m.names = slices.Sorted(maps.Keys(states))
	for _, name := range m.names {
		sloc := pointer(statesLoc, name)
		if c.names[name] {
			c.ds.errorf(CodeDuplicateStateName, sloc, "Duplicate State name: %s", name)
		}
		c.names[name] = true
		if utf8.RuneCountInString(name) > MaxStateNameLength || name == "" {
			c.ds.errorf(CodeInvalidStateName, sloc, "State name must be between 1 and %d characters", MaxStateNameLength)
		}
		if st := c.state(name, states[name], sloc, m.queryLanguage, depth); st != nil {
			m.states[name] = st
		}
	}
	c.checkGraph(m, o, statesLoc)
	return m
}

// checkGraph validates transitions: every target exists, every state is
// reachable from StartAt, and some state ends the machine.
func (c *compiler) checkGraph(m *Machine, o *object, statesLoc string) {
	if m.startAt != "" {
		if _, ok := m.states[m.startAt]; !ok && contains(m.names, m.startAt) == false {
			c.ds.errorf(CodeMissingTarget, o.at("StartAt"), "Missing 'Next' target: %s", m.startAt)
		}
	}
	terminal := false
	for _, name := range m.names {
		st := m.states[name]
		if st == nil {
			continue
		}
		for _, t := range st.targets() {
			if !contains(m.names, t.name) {
				c.ds.errorf(CodeMissingTarget, pointer(statesLoc, name)+t.loc, "Missing 'Next' target: %s", t.name)
			}
		}
		if st.end || st.typ == TypeSucceed || st.typ == TypeFail {
			terminal = true
		}
	}
	if !terminal && len(m.states) == len(m.names) {
		c.ds.errorf(CodeMissingEndState, o.loc, "Workflow has no terminal state")
	}
	// Reachability from StartAt.
	seen := map[string]bool{}
	var walk func(string)
	walk = func(n string) {
		st, ok := m.states[n]
		if !ok || seen[n] {
			return
		}
		seen[n] = true
		for _, t := range st.targets() {
			walk(t.name)
		}
	}
	walk(m.startAt)
	if _, ok := m.states[m.startAt]; !ok {
		return
	}
	for _, name := range m.names {
		if m.states[name] != nil && !seen[name] {
			c.ds.errorf(CodeUnreachableState, pointer(statesLoc, name), "State \"%s\" is not reachable.", name)
		}
	}
}

type target struct{ name, loc string }

// targets lists a state's transitions with their locations relative to it.
func (s *state) targets() []target {
	var ts []target
	if s.next != "" {
		ts = append(ts, target{s.next, "/Next"})
	}
	for i, r := range s.choices {
		ts = append(ts, target{r.next, "/Choices/" + itoa(i) + "/Next"})
	}
	if s.defaultNext != "" {
		ts = append(ts, target{s.defaultNext, "/Default"})
	}
	for i, c := range s.catch {
		ts = append(ts, target{c.next, "/Catch/" + itoa(i) + "/Next"})
	}
	return ts
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// checkDuplicateKeys finds keys repeated in one JSON object, which
// encoding/json silently collapses. A repeated state name is
// DUPLICATE_STATE_NAME; any other repeated key a schema error.
func checkDuplicateKeys(definition []byte, ds *diagnostics) {
	dec := json.NewDecoder(bytes.NewReader(definition))
	dec.UseNumber()
	type frame struct {
		obj  bool
		keys map[string]bool
		loc  string
		key  string // the pending key, for the location of its value
		idx  int
	}
	var stack []*frame
	childLoc := func() string {
		if len(stack) == 0 {
			return ""
		}
		f := stack[len(stack)-1]
		if f.obj {
			return pointer(f.loc, f.key)
		}
		return pointer(f.loc, itoa(f.idx))
	}
	afterValue := func() {
		if len(stack) > 0 {
			f := stack[len(stack)-1]
			if f.obj {
				f.key = ""
			} else {
				f.idx++
			}
		}
	}
	for {
		tok, err := dec.Token()
		if err != nil {
			return
		}
		if len(stack) > 0 {
			f := stack[len(stack)-1]
			if f.obj && f.key == "" {
				if k, ok := tok.(string); ok {
					if f.keys[k] {
						if strings.HasSuffix(f.loc, "/States") {
							ds.errorf(CodeDuplicateStateName, pointer(f.loc, k), "Duplicate State name: %s", k)
						} else {
							ds.schema(pointer(f.loc, k), "The field \"%s\" appears more than once", k)
						}
					}
					f.keys[k] = true
					f.key = k
					continue
				}
			}
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &frame{obj: true, keys: map[string]bool{}, loc: childLoc()})
		case json.Delim('['):
			stack = append(stack, &frame{loc: childLoc()})
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
			afterValue()
		default:
			afterValue()
		}
	}
}
