package pattern

import (
	"bytes"
	"encoding/json"
	"math/big"
	"net/netip"
	"regexp"
	"strings"
	"unicode/utf8"
)

// The reference matcher interprets a pattern directly, the way the guide
// describes it, with no automaton and (on purpose) none of the package's
// helpers: encoding/json for both documents, math/big for numbers, regexp for
// wildcards, strings.EqualFold for case, net/netip for addresses. The fuzz
// targets compare the compiled matcher with it.

type refLeaf struct {
	path  string
	val   any      // string, json.Number, bool, nil
	trail [][2]int // (array id, index) from the outside in
}

func decodeUseNumber(b []byte) (any, bool) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, false
	}
	if d.More() {
		return nil, false
	}
	return v, true
}

func refLeaves(event map[string]any) []refLeaf {
	var out []refLeaf
	arrays := 0
	var walk func(v any, path string, top bool, trail [][2]int)
	walk = func(v any, path string, top bool, trail [][2]int) {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				p := k
				if !top {
					p = path + "." + k
				}
				walk(e, p, false, trail)
			}
		case []any:
			id := arrays
			arrays++
			for i, e := range v {
				t := append(append([][2]int{}, trail...), [2]int{id, i})
				walk(e, path, false, t)
			}
		default:
			out = append(out, refLeaf{path: path, val: v, trail: trail})
		}
	}
	walk(event, "", true, nil)
	return out
}

// refBranches expands $or; ok is false when a path is given both outside and
// inside a $or, whose meaning depends on key order that a map loses.
func refBranches(obj map[string]any, prefix string, top bool) ([]map[string][]any, bool) {
	branches := []map[string][]any{{}}
	for k, v := range obj {
		if k == "$or" {
			var alts []map[string][]any
			for _, o := range v.([]any) {
				sub, ok := refBranches(o.(map[string]any), prefix, top)
				if !ok {
					return nil, false
				}
				alts = append(alts, sub...)
			}
			var next []map[string][]any
			for _, b := range branches {
				for _, a := range alts {
					m := map[string][]any{}
					for p, vs := range b {
						m[p] = vs
					}
					for p, vs := range a {
						if _, dup := m[p]; dup {
							return nil, false
						}
						m[p] = vs
					}
					next = append(next, m)
				}
			}
			branches = next
			continue
		}
		p := k
		if !top {
			p = prefix + "." + k
		}
		switch v := v.(type) {
		case map[string]any:
			sub, ok := refBranches(v, p, false)
			if !ok {
				return nil, false
			}
			var next []map[string][]any
			for _, b := range branches {
				for _, a := range sub {
					m := map[string][]any{}
					for q, vs := range b {
						m[q] = vs
					}
					for q, vs := range a {
						if _, dup := m[q]; dup {
							return nil, false
						}
						m[q] = vs
					}
					next = append(next, m)
				}
			}
			branches = next
		case []any:
			for _, b := range branches {
				if _, dup := b[p]; dup {
					return nil, false
				}
				b[p] = v
			}
		}
	}
	return branches, true
}

// refMatch reports whether pattern (valid JSON) matches event (a JSON
// object); ok is false when the reference cannot judge.
func refMatch(pattern, event []byte) (match, ok bool) {
	pv, ok1 := decodeUseNumber(pattern)
	ev, ok2 := decodeUseNumber(event)
	if !ok1 || !ok2 {
		return false, false
	}
	pm, ok1 := pv.(map[string]any)
	em, ok2 := ev.(map[string]any)
	if !ok1 || !ok2 {
		return false, false
	}
	branches, ok := refBranches(pm, "", true)
	if !ok {
		return false, false
	}
	leaves := refLeaves(em)
	for _, b := range branches {
		if refBranch(b, leaves) {
			return true, true
		}
	}
	return false, true
}

func refBranch(b map[string][]any, leaves []refLeaf) bool {
	type option struct{ leaf *refLeaf } // nil leaf: satisfied by absence
	var paths []string
	for p := range b {
		paths = append(paths, p)
	}
	opts := make([][]option, len(paths))
	for i, p := range paths {
		present := false
		for j := range leaves {
			l := &leaves[j]
			if l.path != p {
				continue
			}
			present = true
			for _, m := range b[p] {
				if refValue(m, l.val) {
					opts[i] = append(opts[i], option{l})
					break
				}
			}
		}
		if !present {
			for _, m := range b[p] {
				if o, isObj := m.(map[string]any); isObj && o["exists"] == false {
					opts[i] = append(opts[i], option{nil})
					break
				}
			}
		}
		if len(opts[i]) == 0 {
			return false
		}
	}
	var chosen []*refLeaf
	var try func(i int) bool
	try = func(i int) bool {
		if i == len(paths) {
			return true
		}
		for _, o := range opts[i] {
			if o.leaf == nil {
				if try(i + 1) {
					return true
				}
				continue
			}
			okc := true
			for _, c := range chosen {
				if !refConsistent(c.trail, o.leaf.trail) {
					okc = false
					break
				}
			}
			if !okc {
				continue
			}
			chosen = append(chosen, o.leaf)
			if try(i + 1) {
				return true
			}
			chosen = chosen[:len(chosen)-1]
		}
		return false
	}
	return try(0)
}

