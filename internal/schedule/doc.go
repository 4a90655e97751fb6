// Package schedule parses and evaluates AWS schedule expressions: the
// ScheduleExpression of an EventBridge rule (PutRule) and of an EventBridge
// Scheduler schedule (CreateSchedule, UpdateSchedule). It is pure: no
// goroutines, timers or clock reads; callers pass every time in.
//
// # Grammar
//
// ParseRule accepts what PutRule accepts ("Creating an Amazon EventBridge
// rule that runs on a schedule"): rate(value unit) and the six-field
// cron(minutes hours day-of-month month day-of-week year). Parse accepts what
// Scheduler accepts ("Schedule types on EventBridge Scheduler"): rate() and
// cron() as well, with the year optional, and the one-time
// at(yyyy-mm-ddThh:mm:ss). A rejected expression is an *Error; PutRule
// answers ValidationException with Error.RuleMessage, Scheduler with
// Error.SchedulerMessage.
//
// # Evaluation
//
// Every Expression has Next(after, loc): the first firing strictly after
// after. Cron and at() are wall-clock schedules evaluated in loc: UTC for
// rules ("All scheduled events use UTC+0 time zone"), the schedule's
// ScheduleExpressionTimezone for Scheduler. Daylight saving time follows the
// Scheduler guide's "Daylight savings time on EventBridge Scheduler": a cron
// time the spring-forward gap skips does not fire that day, and a cron time
// the fall-back repeats fires once, at its first occurrence.
//
// A rate is a fixed duration ("days represents a 24-hour duration") on a
// grid anchored where the schedule starts: Rate.From sets the anchor (the
// Scheduler StartDate, or the creation time when there is none; the rule's
// creation time for PutRule). Between lists the firings of an interval, which
// is how a caller finds the firings it missed while shoal was down.
//
// StartDate, EndDate and FlexibleTimeWindow are the caller's: invocations
// happen on or after StartDate and on or before EndDate (CreateSchedule API
// reference), and at() ignores both, as the guide says.
package schedule
