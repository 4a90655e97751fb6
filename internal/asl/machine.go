package asl

import (
	"encoding/json"
	"time"

	"github.com/shoal-dev/shoal/internal/asl/intrinsic"
	"github.com/shoal-dev/shoal/internal/asl/jsonata"
	"github.com/shoal-dev/shoal/internal/asl/jsonpath"
)

// QueryLanguage is how a state's fields are written: JSONPath (the default)
// or JSONata.
type QueryLanguage string

// The two query languages.
const (
	JSONPath QueryLanguage = "JSONPath"
	JSONata  QueryLanguage = "JSONata"
)

// StateType is a state's Type field.
type StateType string

// The eight state types.
const (
	TypePass     StateType = "Pass"
	TypeTask     StateType = "Task"
	TypeChoice   StateType = "Choice"
	TypeWait     StateType = "Wait"
	TypeSucceed  StateType = "Succeed"
	TypeFail     StateType = "Fail"
	TypeParallel StateType = "Parallel"
	TypeMap      StateType = "Map"
)

// Machine is a compiled state machine, or one Parallel branch or Map item
// processor. It is immutable and safe for concurrent use.
type Machine struct {
	startAt        string
	comment        string
	version        string
	queryLanguage  QueryLanguage
	timeoutSeconds int64
	states         map[string]*state
	names          []string // sorted
	definition     any      // the decoded definition this machine was compiled from
}

// StartAt is the name of the first state.
func (m *Machine) StartAt() string { return m.startAt }

// Comment is the definition's Comment.
func (m *Machine) Comment() string { return m.comment }

// Version is the definition's Version ("1.0" when given).
func (m *Machine) Version() string { return m.version }

// QueryLanguage is the machine's default query language.
func (m *Machine) QueryLanguage() QueryLanguage { return m.queryLanguage }

// TimeoutSeconds is the execution timeout, 0 when the definition sets none.
func (m *Machine) TimeoutSeconds() int64 { return m.timeoutSeconds }

// StateNames lists the machine's own states (not those inside branches), sorted.
func (m *Machine) StateNames() []string { return append([]string(nil), m.names...) }

// StateType returns the type of the named state.
func (m *Machine) StateType(name string) (StateType, bool) {
	s, ok := m.states[name]
	if !ok {
		return "", false
	}
	return s.typ, true
}

// Definition returns the definition in canonical JSON (keys sorted, no
// insignificant space). Compiling it yields an equivalent Machine.
func (m *Machine) Definition() []byte {
	b, _ := json.Marshal(m.definition)
	return b
}

// Rand is the caller's random source for retry jitter, States.UUID,
// States.MathRandom and JSONata's $random/$uuid. *math/rand/v2.Rand
// satisfies it.
type Rand interface {
	Int64N(n int64) int64
	Uint64() uint64
}

// Env is everything a step sees besides the state's input: the context
// object, the variables in scope, the current time, the random source and the
// id of the StateEntered event (AWS names it in failure causes). An Env is
// used by one step at a time.
type Env struct {
	Context        *Context
	Vars           *Vars
	Now            time.Time
	Rand           Rand
	EnteredEventID int64
	// RetryCounts are the per-retrier attempt counts of the current state
	// entry, as the last *Retry returned them; nil on a fresh entry.
	RetryCounts []int

	ctxValue map[string]any // Context.Value(), made on first use
}

func (e *Env) context() any {
	if e.ctxValue == nil {
		e.ctxValue = e.Context.Value()
	}
	return e.ctxValue
}

func (e *Env) lookup(name string) (any, bool) {
	if e.Vars == nil {
		return nil, false
	}
	return e.Vars.Lookup(name)
}

func (e *Env) intrinsicEnv(input any) *intrinsic.Env {
	var r intrinsic.Random
	if e.Rand != nil {
		r = e.Rand
	}
	return &intrinsic.Env{Input: input, Context: e.context(), Variable: e.lookup, Random: r}
}

// bindings makes the JSONata view: $states and the variables in scope.
func (e *Env) bindings(states map[string]any) *jsonata.Bindings {
	var r jsonata.Rand
	if e.Rand != nil {
		r = e.Rand
	}
	states["context"] = e.context()
	return &jsonata.Bindings{States: states, Vars: e.Vars.all(), Now: e.Now, Rand: r}
}

// state is one compiled state. Fields unused by its type stay zero.
type state struct {
	name string
	loc  string // JSON pointer of the state in the definition
	typ  StateType
	ql   QueryLanguage
	next string
	end  bool

	// JSONPath data flow.
	inputPath      optPath
	outputPath     optPath
	parameters     *payload
	resultSelector *payload
	resultPath     optPath
	result         any
	hasResult      bool

	// JSONata data flow.
	arguments *jsonata.Template
	output    *jsonata.Template

	assign *assigner

	// Task.
	resource    string
	timeout     numberField
	heartbeat   numberField
	credentials *template
	retry       []*retrier
	catch       []*catcher

	// Choice.
	choices     []*choiceRule
	defaultNext string

	// Wait.
	wait *waitSpec

	// Fail.
	errorField *stringField
	causeField *stringField

	// Parallel.
	branches []*Machine

	// Map.
	mapSpec *mapSpec
}

// optPath is InputPath, OutputPath or ResultPath: absent (the default "$"),
// null, or a path.
type optPath struct {
	null bool
	path *jsonpath.Path // nil with null false means "$"
}

// numberField is TimeoutSeconds/HeartbeatSeconds and the Map's limits:
// a constant, a reference path or a JSONata expression.
type numberField struct {
	set  bool
	n    int64
	f    float64
	path *jsonpath.Path
	expr *jsonata.Template
	name string // the field name as written, for messages
}

// stringField is a Fail state's Error or Cause: a constant, a path or
// intrinsic call (ErrorPath/CausePath), or a JSONata template.
type stringField struct {
	lit   string
	path  *jsonpath.Path
	call  *intrinsic.Call
	expr  *jsonata.Template
	field string
}
