package pattern

import (
	"cmp"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Pattern is a compiled EventBridge event pattern or SNS filter policy. It
// is immutable and safe for concurrent use.
type Pattern struct {
	branches []branch // the $or expansion: the pattern matches if any branch does
	source   string

	once sync.Once
	auto *automaton // a one-pattern automaton for Match
}

// branch is a conjunction of steps over distinct field paths.
type branch []step

// step is one field of a branch: the field's values must satisfy any of ms.
type step struct {
	path string
	ms   []matcher
}

type opKind uint8

const (
	opExactString opKind = iota + 1
	opExactNumber
	opLiteral // true, false, null
	opPrefix
	opSuffix
	opPrefixFold
	opSuffixFold
	opFold
	opWildcard
	opNumeric
	opCIDR
	opExists
	opAnythingBut
)

// matcher is one element of a field's value array.
type matcher struct {
	kind   opKind
	s      string // string operand; folded for the *Fold kinds
	lit    string // literal text of a number or true/false/null
	num    int64  // micro-units, when numOK
	numOK  bool
	ip     netip.Addr // an exact string that is an IP literal
	isIP   bool
	rng    numRange
	cidr   ipRange
	exists bool
	wc     wildcard
	neg    []matcher // anything-but: the values excluded
}

// Compile parses and validates an EventBridge event pattern, as PutRule,
// CreateArchive and TestEventPattern do. An invalid pattern yields an *Error
// whose message is the InvalidEventPatternException message AWS returns.
//
// The 4096-character limit of the EventPattern request member is a
// ValidationException of the API, checked by the events service, not here
// (see MaxEventPatternLength).
func Compile(src []byte) (*Pattern, error) {
	rules, err := parse(src, modeEventBridge)
	if err != nil {
		return nil, err
	}
	return newPattern(rules, src), nil
}

// MaxEventPatternLength is the length limit botocore's model puts on the
// EventPattern member of PutRule, TestEventPattern and CreateArchive.
const MaxEventPatternLength = 4096

// Scopes of an SNS filter policy (the FilterPolicyScope subscription
// attribute).
const (
	ScopeMessageAttributes = "MessageAttributes"
	ScopeMessageBody       = "MessageBody"
)

// SNS filter policy limits ("Filter policy constraints in Amazon SNS").
const (
	SNSMaxKeys         = 5
	SNSMaxCombinations = 150
	SNSMaxPolicyBytes  = 256 * 1024
)

// CompileFilterPolicy compiles an SNS subscription filter policy. The
// operators are EventBridge's, with SNS's differences:
//
//   - scope MessageAttributes allows no nested objects: the policy's keys are
//     attribute names, matched against an object {"name": value} where a
//     String attribute is a JSON string, a Number attribute a JSON number and
//     a String.Array attribute the JSON array its value holds;
//   - there is no "wildcard" operator, and anything-but takes only values,
//     prefix and suffix;
//   - numbers lie within -1e9..1e9;
//   - at most 5 keys and at most 150 combinations (the product of the
//     lengths of the value arrays, summed over $or branches); at most 256 KB.
//
// Errors render as SNS's InvalidParameter messages, "Invalid parameter:
// FilterPolicy: <reason>".
func CompileFilterPolicy(src []byte, scope string) (*Pattern, error) {
	m := modeSNSAttributes
	switch scope {
	case ScopeMessageAttributes, "":
	case ScopeMessageBody:
		m = modeSNSBody
	default:
		return nil, &Error{Reason: "FilterPolicyScope: Invalid value [" + scope + "]. Please use either MessageBody or MessageAttributes", sns: true}
	}
	if len(src) > SNSMaxPolicyBytes {
		return nil, &Error{Reason: "Filter policy is too long", sns: true}
	}
	rules, err := parse(src, m)
	if err != nil {
		return nil, err
	}
	keys := map[string]bool{}
	combos := 0
	for _, r := range rules {
		c := 1
		for k, v := range r {
			keys[k] = true
			c *= len(v)
		}
		combos += c
	}
	if len(keys) > SNSMaxKeys {
		return nil, &Error{Reason: "Filter policy can not have more than " + strconv.Itoa(SNSMaxKeys) + " keys", sns: true}
	}
	if combos > SNSMaxCombinations {
		return nil, &Error{Reason: "Filter policy is too complex", sns: true}
	}
	return newPattern(rules, src), nil
}

func newPattern(rules []rule, src []byte) *Pattern {
	p := &Pattern{source: string(src)}
	for _, r := range rules {
		b := make(branch, 0, len(r))
		for path, ms := range r {
			b = append(b, step{path: path, ms: ms})
		}
		// Steps are tried in this order: selective operators first, so that
		// a rule's cheap exact test prunes it before its anything-but or
		// exists:false is looked at.
		slices.SortFunc(b, func(x, y step) int {
			return cmp.Or(cmp.Compare(x.class(), y.class()), strings.Compare(x.path, y.path))
		})
		p.branches = append(p.branches, b)
	}
	return p
}

// class ranks a step by how many events it lets through.
func (s step) class() int {
	c := 0
	for _, m := range s.ms {
		switch m.kind {
		case opExactString, opExactNumber, opLiteral, opFold:
		case opExists:
			if m.exists {
				c = max(c, 2)
			} else {
				c = max(c, 3)
			}
		case opAnythingBut:
			c = max(c, 2)
		default:
			c = max(c, 1)
		}
	}
	return c
}

// String returns the pattern's source text.
func (p *Pattern) String() string { return p.source }

// Match reports whether the pattern matches event, a JSON object, as
// TestEventPattern does. The error reports an event that is not a JSON
// object.
func (p *Pattern) Match(event []byte) (bool, error) {
	p.once.Do(func() { p.auto = build(map[string]*Pattern{"": p}) })
	r := getRun(p.auto)
	defer putRun(r)
	if err := r.flattenJSON(event); err != nil {
		return false, err
	}
	return r.matchAny(), nil
}

// MatchValue is Match for an event already decoded by encoding/json (with
// UseNumber, so that numbers keep their text).
func (p *Pattern) MatchValue(event map[string]any) bool {
	p.once.Do(func() { p.auto = build(map[string]*Pattern{"": p}) })
	r := getRun(p.auto)
	defer putRun(r)
	r.flattenValue(event)
	return r.matchAny()
}
