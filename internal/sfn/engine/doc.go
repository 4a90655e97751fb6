// Package engine runs Step Functions Standard executions durably.
//
// An execution is a record (status, and a cursor saying where the
// interpreter stands), an append-only log of AWS history events (ids are
// log sequence numbers, each previousEventId the event before it), and one
// store job: due now for runnable work, due at T for a Wait state or a
// retry backoff. Handle — the jobs.Handler of Queue — reads the execution,
// lets internal/asl decide (asl is pure: the engine persists and acts),
// and commits the record, the new events, the next job and the deletion of
// the job it claimed, with its lease, in one store.Update guarded by the
// record's version. Runs of Pass, Choice, Succeed and Fail states happen
// in one step; a Task takes two: one commits TaskScheduled/TaskStarted,
// the next calls the Invoker outside any transaction and commits the
// outcome with what follows. A crash between the call and that commit
// runs the call again (at-least-once); everything else happens once.
//
// No goroutine or timer exists per execution: a waiting execution is its
// stored job. Parallel and Map states are not run yet (the execution fails
// with States.Runtime saying so).
package engine
