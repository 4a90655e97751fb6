package sfn

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/shoal-dev/shoal/internal/sfn/engine"
	"github.com/shoal-dev/shoal/internal/sfn/express"
	"github.com/shoal-dev/shoal/internal/store"
)

// Express workflows through the API: StartExecution on an EXPRESS machine
// (asynchronous) and StartSyncExecution (synchronous) run in
// internal/sfn/express and keep nothing in the store, so DescribeExecution,
// GetExecutionHistory, StopExecution and ListExecutions reject them as AWS
// does ("Executions of an EXPRESS state machine aren't supported by
// DescribeExecution").
//
// botocore and aws-sdk-go-v2 send StartSyncExecution (and TestState) to the
// host "sync-<endpoint host>" (the model's endpoint hostPrefix). The
// gateway routes by X-Amz-Target whatever the Host, so it works wherever
// that name resolves; README.md says how to turn the prefix off.

type StartSyncExecutionInput struct {
	StateMachineArn string  `json:"stateMachineArn" aws:"required,min=1,max=256"`
	Name            string  `json:"name,omitempty" aws:"min=1,max=80"`
	Input           *string `json:"input,omitempty" aws:"max=262144"`
	TraceHeader     string  `json:"traceHeader,omitempty" aws:"max=256"`
	IncludedData    string  `json:"includedData,omitempty" aws:"enum=ALL_DATA|METADATA_ONLY"`
}

// BillingDetails is what a synchronous Express execution is billed for.
type BillingDetails struct {
	BilledMemoryUsedInMB         int64 `json:"billedMemoryUsedInMB"`
	BilledDurationInMilliseconds int64 `json:"billedDurationInMilliseconds"`
}

type StartSyncExecutionOutput struct {
	ExecutionArn    string                                `json:"executionArn"`
	StateMachineArn string                                `json:"stateMachineArn,omitempty"`
	Name            string                                `json:"name,omitempty"`
	StartDate       time.Time                             `json:"startDate"`
	StopDate        time.Time                             `json:"stopDate"`
	Status          string                                `json:"status"`
	Error           string                                `json:"error,omitempty"`
	Cause           string                                `json:"cause,omitempty"`
	Input           *string                               `json:"input,omitempty"`
	InputDetails    *CloudWatchEventsExecutionDataDetails `json:"inputDetails,omitempty"`
	Output          *string                               `json:"output,omitempty"`
	OutputDetails   *CloudWatchEventsExecutionDataDetails `json:"outputDetails,omitempty"`
	TraceHeader     string                                `json:"traceHeader,omitempty"`
	BillingDetails  *BillingDetails                       `json:"billingDetails,omitempty"`
}

// isExpressExecutionARN reports an Express execution ARN:
// arn:<partition>:states:<region>:<account>:express:<machine>:<name>:<id>.
func isExpressExecutionARN(arn string) bool {
	parts := strings.Split(arn, ":")
	return len(parts) == 9 && parts[0] == "arn" && parts[2] == "states" && parts[5] == "express"
}

// expressARN is the ARN of a new Express execution. AWS adds an id to the
// name, since Express names need not be unique.
func expressARN(machineARN, name string) string {
	return strings.Replace(machineARN, ":stateMachine:", ":express:", 1) + ":" + name + ":" + uuid.NewString()
}

// runExpress starts an Express execution of the target.
func (s *Service) runExpress(ctx context.Context, t *target, name, input string, onEnd func(express.Result)) (*express.Handle, express.Params, error) {
	if name == "" {
		name = uuid.NewString()
	}
	machine, err := s.engine.Machine(ctx, t.definitionKey)
	if err != nil {
		return nil, express.Params{}, err
	}
	p := express.Params{
		ARN: expressARN(t.m.ARN, name), StateMachineARN: t.m.ARN, StateMachine: t.m.Name, Name: name,
		RoleARN: t.roleARN, Input: input, Machine: machine, StartDate: s.clock.Now(),
	}
	logging := executionLogging(t.m.Logging)
	p.Record = logging != nil
	p.OnEnd = func(r express.Result) {
		s.expressTelemetry(p, logging, r)
		if onEnd != nil {
			onEnd(r)
		}
	}
	h, err := s.express.Start(p)
	if err != nil {
		return nil, p, fmt.Errorf("sfn: start express execution: %w", err)
	}
	return h, p, nil
}

