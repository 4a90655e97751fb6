package sfn

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/shoal-dev/shoal/internal/asl"
	"github.com/shoal-dev/shoal/internal/sfn/engine"
)

// TestState runs one state on an input without a state machine or an
// execution ("Using TestState API to test a state"): a Task calls its
// integration through the registry (or takes the mock), and the answer says
// what the state produced, where it goes next and, at DEBUG and TRACE, the
// data after each step of its input and output processing.
//
// The interpreter (internal/asl) gives only a state's final decision, so
// the intermediate inspectionData values are computed the way the state
// computes them, by running one-step Pass states made of the state's own
// InputPath, Parameters, ResultSelector and ResultPath fields (or its
// JSONata Arguments) on the same input, context and variables.

type TestStateInput struct {
	Definition         string                  `json:"definition" aws:"required,min=1,max=1048576"`
	RoleArn            string                  `json:"roleArn,omitempty" aws:"min=1,max=256"`
	Input              *string                 `json:"input,omitempty" aws:"max=262144"`
	InspectionLevel    string                  `json:"inspectionLevel,omitempty" aws:"enum=INFO|DEBUG|TRACE"`
	RevealSecrets      bool                    `json:"revealSecrets,omitempty"`
	Variables          *string                 `json:"variables,omitempty" aws:"max=262144"`
	StateName          string                  `json:"stateName,omitempty" aws:"min=1,max=80"`
	Mock               *MockInput              `json:"mock,omitempty"`
	Context            *string                 `json:"context,omitempty" aws:"max=262144"`
	StateConfiguration *TestStateConfiguration `json:"stateConfiguration,omitempty"`
}

// MockInput replaces a Task's (or Parallel's, or Map's) work with a result
// or an error.
type MockInput struct {
	Result              *string          `json:"result,omitempty" aws:"max=262144"`
	ErrorOutput         *MockErrorOutput `json:"errorOutput,omitempty"`
	FieldValidationMode string           `json:"fieldValidationMode,omitempty" aws:"enum=STRICT|PRESENT|NONE"`
}

// MockErrorOutput is a mocked failure.
type MockErrorOutput struct {
	Error string `json:"error,omitempty" aws:"max=256"`
	Cause string `json:"cause,omitempty" aws:"max=32768"`
}

// TestStateConfiguration sets up the situation the state is tested in.
type TestStateConfiguration struct {
	RetrierRetryCount        *int32 `json:"retrierRetryCount,omitempty" aws:"min=0"`
	ErrorCausedByState       string `json:"errorCausedByState,omitempty" aws:"min=1,max=80"`
	MapIterationFailureCount *int32 `json:"mapIterationFailureCount,omitempty" aws:"min=0"`
	MapItemReaderData        string `json:"mapItemReaderData,omitempty" aws:"max=262144"`
}

// InspectionErrorDetails says which Retrier or Catcher took the error.
type InspectionErrorDetails struct {
	CatchIndex                  *int32 `json:"catchIndex,omitempty"`
	RetryIndex                  *int32 `json:"retryIndex,omitempty"`
	RetryBackoffIntervalSeconds *int32 `json:"retryBackoffIntervalSeconds,omitempty"`
}

// InspectionData is the state's data after each processing step.
type InspectionData struct {
	Input               string                  `json:"input,omitempty"`
	AfterArguments      string                  `json:"afterArguments,omitempty"`
	AfterInputPath      string                  `json:"afterInputPath,omitempty"`
	AfterParameters     string                  `json:"afterParameters,omitempty"`
	Result              string                  `json:"result,omitempty"`
	AfterResultSelector string                  `json:"afterResultSelector,omitempty"`
	AfterResultPath     string                  `json:"afterResultPath,omitempty"`
	Variables           string                  `json:"variables,omitempty"`
	ErrorDetails        *InspectionErrorDetails `json:"errorDetails,omitempty"`
}

type TestStateOutput struct {
	Output         *string         `json:"output,omitempty"`
	Error          string          `json:"error,omitempty"`
	Cause          string          `json:"cause,omitempty"`
	InspectionData *InspectionData `json:"inspectionData,omitempty"`
	NextState      string          `json:"nextState,omitempty"`
	Status         string          `json:"status,omitempty"`
}

// TestExecutionStatus values.
const (
	testSucceeded   = "SUCCEEDED"
	testFailed      = "FAILED"
	testRetriable   = "RETRIABLE"
	testCaughtError = "CAUGHT_ERROR"
)

// defaultTestStateName names a lone state when the request gives none.
const defaultTestStateName = "TestState"

