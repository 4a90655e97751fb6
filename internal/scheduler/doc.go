// Package scheduler is Amazon EventBridge Scheduler: schedules and schedule
// groups over restJson1 (signing name "scheduler", API 2021-06-30), and the
// firing of every enabled schedule on shoal's clock, through the dispatch
// registry.
//
// The package owns CreateSchedule, GetSchedule, UpdateSchedule,
// DeleteSchedule, ListSchedules, CreateScheduleGroup, GetScheduleGroup,
// DeleteScheduleGroup, ListScheduleGroups and the tagging operations (only
// schedule groups take tags). Expressions are parsed and evaluated by
// internal/schedule; this package adds StartDate, EndDate, time zones,
// flexible windows, targets, retries and dead letters.
//
// # Persistence
//
// Everything belongs to the caller's account and region; keys start with
// "<account>/<region>/".
//
//   - scheduler.schedule, key "<account>/<region>/<group>/<name>": the
//     schedule as GetSchedule describes it (defaults filled in) and the
//     rate anchor. A group's schedules are a key prefix.
//   - scheduler.group, key "<account>/<region>/<group>": a created group,
//     or the default group once it carries tags. The default group exists
//     without a record ("default" is in every account) and is reported
//     without dates.
//   - jobs of queue "scheduler.fire": one per enabled schedule (ID = the
//     schedule's key) due at its next firing, carrying the firing time and
//     a copy of the schedule — every change replans the job in its own
//     transaction, so the copy is current and a firing reads nothing; and
//     one per invocation being retried (ID = key + "#" + first due time),
//     carrying the target, so a retry outlives an update or deletion of
//     its schedule.
//   - log "scheduler.dlq/<account>/<region>/": the dead letters.
//
// CreateSchedule, UpdateSchedule and DeleteSchedule write the schedule and
// its job in one store.Update; a firing writes its outcome (next job,
// retry job, dead letter, deletion after completion) and completes its job
// in one store.Update, guarded by the job's lease, so a firing planned
// before an update never overwrites what the update planned.
//
// # Firing
//
// A jobs.Runner runs the queue. A firing at time t of a schedule is due at
// t, or with a FLEXIBLE window at t plus a whole number of seconds below
// MaximumWindowInMinutes taken from an FNV-1a hash of the schedule's ARN
// and t — AWS draws it at random; shoal's choice is deterministic so that
// tests, restarts and several processes agree on it. Cron and at() are
// evaluated in ScheduleExpressionTimezone with the guide's daylight saving
// rules (internal/schedule); a rate is a fixed interval anchored at
// StartDate, or where the expression was set when there is none, so a rate
// schedule without StartDate fires at once ("starts invoking the target
// immediately"). Recurring schedules fire on or after StartDate and on or
// before EndDate; at() ignores both. When a schedule has no firing left
// and ActionAfterCompletion is DELETE, the transaction recording its last
// firing deletes it.
//
// Targets are called in-process through the registry, as
// scheduler.amazonaws.com on behalf of the execution role: Step Functions
// StartExecution (stateMachineArn, input = Input), Lambda Invoke
// (InvocationType Event, Payload = Input), SNS Publish (Message = Input),
// SQS SendMessage (MessageBody = Input, MessageGroupId), EventBridge
// PutEvents (one entry: Detail = Input, Source and DetailType from
// EventBridgeParameters), and universal targets
// arn:aws:scheduler:::aws-sdk:<service>:<apiAction>, whose Input is the
// request in the SDK's member names (dispatch.CallJSON decodes every
// request). A target whose service or operation shoal lacks fails the
// invocation with UnknownOperationException, a templated target kind
// shoal does not call (ECS, Kinesis, ...) with UnsupportedTarget; both are
// retried and dead-lettered like any failure, never reported as a success.
//
// A failed invocation is retried after 1 s, doubling to at most 5 minutes,
// until RetryPolicy.MaximumRetryAttempts retries were made or the next one
// would fall later than MaximumEventAgeInSeconds after the invocation was
// first due (defaults 185 and 86,400, which GetSchedule reports). Then a
// dead letter is recorded (DeadLetters) and, when the schedule has a
// DeadLetterConfig and shoal has SQS, sent there with AWS's message
// attributes. Invocations are at least once: the target is called before
// the transaction that records the firing commits.
//
// # Missed firings
//
// The Scheduler guide says nothing about firings an outage swallowed, so
// shoal does what the retry policy implies: a firing is an event whose
// age may not exceed MaximumEventAgeInSeconds. When a job is handled late
// (shoal was stopped, or the process died), of the firings due meanwhile
// only the most recent is invoked, once, and only if it is no older than
// MaximumEventAgeInSeconds; older ones are skipped, and the next firing is
// planned from the current time. TestRestartFiresLatestMissedOnce and
// TestRestartSkipsFiringsOlderThanMaxAge pin this.
//
// Not emulated: ClientToken idempotency (validated, otherwise ignored);
// KmsKeyArn encryption (stored and reported); groups in state DELETING
// (deletion is immediate); ECS, Kinesis, SageMaker and other templated
// targets beyond the five above (they fail as UnsupportedTarget; a
// universal target reaches any operation shoal implements); quotas. A
// universal target's Input members that the operation does not have are
// ignored (CallJSON decodes leniently, dispatch.DecodeOptions), where the
// SDK may refuse them: AWS's documentation does not say, so shoal has not
// changed it.
package scheduler
