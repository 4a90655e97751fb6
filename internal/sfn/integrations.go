package sfn

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/shoal-dev/shoal/internal/asl"
	"github.com/shoal-dev/shoal/internal/asl/value"
	"github.com/shoal-dev/shoal/internal/clock"
	"github.com/shoal-dev/shoal/internal/dispatch"
	"github.com/shoal-dev/shoal/internal/sfn/engine"
)

// Integrations runs Task resources through the dispatch registry, the same
// path HTTP calls take (validation, hooks, CloudTrail), on behalf of the
// execution's role:
//
//   - arn:aws:states:::aws-sdk:<service>:<action> calls any registered
//     operation, Parameters in the SDK's PascalCase;
//   - the optimized integrations (the optimized table) are shaped as AWS
//     shapes them, with the integration patterns each supports;
//   - a Lambda function ARN as the Resource invokes the function with the
//     state's input as its payload.
//
// Anything shoal lacks fails the task with States.TaskFailed and a cause
// saying so — never a silent success.
type Integrations struct {
	Registry *dispatch.Registry
	Clock    clock.Clock
	// HTTP sends HTTP Tasks through EventBridge connections (nil: the
	// HTTP Task fails saying so).
	HTTP HTTPInvoker
}

var _ engine.Invoker = (*Integrations)(nil)

func taskFailed(format string, args ...any) engine.Outcome {
	return engine.Outcome{Failure: &asl.Failure{Error: asl.ErrTaskFailed, Cause: fmt.Sprintf(format, args...)}}
}

// Integration patterns, as Resource suffixes.
const (
	patternRequestResponse = ""
	patternCallback        = ".waitForTaskToken"
	patternSync            = ".sync"
	patternSync2           = ".sync:2"
)

// splitPattern splits an optimized or aws-sdk Resource's action from its
// integration pattern: "startExecution.sync:2" is ("startExecution",
// ".sync:2").
func splitPattern(res string) (action, pattern string) {
	for _, p := range []string{patternCallback, patternSync2, patternSync} {
		if a, ok := strings.CutSuffix(res, p); ok {
			return a, p
		}
	}
	return res, patternRequestResponse
}

// syncPoll is how often a .sync task asks its service whether the job it
// started has ended. AWS does not document its interval; shoal's is short
// enough for a test's manual clock to step through and long enough not to
// busy a real one.
const syncPoll = 5 * time.Second

// Invoke runs one task: its call, or a submitted .sync task's poll.
func (in *Integrations) Invoke(ctx context.Context, x *engine.Execution, t *engine.Task) engine.Outcome {
	caller := dispatch.Caller{
		AccountID: x.Account(), Region: x.Region(), Principal: assumedRole(x.RoleARN, x.Name),
		InvokedBy: "states.amazonaws.com", UserAgent: "states.amazonaws.com",
	}
	if t.Lambda() {
		return in.invokeFunction(ctx, caller, t)
	}
	rtype, res := asl.SplitResource(t.Resource)
	if !strings.HasPrefix(t.Resource, "arn:") || !strings.Contains(t.Resource, ":states:::") {
		return taskFailed("shoal does not run the resource '%s': a Task's Resource is an activity, a Lambda function or an arn:aws:states::: integration", t.Resource)
	}
	action, pattern := splitPattern(res)
	if pattern != patternRequestResponse && t.Token == "" {
		// Only the Standard engine makes task tokens; Express workflows
		// support neither callbacks nor .sync, as on AWS.
		return taskFailed("the integration pattern of '%s' (%s) is not supported by Express workflows", t.Resource, pattern)
	}
	params := decodeJSON(t.Parameters)
	if sdk, ok := strings.CutPrefix(rtype, "aws-sdk:"); ok {
		if pattern == patternSync || pattern == patternSync2 {
			return taskFailed("AWS SDK integrations do not support the .sync pattern ('%s')", t.Resource)
		}
		reg, svc := dispatch.SDKService(sdk)
		return in.call(ctx, caller, reg, dispatch.Pascal(action), svc, params)
	}
	o, ok := optimized[rtype+":"+action]
	if !ok {
		return taskFailed("shoal does not support the service integration '%s' yet", t.Resource)
	}
	if !slices.Contains(o.patterns, pattern) {
		return taskFailed("the integration '%s' does not support the %s pattern", rtype+":"+action, pattern)
	}
	sync := pattern == patternSync || pattern == patternSync2
	if t.Submitted {
		if o.poll == nil {
			return taskFailed("the integration '%s' cannot be polled", rtype+":"+action)
		}
		return o.poll(ctx, in, caller, t)
	}
	p, isObj := params.(map[string]any)
	if !isObj {
		return taskFailed("The Parameters of %s must be a JSON object", rtype+":"+action)
	}
	if o.params != nil {
		o.params(x, p)
	}
	if o.call != nil {
		return o.call(ctx, in, x, p)
	}
	if sync && o.nested {
		ctx = withParentTask(ctx, &engine.Parent{Token: t.Token, JSONData: pattern == patternSync2})
	}
	requestID := in.Registry.NewRequestID()
	out, f := in.invoke(ctx, caller, o.service, o.operation, o.errPrefix, p, requestID)
	if f != nil {
		return *f
	}
	if o.metadata && !sync {
		out = in.withMetadata(out, o, requestID)
	}
	r := result(out)
	if o.result != nil {
		r = o.result(out)
	}
	switch {
	case sync && o.poll != nil:
		r.Poll = syncPoll
	case sync && o.nested:
		r.Await = true
	}
	return r
}

