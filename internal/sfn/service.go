package sfn

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/shoal-dev/shoal/internal/asl"
	"github.com/shoal-dev/shoal/internal/clock"
	"github.com/shoal-dev/shoal/internal/dispatch"
	"github.com/shoal-dev/shoal/internal/jobs"
	"github.com/shoal-dev/shoal/internal/metrics"
	"github.com/shoal-dev/shoal/internal/sfn/engine"
	"github.com/shoal-dev/shoal/internal/sfn/express"
	"github.com/shoal-dev/shoal/internal/store"
)

// Config configures the service.
type Config struct {
	Store    store.Store
	Clock    clock.Clock
	Registry *dispatch.Registry // for Task states' service integrations
	// HTTP sends the HTTP Task's requests through EventBridge connections
	// (the events service; nil: http:invoke fails saying so).
	HTTP   HTTPInvoker
	Logger *slog.Logger
}

// Service is AWS Step Functions.
type Service struct {
	st     store.Store
	clock  clock.Clock
	log    *slog.Logger
	engine *engine.Engine
	runner *jobs.Runner
	// telemetry delivers log records (telemetry.go), metrics the AWS/States
	// metrics (internal/metrics).
	telemetry *jobs.Runner
	metrics   *metrics.Deliverer
	registry  *dispatch.Registry
	// express runs EXPRESS state machines in memory (expressapi.go).
	express *express.Runner
	// integrations runs Task resources; TestState calls it directly.
	integrations *Integrations
	// machines saves StartExecution decoding the machine it starts
	// (machinecache.go).
	machines machineCache
}

// New returns the service; Start begins running executions.
func New(cfg Config) *Service {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Service{st: cfg.Store, clock: cfg.Clock, log: cfg.Logger, registry: cfg.Registry}
	integrations := &Integrations{Registry: cfg.Registry, Clock: cfg.Clock, HTTP: cfg.HTTP}
	s.integrations = integrations
	s.engine = engine.New(engine.Config{
		Store: cfg.Store, Clock: cfg.Clock, Logger: cfg.Logger,
		Invoker: integrations,
	})
	s.express = express.New(express.Config{Clock: cfg.Clock, Invoker: expressInvoker{integrations}, Logger: cfg.Logger})
	s.runner = jobs.New(jobs.Config{
		Store: cfg.Store, Clock: cfg.Clock, Queue: engine.Queue, Handler: s.engine.Handle, Logger: cfg.Logger, Owner: "sfn",
	})
	s.telemetry = jobs.New(jobs.Config{
		Store: cfg.Store, Clock: cfg.Clock, Queue: engine.TelemetryQueue, Handler: s.deliverTelemetry, Logger: cfg.Logger, Owner: "sfn",
	})
	s.metrics = metrics.NewDeliverer(engine.Metrics, metrics.Config{
		Store: cfg.Store, Clock: cfg.Clock, Registry: cfg.Registry, Logger: cfg.Logger, Owner: "sfn", Principal: "states.amazonaws.com",
	})
	return s
}

// Start resumes in-flight executions and keeps running them.
//
// The telemetry runner starts only when CloudWatch Logs ("logs") is
// registered, the metrics deliverer only when CloudWatch ("monitoring")
// is; services register before Start. Without one, every delivery would
// find nowhere to send the outbox's entries and only make the store's
// writer claim and complete a job after each commit; the jobs and entries
// wait in the store for a shoal that has one.
func (s *Service) Start(ctx context.Context) error {
	if err := s.runner.Start(ctx); err != nil {
		return err
	}
	if err := s.metrics.Start(ctx); err != nil {
		return err
	}
	if _, logs := s.registry.Service("logs"); !logs {
		return nil
	}
	return s.telemetry.Start(ctx)
}

// Stop stops running executions; their state stays in the store.
func (s *Service) Stop(ctx context.Context) error {
	return errors.Join(s.runner.Stop(ctx), s.telemetry.Stop(ctx), s.metrics.Stop(ctx), s.express.Stop(ctx))
}

// Telemetry delivers log records and metrics now (tests drain it).
func (s *Service) Telemetry() interface{ Drain(context.Context) } {
	return drainers{s.telemetry, s.metrics}
}

type drainers []interface{ Drain(context.Context) }