func refConsistent(a, b [][2]int) bool {
	for _, x := range a {
		for _, y := range b {
			if x[0] == y[0] && x[1] != y[1] {
				return false
			}
		}
	}
	return true
}

// refMicros is a number as micro-units, floored, if within ±5e9.
func refMicros(n json.Number) (*big.Int, bool) {
	r, ok := new(big.Rat).SetString(string(n))
	if !ok {
		return nil, false
	}
	lim := big.NewRat(5_000_000_000, 1)
	if r.Cmp(lim) > 0 || r.Cmp(new(big.Rat).Neg(lim)) < 0 {
		return nil, false
	}
	r.Mul(r, big.NewRat(1_000_000, 1))
	q := new(big.Int).Quo(r.Num(), r.Denom()) // truncates toward zero
	if r.Sign() < 0 && !r.IsInt() {
		q.Sub(q, big.NewInt(1))
	}
	return q, true
}

func refNumEqual(a, b json.Number) bool {
	if a == b {
		return true
	}
	x, ok1 := refMicros(a)
	y, ok2 := refMicros(b)
	return ok1 && ok2 && x.Cmp(y) == 0
}

func refIP(s string) (netip.Addr, bool) {
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}

func refValue(m any, v any) bool {
	switch m := m.(type) {
	case string:
		s, ok := v.(string)
		if !ok {
			return false
		}
		if s == m {
			return true
		}
		a, ok1 := refIP(m)
		b, ok2 := refIP(s)
		return ok1 && ok2 && a == b
	case json.Number:
		n, ok := v.(json.Number)
		return ok && refNumEqual(m, n)
	case bool:
		b, ok := v.(bool)
		return ok && b == m
	case nil:
		return v == nil
	case map[string]any:
		for op, arg := range m {
			return refOp(op, arg, v)
		}
	}
	return false
}

func refOp(op string, arg, v any) bool {
	s, isStr := v.(string)
	switch op {
	case "exists":
		return arg == true
	case "prefix", "suffix":
		if !isStr {
			return false
		}
		if o, ok := arg.(map[string]any); ok {
			return refAffixFold(op, o["equals-ignore-case"].(string), s)
		}
		if op == "prefix" {
			return strings.HasPrefix(s, arg.(string))
		}
		return strings.HasSuffix(s, arg.(string))
	case "equals-ignore-case":
		return isStr && strings.EqualFold(s, arg.(string))
	case "wildcard":
		return isStr && refWildcard(arg.(string), s)
	case "numeric":
		n, ok := v.(json.Number)
		if !ok {
			return false
		}
		x, ok := refMicros(n)
		if !ok {
			return false
		}
		a := arg.([]any)
		for i := 0; i+1 < len(a); i += 2 {
			y, _ := refMicros(a[i+1].(json.Number))
			c := x.Cmp(y)
			switch a[i].(string) {
			case "=":
				ok = ok && c == 0
			case "<":
				ok = ok && c < 0
			case "<=":
				ok = ok && c <= 0
			case ">":
				ok = ok && c > 0
			case ">=":
				ok = ok && c >= 0
			}
		}
		return ok
	case "cidr":
		if !isStr {
			return false
		}
		ip, ok := refIP(s)
		if !ok {
			return false
		}
		str := arg.(string)
		i := strings.LastIndexByte(str, '/')
		base, _ := refIP(str[:i])
		bits := 0
		for _, c := range str[i+1:] {
			bits = bits*10 + int(c-'0')
		}
		if ip.BitLen() != base.BitLen() {
			return false
		}
		pfx, _ := base.Prefix(bits)
		return pfx.Contains(ip) && base.Compare(ip) <= 0
	case "anything-but":
		switch a := arg.(type) {
		case string, json.Number:
			return !refValue(a, v)
		case []any:
			for _, e := range a {
				if refValue(e, v) {
					return false
				}
			}
			return true
		case map[string]any:
			for inner, x := range a {
				var list []any
				if l, ok := x.([]any); ok {
					list = l
				} else {
					list = []any{x}
				}
				for _, e := range list {
					if isStr && refOp(inner, e, v) {
						return false
					}
				}
			}
			return true
		}
	}
	return false
}

func refAffixFold(op, affix, s string) bool {
	n := utf8.RuneCountInString(affix)
	r := []rune(s)
	if len(r) < n {
		return false
	}
	if op == "prefix" {
		return strings.EqualFold(string(r[:n]), affix)
	}
	return strings.EqualFold(string(r[len(r)-n:]), affix)
}

func refWildcard(pat, s string) bool {
	var b strings.Builder
	b.WriteString(`(?s)\A`)
	lit := []byte{}
	for i := 0; i < len(pat); i++ {
		switch {
		case pat[i] == '\\' && i+1 < len(pat):
			lit = append(lit, pat[i+1])
			i++
		case pat[i] == '*':
			b.WriteString(regexp.QuoteMeta(string(lit)))
			lit = lit[:0]
			b.WriteString(`.*`)
		default:
			lit = append(lit, pat[i])
		}
	}
	b.WriteString(regexp.QuoteMeta(string(lit)))
	b.WriteString(`\z`)
	return regexp.MustCompile(b.String()).MatchString(s)
}
