package dispatch

import (
	"context"
	"fmt"
)

// CallJSON invokes service.operation in-process with its input given as a
// JSON object in the operation's member names (the json tags of its input
// struct, compared without regard to case: {"stateMachineArn": ..., "input":
// ...}). In-process callers that must not import another service's package
// (EventBridge targets, Scheduler targets, Step Functions telemetry) build
// inputs this way. It decodes with InputFromJSON's defaults: members the
// input lacks are ignored and blobs are base64. A service or operation shoal
// lacks is an UnknownOperationException saying so.
func (r *Registry) CallJSON(ctx context.Context, caller Caller, service, operation string, input []byte) (any, error) {
	if _, ok := r.Service(service); !ok {
		return nil, &Error{Code: "UnknownOperationException", Message: fmt.Sprintf("shoal does not implement the service %s yet, so %s.%s cannot run", service, service, operation), Status: 400}
	}
	op, ok := r.Op(service, operation)
	if !ok {
		return nil, &Error{Code: "UnknownOperationException", Message: fmt.Sprintf("%s does not support the operation %s", service, operation), Status: 400}
	}
	in := op.New()
	x, err := DecodeJSON(input)
	if err == nil {
		err = InputFromJSON(x, in, DecodeOptions{})
	}
	if err != nil {
		return nil, fmt.Errorf("%s.%s: decode input: %w", service, operation, err)
	}
	return r.Invoke(ctx, caller, "", op, in)
}
