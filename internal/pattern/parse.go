package pattern

import (
	"slices"
	"strings"
)

// The grammar and its error reasons follow aws/event-ruler's JsonRuleCompiler
// token by token, so an invalid pattern is reported with the reason, and at
// the position, that AWS reports.

// Keywords of the pattern language.
const (
	kwOr               = "$or"
	kwPrefix           = "prefix"
	kwSuffix           = "suffix"
	kwEqualsIgnoreCase = "equals-ignore-case"
	kwWildcard         = "wildcard"
	kwAnythingBut      = "anything-but"
	kwNumeric          = "numeric"
	kwExists           = "exists"
	kwCIDR             = "cidr"
)

// reservedInOr are the field names event-ruler refuses inside $or branches
// (Constants.RESERVED_FIELD_NAMES_IN_OR_RELATIONSHIP).
var reservedInOr = []string{
	"exactly", kwEqualsIgnoreCase, kwPrefix, kwSuffix, kwAnythingBut, kwExists, kwWildcard, kwNumeric, kwCIDR, "html",
	"=", "<", "<=", ">", ">=",
	"regex", "not-wildcard", "not-equals-ignore-case",
	"date-after", "date-on-or-after", "date-before", "date-on-or-before", "in-date-range",
	"ip-address-in-range", "ip-address-not-in-range",
}

// maxBranches bounds the $or expansion of one pattern. AWS documents no such
// limit for EventBridge; shoal needs one so that a 4 KB pattern cannot expand
// to 2^100 branches. Real patterns stay far below it.
const maxBranches = 10_000

// rule is one $or branch while parsing: field path → its values (ORed).
type rule map[string][]matcher

type parser struct {
	lex   lexer
	rules []rule
	mode  mode
}

type mode uint8

const (
	modeEventBridge mode = iota
	modeSNSAttributes
	modeSNSBody
)

func (p *parser) barf(reason string) { p.lex.fail(reason) }
func (p *parser) failed() bool       { return p.lex.err != nil }

// tokText is what Jackson's getText() returns for the current token.
func (p *parser) tokText() string {
	switch p.lex.tok {
	case tBeginObject:
		return "{"
	case tEndObject:
		return "}"
	case tBeginArray:
		return "["
	case tEndArray:
		return "]"
	case tEOF:
		return "null"
	}
	return p.lex.text
}

// parse compiles a pattern document into its $or branches.
func parse(src []byte, m mode) ([]rule, *Error) {
	p := &parser{lex: lexer{src: src, sns: m != modeEventBridge}, mode: m}
	if p.lex.next() != tBeginObject {
		if p.lex.err != nil {
			return nil, p.lex.err
		}
		p.barf("Filter is not an object")
		return nil, p.lex.err
	}
	p.parseObject("", true, false, 0)
	if p.failed() {
		return nil, p.lex.err
	}
	return p.rules, nil
}

// join appends a field name to the path of the object holding it; fields of
// the pattern itself (top) have no prefix. Names may be empty.
func join(path string, top bool, name string) string {
	if top {
		return name
	}
	return path + "." + name
}

// parseObject reads the fields of an object whose '{' has been read.
func (p *parser) parseObject(path string, top, insideOr bool, depth int) {
	fields := false
	for p.lex.next() != tEndObject {
		if p.failed() {
			return
		}
		fields = true
		name := p.lex.text
		if name == kwOr {
			p.parseOr(path, top, depth)
			if p.failed() {
				return
			}
			continue
		}
		if insideOr && slices.Contains(reservedInOr, name) {
			p.barf(name + " is Ruler reserved fieldName which cannot be used inside " + kwOr + ".")
			return
		}
		switch p.lex.next() {
		case tBeginObject:
			if p.mode == modeSNSAttributes {
				p.barf("Filter policy scope MessageAttributes does not support nested filter policy")
				return
			}
			p.parseObject(join(path, top, name), false, insideOr, depth+1)
		case tBeginArray:
			p.writeRules(join(path, top, name))
		default:
			if p.failed() {
				return
			}
			p.barf(`"` + name + `" must be an object or an array`)
		}
		if p.failed() {
			return
		}
	}
	if p.failed() {
		return
	}
	if !fields {
		p.barf("Empty objects are not allowed")
	}
}

