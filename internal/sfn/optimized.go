package sfn

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/shoal-dev/shoal/internal/asl"
	"github.com/shoal-dev/shoal/internal/dispatch"
	"github.com/shoal-dev/shoal/internal/sfn/engine"
)

// integration is one optimized integration (arn:aws:states:::<key>): the
// operation it calls, the integration patterns it supports and how it
// adapts Parameters and results, per the "Integrating services" pages of
// the Step Functions guide.
type integration struct {
	service, operation string
	// errPrefix names the service in errors: <errPrefix>.<Code>Exception.
	errPrefix string
	patterns  []string
	// params adapts the Parameters (a JSON object) in place before the
	// call: JSON values where the API wants a string, ARNs AWS adds.
	params func(x *engine.Execution, p map[string]any)
	// result shapes the call's output (nil: as the operation returns it).
	result func(out any) engine.Outcome
	// metadata: request-response results carry SdkHttpMetadata and
	// SdkResponseMetadata, as the integrations built on the Java SDK do.
	metadata    bool
	contentType string
	// nested: .sync waits for the execution it starts to report its end.
	nested bool
	// poll asks whether the job a .sync task started has ended.
	poll func(ctx context.Context, in *Integrations, caller dispatch.Caller, t *engine.Task) engine.Outcome
	// call, when set, runs the integration itself instead of an operation
	// of the registry (the HTTP Task leaves the process).
	call func(ctx context.Context, in *Integrations, x *engine.Execution, p map[string]any) engine.Outcome
}

var optimized = map[string]integration{
	"sns:publish": {
		service: "sns", operation: "Publish", errPrefix: "SNS",
		patterns: []string{patternRequestResponse, patternCallback},
		metadata: true, contentType: "text/xml",
	},
	"lambda:invoke": {
		service: "lambda", operation: "Invoke", errPrefix: "Lambda",
		patterns: []string{patternRequestResponse, patternCallback},
		params:   payloadAsText("Payload"),
		result:   lambdaResult,
		metadata: true, contentType: "application/json",
	},
	"states:startExecution": {
		service: "states", operation: "StartExecution", errPrefix: "StepFunctions",
		patterns: []string{patternRequestResponse, patternCallback, patternSync, patternSync2},
		params:   payloadAsText("Input"),
		result:   startExecutionResult,
		metadata: true, contentType: "application/x-amz-json-1.0",
		nested: true,
	},
	"events:putEvents": {
		service: "events", operation: "PutEvents", errPrefix: "EventBridge",
		patterns: []string{patternRequestResponse, patternCallback},
		params:   putEventsParams,
		result:   putEventsResult,
	},
	"sqs:sendMessage": {
		service: "sqs", operation: "SendMessage", errPrefix: "SQS",
		patterns: []string{patternRequestResponse, patternCallback},
		params:   payloadAsText("MessageBody"),
		metadata: true, contentType: "text/xml",
	},
	"http:invoke": {
		patterns: []string{patternRequestResponse},
		call:     invokeHTTP,
	},
	"glue:startJobRun": {
		service: "glue", operation: "StartJobRun", errPrefix: "Glue",
		patterns: []string{patternRequestResponse, patternSync},
		metadata: true, contentType: "application/x-amz-json-1.1",
		poll: pollJobRun,
	},
}

// payloadAsText lets a string member be given as any JSON value, which the
// integration sends as its JSON text (a Lambda Payload, an execution's
// Input, a message body).
func payloadAsText(member string) func(*engine.Execution, map[string]any) {
	return func(_ *engine.Execution, p map[string]any) {
		if v, ok := p[member]; ok {
			if _, isString := v.(string); !isString {
				p[member] = compactJSON(v)
			}
		}
	}
}

func compactJSON(v any) string {
	r := result(v)
	return string(r.Result)
}

// withMetadata adds the SDK's HTTP and response metadata to a
// request-response result.
func (in *Integrations) withMetadata(v any, o integration, requestID string) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	h := map[string]string{
		"Content-Type":     o.contentType,
		"Date":             in.Clock.Now().UTC().Format(http.TimeFormat),
		"x-amzn-RequestId": requestID,
	}
	if ver, ok := m["ExecutedVersion"].(string); ok {
		h["X-Amz-Executed-Version"] = ver // Lambda's header
	}
	all := map[string]any{}
	one := map[string]any{}
	for k, v := range h {
		all[k] = []any{v}
		one[k] = v
	}
	m["SdkHttpMetadata"] = map[string]any{"AllHttpHeaders": all, "HttpHeaders": one, "HttpStatusCode": http.StatusOK}
	m["SdkResponseMetadata"] = map[string]any{"RequestId": requestID}
	return m
}

// lambdaResult shapes Invoke's output as the optimized integration returns
// it: the Payload parsed as JSON; a function error fails the task with the
// function's errorType (or Lambda.Unknown) and the payload as the cause.
func lambdaResult(v any) engine.Outcome {
	m, _ := v.(map[string]any)
	payload, _ := m["Payload"].(string)
	if f := functionError(m, payload); f != nil {
		return engine.Outcome{Failure: f}
	}
	if payload != "" {
		m["Payload"] = decodeJSON([]byte(payload))
	}
	if _, ok := m["ExecutedVersion"]; !ok {
		m["ExecutedVersion"] = "$LATEST"
	}
	if _, ok := m["StatusCode"]; !ok {
		m["StatusCode"] = http.StatusOK
	}
	return result(m)
}

