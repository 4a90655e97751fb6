package scheduler

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/shoal-dev/shoal/internal/dispatch"
)

// A target ARN names what a schedule calls ("Managing targets in
// EventBridge Scheduler"): a templated target is a resource ARN whose
// service fixes the operation, a universal target is
// arn:aws:scheduler:::aws-sdk:<service>:<apiAction> with the request
// parameters in Input. Both are called through the dispatch registry, so a
// service shoal lacks fails the invocation (and is retried, then
// dead-lettered) instead of succeeding silently.

type targetKind int

const (
	targetOther targetKind = iota // a templated target shoal does not call yet
	targetStates
	targetLambda
	targetSNS
	targetSQS
	targetEvents
	targetUniversal
)

type targetRef struct {
	kind       targetKind
	service    string // the ARN's service
	region     string
	account    string
	resource   string // the ARN's resource part
	sdkService string // universal: the SDK's service name ("ssm", "sfn")
	action     string // universal: the API action as written ("putParameter")
}

// parseTarget splits a target ARN. Only a malformed universal target is an
// error here: every other ARN is accepted and fails when invoked if shoal
// cannot call it.
func parseTarget(arn string) (targetRef, error) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return targetRef{}, errValidation("Invalid target ARN %s.", arn)
	}
	t := targetRef{service: parts[2], region: parts[3], account: parts[4], resource: parts[5]}
	switch t.service {
	case "scheduler":
		svc, action, ok := strings.Cut(strings.TrimPrefix(t.resource, "aws-sdk:"), ":")
		if !strings.HasPrefix(t.resource, "aws-sdk:") || !ok || svc == "" || action == "" || strings.Contains(action, ":") {
			return targetRef{}, errValidation("Invalid universal target %s: use arn:aws:scheduler:::aws-sdk:<service>:<apiAction>, for example arn:aws:scheduler:::aws-sdk:sqs:sendMessage.", arn)
		}
		if !dispatch.KnownSDKService(svc) {
			return targetRef{}, errValidation("Invalid universal target %s: %s is not an AWS SDK service.", arn, svc)
		}
		t.kind, t.sdkService, t.action = targetUniversal, svc, action
	case "states":
		if strings.HasPrefix(t.resource, "stateMachine:") {
			t.kind = targetStates
		}
	case "lambda":
		if strings.HasPrefix(t.resource, "function:") {
			t.kind = targetLambda
		}
	case "sns":
		t.kind = targetSNS
	case "sqs":
		t.kind = targetSQS
	case "events":
		if strings.HasPrefix(t.resource, "event-bus/") {
			t.kind = targetEvents
		}
	}
	return t, nil
}

// call is one invocation: which operation, and its request as a JSON
// object (CallJSON matches member names without regard to case, so the
// SDK's "StateMachineArn" finds the wire's "stateMachineArn"). Templated
// targets build params; a universal target's Input is the request as is.
type call struct {
	service, operation string
	params             map[string]any
	input              []byte
}