func (s *Service) TestState(ctx context.Context, in *TestStateInput) (*TestStateOutput, error) {
	if in.RoleArn != "" {
		if err := checkRole(in.RoleArn); err != nil {
			return nil, err
		}
	}
	doc, name, st, err := testStateMachine(in.Definition, in.StateName)
	if err != nil {
		return nil, err
	}
	def, _ := json.Marshal(doc)
	m, err := s.compile(string(def))
	if err != nil {
		return nil, err
	}
	input := "{}"
	if in.Input != nil {
		input = *in.Input
	}
	if !json.Valid([]byte(input)) {
		return nil, errInvalidExecutionInput(strings.TrimSpace(jsonError(input)))
	}
	vars := map[string]any{}
	if in.Variables != nil {
		v, ok := decodeExact([]byte(*in.Variables)).(map[string]any)
		if !ok {
			return nil, errValidation("The variables must be a JSON object")
		}
		vars = v
	}
	var ctxDoc map[string]any
	if in.Context != nil {
		v, ok := decodeExact([]byte(*in.Context)).(map[string]any)
		if !ok {
			return nil, errValidation("The context must be a JSON object")
		}
		ctxDoc = v
	}

	sc := scopeFrom(ctx)
	now := s.clock.Now()
	t := &stateTest{
		s: s, m: m, name: name, st: st, raw: decodeExact([]byte(input)), now: now,
		base: asl.NewVars(vars), ctxDoc: ctxDoc, topQL: doc["QueryLanguage"],
		x: &engine.Execution{
			ARN: sc.executionARN("TestStateMachine", uuid.NewString()), StateMachineARN: sc.machineARN("TestStateMachine"),
			StateMachine: "TestStateMachine", Name: "TestExecution", RoleARN: in.RoleArn, Input: input, StartDate: now, Status: engine.StatusRunning,
		},
	}
	h := fnv.New64a()
	h.Write([]byte(t.x.ARN))
	t.rand = rand.New(rand.NewPCG(h.Sum64(), uint64(now.UnixNano())))
	if in.StateConfiguration != nil && in.StateConfiguration.RetrierRetryCount != nil {
		// The count applies to whichever retrier takes the error.
		retriers, _ := st["Retry"].([]any)
		t.retryCounts = make([]int, len(retriers))
		for i := range t.retryCounts {
			t.retryCounts[i] = int(*in.StateConfiguration.RetrierRetryCount)
		}
	}

	out := &TestStateOutput{}
	d, result, err := t.run(ctx, in.Mock)
	if err != nil {
		return nil, err
	}
	var assigned map[string]any
	var details *InspectionErrorDetails
	switch d := d.(type) {
	case *asl.Next:
		out.Status, out.NextState, out.Output, assigned = testSucceeded, d.State, strPtr(compact(d.Output)), d.Assigned
	case *asl.Succeed:
		out.Status, out.Output, assigned = testSucceeded, strPtr(compact(d.Output)), d.Assigned
	case *asl.Fail:
		out.Status, out.Error, out.Cause = testFailed, d.Error, d.Cause
	case *asl.Catch:
		out.Status, out.NextState, out.Output, assigned = testCaughtError, d.Next, strPtr(compact(d.Output)), d.Assigned
		out.Error, out.Cause = d.Failure.Error, d.Failure.Cause
		details = &InspectionErrorDetails{CatchIndex: i32(d.Catcher)}
	case *asl.Retry:
		out.Status, out.Error, out.Cause = testRetriable, d.Failure.Error, d.Failure.Cause
		details = &InspectionErrorDetails{RetryIndex: i32(d.Retrier), RetryBackoffIntervalSeconds: i32(int(d.After / time.Second))}
	default:
		return nil, fmt.Errorf("sfn: TestState: unexpected decision %T", d)
	}
	if in.InspectionLevel == "DEBUG" || in.InspectionLevel == "TRACE" {
		out.InspectionData = t.inspect(result, out)
		out.InspectionData.ErrorDetails = details
		all := map[string]any{}
		for k, v := range vars {
			all[k] = v
		}
		for k, v := range assigned {
			all[k] = v
		}
		out.InspectionData.Variables = compact(all)
	}
	return out, nil
}

func strPtr(s string) *string { return &s }

func i32(n int) *int32 {
	v := int32(n)
	return &v
}

