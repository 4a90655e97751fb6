package events

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/shoal-dev/shoal/internal/dispatch"
	"github.com/shoal-dev/shoal/internal/jobs"
	"github.com/shoal-dev/shoal/internal/store"
)

// RetryPolicy defaults for a target without one ("How EventBridge retries
// delivering events": 24 hours and up to 185 times).
const (
	DefaultMaximumRetryAttempts     = 185
	DefaultMaximumEventAgeInSeconds = 86400

	// Backoff doubles from one second up to five minutes. AWS adds jitter;
	// shoal does not, so runs under a manual clock are repeatable.
	backoffBase = time.Second
	backoffMax  = 5 * time.Minute
)

// delivery is a job's payload: one event for one target of one rule. The
// target is copied at PutEvents time, so a delivery in flight is not
// affected by later PutTargets.
type delivery struct {
	Account  string          `json:"account"`
	Region   string          `json:"region"`
	Bus      string          `json:"bus"`
	Rule     string          `json:"rule"`
	RuleArn  string          `json:"ruleArn"`
	Target   Target          `json:"target"`
	EventID  string          `json:"eventId"`
	Event    json.RawMessage `json:"event"`
	Ingested time.Time       `json:"ingested"`
	Attempts int             `json:"attempts,omitempty"` // failed invocations so far
}

// DeadLetter is the record shoal keeps of an event a target never took, in
// the log "events.deadletter/<account>/<region>". Its members are the
// message attributes EventBridge sets on a dead-letter queue message.
type DeadLetter struct {
	Event                   json.RawMessage `json:"event"`
	RuleArn                 string          `json:"RULE_ARN"`
	TargetArn               string          `json:"TARGET_ARN"`
	ErrorCode               string          `json:"ERROR_CODE"`
	ErrorMessage            string          `json:"ERROR_MESSAGE"`
	ExhaustedRetryCondition string          `json:"EXHAUSTED_RETRY_CONDITION,omitempty"`
	RetryAttempts           int             `json:"RETRY_ATTEMPTS"`
	DeadLetterArn           string          `json:"deadLetterArn,omitempty"`
	SentToDeadLetterQueue   bool            `json:"sentToDeadLetterQueue"`
	Time                    time.Time       `json:"time"`
}

// marshalRaw is json.Marshal without HTML escaping. Payloads carry the
// event as a json.RawMessage, which json.Marshal rewrites (< as \u003c):
// still the same JSON value, but no longer the bytes the bus accepted,
// and targets such as SQS bodies and log messages show the difference.
func marshalRaw(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// DeadLetterLog is the log holding an account and region's DeadLetter
// records.
func DeadLetterLog(account, region string) string {
	return scope{account: account, region: region}.deadLetterLog()
}

// deliver is the job handler: invoke the target, then reschedule or
// dead-letter the job in one transaction, or, once the target took the
// event, leave its deletion to the runner (jobs.Done).
func (s *Service) deliver(ctx context.Context, job store.Job) error {
	var d delivery
	if v, ok := s.handed.LoadAndDelete(job.ID); ok {
		d = *v.(*delivery)
	} else if err := json.Unmarshal(job.Payload, &d); err != nil {
		s.log.Error("undecodable delivery dropped", "job", job.ID, "err", err)
		return s.finish(ctx, job, nil)
	}
	now := s.clk.Now()
	err := s.invoke(ctx, &d)
	if err == nil {
		// EventBridge delivers at least once, so the deletion need not
		// commit with the target's effect: the runner deletes a batch's
		// delivered jobs in one Update instead of one each.
		s.countDelivered(&d, nil)
		return jobs.Done
	}
	if rl := (*errRateLimited)(nil); errors.As(err, &rl) {
		return s.reschedule(ctx, job, &d, rl.Next)
	}
	d.Attempts++
	maxAttempts, maxAge := DefaultMaximumRetryAttempts, DefaultMaximumEventAgeInSeconds
	if p := d.Target.RetryPolicy; p != nil {
		if p.MaximumRetryAttempts != nil {
			maxAttempts = int(*p.MaximumRetryAttempts)
		}
		if p.MaximumEventAgeInSeconds != nil {
			maxAge = int(*p.MaximumEventAgeInSeconds)
		}
	}
	e, _ := dispatch.AsError(err)
	next := now.Add(backoff(d.Attempts))
	condition := ""
	switch {
	case !retriable(err):
	case d.Attempts > maxAttempts:
		condition = "MaximumRetryAttempts"
	case next.Sub(d.Ingested) > time.Duration(maxAge)*time.Second:
		condition = "MaximumEventAgeInSeconds"
	default:
		s.log.Info("target invocation failed; retrying", "rule", d.RuleArn, "target", d.Target.Arn, "attempt", d.Attempts, "err", err)
		return s.reschedule(ctx, job, &d, next)
	}
	dl := &DeadLetter{Event: d.Event, RuleArn: d.RuleArn, TargetArn: d.Target.Arn, ErrorCode: e.Code,
		ErrorMessage: e.Message, ExhaustedRetryCondition: condition, RetryAttempts: d.Attempts - 1, Time: now.UTC()}
	if d.Target.DeadLetterConfig != nil && d.Target.DeadLetterConfig.Arn != "" {
		dl.DeadLetterArn = d.Target.DeadLetterConfig.Arn
		dl.SentToDeadLetterQueue = s.sendDeadLetter(ctx, &d, dl) == nil
	}
	s.log.Warn("target invocation failed; event dead-lettered", "rule", d.RuleArn, "target", d.Target.Arn, "err", err)
	s.countDelivered(&d, dl)
	return s.finish(ctx, job, dl)
}

func backoff(attempt int) time.Duration {
	d := backoffBase
	for i := 1; i < attempt && d < backoffMax; i++ {
		d *= 2
	}
	return min(d, backoffMax)
}

// retriable reports whether EventBridge retries after err. AWS retries
// "retriable errors" — throttling, server faults, an unavailable target —
// and not a target's client errors (a bad request, a missing resource).
// A service or operation shoal lacks counts as unavailable and is retried:
// a newer shoal on the same data may have it.
func retriable(err error) bool {
	e, ok := dispatch.AsError(err)
	if ok && e.Code == codeHTTPError {
		return retriableStatus(e.HTTPStatus())
	}
	if !ok || e.Code == "UnknownOperationException" || e.HTTPStatus() >= 500 {
		return true
	}
	return strings.Contains(e.Code, "Throttl") || e.Code == "TooManyRequestsException"
}

// finish completes the job, keeping the dead-letter record if there is one.
func (s *Service) finish(ctx context.Context, job store.Job, dl *DeadLetter) error {
	err := s.st.Update(ctx, func(tx store.Tx) error {
		if err := tx.JobDelete(ctx, job.Queue, job.ID, job.Lease); err != nil {
			return err
		}
		if dl == nil {
			return nil
		}
		var d delivery
		_ = json.Unmarshal(job.Payload, &d)
		b, err := marshalRaw(dl)
		if err != nil {
			return err
		}
		_, err = tx.LogAppend(ctx, DeadLetterLog(d.Account, d.Region), b)
		return err
	})
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrConflict) {
		return nil // another claimer finished it after our lease ran out
	}
	return err
}

