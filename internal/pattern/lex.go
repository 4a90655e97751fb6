package pattern

import (
	"fmt"
	"unicode/utf16"
	"unicode/utf8"
)

// lexer is a streaming JSON tokenizer that reports errors and positions the
// way Jackson, the parser inside event-ruler, does, so that pattern errors
// carry AWS's reasons in AWS's order.
type lexer struct {
	src  []byte
	pos  int
	tok  tokKind
	text string // decoded string, field name, or the literal text of a number/true/false/null
	loc  int    // byte offset Jackson would report after the current token
	ctx  []ctxState
	err  *Error
	sns  bool
}

type tokKind uint8

const (
	tEOF tokKind = iota
	tBeginObject
	tEndObject
	tBeginArray
	tEndArray
	tField
	tString
	tNumber
	tTrue
	tFalse
	tNull
)

type ctxState uint8

const (
	ctxObjFirst ctxState = iota // after '{': field name or '}'
	ctxObjValue                 // after a field name: its value
	ctxObjNext                  // after a value: ',' or '}'
	ctxArrFirst                 // after '[': value or ']'
	ctxArrNext                  // after a value: ',' or ']'
)

// fail records a parse error at the current token's location.
func (l *lexer) fail(reason string) {
	if l.err == nil {
		l.err = l.errAt(reason, l.loc)
	}
}

func (l *lexer) errAt(reason string, off int) *Error {
	line, col := 1, 1
	for i, r := range string(l.src[:min(off, len(l.src))]) {
		_ = i
		if r == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return &Error{Reason: reason, Line: line, Column: col, source: string(l.src), sns: l.sns}
}

func (l *lexer) skipSpace() {
	for l.pos < len(l.src) {
		switch l.src[l.pos] {
		case ' ', '\t', '\n', '\r':
			l.pos++
		default:
			return
		}
	}
}

func charDesc(c byte) string {
	if c < 32 {
		return fmt.Sprintf("(CTRL-CHAR, code %d)", c)
	}
	if c >= utf8.RuneSelf {
		return fmt.Sprintf("(code %d)", c)
	}
	return fmt.Sprintf("('%c' (code %d))", c, c)
}

// next advances to the next token; after an error it keeps returning tEOF.
func (l *lexer) next() tokKind {
	if l.err != nil {
		l.tok = tEOF
		return tEOF
	}
	l.tok = l.advance()
	if l.err != nil {
		l.tok = tEOF
	}
	return l.tok
}

func (l *lexer) advance() tokKind {
	l.skipSpace()
	if len(l.ctx) == 0 {
		if l.pos >= len(l.src) {
			l.loc = l.pos
			return tEOF
		}
		return l.value()
	}
	top := &l.ctx[len(l.ctx)-1]
	if l.pos >= len(l.src) {
		l.loc = l.pos
		kind := "Object"
		if *top == ctxArrFirst || *top == ctxArrNext {
			kind = "Array"
		}
		l.fail("Unexpected end-of-input: expected close marker for " + kind)
		return tEOF
	}
	c := l.src[l.pos]
	switch *top {
	case ctxObjFirst, ctxObjNext:
		if c == '}' {
			l.pos++
			l.loc = l.pos
			l.ctx = l.ctx[:len(l.ctx)-1]
			l.afterValue()
			return tEndObject
		}
		if *top == ctxObjNext {
			if c != ',' {
				l.pos++
				l.loc = l.pos
				l.fail("Unexpected character " + charDesc(c) + ": was expecting comma to separate Object entries")
				return tEOF
			}
			l.pos++
			l.skipSpace()
			if l.pos >= len(l.src) {
				l.loc = l.pos
				l.fail("Unexpected end-of-input: expected close marker for Object")
				return tEOF
			}
			c = l.src[l.pos]
		}
		if c != '"' {
			l.pos++
			l.loc = l.pos
			l.fail("Unexpected character " + charDesc(c) + ": was expecting double-quote to start field name")
			return tEOF
		}
		name, ok := l.str()
		if !ok {
			return tEOF
		}
		l.skipSpace()
		if l.pos >= len(l.src) || l.src[l.pos] != ':' {
			if l.pos >= len(l.src) {
				l.loc = l.pos
				l.fail("Unexpected end-of-input: expected close marker for Object")
				return tEOF
			}
			l.pos++
			l.loc = l.pos
			l.fail("Unexpected character " + charDesc(l.src[l.pos-1]) + ": was expecting a colon to separate field name and value")
			return tEOF
		}
		l.pos++
		l.skipSpace()
		// Jackson has looked at the value's first character when it returns a
		// field name.
		l.loc = min(l.pos+1, len(l.src))
		*top = ctxObjValue
		l.text = name
		return tField
	case ctxObjValue:
		return l.value()
	default: // array
		if c == ']' {
			l.pos++
			l.loc = l.pos
			l.ctx = l.ctx[:len(l.ctx)-1]
			l.afterValue()
			return tEndArray
		}
		if *top == ctxArrNext {
			if c != ',' {
				l.pos++
				l.loc = l.pos
				l.fail("Unexpected character " + charDesc(c) + ": was expecting comma to separate Array entries")
				return tEOF
			}
			l.pos++
			l.skipSpace()
		}
		return l.value()
	}
}

// afterValue moves the enclosing container past a complete value.
func (l *lexer) afterValue() {
	if len(l.ctx) == 0 {
		return
	}
	top := &l.ctx[len(l.ctx)-1]
	switch *top {
	case ctxObjValue:
		*top = ctxObjNext
	case ctxArrFirst:
		*top = ctxArrNext
	}
}

const expectValue = "expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')"

func (l *lexer) value() tokKind {
	if l.pos >= len(l.src) {
		l.loc = l.pos
		l.fail("Unexpected end-of-input: " + expectValue)
		return tEOF
	}
	c := l.src[l.pos]
	switch {
	case c == '{':
		l.pos++
		l.loc = l.pos
		l.ctx = append(l.ctx, ctxObjFirst)
		return tBeginObject
	case c == '[':
		l.pos++
		l.loc = l.pos
		l.ctx = append(l.ctx, ctxArrFirst)
		return tBeginArray
	case c == '"':
		start := l.pos
		s, ok := l.str()
		if !ok {
			return tEOF
		}
		l.loc = start + 1 // Jackson reads string values lazily
		l.text = s
		l.afterValue()
		return tString
	case c == '-' || (c >= '0' && c <= '9'):
		return l.number()
	case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		start := l.pos
		for l.pos < len(l.src) && isTokenChar(l.src[l.pos]) {
			l.pos++
		}
		word := string(l.src[start:l.pos])
		l.loc = l.pos
		l.text = word
		switch word {
		case "true":
			l.afterValue()
			return tTrue
		case "false":
			l.afterValue()
			return tFalse
		case "null":
			l.afterValue()
			return tNull
		}
		l.fail("Unrecognized token '" + word + "': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')")
		return tEOF
	default:
		l.pos++
		l.loc = l.pos
		l.fail("Unexpected character " + charDesc(c) + ": " + expectValue)
		return tEOF
	}
}

func isTokenChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c >= utf8.RuneSelf
}

