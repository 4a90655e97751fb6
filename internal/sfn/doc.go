// Package sfn is AWS Step Functions: the API (awsJson1_0,
// AWSStepFunctions.*) over state machines and Standard executions, and the
// service integrations Task states call.
//
// Execution itself belongs to internal/sfn/engine (durable: each step
// commits its history events and next job in one transaction) and
// internal/jobs (the runner that claims due steps); the States Language is
// internal/asl. This package validates requests, keeps state machines and
// versions (store.go), and turns Task resources into dispatch registry
// calls (integrations.go, with dispatch.InputFromJSON and OutputToJSON), so
// arn:aws:states:::aws-sdk:* works for every operation shoal implements.
// Express workflows run in memory in internal/sfn/express and are stored
// nowhere.
//
// Store layout: "sfn.statemachine" records keyed by ARN, "sfn.version"
// records keyed "<machine ARN>:<n>", "sfn.alias" records keyed
// "<machine ARN>:<alias name>"; the engine's "sfn.execution" records,
// "sfn.history/<execution ARN>" logs, "sfn.definition" content-addressed
// definitions and "sfn" queue jobs.
package sfn