// startExpress is StartExecution on an EXPRESS machine: it returns once
// the execution runs. It is not idempotent by name, as on AWS.
func (s *Service) startExpress(ctx context.Context, t *target, name, input, traceHeader string) (*StartExecutionOutput, error) {
	var onEnd func(express.Result)
	if parent := parentTask(ctx); parent != nil {
		// A Standard execution's .sync task waits for this one: its end is
		// reported as a Standard child's is, through a job.
		var arn string
		onEnd = func(r express.Result) {
			x := &engine.Execution{
				ARN: arn, StateMachineARN: t.m.ARN, StateMachine: t.m.Name, Name: name, Input: input,
				Status: r.Status, Output: r.Output, Error: r.Error, Cause: r.Cause,
				StartDate: r.StartDate, StopDate: r.StopDate, TraceHeader: traceHeader, Parent: parent,
			}
			// A context of its own: ctx carries the parent step's
			// transaction (store.WithTx), long committed by now.
			bg := context.Background()
			err := s.st.Update(bg, func(tx store.Tx) error { return engine.ReportToParent(bg, tx, x) })
			if err != nil {
				s.log.Error("sfn: report an Express execution's end to its parent", "execution", arn, "err", err)
			}
			s.runner.Notify(bg)
		}
		if name == "" {
			name = uuid.NewString()
		}
		arn = expressARN(t.m.ARN, name)
	}
	_, p, err := s.runExpress(ctx, t, name, input, onEnd)
	if err != nil {
		return nil, err
	}
	return &StartExecutionOutput{ExecutionArn: p.ARN, StartDate: p.StartDate}, nil
}

func (s *Service) StartSyncExecution(ctx context.Context, in *StartSyncExecutionInput) (*StartSyncExecutionOutput, error) {
	if p, ok := parseARN(in.StateMachineArn); !ok || p.kind != "stateMachine" {
		return nil, errInvalidArn(in.StateMachineArn)
	}
	if in.Name != "" && !validName(in.Name) {
		return nil, errInvalidName(in.Name)
	}
	input := "{}"
	if in.Input != nil {
		input = *in.Input
	}
	if len(input) > maxInput {
		return nil, errInvalidExecutionInput(fmt.Sprintf("The input is %d bytes; the limit is %d bytes", len(input), maxInput))
	}
	if !json.Valid([]byte(input)) {
		return nil, errInvalidExecutionInput(strings.TrimSpace(jsonError(input)))
	}
	var t *target
	err := s.st.View(ctx, func(tx store.Tx) error {
		var err error
		t, err = s.resolveTarget(ctx, tx, in.StateMachineArn, routingDraw(ctx))
		return err
	})
	if err != nil {
		return nil, err
	}
	if t.m.Type != TypeExpress {
		return nil, errStateMachineTypeNotSupported("This operation is not supported by this type of state machine")
	}
	h, p, err := s.runExpress(ctx, t, in.Name, input, nil)
	if err != nil {
		return nil, err
	}
	select {
	case <-h.Done():
	case <-ctx.Done():
		// The client gave up; the execution runs on, as on AWS.
		return nil, ctx.Err()
	}
	r := h.Result()
	out := &StartSyncExecutionOutput{
		ExecutionArn: p.ARN, StateMachineArn: t.m.ARN, Name: p.Name, StartDate: r.StartDate, StopDate: r.StopDate,
		Status: r.Status, Error: r.Error, Cause: r.Cause, TraceHeader: in.TraceHeader, BillingDetails: billing(r.StopDate.Sub(r.StartDate)),
	}
	if in.IncludedData != "METADATA_ONLY" {
		out.Input, out.InputDetails = &input, &CloudWatchEventsExecutionDataDetails{Included: true}
		if r.Output != nil {
			out.Output, out.OutputDetails = r.Output, &CloudWatchEventsExecutionDataDetails{Included: true}
		}
	}
	return out, nil
}

// billing is an Express execution's bill as AWS rounds it: duration up to
// the next 100 ms (at least 100 ms), memory in 64 MB steps — shoal's
// in-memory executions never outgrow the first.
func billing(d time.Duration) *BillingDetails {
	ms := (d.Milliseconds() + 99) / 100 * 100
	if ms < 100 {
		ms = 100
	}
	return &BillingDetails{BilledMemoryUsedInMB: 64, BilledDurationInMilliseconds: ms}
}

// expressInvoker lets Express tasks call the same integrations as the
// Standard engine's.
type expressInvoker struct{ in *Integrations }

func (e expressInvoker) Invoke(ctx context.Context, p *express.Params, t *express.Task) express.Outcome {
	x := &engine.Execution{
		ARN: p.ARN, StateMachineARN: p.StateMachineARN, StateMachine: p.StateMachine, Name: p.Name,
		RoleARN: p.RoleARN, Input: p.Input, StartDate: p.StartDate, Status: engine.StatusRunning,
	}
	o := e.in.Invoke(ctx, x, &engine.Task{Resource: t.Resource, Parameters: t.Parameters, TimeoutSeconds: t.TimeoutSeconds, HeartbeatSeconds: t.HeartbeatSeconds})
	return express.Outcome{Result: o.Result, Failure: o.Failure}
}