// parseOr reads the array after "$or": every object in it forks the branches
// parsed so far.
func (p *parser) parseOr(path string, top bool, depth int) {
	current := cloneRules(p.rules)
	p.rules = nil
	if p.lex.next() != tBeginArray {
		if !p.failed() {
			p.barf("It must be an Array followed with " + kwOr + ".")
		}
		return
	}
	n := 0
	var all []rule
	for tok := p.lex.next(); tok != tEndArray; tok = p.lex.next() {
		if p.failed() {
			return
		}
		n++
		if tok != tBeginObject {
			p.barf("Only JSON object is allowed in array of " + kwOr + " relationship.")
			return
		}
		p.rules = cloneRules(current)
		if len(p.rules) == 0 {
			p.rules = []rule{{}}
		}
		p.parseObject(path, top, true, depth+1)
		if p.failed() {
			return
		}
		all = append(all, p.rules...)
		if len(all) > maxBranches {
			p.barf("Event pattern is too complex: it expands to more than 10000 " + kwOr + " combinations")
			return
		}
	}
	if p.failed() {
		return
	}
	p.rules = all
	if n < 2 {
		p.barf("There must have at least 2 Objects in " + kwOr + " relationship.")
	}
}

func cloneRules(rs []rule) []rule {
	out := make([]rule, len(rs))
	for i, r := range rs {
		c := make(rule, len(r))
		for k, v := range r {
			c[k] = v
		}
		out[i] = c
	}
	return out
}

// writeRules reads the array of values for field path; its '[' has been read.
func (p *parser) writeRules(path string) {
	var values []matcher
	for tok := p.lex.next(); tok != tEndArray; tok = p.lex.next() {
		if p.failed() {
			return
		}
		switch tok {
		case tBeginObject:
			m, ok := p.matchExpression()
			if !ok {
				return
			}
			values = append(values, m)
		case tString:
			values = append(values, exactString(p.lex.text))
		case tNumber:
			values = append(values, exactNumber(p.lex.text))
		case tTrue, tFalse, tNull:
			values = append(values, matcher{kind: opLiteral, lit: p.lex.text})
		default:
			p.barf("Match value must be String, number, true, false, or null")
			return
		}
	}
	if p.failed() {
		return
	}
	if len(values) == 0 {
		p.barf("Empty arrays are not allowed")
		return
	}
	if len(p.rules) == 0 {
		p.rules = []rule{{}}
	}
	for _, r := range p.rules {
		r[path] = values // a repeated path overrides, as in event-ruler
	}
}

// expectEnd reads the '}' closing a match expression.
func (p *parser) expectEnd(reason string) bool {
	if p.lex.next() != tEndObject {
		if !p.failed() {
			p.barf(reason)
		}
		return false
	}
	return true
}

const (
	onlyOneKey   = "Only one key allowed in match expression"
	tooManyElems = "Too many elements in numeric expression"
)

// matchExpression reads {"operator": operand}; its '{' has been read.
func (p *parser) matchExpression() (matcher, bool) {
	if p.lex.next() != tField {
		if !p.failed() {
			p.barf("Match expression name not found")
		}
		return matcher{}, false
	}
	op := p.lex.text
	switch op {
	case kwPrefix, kwSuffix:
		return p.affix(op)
	case kwNumeric:
		if p.lex.next() != tBeginArray {
			if !p.failed() {
				p.barf("Value of " + kwNumeric + " must be an array.")
			}
			return matcher{}, false
		}
		m, ok := p.numericExpression()
		if !ok {
			return matcher{}, false
		}
		return m, p.expectEnd(tooManyElems)
	case kwAnythingBut:
		return p.anythingBut()
	case kwExists:
		var m matcher
		switch p.lex.next() {
		case tTrue:
			m = matcher{kind: opExists, exists: true}
		case tFalse:
			m = matcher{kind: opExists, exists: false}
		default:
			if !p.failed() {
				p.barf("exists match pattern must be either true or false.")
			}
			return matcher{}, false
		}
		return m, p.expectEnd(onlyOneKey)
	case kwCIDR:
		if p.lex.next() != tString {
			if !p.failed() {
				p.barf("prefix match pattern must be a string") // sic, as event-ruler
			}
			return matcher{}, false
		}
		r, reason := parseCIDR(p.lex.text)
		if reason != "" {
			// event-ruler throws these outside the JSON parser: no location.
			p.lex.err = &Error{Reason: reason, sns: p.lex.sns}
			return matcher{}, false
		}
		return matcher{kind: opCIDR, cidr: r}, p.expectEnd(onlyOneKey)
	case kwEqualsIgnoreCase:
		if p.lex.next() != tString {
			if !p.failed() {
				p.barf("equals-ignore-case match pattern must be a string")
			}
			return matcher{}, false
		}
		m := matcher{kind: opFold, s: foldString(p.lex.text)}
		return m, p.expectEnd(onlyOneKey)
	case kwWildcard:
		if p.mode != modeEventBridge {
			break
		}
		if p.lex.next() != tString {
			if !p.failed() {
				p.barf("wildcard match pattern must be a string")
			}
			return matcher{}, false
		}
		m, ok := p.wildcardMatcher(p.lex.text)
		if !ok {
			return matcher{}, false
		}
		return m, p.expectEnd(onlyOneKey)
	}
	p.barf("Unrecognized match type " + op)
	return matcher{}, false
}

