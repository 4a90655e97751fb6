package scheduler

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/shoal-dev/shoal/internal/dispatch"
	"github.com/shoal-dev/shoal/internal/store"
)

// errStale ends a job whose claim was overtaken: the schedule was updated
// or deleted while its firing ran, and the job replaced or removed.
var errStale = errors.New("scheduler: fire job overtaken by a schedule change")

// Retry timing: AWS retries "with exponential backoff"; shoal waits 1 s
// before the first retry, doubling up to 5 minutes.
const (
	retryBase = time.Second
	retryCap  = 5 * time.Minute
)

func backoff(retry int) time.Duration {
	d := retryBase
	for i := 1; i < retry && d < retryCap; i++ {
		d *= 2
	}
	return min(d, retryCap)
}

// fire is the jobs.Handler of Queue: it invokes a schedule's target (or
// retries an invocation) and, in one transaction, completes the job,
// plans the next firing, schedules a retry or records a dead letter, and
// deletes a completed schedule whose ActionAfterCompletion is DELETE.
//
// The target is invoked before that transaction commits, so a crash in
// between invokes it again after the restart: delivery is at least once,
// as AWS's is.
func (s *Service) fire(ctx context.Context, job store.Job) error {
	var p firePayload
	if err := json.Unmarshal(job.Payload, &p); err != nil {
		s.log.Error("drop unreadable scheduler job", "job", job.ID, "err", err)
		return s.finish(ctx, job, nil)
	}
	sc, _, _, ok := scopeOfKey(p.Key)
	if !ok {
		s.log.Error("drop scheduler job with a bad key", "job", job.ID)
		return s.finish(ctx, job, nil)
	}
	if p.Retry != nil {
		return s.retry(ctx, job, sc, &p)
	}
	rec := p.Schedule
	if rec == nil || rec.State != StateEnabled {
		return s.finish(ctx, job, nil)
	}
	pl, err := s.planOf(sc, rec)
	if err != nil {
		s.log.Error("drop firing of a schedule that no longer parses", "schedule", p.Key, "err", err)
		return s.finish(ctx, job, nil)
	}
	now := s.clk.Now()
	maxAge := time.Duration(*rec.Target.RetryPolicy.MaximumEventAgeInSeconds) * time.Second
	fireAt, doFire, next, hasNext := pl.catchUp(p.At, now, maxAge)
	if !doFire {
		s.log.Warn("schedule firings missed while shoal was down are too old to invoke", "schedule", p.Key, "from", p.At, "now", now)
	}
	var failed *attempt
	if doFire {
		event := pl.due(fireAt)
		failed = s.tryOnce(ctx, sc, sc.scheduleARN(rec.Group, rec.Name), &rec.Target, rec.Name, event, 0, now)
	}
	return s.finish(ctx, job, func(tx store.Tx) error {
		if failed != nil {
			if err := s.afterFailure(ctx, tx, sc, p.Key, failed); err != nil {
				return err
			}
		}
		if hasNext {
			return tx.JobPut(ctx, fireJob(p.Key, rec, next, pl.due(next)))
		}
		if rec.ActionAfterCompletion == AfterDelete {
			// The last firing is made: "EventBridge Scheduler deletes the
			// schedule after it completes invoking the target".
			if err := tx.RecordDelete(ctx, tableSchedule, p.Key); err != nil && !errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("scheduler: delete completed schedule: %w", err)
			}
		}
		return nil
	})
}

// retry makes one retry of a failed invocation.
func (s *Service) retry(ctx context.Context, job store.Job, sc scope, p *firePayload) error {
	r := p.Retry
	failed := s.tryOnce(ctx, sc, r.ScheduleARN, &r.Target, nameOfARN(r.ScheduleARN), r.Event, r.Attempt, s.clk.Now())
	return s.finish(ctx, job, func(tx store.Tx) error {
		if failed == nil {
			return nil
		}
		return s.afterFailure(ctx, tx, sc, p.Key, failed)
	})
}

// finish completes job in one transaction with fn's effects; if the job
// was replaced or removed meanwhile, nothing is written.
func (s *Service) finish(ctx context.Context, job store.Job, fn func(tx store.Tx) error) error {
	err := s.st.Update(ctx, func(tx store.Tx) error {
		if err := tx.JobDelete(ctx, job.Queue, job.ID, job.Lease); err != nil {
			if errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrNotFound) {
				return errStale
			}
			return err
		}
		if fn == nil {
			return nil
		}
		return fn(tx)
	})
	if errors.Is(err, errStale) {
		return nil
	}
	return err
}