func (d drainers) Drain(ctx context.Context) {
	for _, r := range d {
		r.Drain(ctx)
	}
}

// Runner is the job runner of executions (tests drain it).
func (s *Service) Runner() *jobs.Runner { return s.runner }

func scopeFrom(ctx context.Context) scope {
	c := dispatch.CallerFrom(ctx)
	sc := scope{account: c.AccountID, region: c.Region}
	if sc.account == "" {
		sc.account = "000000000000"
	}
	if sc.region == "" {
		sc.region = "us-east-1"
	}
	return sc
}

// compile validates a definition as CreateStateMachine does.
func (s *Service) compile(def string) (*asl.Machine, error) {
	m, diags := asl.Compile([]byte(def))
	if m == nil || asl.HasErrors(diags) {
		return nil, errInvalidDefinition(asl.InvalidDefinitionMessage(diags))
	}
	if msg := s.checkResources(m); msg != "" {
		return nil, errInvalidDefinition(msg)
	}
	return m, nil
}

func checkLogging(l *LoggingConfiguration) error {
	if l == nil {
		return nil
	}
	if len(l.Destinations) > 1 {
		return errInvalidLoggingConfiguration("Invalid Logging Configuration: Must specify at most one destination.")
	}
	if l.Level != "" && l.Level != "OFF" && len(l.Destinations) == 0 {
		return errInvalidLoggingConfiguration("Invalid Logging Configuration: Must specify exactly one Log Destination.")
	}
	for _, d := range l.Destinations {
		if d.CloudWatchLogsLogGroup == nil || !strings.HasPrefix(d.CloudWatchLogsLogGroup.LogGroupArn, "arn:") || !strings.Contains(d.CloudWatchLogsLogGroup.LogGroupArn, ":log-group:") {
			arn := ""
			if d.CloudWatchLogsLogGroup != nil {
				arn = d.CloudWatchLogsLogGroup.LogGroupArn
			}
			return errInvalidLoggingConfiguration(fmt.Sprintf("Invalid Logging Configuration: The CloudWatch Logs Resource Policy size was exceeded or the log group ARN '%s' is not valid.", arn))
		}
	}
	return nil
}

func checkRole(arn string) error {
	if !strings.HasPrefix(arn, "arn:") || strings.Count(arn, ":") < 5 {
		return errInvalidArn(arn)
	}
	return nil
}