// InProcess reports whether a task's call is served by a service in this
// process (every service the registry has today): the engine then makes it
// inside the step's transaction, so its effect happens exactly once. A
// service that leaves the process (Lambda running a function process, an
// HTTP endpoint) must answer false here once it exists.
func (in *Integrations) InProcess(t *engine.Task) bool {
	if t.Activity() != "" {
		return false
	}
	svc := "lambda"
	if !t.Lambda() {
		if !strings.Contains(t.Resource, ":states:::") {
			return false
		}
		rtype, _ := asl.SplitResource(t.Resource)
		svc = rtype
		if r, ok := strings.CutPrefix(rtype, "aws-sdk:"); ok {
			svc, _ = dispatch.SDKService(r)
		}
	}
	_, ok := in.Registry.Service(svc)
	return ok
}

// assumedRole is the principal an execution calls with: its role, assumed.
func assumedRole(roleARN, session string) string {
	i := strings.Index(roleARN, ":role/")
	if i < 0 {
		return roleARN
	}
	name := roleARN[i+len(":role/"):]
	if j := strings.LastIndexByte(name, '/'); j >= 0 {
		name = name[j+1:]
	}
	return strings.Replace(roleARN[:i], ":iam:", ":sts:", 1) + ":assumed-role/" + name + "/" + session
}

// call invokes service.operation with params and returns its output as the
// task's result.
func (in *Integrations) call(ctx context.Context, caller dispatch.Caller, service, operation, errPrefix string, params any) engine.Outcome {
	out, f := in.invoke(ctx, caller, service, operation, errPrefix, params, in.Registry.NewRequestID())
	if f != nil {
		return *f
	}
	return result(out)
}

// invoke calls service.operation with params (a JSON object or nil) and
// returns its output as JSON in the SDK's member names, or the task's
// failed outcome: a service error is <errPrefix>.<Code>Exception with
// AWS's cause format.
//
// A call that cannot start — shoal lacks the service or the operation, or
// the Parameters do not fit the operation — is a failure with StartFailed
// set: the history shows TaskStartFailed rather than TaskFailed.
func (in *Integrations) invoke(ctx context.Context, caller dispatch.Caller, service, operation, errPrefix string, params any, requestID string) (any, *engine.Outcome) {
	notStarted := func(errName, format string, args ...any) *engine.Outcome {
		return &engine.Outcome{Failure: &asl.Failure{Error: errName, Cause: fmt.Sprintf(format, args...)}, StartFailed: true}
	}
	if _, ok := in.Registry.Service(service); !ok {
		return nil, notStarted(asl.ErrTaskFailed, "shoal does not implement the service '%s' yet, so %s:%s cannot run", service, service, operation)
	}
	op, ok := in.Registry.Op(service, operation)
	if !ok {
		return nil, notStarted(asl.ErrTaskFailed, "shoal's %s does not implement the operation %s yet", service, operation)
	}
	inV := op.New()
	if params != nil {
		if _, isObj := params.(map[string]any); !isObj {
			return nil, notStarted(asl.ErrTaskFailed, "The Parameters of %s:%s must be a JSON object", service, operation)
		}
		// Strict, with blobs as text: see dispatch.DecodeOptions.
		if err := dispatch.InputFromJSON(params, inV, dispatch.DecodeOptions{Strict: true, TextBlobs: true}); err != nil {
			return nil, notStarted(asl.ErrRuntime, "Invalid parameters for %s:%s: %v", service, operation, err)
		}
	}
	out, err := in.Registry.Invoke(ctx, caller, requestID, op, inV)
	if err != nil {
		e, _ := dispatch.AsError(err)
		code := e.Code
		if !strings.HasSuffix(code, "Exception") {
			// AWS names every SDK error with the Exception suffix, even
			// where the service's own code has none (S3.NoSuchKeyException).
			code += "Exception"
		}
		return nil, &engine.Outcome{Failure: &asl.Failure{
			Error: errPrefix + "." + code,
			Cause: fmt.Sprintf("%s (Service: %s, Status Code: %d, Request ID: %s)", e.Message, errPrefix, e.HTTPStatus(), requestID),
		}}
	}
	return dispatch.OutputToJSON(out), nil
}