// attempt is a failed invocation and what follows from it: a retry or a
// dead letter, decided before the transaction so the dead letter can be
// sent to its queue (a call, so not inside the transaction).
type attempt struct {
	scheduleARN string
	target      Target
	event       time.Time // when the invocation was first due
	retries     int       // retries made so far
	err         *invokeError
	retryAt     time.Time // zero: no retry left
	dead        *DeadLetter
}

// tryOnce invokes the target once; nil means it succeeded.
func (s *Service) tryOnce(ctx context.Context, sc scope, scheduleARN string, t *Target, session string, event time.Time, retries int, now time.Time) *attempt {
	ierr := s.invokeTarget(ctx, sc, t, session)
	if ierr == nil {
		return nil
	}
	a := &attempt{scheduleARN: scheduleARN, target: *t, event: event, retries: retries, err: ierr}
	rp := t.RetryPolicy
	maxTries, maxAge := int32(DefaultMaxTry), int32(DefaultMaxAge)
	if rp != nil && rp.MaximumRetryAttempts != nil {
		maxTries = *rp.MaximumRetryAttempts
	}
	if rp != nil && rp.MaximumEventAgeInSeconds != nil {
		maxAge = *rp.MaximumEventAgeInSeconds
	}
	condition := "MaximumRetryAttempts"
	if retries < int(maxTries) {
		at := now.Add(backoff(retries + 1))
		if !at.After(event.Add(time.Duration(maxAge) * time.Second)) {
			a.retryAt = at
			return a
		}
		condition = "MaximumEventAgeInSeconds"
	}
	s.log.Warn("schedule invocation failed; no retry left", "schedule", scheduleARN, "target", t.Arn, "code", ierr.Code, "err", ierr.Message, "retries", retries)
	a.dead = &DeadLetter{
		Time: now.UTC(), ScheduleArn: scheduleARN, TargetArn: t.Arn, Input: t.Input,
		ErrorCode: ierr.Code, ErrorMessage: ierr.Message, ExhaustedRetryCondition: condition, RetryAttempts: retries,
	}
	if t.DeadLetterConfig != nil && t.DeadLetterConfig.Arn != "" {
		a.dead.DeadLetterArn = t.DeadLetterConfig.Arn
		if derr := s.sendDeadLetter(ctx, sc, t, a.dead); derr != nil {
			a.dead.DeliveryError = derr.Error()
		} else {
			a.dead.Delivered = true
		}
	}
	return a
}

// afterFailure writes what a failed attempt leads to.
func (s *Service) afterFailure(ctx context.Context, tx store.Tx, sc scope, key string, a *attempt) error {
	if !a.retryAt.IsZero() {
		b, err := json.Marshal(firePayload{Key: key, At: a.event, Retry: &retryState{
			Attempt: a.retries + 1, Event: a.event, ScheduleARN: a.scheduleARN, Target: a.target,
		}})
		if err != nil {
			return fmt.Errorf("scheduler: encode retry: %w", err)
		}
		return tx.JobPut(ctx, &store.Job{Queue: Queue, ID: retryJobID(key, a.event), Due: a.retryAt, Payload: b})
	}
	b, err := json.Marshal(a.dead)
	if err != nil {
		return fmt.Errorf("scheduler: encode dead letter: %w", err)
	}
	if _, err := tx.LogAppend(ctx, sc.dlqLog(), b); err != nil {
		return fmt.Errorf("scheduler: record dead letter: %w", err)
	}
	return nil
}

// invokeTarget calls the target on behalf of the schedule's execution
// role, as scheduler.amazonaws.com.
func (s *Service) invokeTarget(ctx context.Context, sc scope, t *Target, session string) *invokeError {
	c, ierr := invocation(t)
	if ierr != nil {
		return ierr
	}
	return s.invoke(ctx, s.caller(sc, t.RoleArn, session), c)
}

