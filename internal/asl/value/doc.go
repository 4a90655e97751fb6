// Package value is the asl value model and the operations on it that the
// evaluators (asl, jsonpath, intrinsic, jsonata) share.
//
// A value is what encoding/json produces with Decoder.UseNumber: nil, bool,
// string, json.Number, []any and map[string]any. Numbers keep their text, so
// they are compared exactly rather than as float64; the number helpers also
// accept the float64, int and int64 a Go caller might build by hand.
package value