// expressTelemetry sends an ended Express execution's history to its log
// group (when the machine logs) and its AWS/States metrics, through the
// engine's outbox: one store.Update per execution, after it ended.
func (s *Service) expressTelemetry(p express.Params, logging *engine.Logging, r express.Result) {
	x := &engine.Execution{
		ARN: p.ARN, StateMachineARN: p.StateMachineARN, StateMachine: p.StateMachine, Name: p.Name, RoleARN: p.RoleARN,
		Input: p.Input, Status: r.Status, StartDate: r.StartDate, StopDate: r.StopDate, Logging: logging,
	}
	events := expressHistory(x, p, r)
	ctx := context.Background()
	err := s.st.Update(ctx, func(tx store.Tx) error { return engine.WriteTelemetry(ctx, tx, x, events, r.StopDate) })
	if err != nil {
		s.log.Error("sfn: an Express execution's logs and metrics could not be kept", "execution", p.ARN, "err", err)
	}
}

// expressHistory shapes an Express execution's events as the model's
// HistoryEvent; without recorded events (the machine does not log) its
// start and end, which the metrics count.
func expressHistory(x *engine.Execution, p express.Params, r express.Result) []engine.HistoryEvent {
	evs := r.Events
	if evs == nil {
		end := express.Event{Type: "ExecutionSucceeded", Error: r.Error, Cause: r.Cause, Timestamp: r.StopDate, ID: 2, Previous: 1}
		switch r.Status {
		case express.StatusTimedOut:
			end.Type = "ExecutionTimedOut"
		case express.StatusFailed:
			end.Type = "ExecutionFailed"
		}
		if r.Output != nil {
			end.Output = *r.Output
		}
		evs = []express.Event{{Type: "ExecutionStarted", Input: p.Input, Timestamp: r.StartDate, ID: 1}, end}
	}
	out := make([]engine.HistoryEvent, len(evs))
	for i, ev := range evs {
		h := engine.HistoryEvent{Type: ev.Type, Timestamp: ev.Timestamp, ID: ev.ID, PreviousEventID: ev.Previous}
		data := &engine.DataDetails{}
		errs := &engine.ErrorDetails{Error: ev.Error, Cause: ev.Cause}
		switch {
		case ev.Type == engine.EventExecutionStarted:
			h.ExecutionStartedEventDetails = &engine.ExecutionStartedEventDetails{Input: ev.Input, InputDetails: data, RoleArn: p.RoleARN}
		case ev.Type == engine.EventExecutionSucceeded:
			h.ExecutionSucceededEventDetails = &engine.ExecutionSucceededEventDetails{Output: ev.Output, OutputDetails: data}
		case ev.Type == engine.EventExecutionFailed:
			h.ExecutionFailedEventDetails = errs
		case ev.Type == engine.EventExecutionTimedOut:
			h.ExecutionTimedOutEventDetails = errs
		case strings.HasSuffix(ev.Type, "StateEntered"):
			h.StateEnteredEventDetails = &engine.StateEnteredEventDetails{Name: ev.State, Input: ev.Input, InputDetails: data}
		case strings.HasSuffix(ev.Type, "StateExited"):
			h.StateExitedEventDetails = &engine.StateExitedEventDetails{Name: ev.State, Output: ev.Output, OutputDetails: data}
		case ev.Type == engine.EventTaskScheduled:
			h.TaskScheduledEventDetails = &engine.TaskScheduledEventDetails{ResourceType: ev.ResourceType, Resource: ev.Resource,
				Region: x.Region(), Parameters: ev.Parameters}
		case ev.Type == engine.EventTaskStarted:
			h.TaskStartedEventDetails = &engine.TaskStartedEventDetails{ResourceType: ev.ResourceType, Resource: ev.Resource}
		case ev.Type == engine.EventTaskSucceeded:
			h.TaskSucceededEventDetails = &engine.TaskSucceededEventDetails{ResourceType: ev.ResourceType, Resource: ev.Resource, Output: ev.Output, OutputDetails: data}
		case ev.Type == engine.EventTaskFailed:
			h.TaskFailedEventDetails = &engine.TaskFailedEventDetails{ResourceType: ev.ResourceType, Resource: ev.Resource, Error: ev.Error, Cause: ev.Cause}
		case ev.Type == engine.EventMapStateStarted:
			h.MapStateStartedEventDetails = &engine.MapStateStartedEventDetails{Length: ev.Length}
		case ev.Type == engine.EventMapIterationStarted:
			h.MapIterationStartedEventDetails = &engine.MapIterationEventDetails{Name: ev.State, Index: ev.Index}
		case ev.Type == engine.EventMapIterationSucceeded:
			h.MapIterationSucceededEventDetails = &engine.MapIterationEventDetails{Name: ev.State, Index: ev.Index}
		case ev.Type == engine.EventMapIterationFailed:
			h.MapIterationFailedEventDetails = &engine.MapIterationEventDetails{Name: ev.State, Index: ev.Index}
		}
		out[i] = h
	}
	return out
}
