package jsonata

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// quotePathSteps rewrites string literals used as path steps into backquoted
// names: jsonata-js (and so AWS) reads $states.input.'order-id' as the field
// "order-id", while the library rejects a string step. In Step Functions the
// expression sits inside a JSON string, so single quotes are what users write.
//
// A string literal is a path step when a '.' operator sits directly before or
// after it (comments and whitespace aside). Strings holding a backquote have
// no backquoted spelling and are left for the library to reject.
func quotePathSteps(expr string) string {
	toks := scan(expr)
	var b strings.Builder
	last := 0
	for i, t := range toks {
		if t.kind != tokString {
			continue
		}
		if !(i > 0 && toks[i-1].isDot()) && !(i+1 < len(toks) && toks[i+1].isDot()) {
			continue
		}
		val, ok := unquote(expr[t.start:t.end])
		if !ok || strings.ContainsRune(val, '`') {
			continue
		}
		b.WriteString(expr[last:t.start])
		b.WriteByte('`')
		b.WriteString(val)
		b.WriteByte('`')
		last = t.end
	}
	if last == 0 {
		return expr
	}
	b.WriteString(expr[last:])
	return b.String()
}

type tokKind int

const (
	tokOther tokKind = iota
	tokString
	tokValue // a token after which '/' divides: name, number, ')', ']', '}', variable
	tokOp
)

type tok struct {
	kind       tokKind
	start, end int
	text       string
}

func (t tok) isDot() bool { return t.kind == tokOp && t.text == "." }

// scan is a minimal JSONata tokenizer: it knows just enough (strings,
// backquoted names, comments, regex literals, numbers, '.' vs '..') to find
// string literals and the '.' operators next to them.
func scan(s string) []tok {
	var toks []tok
	prevValue := func() bool { return len(toks) > 0 && toks[len(toks)-1].kind == tokValue }
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '/' && i+1 < len(s) && s[i+1] == '*':
			end := strings.Index(s[i+2:], "*/")
			if end < 0 {
				return toks
			}
			i += end + 4
		case c == '"' || c == '\'':
			j := i + 1
			for j < len(s) && s[j] != c {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(s) {
				return toks // unterminated: the parser reports it
			}
			toks = append(toks, tok{kind: tokString, start: i, end: j + 1})
			i = j + 1
		case c == '`':
			end := strings.IndexByte(s[i+1:], '`')
			if end < 0 {
				return toks
			}
			toks = append(toks, tok{kind: tokValue, start: i, end: i + end + 2})
			i += end + 2
		case c == '/' && !prevValue():
			// A regex literal: skip to the closing '/', honouring escapes.
			j := i + 1
			for j < len(s) && s[j] != '/' {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(s) {
				return toks
			}
			j++
			for j < len(s) && (s[j] == 'i' || s[j] == 'm') {
				j++
			}
			toks = append(toks, tok{kind: tokValue, start: i, end: j})
			i = j
		case c >= '0' && c <= '9':
			j := i
			for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == '.' && j+1 < len(s) && s[j+1] >= '0' && s[j+1] <= '9' || s[j] == 'e' || s[j] == 'E' ||
				(s[j] == '+' || s[j] == '-') && (s[j-1] == 'e' || s[j-1] == 'E')) {
				j++
			}
			toks = append(toks, tok{kind: tokValue, start: i, end: j})
			i = j
		case c == '.':
			if i+1 < len(s) && s[i+1] == '.' {
				toks = append(toks, tok{kind: tokOp, start: i, end: i + 2, text: ".."})
				i += 2
				continue
			}
			toks = append(toks, tok{kind: tokOp, start: i, end: i + 1, text: "."})
			i++
		case c == ')' || c == ']' || c == '}':
			toks = append(toks, tok{kind: tokValue, start: i, end: i + 1})
			i++
		case c == '$' || c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= utf8.RuneSelf:
			j := i + 1
			for j < len(s) && (s[j] == '_' || s[j] == '$' || s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z' || s[j] >= '0' && s[j] <= '9' || s[j] >= utf8.RuneSelf) {
				j++
			}
			word := s[i:j]
			kind := tokValue
			if word == "and" || word == "or" || word == "in" {
				kind = tokOp
			}
			toks = append(toks, tok{kind: kind, start: i, end: j, text: word})
			i = j
		default:
			toks = append(toks, tok{kind: tokOp, start: i, end: i + 1, text: s[i : i+1]})
			i++
		}
	}
	return toks
}

// unquote decodes a JSONata string literal (JSON escapes, either quote).
func unquote(lit string) (string, bool) {
	if len(lit) < 2 {
		return "", false
	}
	body := lit[1 : len(lit)-1]
	if !strings.ContainsRune(body, '\\') {
		return body, true
	}
	if lit[0] == '\'' {
		// Re-quote as a JSON string: an escaped single quote needs no escape there,
		// an unescaped double quote does.
		var b strings.Builder
		for i := 0; i < len(body); i++ {
			switch {
			case body[i] == '\\' && i+1 < len(body) && body[i+1] == '\'':
				b.WriteByte('\'')
				i++
			case body[i] == '\\' && i+1 < len(body):
				b.WriteByte('\\')
				b.WriteByte(body[i+1])
				i++
			case body[i] == '"':
				b.WriteString(`\"`)
			default:
				b.WriteByte(body[i])
			}
		}
		body = b.String()
	}
	// JSON allows \/, Go's unquote does not.
	body = strings.ReplaceAll(body, `\/`, "/")
	v, err := strconv.Unquote(`"` + body + `"`)
	if err != nil {
		return "", false
	}
	return v, true
}
