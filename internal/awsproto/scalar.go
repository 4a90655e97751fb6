package awsproto

import (
	"encoding/base64"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// This file holds the one conversion of each scalar every codec uses:
// timestamps, blobs, numbers and booleans, to and from text and numbers.

// Timestamps carry millisecond precision on every AWS protocol, and must
// fit ISO 8601's four-digit years; anything else is rejected on input so a
// decoded value always re-encodes to itself.
var (
	minTime = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	maxTime = time.Date(9999, 12, 31, 23, 59, 59, 999e6, time.UTC)
)

const (
	isoFormat      = "2006-01-02T15:04:05.000Z" // query, restXml and querystring timestamps
	httpDateFormat = "Mon, 02 Jan 2006 15:04:05 GMT"
)

func checkTime(t time.Time) (time.Time, error) {
	t = t.UTC().Round(time.Millisecond) // a double of epoch seconds is off by nanoseconds
	if t.Before(minTime) || t.After(maxTime) {
		return time.Time{}, fmt.Errorf("timestamp %s is out of range", t.Format(time.RFC3339))
	}
	return t, nil
}

// timeFromEpoch reads epoch seconds with a fraction (JSON, CBOR).
func timeFromEpoch(f float64) (time.Time, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) || f < float64(minTime.Unix()) || f > float64(maxTime.Unix()+1) {
		return time.Time{}, fmt.Errorf("timestamp %v is out of range", f)
	}
	return checkTime(time.UnixMilli(int64(math.Round(f * 1e3))))
}

// epochSeconds is t as fractional epoch seconds, millisecond precision.
func epochSeconds(t time.Time) float64 { return float64(t.UnixMilli()) / 1e3 }

// formatEpoch writes t as JSON's epoch seconds: "1718108584.586".
func formatEpoch(t time.Time) string {
	return strconv.FormatFloat(epochSeconds(t), 'f', -1, 64)
}

// parseTimeText reads a timestamp sent as text. Each place has its AWS
// default format (ISO 8601 in query strings and XML, HTTP-date in headers),
// but clients can override it per member, so every format is accepted.
func parseTimeText(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return checkTime(t)
	}
	if t, err := time.Parse(time.RFC1123, s); err == nil {
		return checkTime(t)
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return timeFromEpoch(f)
	}
	// ISO 8601 without a zone, or with a compact one, as some tools send.
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04:05Z0700", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return checkTime(t)
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a timestamp", s)
}

// decodeBlob reads base64 blob text; clients pad, some tools do not.
func decodeBlob(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if b, err := base64.StdEncoding.DecodeString(s); err == nil {
		return b, nil
	}
	b, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "="))
	if err != nil {
		return nil, fmt.Errorf("invalid base64 blob")
	}
	return b, nil
}

// formatFloat writes a double as the text protocols and JSON do: Smithy
// spells the non-finite values NaN, Infinity and -Infinity.
func formatFloat(f float64, bits int) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	abs := math.Abs(f)
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		return strconv.FormatFloat(f, 'e', -1, bits)
	}
	return strconv.FormatFloat(f, 'f', -1, bits)
}

func parseFloat(s string) (float64, error) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil && !errorsIsRange(err) {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	return f, nil
}

func errorsIsRange(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

func parseBool(s string) (bool, error) {
	switch strings.TrimSpace(s) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, fmt.Errorf("%q is not a boolean", s)
}

// setInt stores n into an integer value, refusing overflow.
func setInt(v reflect.Value, n int64) error {
	if v.OverflowInt(n) {
		return fmt.Errorf("%d is out of range for %s", n, v.Type())
	}
	v.SetInt(n)
	return nil
}

func setUint(v reflect.Value, n uint64) error {
	if v.OverflowUint(n) {
		return fmt.Errorf("%d is out of range for %s", n, v.Type())
	}
	v.SetUint(n)
	return nil
}

func setFloat(v reflect.Value, f float64) error {
	if v.Kind() == reflect.Float32 && !math.IsInf(f, 0) && !math.IsNaN(f) && v.OverflowFloat(f) {
		return fmt.Errorf("%v is out of range for %s", f, v.Type())
	}
	v.SetFloat(f)
	return nil
}

// setText stores scalar text (query values, XML text, URI labels, query
// parameters, headers) into v according to its shape.
func setText(v reflect.Value, s *shape, text string) error {
	v = alloc(v)
	switch s.kind {
	case kindString:
		v.SetString(text)
	case kindBool:
		b, err := parseBool(text)
		if err != nil {
			return err
		}
		v.SetBool(b)
	case kindInt:
		n, err := strconv.ParseInt(strings.TrimSpace(text), 10, 64)
		if err != nil {
			return fmt.Errorf("%q is not an integer", text)
		}
		return setInt(v, n)
	case kindUint:
		n, err := strconv.ParseUint(strings.TrimSpace(text), 10, 64)
		if err != nil {
			return fmt.Errorf("%q is not a non-negative integer", text)
		}
		return setUint(v, n)
	case kindFloat:
		f, err := parseFloat(text)
		if err != nil {
			return err
		}
		return setFloat(v, f)
	case kindTime:
		t, err := parseTimeText(text)
		if err != nil {
			return err
		}
		v.Set(reflect.ValueOf(t))
	case kindBlob:
		b, err := decodeBlob(text)
		if err != nil {
			return err
		}
		v.SetBytes(b)
	case kindRaw:
		if !jsonValid(text) {
			return fmt.Errorf("document is not valid JSON")
		}
		v.SetBytes([]byte(text))
	case kindDocument:
		v.Set(reflect.ValueOf(text))
	default:
		return fmt.Errorf("a %s cannot be read from text", s.typ)
	}
	return nil
}

// formatText writes scalar v as text; timeFormat is the place's timestamp
// layout (isoFormat or httpDateFormat).
func formatText(v reflect.Value, s *shape, timeFormat string) string {
	switch s.kind {
	case kindString:
		return v.String()
	case kindBool:
		return strconv.FormatBool(v.Bool())
	case kindInt:
		return strconv.FormatInt(v.Int(), 10)
	case kindUint:
		return strconv.FormatUint(v.Uint(), 10)
	case kindFloat:
		return formatFloat(v.Float(), v.Type().Bits())
	case kindTime:
		return v.Interface().(time.Time).UTC().Format(timeFormat)
	case kindBlob:
		return base64.StdEncoding.EncodeToString(v.Bytes())
	case kindRaw:
		return string(v.Bytes())
	case kindDocument:
		if v.IsNil() {
			return ""
		}
		return fmt.Sprint(v.Interface())
	}
	return ""
}

// pathError is a decode failure at a member path ("Parameters.member.2.Name").
type pathError struct {
	path []string // outermost first
	msg  string
}

func (e *pathError) Error() string {
	if len(e.path) == 0 {
		return e.msg
	}
	return "invalid value for " + strings.Join(e.path, ".") + ": " + e.msg
}

// at prefixes err's path with one more segment as it bubbles up.
func at(seg string, err error) error {
	if err == nil {
		return nil
	}
	pe, ok := err.(*pathError)
	if !ok {
		pe = &pathError{msg: err.Error()}
	}
	pe.path = append([]string{seg}, pe.path...)
	return pe
}