// CreateStateMachine creates a state machine; the same request again
// returns the same ARN (AWS compares name, definition, type, logging,
// tracing and encryption, and ignores roleArn and tags).
func (s *Service) CreateStateMachine(ctx context.Context, in *CreateStateMachineInput) (*CreateStateMachineOutput, error) {
	sc := scopeFrom(ctx)
	if !validName(in.Name) {
		return nil, errInvalidName(in.Name)
	}
	if err := checkRole(in.RoleArn); err != nil {
		return nil, err
	}
	typ := in.Type
	if typ == "" {
		typ = TypeStandard
	}
	if _, err := s.compile(in.Definition); err != nil {
		return nil, err
	}
	if err := checkLogging(in.LoggingConfiguration); err != nil {
		return nil, err
	}
	if len(in.Tags) > 50 {
		return nil, errTooManyTags(sc.machineARN(in.Name))
	}
	if in.VersionDescription != "" && !in.Publish {
		return nil, errValidation("Version description can only be set when publish is true")
	}
	now := s.clock.Now()
	arn := sc.machineARN(in.Name)
	out := &CreateStateMachineOutput{StateMachineArn: arn}
	err := s.st.Update(ctx, func(tx store.Tx) error {
		cur, err := loadMachine(ctx, tx, arn)
		if err != nil {
			return err
		}
		if cur != nil {
			if cur.Definition == in.Definition && cur.Type == typ && reflect.DeepEqual(cur.Logging, in.LoggingConfiguration) &&
				reflect.DeepEqual(cur.Tracing, in.TracingConfiguration) && reflect.DeepEqual(cur.Encryption, in.EncryptionConfiguration) {
				out.CreationDate = cur.Created
				if in.Publish && cur.LastVersion > 0 {
					out.StateMachineVersionArn = arn + ":" + strconv.FormatInt(cur.LastVersion, 10)
				}
				return nil
			}
			return errStateMachineAlreadyExists(arn)
		}
		key, err := engine.PutDefinition(ctx, tx, []byte(in.Definition))
		if err != nil {
			return err
		}
		m := &machineRecord{
			ARN: arn, Name: in.Name, Type: typ, RoleARN: in.RoleArn, Definition: in.Definition, DefinitionKey: key,
			Logging: in.LoggingConfiguration, Tracing: in.TracingConfiguration, Encryption: in.EncryptionConfiguration,
			Created: now, Updated: now, RevisionID: uuid.NewString(), Tags: in.Tags,
		}
		if in.Publish {
			m.LastVersion = 1
			v := &versionRecord{ARN: arn + ":1", Definition: m.Definition, DefinitionKey: key, RoleARN: m.RoleARN, RevisionID: m.RevisionID, Description: in.VersionDescription, Created: now}
			if err := putVersion(ctx, tx, v); err != nil {
				return err
			}
			out.StateMachineVersionArn = v.ARN
		}
		out.CreationDate = now
		return saveMachine(ctx, tx, m)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// machineFor reads the state machine an ARN names, with AWS's errors.
func (s *Service) machineFor(ctx context.Context, tx store.Tx, arn string) (*machineRecord, error) {
	if _, ok := machineARNOf(arn); !ok {
		return nil, errInvalidArn(arn)
	}
	m, err := loadMachine(ctx, tx, arn)
	if err != nil {
		return nil, err
	}
	if m == nil {
		return nil, errStateMachineDoesNotExist(arn)
	}
	return m, nil
}

func (s *Service) DescribeStateMachine(ctx context.Context, in *DescribeStateMachineInput) (*DescribeStateMachineOutput, error) {
	if _, _, ok := versionARNOf(in.StateMachineArn); ok {
		return s.describeVersion(ctx, in.StateMachineArn) // versions.go
	}
	var m *machineRecord
	err := s.st.View(ctx, func(tx store.Tx) error {
		var err error
		m, err = s.machineFor(ctx, tx, in.StateMachineArn)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &DescribeStateMachineOutput{
		StateMachineArn: m.ARN, Name: m.Name, Status: StatusActive, Definition: m.Definition, RoleArn: m.RoleARN,
		Type: m.Type, CreationDate: m.Created, LoggingConfiguration: loggingOut(m.Logging),
		TracingConfiguration: tracingOut(m.Tracing), RevisionID: m.RevisionID, EncryptionConfiguration: m.Encryption,
	}, nil
}

// loggingOut is the logging configuration as AWS reports it: level OFF
// when none was set.
func loggingOut(l *LoggingConfiguration) *LoggingConfiguration {
	if l == nil {
		return &LoggingConfiguration{Level: "OFF"}
	}
	c := *l
	if c.Level == "" {
		c.Level = "OFF"
	}
	return &c
}

func tracingOut(t *TracingConfiguration) *TracingConfiguration {
	if t == nil {
		return &TracingConfiguration{}
	}
	return t
}

func (s *Service) ListStateMachines(ctx context.Context, in *ListStateMachinesInput) (*ListStateMachinesOutput, error) {
	sc := scopeFrom(ctx)
	after, err := decodeToken("ListStateMachines", in.NextToken)
	if err != nil {
		return nil, err
	}
	prefix := sc.machineARN("")
	if after != "" && !strings.HasPrefix(after, prefix) {
		return nil, errInvalidToken()
	}
	limit := pageSize(in.MaxResults)
	out := &ListStateMachinesOutput{StateMachines: []StateMachineListItem{}}
	err = s.st.View(ctx, func(tx store.Tx) error {
		*out = ListStateMachinesOutput{StateMachines: []StateMachineListItem{}} // fn may run twice (store.View)
		recs, err := tx.RecordScan(ctx, &store.RecordScanParams{Table: tableMachine, Prefix: prefix, After: after, Limit: limit + 1})
		if err != nil {
			return fmt.Errorf("sfn: list state machines: %w", err)
		}
		for i, r := range recs {
			if i == limit {
				out.NextToken = encodeToken("ListStateMachines", recs[i-1].Key)
				break
			}
			var m machineRecord
			if err := json.Unmarshal(r.Value, &m); err != nil {
				return fmt.Errorf("sfn: decode state machine %s: %w", r.Key, err)
			}
			out.StateMachines = append(out.StateMachines, StateMachineListItem{StateMachineArn: m.ARN, Name: m.Name, Type: m.Type, CreationDate: m.Created})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Service) UpdateStateMachine(ctx context.Context, in *UpdateStateMachineInput) (*UpdateStateMachineOutput, error) {
	if in.Definition == "" && in.RoleArn == "" && in.LoggingConfiguration == nil && in.TracingConfiguration == nil && in.EncryptionConfiguration == nil {
		return nil, errMissingRequiredParameter()
	}
	if _, ok := machineARNOf(in.StateMachineArn); !ok {
		return nil, errInvalidArn(in.StateMachineArn)
	}
	if in.Definition != "" {
		if _, err := s.compile(in.Definition); err != nil {
			return nil, err
		}
	}
	if in.RoleArn != "" {
		if err := checkRole(in.RoleArn); err != nil {
			return nil, err
		}
	}
	if err := checkLogging(in.LoggingConfiguration); err != nil {
		return nil, err
	}
	if in.VersionDescription != "" && !in.Publish {
		return nil, errValidation("Version description can only be set when publish is true")
	}
	now := s.clock.Now()
	out := &UpdateStateMachineOutput{UpdateDate: now}
	err := s.st.Update(ctx, func(tx store.Tx) error {
		m, err := s.machineFor(ctx, tx, in.StateMachineArn)
		if err != nil {
			return err
		}
		changed := false
		if in.Definition != "" && in.Definition != m.Definition {
			if m.DefinitionKey, err = engine.PutDefinition(ctx, tx, []byte(in.Definition)); err != nil {
				return err
			}
			m.Definition, changed = in.Definition, true
		}
		if in.RoleArn != "" && in.RoleArn != m.RoleARN {
			m.RoleARN, changed = in.RoleArn, true
		}
		if in.LoggingConfiguration != nil {
			m.Logging, changed = in.LoggingConfiguration, true
		}
		if in.TracingConfiguration != nil {
			m.Tracing, changed = in.TracingConfiguration, true
		}
		if in.EncryptionConfiguration != nil {
			m.Encryption, changed = in.EncryptionConfiguration, true
		}
		if changed {
			m.RevisionID, m.Updated = uuid.NewString(), now
		}
		if in.Publish {
			v, err := s.publish(ctx, tx, m, in.VersionDescription, now)
			if err != nil {
				return err
			}
			out.StateMachineVersionArn = v.ARN
		}
		out.RevisionID = m.RevisionID
		return saveMachine(ctx, tx, m)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteStateMachine deletes a state machine. Its running executions finish
// (they run the definition they started with), as on AWS.
func (s *Service) DeleteStateMachine(ctx context.Context, in *DeleteStateMachineInput) (*DeleteStateMachineOutput, error) {
	if _, ok := machineARNOf(in.StateMachineArn); !ok {
		return nil, errInvalidArn(in.StateMachineArn)
	}
	err := s.st.Update(ctx, func(tx store.Tx) error {
		m, err := loadMachine(ctx, tx, in.StateMachineArn)
		if err != nil || m == nil {
			return err // deleting what is not there succeeds, as on AWS
		}
		if err := deleteAliases(ctx, tx, m.ARN); err != nil {
			return err
		}
		for v := int64(1); v <= m.LastVersion; v++ {
			if err := tx.RecordDelete(ctx, tableVersion, m.ARN+":"+strconv.FormatInt(v, 10)); err != nil && !errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("sfn: delete version: %w", err)
			}
		}
		if err := tx.RecordDelete(ctx, tableMachine, m.ARN); err != nil && !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("sfn: delete state machine: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &DeleteStateMachineOutput{}, nil
}

func (s *Service) ValidateStateMachineDefinition(ctx context.Context, in *ValidateStateMachineDefinitionInput) (*ValidateStateMachineDefinitionOutput, error) {
	m, diags := asl.Compile([]byte(in.Definition))
	if m != nil && !asl.HasErrors(diags) {
		if msg := s.checkResources(m); msg != "" {
			diags = append(diags, asl.Diagnostic{Severity: asl.SeverityError, Code: asl.CodeInvalidResource, Message: msg})
		}
	}
	out := &ValidateStateMachineDefinitionOutput{Result: asl.Result(diags), Diagnostics: []ValidateStateMachineDefinitionDiagnostic{}}
	limit := int(in.MaxResults)
	if limit == 0 {
		limit = 100
	}
	for _, d := range diags {
		if in.Severity == "ERROR" && d.Severity != asl.SeverityError {
			continue
		}
		if len(out.Diagnostics) == limit {
			out.Truncated = true
			break
		}
		out.Diagnostics = append(out.Diagnostics, ValidateStateMachineDefinitionDiagnostic{
			Severity: string(d.Severity), Code: d.Code, Message: d.Message, Location: d.Location,
		})
	}
	return out, nil
}

// maxInput is the 256 KiB limit on execution input, in bytes (the model's
// length constraint counts characters).
const maxInput = 256 * 1024

func (s *Service) StartExecution(ctx context.Context, in *StartExecutionInput) (*StartExecutionOutput, error) {
	// The ARN names the machine, one of its versions or an alias
	// (versions.go); resolveTarget checks it in full.
	mp, ok := parseARN(in.StateMachineArn)
	if !ok || mp.kind != "stateMachine" {
		return nil, errInvalidArn(in.StateMachineArn)
	}
	draw := routingDraw(ctx)
	name := in.Name
	if name == "" {
		name = uuid.NewString()
	} else if !validName(name) {
		return nil, errInvalidName(name)
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
	sc := scope{account: mp.account, region: mp.region}
	arn := sc.executionARN(mp.name, name)
	// The execution's first step is computed before the transaction, from
	// the machine as read; the transaction checks it is still that machine.
	for range 3 {
		var t *target
		err := s.st.View(ctx, func(tx store.Tx) error {
			var err error
			t, err = s.resolveTarget(ctx, tx, in.StateMachineArn, draw)
			return err
		})
		if err != nil {
			return nil, err
		}
		m := t.m
		if m.Type == TypeExpress {
			return s.startExpress(ctx, t, in.Name, input, in.TraceHeader)
		}
		machine, err := s.engine.Machine(ctx, t.definitionKey)
		if err != nil {
			return nil, err
		}
		now := s.clock.Now()
		x := &engine.Execution{
			ARN: arn, StateMachineARN: m.ARN, StateMachine: m.Name, Name: name, RoleARN: t.roleARN,
			Definition: t.definitionKey, TraceHeader: in.TraceHeader, Input: input, StartDate: now,
			VersionARN: t.versionARN, AliasARN: t.aliasARN, Logging: executionLogging(m.Logging),
			Parent: parentTask(ctx), StartedBy: startedBy(input),
		}
		prep, err := s.engine.Prepare(machine, x)
		if err != nil {
			return nil, err
		}
		var out *StartExecutionOutput
		err = s.st.Update(ctx, func(tx store.Tx) error {
			if err := s.sameTarget(ctx, tx, in.StateMachineArn, draw, t); err != nil {
				return err
			}
			err := s.engine.Insert(ctx, tx, prep)
			if errors.Is(err, engine.ErrExists) {
				prev, err := engine.Get(ctx, tx, arn)
				if err != nil {
					return err
				}
				// The same name and input while it runs is the same request.
				if prev.Status == engine.StatusRunning && prev.Input == input {
					out = &StartExecutionOutput{ExecutionArn: arn, StartDate: prev.StartDate}
					return nil
				}
				return errExecutionAlreadyExists(arn)
			}
			if err != nil {
				return err
			}
			out = &StartExecutionOutput{ExecutionArn: arn, StartDate: now}
			return nil
		})
		if errors.Is(err, errMachineChanged) {
			continue // UpdateStateMachine raced us: start from the new definition
		}
		if err != nil {
			return nil, err
		}
		s.runner.Notify(context.WithoutCancel(ctx))
		return out, nil
	}
	return nil, errConflict(in.StateMachineArn)
}

// startedBy is the parent execution a nested one names in its input, as
// the guide's nested workflows do: AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID
// (usually "$$.Execution.Id").
func startedBy(input string) string {
	var in struct {
		ID string `json:"AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID"`
	}
	if !strings.Contains(input, "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID") || json.Unmarshal([]byte(input), &in) != nil {
		return ""
	}
	return in.ID
}

// errMachineChanged: the state machine changed between the read and the
// transaction of a StartExecution, which then starts over.
var errMachineChanged = errors.New("state machine changed during StartExecution")

// jsonError describes why input is not JSON.
func jsonError(input string) string {
	var v any
	if err := json.Unmarshal([]byte(input), &v); err != nil {
		return err.Error()
	}
	return "not valid JSON"
}

// execution reads the execution an ARN names, with AWS's errors.
func (s *Service) execution(ctx context.Context, tx store.Tx, arn string) (*engine.Execution, error) {
	if isExpressExecutionARN(arn) {
		// Express executions keep no state to describe, stop or list
		// (express.go); AWS rejects their ARNs in these operations.
		return nil, errInvalidArnContext("express")
	}
	if _, _, ok := executionARNOf(arn); !ok {
		return nil, errInvalidArn(arn)
	}
	x, err := engine.Get(ctx, tx, arn)
	if errors.Is(err, engine.ErrNotFound) {
		return nil, errExecutionDoesNotExist(arn)
	}
	return x, err
}

func (s *Service) DescribeExecution(ctx context.Context, in *DescribeExecutionInput) (*DescribeExecutionOutput, error) {
	var x *engine.Execution
	err := s.st.View(ctx, func(tx store.Tx) error {
		var err error
		x, err = s.execution(ctx, tx, in.ExecutionArn)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := &DescribeExecutionOutput{
		ExecutionArn: x.ARN, StateMachineArn: x.StateMachineARN, Name: x.Name, Status: x.Status, StartDate: x.StartDate,
		TraceHeader: x.TraceHeader, Error: x.Error, Cause: x.Cause, StateMachineVersionArn: x.VersionARN, StateMachineAliasArn: x.AliasARN,
	}
	out.RedriveCount, out.RedriveDate = redriveFields(x)
	if in.IncludedData != "METADATA_ONLY" {
		input := x.Input
		out.Input, out.InputDetails = &input, &CloudWatchEventsExecutionDataDetails{Included: true}
		if x.Output != nil {
			output := *x.Output
			out.Output, out.OutputDetails = &output, &CloudWatchEventsExecutionDataDetails{Included: true}
		}
	}
	if x.Status != engine.StatusRunning {
		stop := x.StopDate
		out.StopDate = &stop
	}
	out.MapRunArn = x.MapRunARN
	out.RedriveStatus = "REDRIVABLE"
	if reason := x.RedriveReason(s.clock.Now()); reason != "" {
		out.RedriveStatus, out.RedriveStatusReason = "NOT_REDRIVABLE", reason
	}
	return out, nil
}

func (s *Service) ListExecutions(ctx context.Context, in *ListExecutionsInput) (*ListExecutionsOutput, error) {
	if (in.StateMachineArn == "") == (in.MapRunArn == "") {
		return nil, errValidation("Must provide a StateMachine ARN or MapRun ARN")
	}
	if in.MapRunArn != "" && !mapRunARNOf(in.MapRunArn) {
		return nil, errInvalidArn(in.MapRunArn)
	}
	after, err := decodeToken("ListExecutions", in.NextToken)
	if err != nil {
		return nil, err
	}
	if after != "" && !strings.HasPrefix(after, in.StateMachineArn+in.MapRunArn+"|") {
		return nil, errInvalidToken()
	}
	out := &ListExecutionsOutput{Executions: []ExecutionListItem{}}
	err = s.st.View(ctx, func(tx store.Tx) error {
		*out = ListExecutionsOutput{Executions: []ExecutionListItem{}} // fn may run twice (store.View)
		lp := engine.ListParams{MapRunARN: in.MapRunArn}
		if in.MapRunArn != "" {
			if _, err := engine.GetMapRun(ctx, tx, in.MapRunArn); errors.Is(err, engine.ErrMapRunNotFound) {
				return errResourceNotFound(in.MapRunArn)
			} else if err != nil {
				return err
			}
		} else {
			var err error
			if lp, err = s.listTarget(ctx, tx, in.StateMachineArn); err != nil {
				return err
			}
		}
		lp.Status, lp.After, lp.Limit = in.StatusFilter, after, pageSize(in.MaxResults)
		xs, next, err := engine.List(ctx, tx, lp)
		if err != nil {
			return err
		}
		for _, x := range xs {
			// The filter applies to the page as read, so a page may come
			// back short (with a nextToken), as AWS's filtered pages may.
			if (in.RedriveFilter == "REDRIVEN") != (x.RedriveCount > 0) && in.RedriveFilter != "" {
				continue
			}
			item := ExecutionListItem{ExecutionArn: x.ARN, StateMachineArn: x.StateMachineARN, Name: x.Name, Status: x.Status,
				StartDate: x.StartDate, StateMachineVersionArn: x.VersionARN, StateMachineAliasArn: x.AliasARN, MapRunArn: x.MapRunARN}
			item.RedriveCount, item.RedriveDate = redriveFields(x)
			if x.Status != engine.StatusRunning {
				stop := x.StopDate
				item.StopDate = &stop
			}
			out.Executions = append(out.Executions, item)
		}
		out.NextToken = encodeToken("ListExecutions", next)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// listTarget turns ListExecutions' stateMachineArn — a state machine, one
// of its versions or an alias — into what engine.List selects.
func (s *Service) listTarget(ctx context.Context, tx store.Tx, arn string) (engine.ListParams, error) {
	var lp engine.ListParams
	machine := arn
	if m, _, ok := versionARNOf(arn); ok {
		v, err := loadVersion(ctx, tx, arn)
		if err != nil {
			return lp, err
		}
		if v == nil {
			return lp, errStateMachineDoesNotExist(arn)
		}
		machine, lp.VersionARN = m, arn
	} else if m, _, ok := aliasARNOf(arn); ok {
		a, err := loadAlias(ctx, tx, arn)
		if err != nil {
			return lp, err
		}
		if a == nil {
			return lp, errStateMachineDoesNotExist(arn)
		}
		machine, lp.AliasARN = m, arn
	}
	m, err := s.machineFor(ctx, tx, machine)
	if err != nil {
		return lp, err
	}
	if m.Type == TypeExpress {
		return lp, errStateMachineTypeNotSupported("This operation is not supported by this type of state machine")
	}
	lp.StateMachineARN = m.ARN
	return lp, nil
}

func (s *Service) GetExecutionHistory(ctx context.Context, in *GetExecutionHistoryInput) (*GetExecutionHistoryOutput, error) {
	after, err := decodeToken("GetExecutionHistory", in.NextToken)
	if err != nil {
		return nil, err
	}
	var afterID int64
	if after != "" {
		arn, id, ok := strings.Cut(after, "\x00")
		n, perr := strconv.ParseInt(id, 10, 64)
		if !ok || arn != in.ExecutionArn || perr != nil {
			return nil, errInvalidToken()
		}
		afterID = n
	}
	limit := pageSize(in.MaxResults)
	out := &GetExecutionHistoryOutput{Events: []HistoryEvent{}}
	err = s.st.View(ctx, func(tx store.Tx) error {
		*out = GetExecutionHistoryOutput{Events: []HistoryEvent{}} // fn may run twice (store.View)
		if _, err := s.execution(ctx, tx, in.ExecutionArn); err != nil {
			return err
		}
		evs, err := engine.History(ctx, tx, engine.HistoryParams{ARN: in.ExecutionArn, After: afterID, Limit: limit + 1, Reverse: in.ReverseOrder})
		if err != nil {
			return err
		}
		if len(evs) > limit {
			evs = evs[:limit]
			out.NextToken = encodeToken("GetExecutionHistory", in.ExecutionArn+"\x00"+strconv.FormatInt(evs[limit-1].ID, 10))
		}
		withData := in.IncludeExecutionData == nil || *in.IncludeExecutionData
		for _, ev := range evs {
			if !withData {
				ev = ev.WithoutData()
			}
			out.Events = append(out.Events, ev)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Service) StopExecution(ctx context.Context, in *StopExecutionInput) (*StopExecutionOutput, error) {
	now := s.clock.Now()
	out := &StopExecutionOutput{StopDate: now}
	err := s.st.Update(ctx, func(tx store.Tx) error {
		x, err := s.execution(ctx, tx, in.ExecutionArn)
		if err != nil {
			return err
		}
		stopped, err := s.engine.Abort(ctx, tx, x, in.Error, in.Cause, now)
		if err != nil {
			return err
		}
		if !stopped {
			// Stopping a finished execution is not an error; AWS answers
			// with the time it stopped.
			out.StopDate = x.StopDate
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Service) DescribeStateMachineForExecution(ctx context.Context, in *DescribeStateMachineForExecutionInput) (*DescribeStateMachineForExecutionOutput, error) {
	var out *DescribeStateMachineForExecutionOutput
	err := s.st.View(ctx, func(tx store.Tx) error {
		x, err := s.execution(ctx, tx, in.ExecutionArn)
		if err != nil {
			return err
		}
		def, err := engine.GetDefinition(ctx, tx, x.Definition)
		if err != nil {
			return err
		}
		out = &DescribeStateMachineForExecutionOutput{
			StateMachineArn: x.StateMachineARN, Name: x.StateMachine, Definition: string(def), RoleArn: x.RoleARN, UpdateDate: x.StartDate,
			MapRunArn: x.MapRunARN,
		}
		if x.MapRunARN != "" {
			// A Map Run's child runs the item processor, named <machine>/<label>.
			_, out.Label, _ = strings.Cut(x.StateMachine, "/")
		}
		// The configuration is the machine's current one, when it still
		// exists (the definition is the one the execution runs).
		if m, err := loadMachine(ctx, tx, x.StateMachineARN); err == nil && m != nil {
			out.UpdateDate, out.LoggingConfiguration, out.TracingConfiguration = m.Updated, loggingOut(m.Logging), tracingOut(m.Tracing)
			if m.DefinitionKey == x.Definition {
				out.RevisionID = m.RevisionID
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// tagged reads the state machine a tagging request names.
func (s *Service) tagged(ctx context.Context, tx store.Tx, arn string) (*machineRecord, error) {
	p, ok := parseARN(arn)
	if !ok {
		return nil, errInvalidArn(arn)
	}
	if p.kind != "stateMachine" || p.sub != "" {
		return nil, errResourceNotFound(arn)
	}
	m, err := loadMachine(ctx, tx, arn)
	if err != nil {
		return nil, err
	}
	if m == nil {
		return nil, errResourceNotFound(arn)
	}
	return m, nil
}

func (s *Service) TagResource(ctx context.Context, in *TagResourceInput) (*TagResourceOutput, error) {
	err := s.st.Update(ctx, func(tx store.Tx) error {
		m, err := s.tagged(ctx, tx, in.ResourceArn)
		if err != nil {
			return err
		}
		for _, t := range in.Tags {
			replaced := false
			for i := range m.Tags {
				if m.Tags[i].Key == t.Key {
					m.Tags[i].Value, replaced = t.Value, true
				}
			}
			if !replaced {
				m.Tags = append(m.Tags, t)
			}
		}
		if len(m.Tags) > 50 {
			return errTooManyTags(in.ResourceArn)
		}
		return saveMachine(ctx, tx, m)
	})
	if err != nil {
		return nil, err
	}
	return &TagResourceOutput{}, nil
}

func (s *Service) UntagResource(ctx context.Context, in *UntagResourceInput) (*UntagResourceOutput, error) {
	err := s.st.Update(ctx, func(tx store.Tx) error {
		m, err := s.tagged(ctx, tx, in.ResourceArn)
		if err != nil {
			return err
		}
		kept := m.Tags[:0]
		for _, t := range m.Tags {
			drop := false
			for _, k := range in.TagKeys {
				drop = drop || t.Key == k
			}
			if !drop {
				kept = append(kept, t)
			}
		}
		m.Tags = kept
		return saveMachine(ctx, tx, m)
	})
	if err != nil {
		return nil, err
	}
	return &UntagResourceOutput{}, nil
}

func (s *Service) ListTagsForResource(ctx context.Context, in *ListTagsForResourceInput) (*ListTagsForResourceOutput, error) {
	out := &ListTagsForResourceOutput{Tags: []Tag{}}
	err := s.st.View(ctx, func(tx store.Tx) error {
		*out = ListTagsForResourceOutput{Tags: []Tag{}} // fn may run twice (store.View)
		m, err := s.tagged(ctx, tx, in.ResourceArn)
		if err != nil {
			return err
		}
		out.Tags = append(out.Tags, m.Tags...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
