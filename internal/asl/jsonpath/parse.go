package jsonpath

import (
	"encoding/json"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/shoal-dev/shoal/internal/asl/value"
)

// maxFilterDepth bounds filter nesting so a hostile definition cannot blow
// the parser's stack.
const maxFilterDepth = 32

// Parse parses a JSONPath as Step Functions accepts it in InputPath,
// OutputPath, Parameters, ResultSelector and intrinsic arguments.
func Parse(path string) (*Path, error) {
	p := parser{src: path}
	return p.parsePath()
}

// ParseReference parses a reference path (ResultPath, ItemsPath, Choice
// Variable and ...Path fields, TimeoutSecondsPath, ...): only fields and
// indexes, so it names a single node.
func ParseReference(path string) (*Path, error) {
	p, err := Parse(path)
	if err != nil {
		return nil, err
	}
	for i := range p.segs {
		if !p.segs[i].isDefinite() {
			return nil, &SyntaxError{Path: path, Offset: 0, Msg: "a reference path may use only field names and array indexes (no *, .., slices, unions or filters)"}
		}
	}
	return p, nil
}

// MustParse is Parse for paths known at compile time (tests, built-in
// definitions); it panics on error.
func MustParse(path string) *Path {
	p, err := Parse(path)
	if err != nil {
		panic(err)
	}
	return p
}

type parser struct {
	src   string
	pos   int
	depth int
}

func (p *parser) fail(msg string) error {
	return &SyntaxError{Path: p.src, Offset: p.pos, Msg: msg}
}

func (p *parser) peek() byte {
	if p.pos < len(p.src) {
		return p.src[p.pos]
	}
	return 0
}

func (p *parser) eof() bool { return p.pos >= len(p.src) }

func (p *parser) skipSpace() {
	for p.pos < len(p.src) && isSpace(p.src[p.pos]) {
		p.pos++
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func (p *parser) parsePath() (*Path, error) {
	if !utf8.ValidString(p.src) {
		return nil, p.fail("path is not valid UTF-8")
	}
	if p.peek() != '$' {
		return nil, p.fail("a path must begin with '$'")
	}
	p.pos++
	out := &Path{text: p.src}
	switch c := p.peek(); {
	case c == '$':
		p.pos++
		out.root = RootContext
	case c == '_' || isLetterAt(p.src, p.pos):
		out.root = RootVariable
		start := p.pos
		for p.pos < len(p.src) {
			r, n := utf8.DecodeRuneInString(p.src[p.pos:])
			if r != '_' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				break
			}
			p.pos += n
		}
		out.variable = p.src[start:p.pos]
	}
	segs, err := p.parseSegments(false)
	if err != nil {
		return nil, err
	}
	if !p.eof() {
		return nil, p.fail("unexpected character " + strconv.QuoteRune(rune(p.peek())))
	}
	out.segs = segs
	out.definite = true
	for i := range segs {
		if !segs[i].isDefinite() {
			out.definite = false
			break
		}
	}
	return out, nil
}

func isLetterAt(s string, i int) bool {
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsLetter(r)
}

// parseSegments reads segments until the text ends or, inside a filter, until
// a character that cannot continue a path (space, operator, ')').
func (p *parser) parseSegments(inFilter bool) ([]segment, error) {
	var segs []segment
	for !p.eof() {
		switch p.peek() {
		case '.':
			if strings.HasPrefix(p.src[p.pos:], "..") {
				p.pos += 2
				segs = append(segs, segment{kind: segDescend})
				switch p.peek() {
				case '[':
					continue // the bracket segment follows the descent
				case '*':
					p.pos++
					segs = append(segs, segment{kind: segWildcard})
					continue
				}
				s, err := p.parseDotName(inFilter)
				if err != nil {
					return nil, err
				}
				segs = append(segs, s)
				continue
			}
			p.pos++
			if p.peek() == '[' {
				continue // "$.abc.['def ghi']", as the AWS guide writes it
			}
			if p.peek() == '*' {
				p.pos++
				segs = append(segs, segment{kind: segWildcard})
				continue
			}
			s, err := p.parseDotName(inFilter)
			if err != nil {
				return nil, err
			}
			segs = append(segs, s)
		case '[':
			s, err := p.parseBracket()
			if err != nil {
				return nil, err
			}
			segs = append(segs, s)
		default:
			if inFilter {
				return segs, nil
			}
			return nil, p.fail("expected '.' or '['")
		}
	}
	if len(segs) > 0 && segs[len(segs)-1].kind == segDescend {
		return nil, p.fail("'..' must be followed by a field name, '*' or a bracket")
	}
	return segs, nil
}

// parseDotName reads a name written after '.'. Outside filters it runs to the
// next '.' or '['; names such as "sum()" are kept as plain names because AWS
// does not evaluate Jayway functions (it reports such paths as not found).
func (p *parser) parseDotName(inFilter bool) (segment, error) {
	start := p.pos
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		if c == '.' || c == '[' {
			break
		}
		if inFilter && strings.IndexByte(" \t\r\n)(=!<>&|,", c) >= 0 {
			break
		}
		if isSpace(c) || c == ']' || c == '\'' || c == '"' {
			return segment{}, p.fail("character " + strconv.QuoteRune(rune(c)) + " is not allowed in a field name; use bracket notation ['...']")
		}
		p.pos++
	}
	if p.pos == start {
		return segment{}, p.fail("expected a field name")
	}
	return segment{kind: segField, name: p.src[start:p.pos]}, nil
}