func (p *parser) wildcardMatcher(s string) (matcher, bool) {
	w, reason := parseWildcard(s)
	if reason != "" {
		p.barf(reason)
		return matcher{}, false
	}
	return matcher{kind: opWildcard, s: s, wc: w}, true
}

// affix reads the operand of prefix or suffix: a string, or
// {"equals-ignore-case": string}.
func (p *parser) affix(op string) (matcher, bool) {
	kind, foldKind := opPrefix, opPrefixFold
	name := "Prefix"
	if op == kwSuffix {
		kind, foldKind, name = opSuffix, opSuffixFold, "Suffix"
	}
	switch p.lex.next() {
	case tString:
		m := matcher{kind: kind, s: p.lex.text}
		return m, p.expectEnd(onlyOneKey)
	case tBeginObject:
		if p.lex.next() != tField {
			if !p.failed() {
				p.barf(name + " expression name not found")
			}
			return matcher{}, false
		}
		if p.lex.text != kwEqualsIgnoreCase {
			p.barf("Unsupported " + op + " pattern: " + p.lex.text)
			return matcher{}, false
		}
		if p.lex.next() != tString {
			if !p.failed() {
				p.barf("equals-ignore-case match pattern must be a string")
			}
			return matcher{}, false
		}
		m := matcher{kind: foldKind, s: foldString(p.lex.text)}
		if !p.expectEnd(onlyOneKey) || !p.expectEnd(onlyOneKey) {
			return matcher{}, false
		}
		return m, true
	}
	if !p.failed() {
		p.barf(op + " match pattern must be a string")
	}
	return matcher{}, false
}

// numberReason is event-ruler's reason for a number a numeric comparison
// cannot hold.
func (p *parser) numberReason() string {
	if p.mode != modeEventBridge {
		return "Value must be between -1.0E9 and 1.0E9, inclusive"
	}
	return "Value must be between -5.0E9 and 5.0E9, inclusive"
}

func (p *parser) micros(text string) (int64, bool) {
	v, ok := parseMicros([]byte(text))
	if ok && p.mode != modeEventBridge && (v > snsMaxMicros || v < -snsMaxMicros) {
		ok = false
	}
	if !ok {
		p.barf(p.numberReason())
	}
	return v, ok
}

// numericExpression reads the operands of numeric; its '[' has been read.
func (p *parser) numericExpression() (matcher, bool) {
	if p.lex.next() != tString {
		if !p.failed() {
			p.barf("Invalid member in numeric match: " + p.tokText())
		}
		return matcher{}, false
	}
	op := p.lex.text
	tok := p.lex.next()
	if p.failed() {
		return matcher{}, false
	}
	r := unbounded()
	switch op {
	case "=", "<=", "<":
		name := op
		if op == "=" {
			name = "equals"
		}
		if tok != tNumber {
			p.barf("Value of " + name + " must be numeric")
			return matcher{}, false
		}
		text := p.lex.text
		if p.lex.next() != tEndArray {
			if !p.failed() {
				p.barf(tooManyElems)
			}
			return matcher{}, false
		}
		v, ok := p.micros(text)
		if !ok {
			return matcher{}, false
		}
		switch op {
		case "=":
			r.lo, r.hi = v, v
		case "<=":
			r.hi = v
		case "<":
			r.hi, r.hiOpen = v, true
		}
	case ">=", ">":
		if tok != tNumber {
			p.barf("Value of " + op + " must be numeric")
			return matcher{}, false
		}
		bottom := p.lex.text
		r.loOpen = op == ">"
		tok = p.lex.next()
		if p.failed() {
			return matcher{}, false
		}
		if tok != tEndArray {
			if tok != tString {
				p.barf("Bad value in numeric range: " + p.tokText())
				return matcher{}, false
			}
			op2 := p.lex.text
			if op2 != "<" && op2 != "<=" {
				p.barf("Bad numeric range operator: " + op2)
				return matcher{}, false
			}
			r.hiOpen = op2 == "<"
			if p.lex.next() != tNumber {
				if !p.failed() {
					p.barf("Value of " + op2 + " must be numeric")
				}
				return matcher{}, false
			}
			top := p.lex.text
			if p.lex.next() != tEndArray {
				if !p.failed() {
					p.barf("Too many terms in numeric range expression")
				}
				return matcher{}, false
			}
			hi, ok := p.micros(top)
			if !ok {
				return matcher{}, false
			}
			r.hi = hi
		}
		lo, ok := p.micros(bottom)
		if !ok {
			return matcher{}, false
		}
		r.lo = lo
		if r.hi != unbounded().hi && r.lo >= r.hi {
			p.barf("Bottom must be less than top")
			return matcher{}, false
		}
	default:
		p.barf("Unrecognized numeric range operator: " + op)
		return matcher{}, false
	}
	return matcher{kind: opNumeric, rng: r}, true
}

