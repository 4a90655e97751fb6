// Package jsonpath evaluates JSONPath expressions the way AWS Step Functions
// does in JSONPath-mode states (InputPath, Parameters, ResultSelector,
// OutputPath, ResultPath, ItemsPath, Choice Variable, intrinsic arguments).
//
// Step Functions uses the Jayway JsonPath library, so the semantics follow
// Jayway's: a definite path (only fields and indexes) yields one value or
// fails; an indefinite path (wildcards, slices, unions, filters, deep scan)
// yields a list, possibly empty. Jayway functions such as length() are not
// evaluated: AWS accepts "$.a.sum()" in a definition and then reports the
// path as not found at run time, and this package does the same.
//
// A path's root is the state input ($), the context object ($$) or a
// workflow variable ($name); Root and Variable tell the caller which document
// to pass to Eval.
//
// Values follow the shared asl value model (package value): what encoding/json produces with
// Decoder.UseNumber (nil, bool, string, json.Number, []any, map[string]any).
// Nothing here mutates its input: Set copies only the objects and arrays along
// the reference path.
//
// One divergence is unavoidable: Go maps have no order, so wildcards and deep
// scans over objects visit keys in sorted order where AWS uses document order.
package jsonpath
