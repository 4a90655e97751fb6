// Package asl compiles and interprets the Amazon States Language: the state
// machine definitions of AWS Step Functions. It is pure: no I/O, goroutines,
// timers or clock reads. The Step Functions engine drives it one step at a
// time and persists what it decides.
//
// # Compiling
//
// Compile parses and validates a definition the way CreateStateMachine and
// ValidateStateMachineDefinition do, returning a *Machine and Diagnostics
// (Severity, Code such as SCHEMA_VALIDATION_FAILED, Message, Location such as
// "/States/Wait/Next"). InvalidDefinitionMessage renders the ERRORs as the
// InvalidDefinition message. Every path, intrinsic call and JSONata
// expression is compiled here, so a step does no parsing.
//
// # Stepping
//
// The engine calls, for the current state of a machine (the top level, a
// Parallel branch or a Map item processor):
//
//	m.Enter(name, input, env)                 // the state is entered with its raw input
//	m.TaskSucceeded(name, input, result, env) // a Task's result, or a Parallel/Map's []any of outputs
//	m.TaskFailed(name, input, failure, env)   // a Task, branch or iteration failed
//
// Each returns a Decision: *Next, *Succeed, *Fail, *RunTask, *Wait (with the
// decision to apply once the time comes), *RunBranches, *RunMap, *Retry or
// *Catch. input is always the state's raw input as given to Enter. Failures
// of the state itself (a path that does not resolve, an intrinsic or
// JSONata error, no matching Choice rule) are decisions, not Go errors; the
// error return reports misuse only. After a *Retry the engine waits, passes
// Retry.Counts back in Env.RetryCounts and calls Enter again; a new state
// entry starts with nil counts.
//
// Env carries the context object ($$ / $states.context), the variables in
// scope (*Vars: Parallel branches and Map iterations get Vars.Child()), the
// current time, a random source (*math/rand/v2.Rand satisfies Rand) and the
// id of the StateEntered event, which AWS quotes in causes ("An error
// occurred while executing the state 'X' (entered at the event id #4). ...").
// Decisions carry the variables a state assigned (Assigned); the engine
// applies them with Vars.Assign after the step, which is what makes every
// Assign expression see the values from before the state.
//
// # Semantics pinned here
//
//   - JSONPath data flow runs InputPath → Parameters → (task) →
//     ResultSelector → ResultPath (onto the raw input) → OutputPath; in
//     JSONPath Assign, "$" is the result after ResultSelector (Task,
//     Parallel, Map), the Pass result, the effective input (Wait, Choice) or
//     the error output (Catch).
//   - States.Runtime is terminal: no Retrier or Catcher takes it.
//     States.ALL matches everything else except States.DataLimitExceeded;
//     States.TaskFailed everything except the timeouts and those two.
//   - Retry delays are IntervalSeconds × BackoffRate^n, capped by
//     MaxDelaySeconds, with FULL jitter drawn uniformly from [0, delay].
//     Only the first matching retrier counts; once exhausted, Catch applies.
//   - A Choice rule's Assign (and JSONata Output) apply when it matches, the
//     state's own when Default is taken.
//
// Go maps have no order: objects are rendered with sorted keys where AWS
// keeps document order (in outputs, causes and traces).
package asl