func (s *Service) caller(sc scope, roleARN, session string) dispatch.Caller {
	return dispatch.Caller{
		AccountID: sc.account, Region: sc.region, Principal: assumedRole(roleARN, session),
		InvokedBy: "scheduler.amazonaws.com", UserAgent: "scheduler.amazonaws.com",
	}
}

// assumedRole is the principal a schedule calls with: its execution role,
// assumed for a session named after the schedule.
func assumedRole(roleARN, session string) string {
	i := strings.Index(roleARN, ":role/")
	if i < 0 {
		return roleARN
	}
	name := roleARN[i+len(":role/"):]
	if j := strings.LastIndexByte(name, '/'); j >= 0 {
		name = name[j+1:]
	}
	if len(session) > 64 {
		session = session[:64]
	}
	return strings.Replace(roleARN[:i], ":iam:", ":sts:", 1) + ":assumed-role/" + name + "/" + session
}

func nameOfARN(arn string) string { return arn[strings.LastIndexByte(arn, '/')+1:] }

// DeadLetter is an invocation that failed for good: the dead-letter event
// AWS sends to the schedule's DeadLetterConfig queue, with its message
// attributes (ERROR_CODE, ERROR_MESSAGE, EXHAUSTED_RETRY_CONDITION,
// RETRY_ATTEMPTS, SCHEDULE_ARN, TARGET_ARN) as fields. shoal records every
// one in the store, and also sends it to the queue when shoal has SQS.
type DeadLetter struct {
	Time                    time.Time `json:"time"`
	ScheduleArn             string    `json:"scheduleArn"`
	TargetArn               string    `json:"targetArn"`
	DeadLetterArn           string    `json:"deadLetterArn,omitempty"`
	ErrorCode               string    `json:"errorCode"`
	ErrorMessage            string    `json:"errorMessage"`
	ExhaustedRetryCondition string    `json:"exhaustedRetryCondition"`
	RetryAttempts           int       `json:"retryAttempts"`
	Input                   *string   `json:"input,omitempty"`
	Delivered               bool      `json:"delivered"`
	DeliveryError           string    `json:"deliveryError,omitempty"`
}

// sendDeadLetter sends the dead-letter event to the DLQ through the
// registry, the body being the target's input as AWS sends it.
func (s *Service) sendDeadLetter(ctx context.Context, sc scope, t *Target, d *DeadLetter) *invokeError {
	ref, err := parseTarget(t.DeadLetterConfig.Arn)
	if err != nil {
		return &invokeError{Code: "ValidationException", Message: err.Error()}
	}
	body := "{}"
	if t.Input != nil {
		body = *t.Input
	}
	attr := func(v string) map[string]any { return map[string]any{"DataType": "String", "StringValue": v} }
	return s.invoke(ctx, s.caller(sc, t.RoleArn, nameOfARN(d.ScheduleArn)), &call{service: "sqs", operation: "SendMessage", params: map[string]any{
		"QueueUrl":    queueURL(ref),
		"MessageBody": body,
		"MessageAttributes": map[string]any{
			"ERROR_CODE":                attr(d.ErrorCode),
			"ERROR_MESSAGE":             attr(d.ErrorMessage),
			"EXHAUSTED_RETRY_CONDITION": attr(d.ExhaustedRetryCondition),
			"RETRY_ATTEMPTS":            attr(fmt.Sprint(d.RetryAttempts)),
			"SCHEDULE_ARN":              attr(d.ScheduleArn),
			"TARGET_ARN":                attr(d.TargetArn),
		},
	}})
}

// DeadLetters returns the dead letters recorded for an account and
// region, oldest first.
func (s *Service) DeadLetters(ctx context.Context, account, region string) ([]DeadLetter, error) {
	sc := scope{account: account, region: region}
	out, err := view(ctx, s.st, func(tx store.Tx) (*[]DeadLetter, error) {
		es, err := tx.LogRead(ctx, &store.LogReadParams{Log: sc.dlqLog()})
		if err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return &[]DeadLetter{}, nil
			}
			return nil, err
		}
		ds := make([]DeadLetter, len(es))
		for i, e := range es {
			if err := json.Unmarshal(e.Data, &ds[i]); err != nil {
				return nil, fmt.Errorf("scheduler: decode dead letter: %w", err)
			}
		}
		return &ds, nil
	})
	if err != nil {
		return nil, err
	}
	return *out, nil
}
