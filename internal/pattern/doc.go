// Package pattern compiles and matches Amazon EventBridge event patterns and
// Amazon SNS subscription filter policies.
//
// Compile parses a pattern the way PutRule and TestEventPattern do; an
// invalid pattern yields an *Error carrying AWS's InvalidEventPatternException
// reason (the reasons, and the Jackson location AWS appends, are those of
// aws/event-ruler, the matcher EventBridge runs). Pattern.Match is
// TestEventPattern. A Matcher holds the patterns of a bus and returns, for an
// event, the ids of every pattern it matches; CompileFilterPolicy builds SNS
// filter policies for the same engine.
//
// # Semantics
//
// As the EventBridge User Guide ("Event patterns", "Comparison operators",
// "Arrays", "Null values and empty strings") and event-ruler specify:
//
//   - A pattern matches when every field it names matches; a field matches
//     when any of its values matches. Fields are found by path, with nested
//     objects joined by "." (so a key "a.b" and {"a":{"b":...}} are the same
//     field, as in event-ruler). Field order is irrelevant.
//   - Patterns match leaf values only: a field whose event value is an object
//     has no value (exists:false matches it, exists:true does not).
//   - An event array contributes each element; a match never combines fields
//     from different elements of the same array.
//   - Exact values are typed: "3" is not 3 and "true" is not true. Numbers
//     match by value (3, 3.0 and 3e0 are equal) within ±5e9 at six decimal
//     places, and by literal text beyond that (account numbers).
//   - null and "" are values, distinct from each other and from absence.
//   - anything-but matches a present value of any type that its operand does
//     not match; it never matches an absent field.
//   - exists:true matches any present value, null included; exists:false
//     matches only absence.
//   - prefix, suffix, equals-ignore-case, wildcard and cidr match strings
//     only; numeric matches numbers only. Case is compared under Unicode
//     simple case folding.
//   - cidr ranges run from the address as written to the address with all
//     host bits set (event-ruler does not mask the base address); IPv4 masks
//     must be < 32 and IPv6 masks < 128, as event-ruler requires. An exact
//     string that is an IP literal matches the same address in any notation.
//
// # Design
//
// A Matcher compiles all its patterns into one automaton (automaton.go):
// each $or branch of a pattern is a chain of steps (field path, value
// matchers) threaded through a trie of states, and every state transition on
// a field holds a value machine of hash maps, byte tries, interval trees and
// indexed wildcards that finds all the matchers one value satisfies. Field
// paths are interned at build time in a trie (fields.go); matching scans the
// event once (flatten.go, scan.go) alongside that trie, so that only the
// values of named paths are decoded, strings without escapes are used in
// place and everything else is passed over, checked but not decoded; then it
// walks the automaton (run.go), finding a path's values by its id. Cost grows
// with the event and with the number of patterns that match, not with the
// number of patterns.
//
// Readers never lock: Match loads the current automaton from an
// atomic.Pointer; Add, AddAll and Remove rebuild it under the Matcher's one
// writer mutex and publish it with a single store. Matching allocates only
// its result; scratch space is pooled.
package pattern