func (s *Service) reschedule(ctx context.Context, job store.Job, d *delivery, due time.Time) error {
	payload, err := marshalRaw(d)
	if err != nil {
		return err
	}
	err = s.st.Update(ctx, func(tx store.Tx) error {
		cur, err := tx.JobGet(ctx, job.Queue, job.ID)
		if err != nil {
			return err
		}
		if cur.Lease != job.Lease {
			return store.ErrConflict
		}
		return tx.JobPut(ctx, &store.Job{Queue: job.Queue, ID: job.ID, Due: due, Payload: payload})
	})
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrConflict) {
		return nil
	}
	return err
}

// targetInput is what the target receives: Input, the InputPath's part of
// the event, the InputTransformer's rendering, or the whole event.
func (s *Service) targetInput(d *delivery) ([]byte, error) {
	t := &d.Target
	switch {
	case t.Input != nil:
		return []byte(*t.Input), nil
	case t.InputPath != nil:
		ev, err := decodeEvent(d.Event)
		if err != nil {
			return nil, err
		}
		v, ok := selectPath(ev, *t.InputPath)
		if !ok {
			return []byte("null"), nil
		}
		return json.Marshal(v)
	case t.InputTransformer != nil:
		return renderInput(t.InputTransformer, &transformContext{RuleArn: d.RuleArn, RuleName: d.Rule,
			IngestionTime: d.Ingested.UTC().Format(time.RFC3339), Event: d.Event})
	}
	return d.Event, nil
}

func decodeEvent(b []byte) (any, error) {
	var v any
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.UseNumber()
	return v, dec.Decode(&v)
}

// text is the input as a string-taking target (an SQS body, an SNS message,
// a log event) receives it: a JSON string's characters, else the JSON.
func text(input []byte) string {
	var s string
	if json.Unmarshal(input, &s) == nil {
		return s
	}
	return string(input)
}

// arnParts splits arn:partition:service:region:account:resource.
func arnParts(arn string) (service, region, account, resource string, ok bool) {
	p := strings.SplitN(arn, ":", 6)
	if len(p) != 6 || p[0] != "arn" {
		return "", "", "", "", false
	}
	return p[2], p[3], p[4], p[5], true
}

