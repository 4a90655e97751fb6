package pattern

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// gen draws random patterns and events over a small vocabulary, so that
// patterns and events collide often.
type gen struct{ r *rand.Rand }

func newGen(data []byte) *gen {
	var seed [32]byte
	copy(seed[:], data)
	if len(data) > 32 {
		for i, b := range data[32:] {
			seed[i%32] ^= b
		}
	}
	return &gen{rand.New(rand.NewChaCha8(seed))}
}

var (
	genNames   = []string{"a", "b", "c"}
	genStrings = []string{"", "x", "X", "xy", "yx", "xyz", "10.0.0.1", "10.0.0.200", "::1", "Straße", "STRASSE", "é", "É", "a*b", "a.b"}
	genNumbers = []string{"0", "3", "3.0", "3e0", "-1", "0.5", "100", "1e-7", "5000000001", "123456789012"}
)

func (g *gen) pick(xs []string) string { return xs[g.r.IntN(len(xs))] }
func q(s string) string                { b, _ := json.Marshal(s); return string(b) }

func (g *gen) value() string {
	switch g.r.IntN(8) {
	case 0, 1, 2:
		return q(g.pick(genStrings))
	case 3, 4:
		return g.pick(genNumbers)
	case 5:
		return "true"
	case 6:
		return "false"
	}
	return "null"
}

func (g *gen) matchExpr() string {
	s := q(g.pick(genStrings))
	switch g.r.IntN(14) {
	case 0:
		return `{"prefix":` + s + `}`
	case 1:
		return `{"suffix":` + s + `}`
	case 2:
		return `{"prefix":{"equals-ignore-case":` + s + `}}`
	case 3:
		return `{"suffix":{"equals-ignore-case":` + s + `}}`
	case 4:
		return `{"equals-ignore-case":` + s + `}`
	case 5:
		return `{"wildcard":` + q(g.pick([]string{"*", "x*", "*y", "x*z", "*.*", "a\\*b", "*S*"})) + `}`
	case 6:
		ops := [][]string{{"=", "3"}, {">", "0"}, {">=", "3"}, {"<", "3"}, {"<=", "0.5"}, {">", "0", "<=", "100"}, {">=", "-1", "<", "3"}}
		o := ops[g.r.IntN(len(ops))]
		parts := make([]string, len(o))
		for i, x := range o {
			if i%2 == 0 {
				parts[i] = q(x)
			} else {
				parts[i] = x
			}
		}
		return `{"numeric":[` + strings.Join(parts, ",") + `]}`
	case 7:
		return `{"exists":` + fmt.Sprint(g.r.IntN(2) == 0) + `}`
	case 8:
		return `{"cidr":` + q(g.pick([]string{"10.0.0.0/24", "10.0.0.0/8", "::/64", "10.0.0.100/30"})) + `}`
	case 9:
		return `{"anything-but":` + s + `}`
	case 10:
		small := genNumbers[:8] // anything-but numbers must be comparable
		return `{"anything-but":[` + g.pick(small) + `,` + g.pick(small) + `]}`
	case 11:
		inner := g.pick([]string{"prefix", "suffix", "equals-ignore-case", "wildcard"})
		v := g.pick(genStrings)
		if v == "" || strings.Contains(v, "*") {
			v = "x"
		}
		return `{"anything-but":{"` + inner + `":` + q(v) + `}}`
	case 12:
		return `{"anything-but":[` + s + `,` + q(g.pick(genStrings)) + `]}`
	}
	return `{"exists":false}`
}

func (g *gen) values() string {
	n := 1 + g.r.IntN(3)
	vs := make([]string, n)
	for i := range vs {
		if g.r.IntN(2) == 0 {
			vs[i] = g.value()
		} else {
			vs[i] = g.matchExpr()
		}
	}
	return "[" + strings.Join(vs, ",") + "]"
}

// pattern draws an object of 1-3 distinct fields; depth bounds nesting. No
// path repeats, inside or outside $or (the reference cannot order those).
func (g *gen) pattern(depth int, used map[string]bool, prefix string) string {
	var fields []string
	names := slices.Clone(genNames)
	g.r.Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i] })
	n := 1 + g.r.IntN(len(names))
	for _, name := range names[:n] {
		path := name
		if prefix != "" {
			path = prefix + "." + name
		}
		if used[path] {
			continue
		}
		if depth > 0 && g.r.IntN(3) == 0 {
			used[path] = true
			fields = append(fields, q(name)+":"+g.pattern(depth-1, used, path))
			continue
		}
		used[path] = true
		fields = append(fields, q(name)+":"+g.values())
	}
	if depth > 0 && g.r.IntN(4) == 0 {
		var alts []string
		for range 2 + g.r.IntN(2) {
			sub := map[string]bool{}
			for k := range used {
				sub[k] = true
			}
			alts = append(alts, g.pattern(depth-1, sub, prefix))
		}
		fields = append(fields, `"$or":[`+strings.Join(alts, ",")+`]`)
	}
	if len(fields) == 0 {
		fields = append(fields, q("zz"+prefix)+":"+g.values())
	}
	return "{" + strings.Join(fields, ",") + "}"
}

