package sfn

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/shoal-dev/shoal/internal/asl"
	"github.com/shoal-dev/shoal/internal/dispatch"
	"github.com/shoal-dev/shoal/internal/sfn/engine"
)

// Integrations runs Task resources through the dispatch registry, the same
// path HTTP calls take (validation, hooks, CloudTrail), on behalf of the
// execution's role:
//
//   - arn:aws:states:::aws-sdk:<service>:<action> calls any registered
//     operation, Parameters in the SDK's PascalCase;
//   - arn:aws:states:::sns:publish and arn:aws:states:::lambda:invoke are the
//     optimized integrations, shaped as AWS shapes them.
//
// Anything shoal lacks fails the task with States.TaskFailed and a cause
// saying so — never a silent success.
type Integrations struct {
	Registry *dispatch.Registry
}

var _ engine.Invoker = (*Integrations)(nil)

func taskFailed(format string, args ...any) engine.Outcome {
	return engine.Outcome{Failure: &asl.Failure{Error: asl.ErrTaskFailed, Cause: fmt.Sprintf(format, args...)}}
}

// Invoke runs one task.
func (in *Integrations) Invoke(ctx context.Context, x *engine.Execution, t *engine.Task) engine.Outcome {
	rtype, res := engine.SplitResource(t.Resource)
	if !strings.HasPrefix(t.Resource, "arn:") || !strings.Contains(t.Resource, ":states:::") {
		return taskFailed("shoal does not run the resource '%s' yet: activities and Lambda function ARNs as a Resource are not supported; use arn:aws:states:::lambda:invoke", t.Resource)
	}
	// .waitForTaskToken makes the same call; the engine then waits for the
	// token (in the Parameters as $$.Task.Token) to come back.
	if strings.HasSuffix(res, ".waitForTaskToken") && t.Token == "" {
		// Only the Standard engine makes task tokens; Express workflows do
		// not support the callback pattern, as on AWS.
		return taskFailed("the integration pattern of '%s' (.waitForTaskToken) is not supported by Express workflows", t.Resource)
	}
	res = strings.TrimSuffix(res, ".waitForTaskToken")
	if strings.Contains(res, ".") {
		return taskFailed("shoal does not support the integration pattern of '%s' yet (only request-response and .waitForTaskToken)", t.Resource)
	}
	params := decodeJSON(t.Parameters)
	caller := dispatch.Caller{
		AccountID: x.Account(), Region: x.Region(), Principal: assumedRole(x.RoleARN, x.Name),
		InvokedBy: "states.amazonaws.com", UserAgent: "states.amazonaws.com",
	}
	switch {
	case strings.HasPrefix(rtype, "aws-sdk:"):
		reg, svc := dispatch.SDKService(strings.TrimPrefix(rtype, "aws-sdk:"))
		return in.call(ctx, caller, reg, dispatch.Pascal(res), svc, params, nil)
	case rtype == "sns" && res == "publish":
		return in.call(ctx, caller, "sns", "Publish", "SNS", params, nil)
	case rtype == "lambda" && res == "invoke":
		return in.call(ctx, caller, "lambda", "Invoke", "Lambda", params, lambdaResult)
	}
	return taskFailed("shoal does not support the service integration '%s' yet", t.Resource)
}