// invoke calls the target through the registry, on behalf of the target's
// role, exactly as an HTTP call would run (validation, hooks, CloudTrail).
func (s *Service) invoke(ctx context.Context, d *delivery) error {
	input, err := s.targetInput(d)
	if err != nil {
		return dispatch.NewError("InvalidInput", "the target input could not be built: %v", err)
	}
	svc, region, account, resource, ok := arnParts(d.Target.Arn)
	if !ok {
		return dispatch.NewError("ValidationException", "%s is not an ARN", d.Target.Arn)
	}
	if region == "" {
		region = d.Region
	}
	if account == "" {
		account = d.Account
	}
	caller := dispatch.Caller{AccountID: d.Account, Region: region, Principal: assumedRole(d.Target.RoleArn, d.EventID),
		InvokedBy: "events.amazonaws.com", UserAgent: "events.amazonaws.com", SourceIP: "events.amazonaws.com"}
	call := func(service, op string, in map[string]any) error {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		if s.registry == nil {
			return dispatch.NewError("UnknownOperationException", "no registry to invoke %s.%s through", service, op)
		}
		_, err = s.registry.CallJSON(ctx, caller, service, op, b)
		return err
	}
	switch svc {
	case "states":
		return call("states", "StartExecution", map[string]any{"stateMachineArn": d.Target.Arn, "input": string(input)})
	case "lambda":
		// EventBridge invokes functions asynchronously.
		return call("lambda", "Invoke", map[string]any{"FunctionName": d.Target.Arn, "InvocationType": "Event",
			"Payload": base64.StdEncoding.EncodeToString(input)})
	case "sns":
		return call("sns", "Publish", map[string]any{"TopicArn": d.Target.Arn, "Message": text(input)})
	case "sqs":
		in := map[string]any{"QueueUrl": queueURL(region, account, resource), "MessageBody": text(input)}
		if p := d.Target.SqsParameters; p != nil && p.MessageGroupId != "" {
			in["MessageGroupId"] = p.MessageGroupId
		}
		return call("sqs", "SendMessage", in)
	case "logs":
		group, ok := strings.CutPrefix(resource, "log-group:")
		if !ok {
			break
		}
		group = strings.TrimSuffix(group, ":*")
		// One stream per event, named by its id, as AWS does.
		err := call("logs", "CreateLogStream", map[string]any{"logGroupName": group, "logStreamName": d.EventID})
		if e, _ := dispatch.AsError(err); err != nil && e.Code != "ResourceAlreadyExistsException" {
			return err
		}
		return call("logs", "PutLogEvents", map[string]any{"logGroupName": group, "logStreamName": d.EventID,
			"logEvents": []map[string]any{{"timestamp": d.Ingested.UnixMilli(), "message": text(input)}}})
	case "events":
		if strings.HasPrefix(resource, "api-destination/") {
			return s.invokeAPIDestination(ctx, d, input, scope{account: account, region: region})
		}
		bus, ok := strings.CutPrefix(resource, "event-bus/")
		if !ok {
			break
		}
		return s.forward(ctx, scope{account: account, region: region}, bus, d.Event)
	}
	return dispatch.NewError("UnknownOperationException", "shoal does not support EventBridge targets of type %s yet (%s)", svc, d.Target.Arn)
}

// forward puts an event on another bus, as a bus target does: the same
// source, detail-type, detail, resources and time, with a new id.
func (s *Service) forward(ctx context.Context, sc scope, bus string, event []byte) error {
	var ev struct {
		Source     string          `json:"source"`
		DetailType string          `json:"detail-type"`
		Time       time.Time       `json:"time"`
		Resources  []string        `json:"resources"`
		Detail     json.RawMessage `json:"detail"`
	}
	if err := json.Unmarshal(event, &ev); err != nil {
		return fmt.Errorf("events: forward: %w", err)
	}
	m, ok := s.matcher(sc, bus)
	if !ok {
		return errBusNotFound(bus)
	}
	a := accepted{sc: sc, bus: bus, id: s.newID()}
	a.event = buildEvent(a.id, ev.DetailType, ev.Source, sc, ev.Time, ev.Resources, ev.Detail)
	a.rules, _ = m.Match(a.event)
	a.archives = s.matchArchives(sc, bus, a.event)
	if !a.routed() {
		return nil
	}
	return s.commit(ctx, []accepted{a}, nil)
}

// sendDeadLetter sends the event to the target's dead-letter queue with
// EventBridge's message attributes.
func (s *Service) sendDeadLetter(ctx context.Context, d *delivery, dl *DeadLetter) error {
	_, region, account, resource, ok := arnParts(dl.DeadLetterArn)
	if !ok || s.registry == nil {
		return errors.New("no dead-letter queue")
	}
	attr := func(v string) map[string]any { return map[string]any{"DataType": "String", "StringValue": v} }
	in := map[string]any{
		"QueueUrl":    queueURL(region, account, resource),
		"MessageBody": string(d.Event),
		"MessageAttributes": map[string]any{
			"RULE_ARN": attr(dl.RuleArn), "TARGET_ARN": attr(dl.TargetArn),
			"ERROR_CODE": attr(dl.ErrorCode), "ERROR_MESSAGE": attr(dl.ErrorMessage),
		},
	}
	b, _ := json.Marshal(in)
	caller := dispatch.Caller{AccountID: d.Account, Region: region, InvokedBy: "events.amazonaws.com", UserAgent: "events.amazonaws.com"}
	_, err := s.registry.CallJSON(ctx, caller, "sqs", "SendMessage", b)
	return err
}

func queueURL(region, account, name string) string {
	return "https://sqs." + region + ".amazonaws.com/" + account + "/" + name
}

// assumedRole is the principal a target is invoked as: its role, assumed.
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