func result(v any) engine.Outcome {
	s, err := value.Compact(v)
	if err != nil {
		return taskFailed("the result could not be encoded: %v", err)
	}
	return engine.Outcome{Result: json.RawMessage(s)}
}

// decodeJSON decodes Parameters or a Lambda Payload, numbers as
// json.Number; text that is not JSON stays a string.
func decodeJSON(b []byte) any {
	v, err := dispatch.DecodeJSON(b)
	if err != nil {
		return string(b)
	}
	return v
}

// Resource forms CreateStateMachine accepts.
var (
	sdkResource      = regexp.MustCompile(`^arn:aws[a-z-]*:states:::aws-sdk:[a-z0-9]+:[a-z][A-Za-z0-9]*(\.waitForTaskToken)?$`)
	optimizedRsrc    = regexp.MustCompile(`^arn:aws[a-z-]*:states:::[a-z0-9-]+:[a-zA-Z][A-Za-z0-9]*(\.sync(:2)?|\.waitForTaskToken)?$`)
	activityResource = regexp.MustCompile(`^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:activity:[^:]+$`)
	lambdaResource   = regexp.MustCompile(`^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[^:]+(:[^:]+)?$`)
)

// checkResources validates every Task's Resource the way CreateStateMachine
// does, returning the InvalidDefinition message or "". Resources are
// checked for form only: an aws-sdk service shoal does not have yet is
// accepted (the seed's machine must deploy) and fails when it runs.
func (s *Service) checkResources(m *asl.Machine) string {
	var doc any
	if err := json.Unmarshal(m.Definition(), &doc); err != nil {
		return ""
	}
	var diags []asl.Diagnostic
	walkStates(doc, "", func(loc string, st map[string]any) {
		if st["Type"] != "Task" {
			return
		}
		r, ok := st["Resource"].(string)
		if !ok || strings.HasPrefix(r, "{%") {
			return // a JSONata expression is resolved when the state runs
		}
		if (sdkResource.MatchString(r) && s.knownSDKResource(r)) || activityResource.MatchString(r) || lambdaResource.MatchString(r) ||
			(!strings.Contains(r, ":aws-sdk:") && optimizedRsrc.MatchString(r) && supportsPattern(r)) {
			return
		}
		diags = append(diags, asl.Diagnostic{Severity: asl.SeverityError, Code: asl.CodeSchema, Location: loc + "/Resource",
			Message: fmt.Sprintf("The resource provided %s is not recognized. The value is not a valid resource ARN, or the resource is not available in this region.", r)})
	})
	return asl.InvalidDefinitionMessage(diags)
}

// knownSDKResource reports whether an aws-sdk Resource names an AWS SDK
// service, whether or not shoal has it yet (the seed's Glue must deploy),
// or one registered here (tests register stubs): AWS refuses a name that
// is no service.
func (s *Service) knownSDKResource(resource string) bool {
	rtype, _ := asl.SplitResource(resource)
	sdk := strings.TrimPrefix(rtype, "aws-sdk:")
	if dispatch.KnownSDKService(sdk) {
		return true
	}
	reg, _ := dispatch.SDKService(sdk)
	_, ok := s.registry.Service(reg)
	return ok
}

// supportsPattern reports whether an optimized integration shoal knows
// supports the integration pattern a Resource asks for; one shoal does not
// know is taken as written (it fails when it runs).
func supportsPattern(resource string) bool {
	rtype, res := asl.SplitResource(resource)
	action, pattern := splitPattern(res)
	o, ok := optimized[rtype+":"+action]
	return !ok || slices.Contains(o.patterns, pattern)
}

// walkStates calls f for each state of a definition, nested ones included.
func walkStates(doc any, base string, f func(loc string, st map[string]any)) {
	m, ok := doc.(map[string]any)
	if !ok {
		return
	}
	states, _ := m["States"].(map[string]any)
	for name, s := range states {
		st, ok := s.(map[string]any)
		if !ok {
			continue
		}
		loc := base + "/States/" + strings.ReplaceAll(strings.ReplaceAll(name, "~", "~0"), "/", "~1")
		f(loc, st)
		if bs, ok := st["Branches"].([]any); ok {
			for i, b := range bs {
				walkStates(b, fmt.Sprintf("%s/Branches/%d", loc, i), f)
			}
		}
		if p, ok := st["ItemProcessor"]; ok {
			walkStates(p, loc+"/ItemProcessor", f)
		}
		if p, ok := st["Iterator"]; ok {
			walkStates(p, loc+"/Iterator", f)
		}
	}
}