// testStateMachine makes the machine a TestState definition runs in: a
// whole state machine (stateName picks the state), or one state whose Next
// targets become Succeed states so it validates alone.
func testStateMachine(definition, stateName string) (doc map[string]any, name string, st map[string]any, err error) {
	d, ok := decodeExact([]byte(definition)).(map[string]any)
	if !ok {
		return nil, "", nil, errInvalidDefinition("Invalid State Machine Definition: 'The definition must be a JSON object'")
	}
	if states, ok := d["States"].(map[string]any); ok {
		if stateName == "" {
			return nil, "", nil, errValidation("The stateName must be given when the definition is a state machine")
		}
		st, ok := states[stateName].(map[string]any)
		if !ok {
			return nil, "", nil, errValidation("The state machine definition has no state named '%s'", stateName)
		}
		return d, stateName, st, nil
	}
	name = stateName
	if name == "" {
		name = defaultTestStateName
	}
	states := map[string]any{name: d}
	stub := func(v any) {
		if n, ok := v.(string); ok && n != "" && n != name {
			states[n] = map[string]any{"Type": "Succeed"}
		}
	}
	stub(d["Next"])
	stub(d["Default"])
	for _, key := range []string{"Choices", "Catch"} {
		list, _ := d[key].([]any)
		for _, c := range list {
			if cm, ok := c.(map[string]any); ok {
				stub(cm["Next"])
			}
		}
	}
	return map[string]any{"StartAt": name, "States": states}, name, d, nil
}

// stateTest is one TestState run.
type stateTest struct {
	s           *Service
	m           *asl.Machine
	name        string
	st          map[string]any // the state's definition
	raw         any            // the state's input
	now         time.Time
	base        *asl.Vars
	ctxDoc      map[string]any
	x           *engine.Execution
	rand        *rand.Rand
	retryCounts []int
	topQL       any
}

func (t *stateTest) env() *asl.Env {
	c := &asl.Context{
		Execution:    asl.ExecutionContext{ID: t.x.ARN, Input: t.raw, Name: t.x.Name, RoleArn: t.x.RoleARN, StartTime: t.now},
		State:        asl.StateContext{Name: t.name, EnteredTime: t.now},
		StateMachine: asl.StateMachineContext{ID: t.x.StateMachineARN, Name: t.x.StateMachine},
	}
	applyContext(c, t.ctxDoc)
	// Each evaluation gets its own copy of the variables, so the one-step
	// Pass states of inspect never see each other's assignments.
	vars := asl.NewVars(nil)
	vars.Assign(t.base.Local())
	return &asl.Env{Context: c, Vars: vars, Now: t.now, Rand: t.rand, EnteredEventID: 2, RetryCounts: t.retryCounts}
}

// applyContext lays the request's context object over the defaults, for
// the members asl's context carries.
func applyContext(c *asl.Context, doc map[string]any) {
	str := func(m map[string]any, k string, dst *string) {
		if v, ok := m[k].(string); ok {
			*dst = v
		}
	}
	tm := func(m map[string]any, k string, dst *time.Time) {
		if v, ok := m[k].(string); ok {
			if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
				*dst = t
			}
		}
	}
	num := func(m map[string]any, k string, dst *int) {
		if v, ok := m[k].(json.Number); ok {
			if n, err := v.Int64(); err == nil {
				*dst = int(n)
			}
		}
	}
	if e, ok := doc["Execution"].(map[string]any); ok {
		str(e, "Id", &c.Execution.ID)
		str(e, "Name", &c.Execution.Name)
		str(e, "RoleArn", &c.Execution.RoleArn)
		tm(e, "StartTime", &c.Execution.StartTime)
		num(e, "RedriveCount", &c.Execution.RedriveCount)
		if v, ok := e["Input"]; ok {
			c.Execution.Input = v
		}
	}
	if s, ok := doc["State"].(map[string]any); ok {
		str(s, "Name", &c.State.Name)
		tm(s, "EnteredTime", &c.State.EnteredTime)
		num(s, "RetryCount", &c.State.RetryCount)
	}
	if s, ok := doc["StateMachine"].(map[string]any); ok {
		str(s, "Id", &c.StateMachine.ID)
		str(s, "Name", &c.StateMachine.Name)
	}
	if tk, ok := doc["Task"].(map[string]any); ok {
		c.Task = &asl.TaskContext{}
		str(tk, "Token", &c.Task.Token)
	}
}

