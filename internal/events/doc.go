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
//   - events.archive, key "<account>/<region>/<archive>": an archive with
//     its EventCount and SizeBytes; log events.archive/<account>/<region>/<archive>
//     holds the events it kept, each appended (and counted) in the
//     transaction that accepts the event.
//   - queue events.retention: at most one job per archive with
//     RetentionDays > 0, id = the archive's key, due when its oldest event
//     expires (retention.go).
//   - events.replay, key "<account>/<region>/<replay>", and, while it
//     runs, one job of queue events.replay (same id) per replay.
//   - events.connection, key "<account>/<region>/<name>": a connection
//     with its credentials (connection.go); events.apidestination, same
//     key shape: an API destination naming its connection by ARN.
//   - queue events.schedule: one job per enabled scheduled rule, id = the
//     rule's key, due at its next firing. PutRule, EnableRule, DisableRule
//     and DeleteRule plan, replan or cancel it in their own transaction.
//
// # Matching
//
// Each bus has one pattern.Matcher holding its enabled rules' patterns,
// rebuilt from the store at Start (one AddAll per bus) and updated after
// every rule change commits. PutEvents matches without locking and then, in
// its transaction, re-reads each matched rule, so a rule disabled or
// retargeted concurrently is honoured as committed; the rule is decoded
// again only when its stored bytes changed (committedRule). The matchers are per
// process: with several shoal processes on one PostgreSQL store, rule
// changes made by another process reach this one's matchers only at its
// next Start.
//
// # Delivery
//
// A jobs.Runner delivers. An accepted event's delivery jobs commit with it,
// leased to this process (store.Tx.JobPutLeased), and go to the runner as
// soon as the commit is durable (jobs.Handoff): no claim write, no wait for
// a wake-up; past 1,024 in progress they are put unleased and claimed as
// usual, and after a crash they are claimed once their lease ran out (on
// SQLite at once, at the next Open). Delivery is at least once, as on AWS:
// a delivered job is deleted after the target took the event, with other
// delivered jobs in one store.Update (jobs.Done), so a crash in between
// delivers it again. Job ids start with the accepting time, so the store's
// job index grows at one end. Each target is invoked in-process through the
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
// # Scheduled rules
//
// A rule with a ScheduleExpression (rate() or cron(), on the default bus
// only, as on AWS) that is not DISABLED fires on shoal's clock
// (scheduled.go): a second jobs.Runner runs queue events.schedule, and a
// firing commits, in one transaction guarded by the job's lease, a
// "Scheduled Event" (source aws.events, detail {}, resources [the rule's
// ARN], time = the scheduled time) as one delivery job per target of the
// rule — the same delivery path PutEvents uses — and the job of the next
// firing. Cron is UTC. A rate is a grid anchored where its schedule
// started ("A rate expression starts when you create the scheduled event
// rule"): the first firing is one interval after the PutRule that set the
// expression or the EnableRule that re-enabled it; a PutRule repeating an
// enabled rule's expression keeps the grid and the planned firing.
//
// Missed firings: the EventBridge documentation is silent on firings a
// scheduled rule misses, so shoal fires once, for the latest firing due
// while it was down (the event's time is that firing's), skips the older
// ones and plans the next firing from the current time.
// TestScheduleMissedFiringsFireOnceForTheLatest pins it.
//
// # Bus policies
//
// PutPermission and RemovePermission keep a bus's resource policy in its
// record (DescribeEventBus and ListEventBuses return it); the default bus
// gets a record the first time it is given one. PutEvents with the ARN of
// another account's bus is accepted only when that bus's policy allows the
// sender's account events:PutEvents (permission.go: Allow/Deny, Principal,
// Resource, and StringEquals/StringLike conditions on events:source,
// events:detail-type and aws:SourceAccount; aws:PrincipalOrgID never
// holds, shoal having no organizations); otherwise the entry fails with
// AccessDeniedException. The event's account is the sender's.
//
// # Archives and replays
//
// An archive keeps the events its bus accepts that match its pattern
// (every event without one), matched in memory like rules (a copy-on-write
// list per bus, rebuilt at Start) and stored in the accepting transaction.
// RetentionDays > 0 deletes each event once it has been archived that many
// days (0, the default, keeps events forever, as on AWS): a jobs.Runner
// of its own (queue events.retention, one job per archive, due when its
// oldest event expires) moves a watermark past the expired events and
// subtracts them from EventCount and SizeBytes in one transaction;
// replays start after the watermark. The store cannot cut the head off a
// log, so expired entries stay on disk until all of an archive's events
// have expired and its log is deleted whole. UpdateArchive applies a new
// RetentionDays to the events already kept. StartReplay
// replays the events accepted in [EventStartTime, EventEndTime) — by
// acceptance time, the order the archive holds them in — to the archive's
// own bus (another bus is refused, as on AWS), only to the rules in
// FilterArns when given; each replayed event carries "replay-name" and is
// not archived again. A replay is a third jobs.Runner's job: each run
// replays a batch of 100 events, committing their deliveries, the cursor
// and the next run in one transaction, STARTING → RUNNING → COMPLETED;
// CancelReplay makes it CANCELLING and its next run ends it CANCELLED.
// Events archived after StartReplay are not replayed by it.
//
// # Connections and API destinations
//
// A connection keeps its credentials (API key, basic user and password,
// OAuth client ID and secret, and parameter values marked IsValueSecret) in
// its own record: DescribeConnection never returns them and reports a
// SecretArn synthesized in AWS's form (secret
// "events!connection/<name>/<id>"), for a secret that does not exist.
// API_KEY and BASIC connections are AUTHORIZED at once. Shoal fetches no
// OAuth token from another machine: an OAUTH_CLIENT_CREDENTIALS connection
// whose AuthorizationEndpoint is on a loopback host is AUTHORIZED (the
// token is requested from it, client_credentials grant with the client ID
// and secret as basic authentication, at every delivery — not cached), any
// other is left as AWS leaves a connection whose authorization failed:
// DEAUTHORIZED, with a StateReason saying why. UpdateConnection authorizes
// again; DeauthorizeConnection makes it DEAUTHORIZED. Quotas: 50
// connections and 3,000 API destinations per account and region
// (LimitExceededException).
//
// A target whose Arn is an API destination's is delivered by HTTP
// (deliver_http.go): the target input as the body (Content-Type
// application/json), the endpoint's "*" replaced by PathParameterValues,
// the target's HeaderParameters and QueryStringParameters and then the
// connection's InvocationHttpParameters (the connection's win; its
// BodyParameters are merged into a JSON object body), and the connection's
// API key header, basic Authorization or OAuth bearer token. Shoal sends no
// traffic off the machine: an endpoint whose host is not localhost,
// 127.0.0.0/8 or ::1 fails the delivery (ApiDestinationEndpointNotLoopback,
// not retried), every address dialled must be loopback, redirects are not
// followed and no proxy is used. A 2xx answer is success; as the user
// guide says, 401, 407, 409, 429 and 5xx are retried per the RetryPolicy,
// and so are a timeout (5 s, AWS's) and a refused connection; 1xx, 3xx and
// other 4xx are not (ApiDestinationHttpError with the status in the
// message). A DEAUTHORIZED or deleted connection fails the delivery.
// InvocationRateLimitPerSecond (default 300) is enforced per process on
// shoal's clock: a delivery over the limit waits for the next second
// without counting as a failed attempt (the RetryPolicy bounds failures,
// not that wait).
//
// # Not yet
//
// Endpoints, partner event sources, the AWS/Events metrics, OAuth token
// caching and private (VPC Lattice) connectivity are not implemented.
//
// # Quotas
//
// AWS's defaults, LimitExceededException beyond them, checked in the
// transaction that would exceed them: 300 rules per event bus (replacing a
// rule at the limit still works), 5 targets per rule, 100 event buses per
// account and Region (custom buses; the default bus does not count), 50
// connections and 3,000 API destinations.
//
// # Listing
//
// List operations page in name order with tokens of the form
// base64("<operation>:<last name>"). A page reads Limit+1 records from the
// token on (the one past the page says whether there is a next page); the
// listings that filter (ListArchives, ListReplays, ListRuleNamesByTarget)
// read further in batches of Limit+1 until the page is full.
package events
