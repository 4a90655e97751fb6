package sqlkit

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"
)

// Times are stored as integer nanoseconds since the Unix epoch, which is
// lossless for 1678–2262. The zero time.Time (a job due "whenever") is kept
// as math.MinInt64 so it reads back as the zero time; times outside that
// range are clamped to it.

// TimeToNanos is the column value of t.
func TimeToNanos(t time.Time) int64 {
	switch {
	case t.IsZero():
		return math.MinInt64
	case t.Before(time.Unix(0, math.MinInt64+1)):
		return math.MinInt64 + 1
	case t.After(time.Unix(0, math.MaxInt64)):
		return math.MaxInt64
	}
	return t.UnixNano()
}

// NanosToTime is the time (in UTC) of a column value TimeToNanos wrote.
func NanosToTime(n int64) time.Time {
	if n == math.MinInt64 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// EncodeIndexes keeps a record's index map beside its value, so reading a
// record returns its indexes without a second query.
func EncodeIndexes(m map[string]string) (string, error) {
	if len(m) == 0 {
		return "", nil
	}
	b, err := json.Marshal(m)
	if err != nil {
		return "", fmt.Errorf("encode indexes: %w", err)
	}
	return string(b), nil
}

// DecodeIndexes reads back what EncodeIndexes wrote.
func DecodeIndexes(s string) (map[string]string, error) {
	if s == "" {
		return nil, nil
	}
	var m map[string]string
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return nil, fmt.Errorf("decode indexes: %w", err)
	}
	return m, nil
}

// PrefixEnd returns the least string greater than every string starting
// with prefix, comparing bytewise (which for UTF-8 is code-point order), or
// ok=false when there is none (an empty prefix). It bumps the last code
// point rather than the last byte so the bound stays valid UTF-8.
func PrefixEnd(prefix string) (end string, ok bool) {
	for prefix != "" {
		r, size := utf8.DecodeLastRuneInString(prefix)
		if r == utf8.RuneError && size == 1 {
			// A stray byte, not UTF-8: bump the byte itself.
			b := prefix[len(prefix)-1]
			prefix = prefix[:len(prefix)-1]
			if b == 0xFF {
				continue
			}
			return prefix + string([]byte{b + 1}), true
		}
		prefix = prefix[:len(prefix)-size]
		switch {
		case r == utf8.MaxRune:
			continue // no greater code point: carry into the one before
		case r == 0xD7FF:
			r = 0xE000 // skip the surrogates, which UTF-8 cannot encode
		default:
			r++
		}
		return prefix + string(r), true
	}
	return "", false
}

// splitAfter splits an index scan's After, "<index value>\x00<key>", at its
// last NUL, so index values may themselves contain NULs (keys may not).
// Without a NUL, After is taken as a bare key within Value when Value is
// set, else as an index value to resume at (entries with that value and a
// non-empty key are still returned).
func splitAfter(after string, value *string) (v, key string) {
	if i := strings.LastIndexByte(after, 0); i >= 0 {
		return after[:i], after[i+1:]
	}
	if value != nil {
		return *value, after
	}
	return after, ""
}

// NewLease returns a random lease token (130 bits).
func NewLease() string { return rand.Text() }

// Blob keeps nil byte slices out of NOT NULL columns.
func Blob(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}