// functionError is the failure of an Invoke whose function failed: its
// errorType names the error (Lambda.Unknown without one), the payload is
// the cause.
func functionError(out map[string]any, payload string) *asl.Failure {
	if fe, _ := out["FunctionError"].(string); fe == "" {
		return nil
	}
	var p struct {
		ErrorType string `json:"errorType"`
	}
	_ = json.Unmarshal([]byte(payload), &p)
	name := p.ErrorType
	if name == "" {
		name = "Lambda.Unknown"
	}
	return &asl.Failure{Error: name, Cause: payload}
}

// invokeFunction runs a Task whose Resource is a Lambda function ARN: the
// effective input is the payload, the function's response the result.
func (in *Integrations) invokeFunction(ctx context.Context, caller dispatch.Caller, t *engine.Task) engine.Outcome {
	params := map[string]any{"FunctionName": t.Resource, "Payload": string(t.Parameters)}
	out, f := in.invoke(ctx, caller, "lambda", "Invoke", "Lambda", params, in.Registry.NewRequestID())
	if f != nil {
		return *f
	}
	m, _ := out.(map[string]any)
	payload, _ := m["Payload"].(string)
	if f := functionError(m, payload); f != nil {
		return engine.Outcome{Failure: f}
	}
	if strings.TrimSpace(payload) == "" {
		payload = "null"
	}
	return result(decodeJSON([]byte(payload)))
}

// startExecutionResult is StartExecution's output with StartDate in epoch
// milliseconds, as the optimized integration returns dates.
func startExecutionResult(out any) engine.Outcome {
	m, _ := out.(map[string]any)
	epochMillis(m, "StartDate")
	return result(m)
}

// epochMillis rewrites a date member from the SDK's ISO form to epoch
// milliseconds.
func epochMillis(m map[string]any, member string) {
	if s, ok := m[member].(string); ok {
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			m[member] = t.UnixMilli()
		}
	}
}

// putEventsParams: each entry's Detail may be a JSON object, and AWS adds
// the execution's and the state machine's ARNs to its Resources.
func putEventsParams(x *engine.Execution, p map[string]any) {
	entries, _ := p["Entries"].([]any)
	for _, e := range entries {
		entry, ok := e.(map[string]any)
		if !ok {
			continue
		}
		if d, ok := entry["Detail"]; ok {
			if _, isString := d.(string); !isString {
				entry["Detail"] = compactJSON(d)
			}
		}
		res, _ := entry["Resources"].([]any)
		entry["Resources"] = append(res, x.ARN, x.StateMachineARN)
	}
}

// putEventsResult fails the task with EventBridge.FailedEntry when any
// entry failed, as the guide says; the response is the cause.
func putEventsResult(out any) engine.Outcome {
	m, _ := out.(map[string]any)
	if n, _ := m["FailedEntryCount"].(json.Number); n != "" && n != "0" {
		return engine.Outcome{Failure: &asl.Failure{Error: "EventBridge.FailedEntry", Cause: compactJSON(m)}}
	}
	return result(m)
}

// pollJobRun is glue:startJobRun.sync's poll: GetJobRun until the run
// ends. A run that succeeded is the result; one that failed, stopped,
// timed out or errored fails the task with States.TaskFailed and the run
// as the cause.
func pollJobRun(ctx context.Context, in *Integrations, caller dispatch.Caller, t *engine.Task) engine.Outcome {
	var started struct {
		JobRunID string `json:"JobRunId"`
	}
	var params struct {
		JobName string `json:"JobName"`
	}
	_ = json.Unmarshal(t.Submission, &started)
	_ = json.Unmarshal(t.Parameters, &params)
	out, f := in.invoke(ctx, caller, "glue", "GetJobRun", "Glue",
		map[string]any{"JobName": params.JobName, "RunId": started.JobRunID}, in.Registry.NewRequestID())
	if f != nil {
		return *f
	}
	m, _ := out.(map[string]any)
	run, _ := m["JobRun"].(map[string]any)
	switch run["JobRunState"] {
	case "SUCCEEDED":
		return result(run)
	case "FAILED", "ERROR", "STOPPED", "TIMEOUT":
		return engine.Outcome{Failure: &asl.Failure{Error: asl.ErrTaskFailed, Cause: compactJSON(run)}}
	}
	return engine.Outcome{Poll: syncPoll}
}

// parentTaskKey carries, from a states:startExecution.sync task to the
// StartExecution it calls, the task that waits for the new execution.
type parentTaskKey struct{}

func withParentTask(ctx context.Context, p *engine.Parent) context.Context {
	return context.WithValue(ctx, parentTaskKey{}, p)
}

func parentTask(ctx context.Context) *engine.Parent {
	p, _ := ctx.Value(parentTaskKey{}).(*engine.Parent)
	return p
}
