package pattern

import (
	"encoding/binary"
	"math/bits"
)

// Byte-level JSON scanning for the event flattener: spaces, strings,
// literals (numbers are in numeric.go) and whole values nobody matches on.
// Each function takes the index where its token starts and returns the
// index after it, or -1 where the event is not valid JSON.

// skipSpace returns the index of the first byte at or after i that is not
// JSON white space.
func skipSpace(b []byte, i int) int {
	for i < len(b) && b[i] <= ' ' && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// stringEnd returns the index of the quote closing the string whose content
// starts at b[i], or -1, and whether a backslash comes before it (then the
// content must be decoded, with appendUnquoted, which also checks it). Raw
// control characters in strings without escapes are not rejected
// (encoding/json would): events reach the matcher after PutEvents has
// validated them. It tests eight bytes at a time: event strings are short,
// and bytes.IndexByte's setup costs more than it saves on them.
func stringEnd(b []byte, i int) (int, bool) {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	esc := false
	for {
		for ; i+8 <= len(b); i += 8 {
			w := binary.LittleEndian.Uint64(b[i : i+8])
			q := w ^ ('"' * ones)
			s := w ^ ('\\' * ones)
			// A zero byte of q or s is a quote or backslash; the lowest set
			// high bit marks the first one exactly.
			if m := ((q-ones)&^q | (s-ones)&^s) & highs; m != 0 {
				i += bits.TrailingZeros64(m) >> 3
				goto found
			}
		}
		for i < len(b) && b[i] != '"' && b[i] != '\\' {
			i++
		}
		if i >= len(b) {
			return -1, esc
		}
	found:
		if b[i] == '"' {
			return i, esc
		}
		esc = true
		i += 2 // the escaped byte never closes the string
	}
}

// scanLiteral scans true, false or null at b[i].
func scanLiteral(b []byte, i int) (valueKind, int) {
	rest := b[i:]
	switch {
	case len(rest) >= 4 && string(rest[:4]) == "true":
		return kTrue, i + 4
	case len(rest) >= 5 && string(rest[:5]) == "false":
		return kFalse, i + 5
	case len(rest) >= 4 && string(rest[:4]) == "null":
		return kNull, i + 4
	}
	return 0, -1
}

// skip passes over the value at src[i], which nobody matches on, checking
// its syntax but decoding nothing (escaped strings excepted, to check their
// escapes).
func (f *flattener) skip(i int) int {
	src := f.src
	if i < len(src) && src[i] == '"' { // the common case
		return f.skipString(i)
	}
	stack := f.r.skipStack[:0]
	defer func() { f.r.skipStack = stack[:0] }()
	for {
		// A value is expected at i.
		if i = skipSpace(src, i); i >= len(src) {
			return -1
		}
		switch c := src[i]; {
		case c == '{' || c == '[':
			if i = skipSpace(src, i+1); i < len(src) && src[i] == c+2 { // '}' is '{'+2, ']' is '['+2
				i++
				break
			}
			if len(stack) >= maxDepth {
				return -1
			}
			stack = append(stack, c)
			if c == '{' {
				if i = f.skipKey(i); i < 0 {
					return -1
				}
			}
			continue
		case c == '"':
			i = f.skipString(i)
		case c == '-' || c >= '0' && c <= '9':
			i = skipNumber(src, i)
		default:
			_, i = scanLiteral(src, i)
		}
		if i < 0 {
			return -1
		}
		// A value ended: close containers until one continues.
		for {
			if len(stack) == 0 {
				return i
			}
			if i = skipSpace(src, i); i >= len(src) {
				return -1
			}
			top := stack[len(stack)-1]
			c := src[i]
			i++
			if c == top+2 {
				stack = stack[:len(stack)-1]
				continue
			}
			if c != ',' {
				return -1
			}
			if top == '{' {
				if i = f.skipKey(i); i < 0 {
					return -1
				}
			}
			break
		}
	}
}

// skipString passes over the string whose opening quote is at src[i],
// checking its escapes if it has any.
func (f *flattener) skipString(i int) int {
	end, esc := stringEnd(f.src, i+1)
	if end < 0 {
		return -1
	}
	if esc {
		k, _, reason := appendUnquoted(f.r.keyBuf[:0], f.src[i:])
		if reason != "" {
			return -1
		}
		f.r.keyBuf = k
	}
	return end + 1
}

// skipKey passes over `"key":` and the spaces around it from src[i].
func (f *flattener) skipKey(i int) int {
	src := f.src
	if i = skipSpace(src, i); i >= len(src) || src[i] != '"' {
		return -1
	}
	if i = f.skipString(i); i < 0 {
		return -1
	}
	if i = skipSpace(src, i); i >= len(src) || src[i] != ':' {
		return -1
	}
	return i + 1
}