func (p *parser) parseBracket() (segment, error) {
	p.pos++ // '['
	p.skipSpace()
	var s segment
	switch c := p.peek(); {
	case c == '\'' || c == '"':
		var names []string
		for {
			if q := p.peek(); q != '\'' && q != '"' {
				return segment{}, p.fail("expected a quoted name")
			}
			n, err := p.parseQuoted()
			if err != nil {
				return segment{}, err
			}
			names = append(names, n)
			p.skipSpace()
			if p.peek() != ',' {
				break
			}
			p.pos++
			p.skipSpace()
		}
		if len(names) == 1 {
			s = segment{kind: segField, name: names[0]}
		} else {
			s = segment{kind: segNames, names: names}
		}
	case c == '*':
		p.pos++
		s = segment{kind: segWildcard}
	case c == '?':
		p.pos++
		p.skipSpace()
		if p.peek() != '(' {
			return segment{}, p.fail("expected '(' after '?'")
		}
		p.pos++
		e, err := p.parseOr()
		if err != nil {
			return segment{}, err
		}
		p.skipSpace()
		if p.peek() != ')' {
			return segment{}, p.fail("expected ')' to close the filter")
		}
		p.pos++
		s = segment{kind: segFilter, filter: e}
	case c == '-' || c == ':' || (c >= '0' && c <= '9'):
		var err error
		if s, err = p.parseIndexes(); err != nil {
			return segment{}, err
		}
	default:
		return segment{}, p.fail("expected a quoted name, an index, '*' or a filter in brackets")
	}
	p.skipSpace()
	if p.peek() != ']' {
		return segment{}, p.fail("expected ']'")
	}
	p.pos++
	return s, nil
}

// parseIndexes reads [n], [a,b,...] or a slice [start:end:step].
func (p *parser) parseIndexes() (segment, error) {
	first, hasFirst, err := p.parseInt()
	if err != nil {
		return segment{}, err
	}
	p.skipSpace()
	switch p.peek() {
	case ':':
		sl := sliceSpec{start: first, hasStart: hasFirst}
		p.pos++
		p.skipSpace()
		if sl.end, sl.hasEnd, err = p.parseInt(); err != nil {
			return segment{}, err
		}
		p.skipSpace()
		if p.peek() == ':' {
			p.pos++
			p.skipSpace()
			if sl.step, sl.hasStep, err = p.parseInt(); err != nil {
				return segment{}, err
			}
			if sl.hasStep && sl.step == 0 {
				return segment{}, p.fail("slice step cannot be 0")
			}
		}
		return segment{kind: segSlice, slice: sl}, nil
	case ',':
		if !hasFirst {
			return segment{}, p.fail("expected an index")
		}
		idx := []int{first}
		for p.peek() == ',' {
			p.pos++
			p.skipSpace()
			n, ok, err := p.parseInt()
			if err != nil {
				return segment{}, err
			}
			if !ok {
				return segment{}, p.fail("expected an index")
			}
			idx = append(idx, n)
			p.skipSpace()
		}
		return segment{kind: segIndexes, indexes: idx}, nil
	}
	if !hasFirst {
		return segment{}, p.fail("expected an index")
	}
	return segment{kind: segIndex, index: first}, nil
}

// parseInt reads an optional signed decimal integer.
func (p *parser) parseInt() (int, bool, error) {
	start := p.pos
	if p.peek() == '-' {
		p.pos++
	}
	digits := p.pos
	for p.pos < len(p.src) && p.src[p.pos] >= '0' && p.src[p.pos] <= '9' {
		p.pos++
	}
	if p.pos == digits {
		if p.pos != start {
			return 0, false, p.fail("expected digits after '-'")
		}
		return 0, false, nil
	}
	n, err := strconv.ParseInt(p.src[start:p.pos], 10, 32)
	if err != nil {
		p.pos = start
		return 0, false, p.fail("index out of range")
	}
	return int(n), true, nil
}

// parseQuoted reads a '...' or "..." name; a backslash takes the next
// character literally.
func (p *parser) parseQuoted() (string, error) {
	q := p.src[p.pos]
	p.pos++
	var b strings.Builder
	for {
		if p.eof() {
			return "", p.fail("unterminated quoted name")
		}
		c := p.src[p.pos]
		switch c {
		case q:
			p.pos++
			return b.String(), nil
		case '\\':
			p.pos++
			if p.eof() {
				return "", p.fail("unterminated escape")
			}
			_, n := utf8.DecodeRuneInString(p.src[p.pos:])
			b.WriteString(p.src[p.pos : p.pos+n])
			p.pos += n
		default:
			b.WriteByte(c)
			p.pos++
		}
	}
}

// parseNumber reads a JSON number literal in a filter.
func (p *parser) parseNumber() (json.Number, bool) {
	n, ok := value.ScanNumber(p.src[p.pos:])
	p.pos += len(n)
	return n, ok
}