// invocation turns a target into the call it makes.
func invocation(t *Target) (*call, *invokeError) {
	ref, err := parseTarget(t.Arn)
	if err != nil {
		return nil, &invokeError{Code: "ValidationException", Message: err.Error()}
	}
	input := func() (string, bool) {
		if t.Input == nil {
			return "", false
		}
		return *t.Input, true
	}
	switch ref.kind {
	case targetStates:
		p := map[string]any{"stateMachineArn": t.Arn}
		if in, ok := input(); ok {
			p["input"] = in
		}
		return &call{service: "states", operation: "StartExecution", params: p}, nil
	case targetLambda:
		// Scheduler invokes functions asynchronously. Payload is a blob,
		// which JSON carries in base64.
		p := map[string]any{"FunctionName": t.Arn, "InvocationType": "Event"}
		if in, ok := input(); ok {
			p["Payload"] = []byte(in)
		}
		return &call{service: "lambda", operation: "Invoke", params: p}, nil
	case targetSNS:
		p := map[string]any{"TopicArn": t.Arn}
		if in, ok := input(); ok {
			p["Message"] = in
		}
		return &call{service: "sns", operation: "Publish", params: p}, nil
	case targetSQS:
		p := map[string]any{"QueueUrl": queueURL(ref)}
		if in, ok := input(); ok {
			p["MessageBody"] = in
		}
		if t.SqsParameters != nil && t.SqsParameters.MessageGroupID != "" {
			p["MessageGroupId"] = t.SqsParameters.MessageGroupID
		}
		return &call{service: "sqs", operation: "SendMessage", params: p}, nil
	case targetEvents:
		e := map[string]any{"EventBusName": t.Arn}
		if ebp := t.EventBridgeParameters; ebp != nil {
			e["Source"], e["DetailType"] = ebp.Source, ebp.DetailType
		}
		if in, ok := input(); ok {
			e["Detail"] = in
		}
		return &call{service: "events", operation: "PutEvents", params: map[string]any{"Entries": []any{e}}}, nil
	case targetUniversal:
		in, ok := input()
		if !ok {
			in = "{}"
		}
		svc, _ := dispatch.SDKService(ref.sdkService)
		return &call{service: svc, operation: dispatch.Pascal(ref.action), input: []byte(in)}, nil
	}
	return nil, &invokeError{Code: "UnsupportedTarget", Message: fmt.Sprintf("shoal does not invoke %s targets yet; use a universal target (arn:aws:scheduler:::aws-sdk:<service>:<apiAction>) for a service shoal implements", ref.service)}
}

// queueURL is the AWS form of a queue's URL, which is how SQS names the
// queue in SendMessage.
func queueURL(ref targetRef) string {
	return "https://sqs." + ref.region + ".amazonaws.com/" + ref.account + "/" + ref.resource
}

// invokeError is why an invocation failed, as the dead-letter event
// reports it (ERROR_CODE, ERROR_MESSAGE).
type invokeError struct {
	Code    string
	Message string
}

func (e *invokeError) Error() string { return e.Code + ": " + e.Message }

// invoke makes the call through the registry (dispatch.CallJSON) on
// behalf of the schedule's execution role.
func (s *Service) invoke(ctx context.Context, caller dispatch.Caller, c *call) *invokeError {
	in := c.input
	if in == nil {
		b, err := json.Marshal(c.params)
		if err != nil {
			return &invokeError{Code: "ValidationException", Message: fmt.Sprintf("encode the %s:%s request: %v", c.service, c.operation, err)}
		}
		in = b
	}
	out, err := s.reg.CallJSON(ctx, caller, c.service, c.operation, in)
	if err != nil {
		if e, ok := dispatch.AsError(err); ok {
			return &invokeError{Code: e.Code, Message: e.Message}
		}
		// Not an AWS error: the input did not decode into the operation's
		// request (a universal target's Input of the wrong shape).
		return &invokeError{Code: "ValidationException", Message: err.Error()}
	}
	// PutEvents answers 200 with the entries it could not take.
	if c.operation == "PutEvents" {
		if n := failedEntries(out); n > 0 {
			return &invokeError{Code: "FailedEntries", Message: fmt.Sprintf("PutEvents rejected %d entry", n)}
		}
	}
	return nil
}

// failedEntries reads FailedEntryCount from a PutEvents output without
// depending on the events package.
func failedEntries(out any) int64 {
	v := reflect.ValueOf(out)
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return 0
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return 0
	}
	for _, f := range dispatch.Fields(v.Type()) {
		if f.Name != "FailedEntryCount" {
			continue
		}
		fv := reflect.Indirect(v.Field(f.Index))
		if fv.IsValid() && fv.CanInt() {
			return fv.Int()
		}
	}
	return 0
}

func isJSONObject(s string) bool {
	var m map[string]any
	return json.Unmarshal([]byte(s), &m) == nil && m != nil
}
