// Package jsonata evaluates the JSONata of Step Functions states whose
// QueryLanguage is JSONata: "{% expr %}" strings inside Arguments, Output,
// Assign, Condition, Items, Seconds and the other fields that take them.
//
// It is pure: no I/O, goroutines or timers. Time ($now, $millis) and
// randomness ($random without a seed, $uuid, $shuffle) come from the caller's
// Bindings, so evaluation is deterministic and replayable.
//
// # Semantics
//
// AWS runs JSONata 2.0.6 (JavaScript) with $states bound, no context item,
// $eval removed (calling it is T1006, "Attempted to invoke a non-function"),
// and six functions added: $partition, $range, $hash, $random([seed]), $uuid
// and $parse. An expression that yields undefined fails the state with
// States.QueryEvaluationError ("... returned nothing (undefined)."), naming
// the field as "Output/a/b[0]"; a thrown error is reported as "... threw an
// error during evaluation. CODE: message". Those texts are EvalError.Cause.
//
// Numbers cross the boundary as float64 inside and json.Number outside,
// written as JavaScript writes them (AWS's behaviour: 2^53+1 is not exact,
// 1e21 prints as 1e+21).
//
// # Library choice
//
// The evaluator is github.com/blues/jsonata-go v1.5.4 (MIT, no dependencies),
// chosen over github.com/xiatechs/jsonata-go v1.8.8 after running both on 203
// examples from the JSONata documentation and on Step Functions usage (paths,
// predicates, string/numeric/array/object/date/higher-order functions, regex,
// conditionals, constructors, := binding, $$, null handling, number output).
// blues passed 193 and xiatechs 190. The deciding failures were xiatechs's
// numbers: it rounds arithmetic (0.1 + 0.2 = 0.3, $string(22/7) =
// "3.14285715") and prints 1e-07 where JavaScript, and so AWS, prints 1e-7;
// those reach every numeric output and cannot be repaired from outside.
// blues's misses are repaired here instead:
//
//   - string-literal path steps ($states.input.'order-id') are rewritten to
//     backquoted names before parsing (quoting.go);
//   - $map, $filter, $each and $spread unwrap their results as jsonata-js
//     sequences do (one match is the item, none is undefined);
//   - $number accepts 0x/0o/0b strings; $parseInteger, $formatInteger and
//     $assert, missing from the library, are added (pictures.go);
//   - JSON null is passed as the library's typed nil so it stays a value;
//   - built-in functions are copied per evaluation, because the library writes
//     the call context into the shared function value on every call (a data
//     race under concurrent evaluation).
//
// Not repaired: the '@' and '#' path binding operators (neither library
// parses them), and object key order (the asl value model is map[string]any).
package jsonata