func (l *lexer) number() tokKind {
	start := l.pos
	p := l.pos
	src := l.src
	if src[p] == '-' {
		p++
	}
	if p >= len(src) || src[p] < '0' || src[p] > '9' {
		l.pos, l.loc = p+1, p+1
		l.fail("Unexpected character " + charDescAt(src, p) + " in numeric value: expected digit (0-9) to follow minus sign, for valid numeric value")
		return tEOF
	}
	if src[p] == '0' && p+1 < len(src) && src[p+1] >= '0' && src[p+1] <= '9' {
		l.pos, l.loc = p+2, p+2
		l.fail("Invalid numeric value: Leading zeroes not allowed")
		return tEOF
	}
	for p < len(src) && src[p] >= '0' && src[p] <= '9' {
		p++
	}
	if p < len(src) && src[p] == '.' {
		p++
		d := p
		for p < len(src) && src[p] >= '0' && src[p] <= '9' {
			p++
		}
		if p == d {
			l.pos, l.loc = p+1, p+1
			l.fail("Unexpected character " + charDescAt(src, p) + " in numeric value: Decimal point not followed by a digit")
			return tEOF
		}
	}
	if p < len(src) && (src[p] == 'e' || src[p] == 'E') {
		p++
		if p < len(src) && (src[p] == '+' || src[p] == '-') {
			p++
		}
		d := p
		for p < len(src) && src[p] >= '0' && src[p] <= '9' {
			p++
		}
		if p == d {
			l.pos, l.loc = p+1, p+1
			l.fail("Unexpected character " + charDescAt(src, p) + " in numeric value: Exponent indicator not followed by a digit")
			return tEOF
		}
	}
	l.pos, l.loc = p, p
	l.text = string(src[start:p])
	l.afterValue()
	return tNumber
}

func charDescAt(src []byte, p int) string {
	if p >= len(src) {
		return "(end-of-input)"
	}
	return charDesc(src[p])
}

// str decodes the JSON string starting at l.pos (which is at the quote).
func (l *lexer) str() (string, bool) {
	p := l.pos + 1
	src := l.src
	start := p
	for p < len(src) && src[p] != '"' && src[p] != '\\' && src[p] >= 0x20 {
		p++
	}
	if p < len(src) && src[p] == '"' {
		l.pos = p + 1
		return string(src[start:p]), true
	}
	s, n, reason := decodeString(src[l.pos:])
	if reason != "" {
		l.pos = l.pos + n
		l.loc = l.pos
		l.fail(reason)
		return "", false
	}
	l.pos += n
	return string(s), true
}

// decodeString decodes the JSON string at b[0]=='"'. It returns the content,
// the bytes consumed (through the closing quote) and, on failure, Jackson's
// reason.
func decodeString(b []byte) ([]byte, int, string) {
	return appendUnquoted(make([]byte, 0, len(b)), b)
}

// appendUnquoted is decodeString appending the content to out; on failure
// it returns nil.
func appendUnquoted(out, b []byte) ([]byte, int, string) {
	for p := 1; p < len(b); {
		c := b[p]
		switch {
		case c == '"':
			return out, p + 1, ""
		case c < 0x20:
			return nil, p + 1, "Illegal unquoted character " + charDesc(c) + ": has to be escaped using backslash to be included in string value"
		case c != '\\':
			out = append(out, c)
			p++
			continue
		}
		if p+1 >= len(b) {
			break
		}
		e := b[p+1]
		p += 2
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := hex4(b, p)
			if !ok {
				return nil, min(p+4, len(b)), "Unexpected character in character escape sequence: expected a hex-digit for character escape sequence"
			}
			p += 4
			if utf16.IsSurrogate(r) {
				if r2, ok := hex4(b, p+2); ok && p+1 < len(b) && b[p] == '\\' && b[p+1] == 'u' {
					if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
						out = utf8.AppendRune(out, d)
						p += 6
						continue
					}
				}
				r = utf8.RuneError
			}
			out = utf8.AppendRune(out, r)
		default:
			return nil, p, fmt.Sprintf("Unrecognized character escape '%c' (code %d)", e, e)
		}
	}
	return nil, len(b), "Unexpected end-of-input: was expecting closing quote for a string value"
}

func hex4(b []byte, p int) (rune, bool) {
	if p+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[p : p+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}
