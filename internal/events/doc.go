// Package events is Amazon EventBridge: event buses, rules with event
// patterns, targets, PutEvents and durable at-least-once delivery to
// targets through the dispatch registry, served over awsJson1_1
// (AWSEvents.<Operation>).
//
// # Persistence
//
// Every bus and rule belongs to the caller's account and region; keys start
// with "<account>/<region>/".
//
//   - events.bus, key "<account>/<region>/<bus>": a custom bus (and the
//     default bus once it has tags). The default bus exists without one.
//   - events.rule, key "<account>/<region>/<bus>|<rule>": a rule with its
//     targets (at most five, so they live in the rule).
//   - queue events.delivery: one job per (accepted event, matched rule,
//     target), id "<event id>|<bus>|<rule>|<target id>", carrying the event
//     and a copy of the target. PutEvents commits them in the one
//     transaction that accepts the events, so an event accepted is an event
//     delivered, even if the process dies right after answering.
//   - log events.deadletter/<account>/<region>: a DeadLetter record for each
//     event a target never took.
//
// # Matching
//
// Each bus has one pattern.Matcher holding its enabled rules' patterns,
// rebuilt from the store at Start (one AddAll per bus) and updated after
// every rule change commits. PutEvents matches without locking and then, in
// its transaction, re-reads each matched rule, so a rule disabled or
// retargeted concurrently is honoured as committed. The matchers are per
// process: with several shoal processes on one PostgreSQL store, rule
// changes made by another process reach this one's matchers only at its
// next Start.
//
// # Delivery
//
// A jobs.Runner delivers. Each target is invoked in-process through the
// registry (dispatch.Registry.CallJSON) as the target's role, so it gets the
// same validation, hooks and CloudTrail record as an HTTP call: Step
// Functions StartExecution, Lambda Invoke (asynchronous), SNS Publish, SQS
// SendMessage, CloudWatch Logs (a stream per event), and other buses
// (forwarded in-process). A service shoal lacks makes the delivery fail —
// never a silent success. Failures are retried with exponential backoff on
// the clock per the target's RetryPolicy (defaults 185 attempts, 86,400 s);
// a target's client errors (4xx other than throttling) are not retried. An
// event that is given up on is recorded in the dead-letter log and, when the
// target has a DeadLetterConfig and SQS exists, sent there.
//
// Input, InputPath and InputTransformer shape what a target receives
// (transform.go).
//
// # Not yet
//
// Scheduled rules are validated and stored but do not fire; archives and
// replays, connections, API destinations, endpoints, partner event
// sources, PutPermission/RemovePermission, UpdateEventBus, the AWS/Events
// metrics and the 300-rules-per-bus quota are not implemented.
package events