// run enters the state and, for a Task (or a mocked Parallel or Map),
// completes it with its work's outcome. result is the work's result, for
// inspection.
func (t *stateTest) run(ctx context.Context, mock *MockInput) (d asl.Decision, result any, err error) {
	d, err = t.m.Enter(t.name, t.raw, t.env())
	if err != nil {
		return nil, nil, err
	}
	switch dd := d.(type) {
	case *asl.Wait:
		// TestState does not wait: it reports where the state goes.
		return dd.Then, nil, nil
	case *asl.RunTask, *asl.RunBranches, *asl.RunMap:
		var o engine.Outcome
		switch {
		case mock != nil && mock.ErrorOutput != nil:
			o.Failure = &asl.Failure{Error: mock.ErrorOutput.Error, Cause: mock.ErrorOutput.Cause}
		case mock != nil && mock.Result != nil:
			if !json.Valid([]byte(*mock.Result)) {
				return nil, nil, errValidation("The mock result must be valid JSON")
			}
			o.Result = json.RawMessage(*mock.Result)
		default:
			rt, ok := dd.(*asl.RunTask)
			if !ok {
				return nil, nil, errValidation("shoal's TestState runs Parallel and Map states only with a mock (mock.result or mock.errorOutput)")
			}
			params, err := json.Marshal(rt.Parameters)
			if err != nil {
				return nil, nil, err
			}
			o = t.s.integrations.Invoke(ctx, t.x, &engine.Task{Resource: rt.Resource, Parameters: params, TimeoutSeconds: rt.TimeoutSeconds, HeartbeatSeconds: rt.HeartbeatSeconds})
		}
		if o.Failure != nil {
			d, err = t.m.TaskFailed(t.name, t.raw, *o.Failure, t.env())
			return d, nil, err
		}
		result = decodeExact(o.Result)
		d, err = t.m.TaskSucceeded(t.name, t.raw, result, t.env())
		return d, result, err
	}
	return d, nil, nil
}

// inspect computes the data after each processing step the state has.
func (t *stateTest) inspect(result any, out *TestStateOutput) *InspectionData {
	data := &InspectionData{Input: compact(t.raw)}
	typ, _ := t.st["Type"].(string)
	ql := t.st["QueryLanguage"]
	if ql == nil {
		ql = t.topQueryLanguage()
	}
	if ql == string(asl.JSONata) {
		if args, ok := t.st["Arguments"]; ok {
			if v, ok := t.pass(map[string]any{"QueryLanguage": ql, "Output": args}, t.raw); ok {
				data.AfterArguments = compact(v)
			}
		}
		if result != nil {
			data.Result = compact(result)
		}
		return data
	}
	step := map[string]any{}
	if p, ok := t.st["InputPath"]; ok {
		step["InputPath"] = p
	}
	if v, ok := t.pass(step, t.raw); ok {
		data.AfterInputPath = compact(v)
	}
	switch typ {
	case "Task", "Parallel", "Map", "Pass":
	default:
		return data
	}
	if p, ok := t.st["Parameters"]; ok {
		step["Parameters"] = p
	}
	if v, ok := t.pass(step, t.raw); ok {
		data.AfterParameters = compact(v)
		if typ == "Pass" {
			result = v
			if r, ok := t.st["Result"]; ok {
				result = r
			}
		}
	}
	if result == nil || out.Status == testFailed || out.Status == testRetriable || out.Status == testCaughtError {
		return data
	}
	data.Result = compact(result)
	selected := result
	if sel, ok := t.st["ResultSelector"]; ok {
		v, ok := t.pass(map[string]any{"Parameters": sel}, result)
		if !ok {
			return data
		}
		selected = v
	}
	data.AfterResultSelector = compact(selected)
	step = map[string]any{"Result": selected}
	if rp, ok := t.st["ResultPath"]; ok {
		step["ResultPath"] = rp
	}
	if v, ok := t.pass(step, t.raw); ok {
		data.AfterResultPath = compact(v)
	}
	return data
}

// topQueryLanguage is the machine's QueryLanguage (a lone state has none).
func (t *stateTest) topQueryLanguage() any { return t.topQL }

// pass runs a one-step Pass state made of fields on input.
func (t *stateTest) pass(fields map[string]any, input any) (any, bool) {
	st := map[string]any{"Type": "Pass", "End": true}
	for k, v := range fields {
		st[k] = v
	}
	def, err := json.Marshal(map[string]any{"StartAt": "S", "States": map[string]any{"S": st}})
	if err != nil {
		return nil, false
	}
	m, diags := asl.Compile(def)
	if m == nil || asl.HasErrors(diags) {
		return nil, false
	}
	d, err := m.Enter("S", input, t.env())
	if err != nil {
		return nil, false
	}
	s, ok := d.(*asl.Succeed)
	if !ok {
		return nil, false
	}
	return s.Output, true
}

// decodeExact decodes with exact numbers, as asl wants them; nil when b
// is not JSON.
func decodeExact(b []byte) any {
	var v any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return nil
	}
	return v
}

func compact(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "null"
	}
	return string(b)
}
