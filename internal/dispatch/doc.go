// Package dispatch is the operation registry every call goes through.
//
// A service registers its operations as (service, operation) → handler. The
// HTTP gateway and in-process callers (Step Functions aws-sdk tasks,
// EventBridge targets, scheduled actions) call the same Registry, so every call
// gets the same validation, the same error type and the same before- and
// after-call hooks (IAM checks, CloudTrail recording), exactly once.
//
// Nothing here knows about HTTP or wire formats: a service's Spec declares its
// protocol as data, and internal/gateway with internal/awsproto act on it.
package dispatch