// anythingBut reads the operand of anything-but: a string, a number, a list
// of either, or {"prefix"|"suffix"|"equals-ignore-case"|"wildcard": string or
// list of strings}.
func (p *parser) anythingBut() (matcher, bool) {
	inner := opKind(0) // 0: plain values
	tok := p.lex.next()
	if tok == tBeginObject {
		if p.lex.next() != tField {
			if !p.failed() {
				p.barf("Anything-But expression name not found")
			}
			return matcher{}, false
		}
		switch name := p.lex.text; name {
		case kwEqualsIgnoreCase:
			inner = opFold
		case kwPrefix:
			inner = opPrefix
		case kwSuffix:
			inner = opSuffix
		case kwWildcard:
			inner = opWildcard
		default:
			p.barf("Unsupported anything-but pattern: " + name)
			return matcher{}, false
		}
		if p.mode != modeEventBridge && (inner == opFold || inner == opWildcard) {
			p.barf("Unsupported anything-but pattern: " + p.lex.text)
			return matcher{}, false
		}
		tok = p.lex.next()
	}
	if p.failed() {
		return matcher{}, false
	}
	if tok != tBeginArray && tok != tString && tok != tNumber {
		p.barf("Value of " + kwAnythingBut + " must be an array or single string/number value.")
		return matcher{}, false
	}
	var neg []matcher
	if tok == tBeginArray {
		hasNum, hasStr := false, false
		for tok = p.lex.next(); tok != tEndArray; tok = p.lex.next() {
			if p.failed() {
				return matcher{}, false
			}
			m, ok := p.anythingButValue(inner, tok, true)
			if !ok {
				return matcher{}, false
			}
			hasNum = hasNum || tok == tNumber
			hasStr = hasStr || tok == tString
			neg = append(neg, m)
		}
		if p.failed() {
			return matcher{}, false
		}
		if inner == 0 && hasNum == hasStr {
			p.barf("Inside anything but list, either all values are number or string, mixed type is not supported")
			return matcher{}, false
		}
	} else {
		m, ok := p.anythingButValue(inner, tok, false)
		if !ok {
			return matcher{}, false
		}
		neg = append(neg, m)
	}
	if !p.expectEnd(tooManyElems) {
		return matcher{}, false
	}
	if inner != 0 && !p.expectEnd(tooManyElems) {
		return matcher{}, false
	}
	return matcher{kind: opAnythingBut, neg: neg}, true
}

// anythingButValue compiles one excluded value into the matcher that
// recognizes it.
func (p *parser) anythingButValue(inner opKind, tok tokKind, inList bool) (matcher, bool) {
	if inner == 0 {
		switch tok {
		case tString:
			return matcher{kind: opExactString, s: p.lex.text}, true
		case tNumber:
			v, ok := p.micros(p.lex.text)
			if !ok {
				return matcher{}, false
			}
			return matcher{kind: opExactNumber, num: v, numOK: true, lit: p.lex.text}, true
		}
		if inList {
			p.barf("Inside anything but list, start|null|boolean is not supported.")
		} else {
			p.barf("Inside anything-but list, start|null|boolean is not supported.")
		}
		return matcher{}, false
	}
	if tok != tString {
		switch inner {
		case opFold:
			p.barf("Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.")
		case opWildcard:
			p.barf("wildcard match pattern must be a string")
		default:
			p.barf("prefix/suffix match pattern must be a string")
		}
		return matcher{}, false
	}
	s := p.lex.text
	switch inner {
	case opFold:
		return matcher{kind: opFold, s: foldString(s)}, true
	case opWildcard:
		return p.wildcardMatcher(s)
	}
	if s == "" {
		p.barf("Null prefix/suffix not allowed")
		return matcher{}, false
	}
	return matcher{kind: inner, s: s}, true
}

func exactString(s string) matcher {
	m := matcher{kind: opExactString, s: s}
	if strings.ContainsAny(s, ".:") {
		if a, ok := parseIP([]byte(s)); ok {
			m.ip, m.isIP = a, true
		}
	}
	return m
}

// exactNumber matches by numeric value where the number is comparable, and
// by its literal text always — event-ruler inserts both, so an account
// number like 123456789012 still matches itself.
func exactNumber(text string) matcher {
	v, ok := parseMicros([]byte(text))
	return matcher{kind: opExactNumber, num: v, numOK: ok, lit: text}
}
