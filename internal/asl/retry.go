package asl

import (
	"maps"
	"math"
	"slices"
	"time"
)

// retrier is one entry of a Retry field. Defaults are the guide's:
// IntervalSeconds 1, MaxAttempts 3, BackoffRate 2.0, no MaxDelaySeconds,
// JitterStrategy NONE.
type retrier struct {
	errorEquals     []string
	intervalSeconds int64
	maxAttempts     int64
	backoffRate     float64
	maxDelaySeconds int64 // 0: no cap
	fullJitter      bool
}

var retrierFields = []string{"ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate", "MaxDelaySeconds", "JitterStrategy", "Comment"}

func compileRetry(o *object) []*retrier {
	v, ok := o.m["Retry"]
	if !ok {
		return nil
	}
	list, ok := v.([]any)
	if !ok {
		o.typeError("Retry", "an ARRAY")
		return nil
	}
	var rs []*retrier
	for i, x := range list {
		loc := pointer(o.at("Retry"), itoa(i))
		m, ok := x.(map[string]any)
		if !ok {
			o.ds.schema(loc, "The value must be an OBJECT")
			continue
		}
		ro := &object{m: m, loc: loc, ds: o.ds}
		unknownFields(ro, retrierFields)
		r := &retrier{intervalSeconds: 1, maxAttempts: 3, backoffRate: 2}
		r.errorEquals = errorEquals(ro, i == len(list)-1)
		if n, ok := ro.integer("IntervalSeconds", 1, maxBigInt); ok {
			r.intervalSeconds = n
		}
		if n, ok := ro.integer("MaxAttempts", 0, maxBigInt); ok {
			r.maxAttempts = n
		}
		if f, ok := ro.number("BackoffRate", 1, math.MaxFloat64); ok {
			r.backoffRate = f
		}
		if n, ok := ro.integer("MaxDelaySeconds", 1, maxDelaySeconds); ok {
			r.maxDelaySeconds = n
		}
		if s, ok := ro.str("JitterStrategy", false); ok {
			switch s {
			case "FULL":
				r.fullJitter = true
			case "NONE":
			default:
				ro.ds.schema(ro.at("JitterStrategy"), "The value for the field 'JitterStrategy' must be one of [FULL, NONE]")
			}
		}
		rs = append(rs, r)
	}
	return rs
}

// errorEquals reads and checks an ErrorEquals list: non-empty strings,
// States.* names only from the predefined set, and States.ALL alone and only
// in the last Retrier or Catcher.
func errorEquals(o *object, last bool) []string {
	v, ok := o.m["ErrorEquals"]
	if !ok {
		o.ds.schema(o.loc, "These fields are required: [ErrorEquals]")
		return nil
	}
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		o.typeError("ErrorEquals", "a non-empty ARRAY")
		return nil
	}
	var names []string
	for i, x := range list {
		s, ok := x.(string)
		if !ok {
			o.ds.schema(pointer(o.at("ErrorEquals"), itoa(i)), "The value must be a STRING")
			continue
		}
		if statesPrefixed(s) && !predefinedError(s) {
			o.ds.schema(pointer(o.at("ErrorEquals"), itoa(i)), "The value '%s' is not a valid error name: names starting with 'States.' are reserved", s)
		}
		if s == ErrAll {
			if len(list) > 1 {
				o.ds.schema(o.at("ErrorEquals"), "States.ALL must appear alone in the ErrorEquals field")
			}
			if !last {
				o.ds.schema(o.at("ErrorEquals"), "States.ALL must be the last element in the Retry or Catch field")
			}
		}
		names = append(names, s)
	}
	return names
}

func unknownFields(o *object, allowed []string) {
	for _, k := range slices.Sorted(maps.Keys(o.m)) {
		if !contains(allowed, k) {
			o.ds.schema(o.loc, "The field \"%s\" is not supported by Step Functions", k)
		}
	}
}

func (r *retrier) matches(name string) bool {
	for _, p := range r.errorEquals {
		if matches(p, name) {
			return true
		}
	}
	return false
}

// delay is the wait before retry number attempt+1 (attempt counts the
// retries this retrier already made): IntervalSeconds × BackoffRate^attempt,
// capped by MaxDelaySeconds, then with FULL jitter a uniform value between
// 0 and that (the CDK's JitterType.FULL: "a random number between 0 and the
// computed backoff").
func (r *retrier) delay(attempt int, rnd Rand) time.Duration {
	secs := float64(r.intervalSeconds) * math.Pow(r.backoffRate, float64(attempt))
	if r.maxDelaySeconds > 0 && secs > float64(r.maxDelaySeconds) {
		secs = float64(r.maxDelaySeconds)
	}
	if secs > maxDelaySeconds {
		secs = maxDelaySeconds
	}
	d := time.Duration(secs * float64(time.Second))
	if r.fullJitter && rnd != nil && d > 0 {
		d = time.Duration(rnd.Int64N(int64(d) + 1))
	}
	return d.Round(time.Millisecond)
}