func (g *gen) event(depth int) string {
	var fields []string
	for _, name := range genNames {
		if g.r.IntN(4) == 0 {
			continue
		}
		fields = append(fields, q(name)+":"+g.eventValue(depth))
	}
	return "{" + strings.Join(fields, ",") + "}"
}

func (g *gen) eventValue(depth int) string {
	switch k := g.r.IntN(10); {
	case k < 5 || depth == 0:
		return g.value()
	case k < 7:
		n := g.r.IntN(4)
		vs := make([]string, n)
		for i := range vs {
			vs[i] = g.eventValue(depth - 1)
		}
		return "[" + strings.Join(vs, ",") + "]"
	}
	return g.event(depth - 1)
}

// FuzzMatcherAgainstReference builds a Matcher from random patterns and
// checks it, and Pattern.Match, against the reference on random events.
func FuzzMatcherAgainstReference(f *testing.F) {
	for i := range 20 {
		f.Add([]byte(fmt.Sprintf("seed-%d", i)))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		g := newGen(data)
		m := NewMatcher()
		var srcs []string
		for i := range 1 + g.r.IntN(6) {
			src := g.pattern(2, map[string]bool{}, "")
			p, err := Compile([]byte(src))
			if err != nil {
				t.Fatalf("generated pattern %s: %v", src, err)
			}
			m.Add(fmt.Sprint(i), p)
			srcs = append(srcs, src)
		}
		for range 4 {
			ev := g.event(2)
			got, err := m.Match([]byte(ev))
			if err != nil {
				t.Fatalf("Match(%s): %v", ev, err)
			}
			var want []string
			for i, src := range srcs {
				ok, judged := refMatch([]byte(src), []byte(ev))
				if !judged {
					t.Fatalf("reference cannot judge %s on %s", src, ev)
				}
				if ok {
					want = append(want, fmt.Sprint(i))
				}
				p, _ := Compile([]byte(src))
				if single, _ := p.Match([]byte(ev)); single != ok {
					t.Errorf("Pattern.Match = %v, reference %v\npattern %s\nevent   %s", single, ok, src, ev)
				}
			}
			if !slices.Equal(got, want) {
				t.Fatalf("Matcher = %v, reference %v\npatterns %s\nevent %s", got, want, strings.Join(srcs, "\n         "), ev)
			}
		}
	})
}

// canonical re-encodes a JSON document: duplicate keys collapse (last wins)
// and trailing text is refused.
func canonical(b []byte) ([]byte, bool) {
	v, ok := decodeUseNumber(b)
	if !ok {
		return nil, false
	}
	out, err := json.Marshal(v)
	return out, err == nil
}

// FuzzCompile: Compile never panics, fails only with *Error, and a compiled
// pattern matches as the reference does.
func FuzzCompile(f *testing.F) {
	f.Add([]byte(seedPattern), []byte(seedEvent))
	f.Add([]byte(`{"detail":{"c-count":[{"numeric":[">",0,"<=",5]}],"d-count":[{"numeric":["<",10]}],"x-limit":[{"numeric":["=",3.018e2]}]}}`), []byte(rulerEvent))
	f.Add([]byte(`{"source":["aws.cloudwatch"],"$or":[{"metricName":["CPUUtilization"]},{"namespace":["AWS/EC2"]}]}`), []byte(`{"source":"aws.cloudwatch","namespace":"AWS/EC2"}`))
	f.Add([]byte(`{"FilePath":[{"anything-but":{"wildcard":"*/lib/*"}}],"ip":[{"cidr":"10.0.0.0/24"}]}`), []byte(`{"FilePath":"/a","ip":"10.0.0.1"}`))
	f.Add([]byte(`{"detail":{"eventVersion":[""],"responseElements":[null]}}`), []byte(nullEvent))
	f.Add([]byte(`{"employees":{"firstName":["Anna"],"lastName":["Jones"]}}`), []byte(`{"employees":[{"firstName":"Anna","lastName":"Smith"},{"firstName":"Peter","lastName":"Jones"}]}`))
	f.Add([]byte(`{"a":[{"prefix":{"equals-ignore-case":"ÉC"}},{"suffix":".png"},{"exists":false}]}`), []byte(`{"a":"école"}`))
	f.Fuzz(func(t *testing.T, pattern, event []byte) {
		p, err := Compile(pattern)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) || pe.Reason == "" {
				t.Fatalf("Compile(%q) error %T %v", pattern, err, err)
			}
			_ = pe.Error()
			return
		}
		if _, err := p.Match(event); err != nil && !errors.Is(err, ErrNotObject) {
			t.Fatalf("Match error %v", err)
		}
		if !utf8.Valid(pattern) || !utf8.Valid(event) {
			return
		}
		cp, ok1 := canonical(pattern)
		ce, ok2 := canonical(event)
		if !ok1 || !ok2 || len(ce) == 0 || ce[0] != '{' {
			return
		}
		p2, err := Compile(cp)
		if err != nil {
			t.Fatalf("canonical form of a valid pattern is invalid: %s: %v", cp, err)
		}
		want, judged := refMatch(cp, ce)
		if !judged {
			return
		}
		got, err := p2.Match(ce)
		if err != nil {
			t.Fatalf("Match(%s): %v", ce, err)
		}
		if got != want {
			t.Fatalf("Match = %v, reference %v\npattern %s\nevent   %s", got, want, cp, ce)
		}
	})
}
