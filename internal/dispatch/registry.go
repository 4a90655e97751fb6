package dispatch

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"sync"
	"time"
)

// Op is one registered operation. Build it with Handle, which fills New and
// Call from a typed handler.
type Op struct {
	Service string // Spec.Name
	Name    string // the AWS operation name, verbatim: "GetParameter"
	HTTP    HTTP   // REST binding; zero for RPC protocols
	// New returns a pointer to a zero input struct for decoders to fill.
	New func() any
	// Call runs the handler with an input New returned.
	Call func(ctx context.Context, in any) (any, error)
	// InputType and OutputType are the struct types of input and output.
	InputType, OutputType reflect.Type
}

// Handle turns a typed handler into an Op. The handler must return a non-nil
// output when it returns a nil error.
func Handle[In, Out any](name string, h func(context.Context, *In) (*Out, error)) Op {
	return Op{
		Name: name,
		New:  func() any { return new(In) },
		Call: func(ctx context.Context, in any) (any, error) {
			typed, ok := in.(*In)
			if !ok {
				return nil, fmt.Errorf("%s: input is %T, want %T", name, in, (*In)(nil))
			}
			return h(ctx, typed)
		},
		InputType:  reflect.TypeFor[In](),
		OutputType: reflect.TypeFor[Out](),
	}
}

// Caller is who made a call and where: what SigV4 says for HTTP calls, the
// calling resource's identity for in-process ones. Account and Region scope
// every resource.
type Caller struct {
	AccountID   string
	Region      string
	AccessKeyID string
	// Principal is the caller's ARN: the IAM user or root for HTTP calls, the
	// assumed role for in-process calls made on behalf of a resource.
	Principal string
	SourceIP  string
	UserAgent string
	// InvokedBy names the service that made an in-process call
	// ("states.amazonaws.com"); empty for calls from outside.
	InvokedBy string
}

// Call is one operation invocation as the hooks see it.
type Call struct {
	Spec      *Spec
	Op        *Op
	Caller    Caller
	RequestID string
	Input     any
	Output    any   // nil when Err is set
	Err       error // nil on success
	Start     time.Time
	End       time.Time
}

// Hook observes or gates calls. Before runs after input validation and before
// the handler; a non-nil error (e.g. AccessDeniedException) stops the call.
// After runs once per call, after the handler or the failure, and cannot
// change the result.
type Hook interface {
	Before(ctx context.Context, c *Call) error
	After(ctx context.Context, c *Call)
}

type opKey struct{ service, op string }

// Registry maps (service, operation) to handlers. Registration happens at
// start-up; lookups after that take no lock.
type Registry struct {
	mu    sync.Mutex // guards registration only
	specs map[string]*Spec
	ops   map[opKey]*Op
	hooks []Hook
	now   func() time.Time
	newID func() string
}

// NewRegistry returns an empty registry. now stamps calls for the hooks (the
// clock's Now); newID makes request ids.
func NewRegistry(now func() time.Time, newID func() string) *Registry {
	return &Registry{specs: map[string]*Spec{}, ops: map[opKey]*Op{}, now: now, newID: newID}
}

// AddService registers a service and its operations. It panics on a
// duplicate: that is a wiring mistake found at start-up.
func (r *Registry) AddService(spec Spec, ops ...Op) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.specs[spec.Name]; dup {
		panic("dispatch: service registered twice: " + spec.Name)
	}
	s := spec
	r.specs[s.Name] = &s
	for i := range ops {
		op := ops[i]
		op.Service = s.Name
		k := opKey{s.Name, op.Name}
		if _, dup := r.ops[k]; dup {
			panic("dispatch: operation registered twice: " + s.Name + "." + op.Name)
		}
		r.ops[k] = &op
	}
}

// AddHook appends a hook; hooks run in the order added.
func (r *Registry) AddHook(h Hook) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.hooks = append(r.hooks, h)
}

// Service returns a registered service's spec.
func (r *Registry) Service(name string) (*Spec, bool) {
	s, ok := r.specs[name]
	return s, ok
}

// Services returns the registered services sorted by name.
func (r *Registry) Services() []*Spec {
	out := make([]*Spec, 0, len(r.specs))
	for _, s := range r.specs {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// NewRequestID makes a request id with the registry's generator.
func (r *Registry) NewRequestID() string { return r.newID() }

// Op returns a registered operation.
func (r *Registry) Op(service, name string) (*Op, bool) {
	op, ok := r.ops[opKey{service, name}]
	return op, ok
}

// Ops returns a service's operations sorted by name.
func (r *Registry) Ops(service string) []*Op {
	var out []*Op
	for k, op := range r.ops {
		if k.service == service {
			out = append(out, op)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Invoke runs op with a decoded input: validation, Before hooks, the
// handler, After hooks. Both the gateway and Call use it, so HTTP and
// in-process calls are treated alike. requestID may be empty; one is made.
func (r *Registry) Invoke(ctx context.Context, caller Caller, requestID string, op *Op, in any) (any, error) {
	spec := r.specs[op.Service]
	if requestID == "" {
		requestID = r.newID()
	}
	c := &Call{Spec: spec, Op: op, Caller: caller, RequestID: requestID, Input: in, Start: r.now()}
	ctx = withCall(ctx, c)
	c.Output, c.Err = r.run(ctx, spec, op, c)
	if c.Err != nil {
		c.Output = nil
		c.Err = fmt.Errorf("%s.%s: %w", spec.Name, op.Name, c.Err)
	}
	c.End = r.now()
	for _, h := range r.hooks {
		h.After(ctx, c)
	}
	return c.Output, c.Err
}

func (r *Registry) run(ctx context.Context, spec *Spec, op *Op, c *Call) (any, error) {
	if err := Validate(spec, c.Input); err != nil {
		return nil, err
	}
	for _, h := range r.hooks {
		if err := h.Before(ctx, c); err != nil {
			return nil, err
		}
	}
	return op.Call(ctx, c.Input)
}

// Call invokes service.operation in-process on behalf of caller. in must be
// the operation's input type (a pointer to its struct).
func (r *Registry) Call(ctx context.Context, caller Caller, service, operation string, in any) (any, error) {
	op, ok := r.Op(service, operation)
	if !ok {
		return nil, &Error{Code: "UnknownOperationException", Message: fmt.Sprintf("%s does not support the operation %s", service, operation), Status: 400}
	}
	return r.Invoke(ctx, caller, "", op, in)
}

type callKey struct{}

func withCall(ctx context.Context, c *Call) context.Context {
	return context.WithValue(ctx, callKey{}, c)
}

// CallerFrom returns the caller of the operation running in ctx; services use
// it for the account and region that scope their resources.
func CallerFrom(ctx context.Context) Caller {
	if c, ok := ctx.Value(callKey{}).(*Call); ok {
		return c.Caller
	}
	return Caller{}
}

// RequestIDFrom returns the request id of the operation running in ctx.
func RequestIDFrom(ctx context.Context) string {
	if c, ok := ctx.Value(callKey{}).(*Call); ok {
		return c.RequestID
	}
	return ""
}
