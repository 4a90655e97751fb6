package jsonpath

import (
	"strconv"
	"strings"
	"unicode"
)

// Root says which document a path reads.
type Root uint8

const (
	RootInput    Root = iota // $: the state input (or the effective input, by field)
	RootContext              // $$: the context object
	RootVariable             // $name: a workflow variable
)

func (r Root) String() string {
	switch r {
	case RootContext:
		return "context"
	case RootVariable:
		return "variable"
	default:
		return "input"
	}
}

// Path is a parsed JSONPath. It is immutable and safe for concurrent use.
type Path struct {
	text     string
	root     Root
	variable string
	segs     []segment
	definite bool
}

type segKind uint8

const (
	segField    segKind = iota // .name or ['name']
	segIndex                   // [n], n may be negative (counts from the end)
	segWildcard                // .* or [*]
	segSlice                   // [start:end:step]
	segNames                   // ['a','b']
	segIndexes                 // [0,2]
	segDescend                 // .. : this node and every node below it
	segFilter                  // [?(expr)]
)

type segment struct {
	kind    segKind
	name    string
	index   int
	names   []string
	indexes []int
	slice   sliceSpec
	filter  expr
}

type sliceSpec struct {
	start, end, step          int
	hasStart, hasEnd, hasStep bool
}

func (s *segment) isDefinite() bool { return s.kind == segField || s.kind == segIndex }

// Text returns the path exactly as it was written.
func (p *Path) Text() string { return p.text }

// Root returns the kind of document the path reads.
func (p *Path) Root() Root { return p.root }

// Variable returns the variable name of a RootVariable path ("" otherwise).
func (p *Path) Variable() string { return p.variable }

// IsDefinite reports whether the path names at most one node (fields and
// indexes only); Eval then returns the value itself rather than a list.
func (p *Path) IsDefinite() bool { return p.definite }

// IsRoot reports whether the path is just its root ($, $$ or $name).
func (p *Path) IsRoot() bool { return len(p.segs) == 0 }

// String renders the path canonically: Parse(p.String()) yields a path with
// the same String, root and meaning.
func (p *Path) String() string {
	var b strings.Builder
	switch p.root {
	case RootContext:
		b.WriteString("$$")
	case RootVariable:
		b.WriteString("$")
		b.WriteString(p.variable)
	default:
		b.WriteString("$")
	}
	writeSegments(&b, p.segs)
	return b.String()
}

func writeSegments(b *strings.Builder, segs []segment) {
	for i := range segs {
		s := &segs[i]
		afterDescend := i > 0 && segs[i-1].kind == segDescend
		switch s.kind {
		case segDescend:
			b.WriteString("..")
		case segField:
			if isShorthand(s.name) {
				if !afterDescend {
					b.WriteByte('.')
				}
				b.WriteString(s.name)
			} else {
				b.WriteByte('[')
				writeQuoted(b, s.name)
				b.WriteByte(']')
			}
		case segWildcard:
			if afterDescend {
				b.WriteByte('*')
			} else {
				b.WriteString("[*]")
			}
		case segIndex:
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(s.index))
			b.WriteByte(']')
		case segNames:
			b.WriteByte('[')
			for j, n := range s.names {
				if j > 0 {
					b.WriteByte(',')
				}
				writeQuoted(b, n)
			}
			b.WriteByte(']')
		case segIndexes:
			b.WriteByte('[')
			for j, n := range s.indexes {
				if j > 0 {
					b.WriteByte(',')
				}
				b.WriteString(strconv.Itoa(n))
			}
			b.WriteByte(']')
		case segSlice:
			b.WriteByte('[')
			if s.slice.hasStart {
				b.WriteString(strconv.Itoa(s.slice.start))
			}
			b.WriteByte(':')
			if s.slice.hasEnd {
				b.WriteString(strconv.Itoa(s.slice.end))
			}
			if s.slice.hasStep {
				b.WriteByte(':')
				b.WriteString(strconv.Itoa(s.slice.step))
			}
			b.WriteByte(']')
		case segFilter:
			b.WriteString("[?(")
			s.filter.write(b)
			b.WriteString(")]")
		}
	}
}

// isShorthand reports whether name can be written after a dot (the ABNF
// member-name-shorthand: a letter or underscore, then letters, digits and
// underscores); anything else is rendered in brackets.
func isShorthand(name string) bool {
	if name == "" {
		return false
	}
	for i, r := range name {
		switch {
		case r == '_' || unicode.IsLetter(r):
		case i > 0 && unicode.IsDigit(r):
		default:
			return false
		}
	}
	return true
}

func writeQuoted(b *strings.Builder, s string) {
	b.WriteByte('\'')
	for _, r := range s {
		if r == '\'' || r == '\\' {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	b.WriteByte('\'')
}