// InProcess reports whether a task's call is served by a service in this
// process (every service the registry has today): the engine then makes it
// inside the step's transaction, so its effect happens exactly once. A
// service that leaves the process (Lambda running a function process, an
// HTTP endpoint) must answer false here once it exists.
func (in *Integrations) InProcess(t *engine.Task) bool {
	if !strings.Contains(t.Resource, ":states:::") || t.Activity() != "" {
		return false
	}
	rtype, _ := engine.SplitResource(t.Resource)
	svc := rtype
	if r, ok := strings.CutPrefix(rtype, "aws-sdk:"); ok {
		svc, _ = dispatch.SDKService(r)
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

// call invokes service.operation with params; shape adapts the output of an
// optimized integration.
func (in *Integrations) call(ctx context.Context, caller dispatch.Caller, service, operation, pascalName string, params any, shape func(any) engine.Outcome) engine.Outcome {
	if _, ok := in.Registry.Service(service); !ok {
		return taskFailed("shoal does not implement the service '%s' yet, so %s:%s cannot run", service, service, operation)
	}
	op, ok := in.Registry.Op(service, operation)
	if !ok {
		return taskFailed("shoal's %s does not implement the operation %s yet", service, operation)
	}
	inV := op.New()
	if params != nil {
		if _, isObj := params.(map[string]any); !isObj {
			return taskFailed("The Parameters of %s:%s must be a JSON object", service, operation)
		}
		// Strict, with blobs as text: see dispatch.DecodeOptions.
		if err := dispatch.InputFromJSON(params, inV, dispatch.DecodeOptions{Strict: true, TextBlobs: true}); err != nil {
			return engine.Outcome{Failure: &asl.Failure{Error: asl.ErrRuntime, Cause: fmt.Sprintf("Invalid parameters for %s:%s: %v", service, operation, err)}}
		}
	}
	requestID := in.Registry.NewRequestID()
	out, err := in.Registry.Invoke(ctx, caller, requestID, op, inV)
	if err != nil {
		e, _ := dispatch.AsError(err)
		code := e.Code
		if !strings.HasSuffix(code, "Exception") {
			// AWS names every SDK error with the Exception suffix, even
			// where the service's own code has none (S3.NoSuchKeyException).
			code += "Exception"
		}
		return engine.Outcome{Failure: &asl.Failure{
			Error: pascalName + "." + code,
			Cause: fmt.Sprintf("%s (Service: %s, Status Code: %d, Request ID: %s)", e.Message, pascalName, e.HTTPStatus(), requestID),
		}}
	}
	v := dispatch.OutputToJSON(out)
	if shape != nil {
		return shape(v)
	}
	return result(v)
}

func result(v any) engine.Outcome {
	b, err := json.Marshal(v)
	if err != nil {
		return taskFailed("the result could not be encoded: %v", err)
	}
	return engine.Outcome{Result: b}
}

// lambdaResult shapes Invoke's output as the optimized integration returns
// it: the Payload parsed as JSON; a function error fails the task with the
// function's errorType (or Lambda.Unknown) and the payload as the cause.
func lambdaResult(v any) engine.Outcome {
	m, _ := v.(map[string]any)
	payload, _ := m["Payload"].(string)
	if fe, _ := m["FunctionError"].(string); fe != "" {
		var p struct {
			ErrorType string `json:"errorType"`
		}
		_ = json.Unmarshal([]byte(payload), &p)
		name := p.ErrorType
		if name == "" {
			name = "Lambda.Unknown"
		}
		return engine.Outcome{Failure: &asl.Failure{Error: name, Cause: payload}}
	}
	if payload != "" {
		m["Payload"] = decodeJSON([]byte(payload))
	}
	if _, ok := m["ExecutedVersion"]; !ok {
		m["ExecutedVersion"] = "$LATEST"
	}
	if _, ok := m["StatusCode"]; !ok {
		m["StatusCode"] = 200
	}
	return result(m)
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
func checkResources(m *asl.Machine) string {
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
		if sdkResource.MatchString(r) || activityResource.MatchString(r) || lambdaResource.MatchString(r) ||
			(!strings.Contains(r, ":aws-sdk:") && optimizedRsrc.MatchString(r)) {
			return
		}
		diags = append(diags, asl.Diagnostic{Severity: asl.SeverityError, Code: asl.CodeSchema, Location: loc + "/Resource",
			Message: fmt.Sprintf("The resource provided %s is not recognized. The value is not a valid resource ARN, or the resource is not available in this region.", r)})
	})
	return asl.InvalidDefinitionMessage(diags)
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
