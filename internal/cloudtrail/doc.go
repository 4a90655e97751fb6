// Package cloudtrail records shoal's API calls as AWS CloudTrail does and
// puts them on the event bus: Recorder is a dispatch.Hook whose After turns
// every successful management call of any shoal service — over HTTP or
// in-process — into an "AWS API Call via CloudTrail" event on the default
// event bus of the call's account and region (source "aws.<service>",
// detail a CloudTrail record, the shape the seed quotes).
//
// # Read-only calls
//
// A call is read-only when its operation name starts with Get, List,
// Describe, Test, Validate, Lookup, BatchGet, Head or Search — the AWS
// naming convention CloudTrail's readOnly flag follows. Read-only events
// reach only rules in state ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS,
// as on AWS; mutating ones reach every enabled rule.
//
// # Not recorded
//
// Failed calls; EventBridge PutEvents (a data-plane call, which CloudTrail
// does not log as a management event — and recording it would feed each
// put event back onto the bus); and, to keep reads cheap, read-only calls
// while the Bus reports that no rule could receive them (the record is then
// not kept either — LookupEvents, when it exists, will miss those reads).
//
// # Persistence
//
// Each record is appended to the log "cloudtrail.events/<account>/<region>"
// in the same transaction that commits the bus event and its deliveries,
// for the LookupEvents API a later change adds. The hook runs after the
// call's own commit, so a crash between the two loses the record (the call
// itself stands), as a dispatcher hook cannot share the handler's
// transaction.
package cloudtrail
