package dispatch

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
)

// CallJSON invokes service.operation in-process with its input given as a
// JSON object in the operation's wire member names (the json tags of its
// input struct, e.g. {"stateMachineArn": ..., "input": ...}). In-process
// callers that must not import another service's package (EventBridge
// targets, Scheduler's universal targets) build inputs this way. A service or
// operation shoal lacks is an UnknownOperationException saying so.
func (r *Registry) CallJSON(ctx context.Context, caller Caller, service, operation string, input []byte) (any, error) {
	if _, ok := r.Service(service); !ok {
		return nil, &Error{Code: "UnknownOperationException", Message: fmt.Sprintf("shoal does not implement the service %s yet, so %s.%s cannot run", service, service, operation), Status: 400}
	}
	op, ok := r.Op(service, operation)
	if !ok {
		return nil, &Error{Code: "UnknownOperationException", Message: fmt.Sprintf("%s does not support the operation %s", service, operation), Status: 400}
	}
	in := op.New()
	d := json.NewDecoder(bytes.NewReader(input))
	if err := d.Decode(in); err != nil {
		return nil, fmt.Errorf("%s.%s: decode input: %w", service, operation, err)
	}
	return r.Invoke(ctx, caller, "", op, in)
}
