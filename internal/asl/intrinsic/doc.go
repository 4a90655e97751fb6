// Package intrinsic parses and evaluates the Amazon States Language
// intrinsic functions (States.Format, States.Array, States.Hash, ...) that
// JSONPath-mode states may use in "key.$" fields of Parameters,
// ResultSelector, Assign and the Fail state's ErrorPath and CausePath.
//
// Parse runs when a definition is compiled and returns a *SyntaxError for
// anything Step Functions rejects as "must be a valid JSONPath or a valid
// intrinsic function call" (bad syntax, unknown function, wrong number of
// arguments, nesting deeper than 10). Eval runs at execution time and
// returns a *Failure, reported by the engine as States.IntrinsicFailure, when
// the arguments have the wrong type or break a documented limit. A path
// argument that matches nothing returns the *jsonpath.NotFoundError
// unchanged (wrapped), which the engine reports as States.Runtime; so is
// jsonpath.ErrNullInput for a path applied to a null document.
//
// Evaluation is pure and deterministic: the caller supplies the documents
// and the random source through Env.
package intrinsic
