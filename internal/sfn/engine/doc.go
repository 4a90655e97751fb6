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
// the next makes the call and commits the outcome with what follows.
//
// A call the Invoker serves in-process (a shoal service) is made inside
// that step's store.Update with a ctx from store.WithTx, so the service's
// writes and the TaskSucceeded commit together or not at all: exactly
// once, even across a crash. A call that leaves the process is made before
// the transaction; a crash in between makes it again (at-least-once).
//
// Parallel branches and Map iterations are parts of their execution, not
// executions of their own: the cursor is a tree (Cursor.Fork holds a
// cursor per branch or running iteration), one step advances every part
// that can move, in index order, and the execution's one job is due at the
// earliest timer of any part. Their events interleave in the one history,
// each chained (previousEventId) to its own branch's previous event, as
// AWS numbers them. Inline Maps run at most 40 iterations at once (AWS's
// limit), fewer with MaxConcurrency.
//
// Tasks that complete by callback (activities, .waitForTaskToken) get a
// task token with a record (tasks.go); SendTaskSuccess/Failure/Heartbeat
// and a worker's GetActivityTask are steps of the execution too, committed
// in the API request's transaction. TimeoutSeconds and HeartbeatSeconds
// are deadlines in the task's cursor: the execution's job falls due at the
// first of them, so they survive restarts like every other timer.
//
// No goroutine or timer exists per execution: a waiting execution is its
// stored job.
package engine
