package asl

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// passMachine builds n Pass states in a chain, each with Parameters of ten
// paths and one intrinsic call.
func passMachine(n int) *Machine {
	var b strings.Builder
	b.WriteString(`{"StartAt":"S0","States":{`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `"S%d":{"Type":"Pass","Parameters":{`, i)
		for k := 0; k < 10; k++ {
			fmt.Fprintf(&b, `"f%d.$":"$.f%d",`, k, k)
		}
		b.WriteString(`"n.$":"States.MathAdd($.f0, 1)"},`)
		if i == n-1 {
			b.WriteString(`"End":true}`)
		} else {
			fmt.Fprintf(&b, `"Next":"S%d"}`, i+1)
		}
	}
	b.WriteString(`}}`)
	return MustCompile(b.String())
}

func benchPass(b *testing.B, n int) {
	m := passMachine(n)
	input := map[string]any{}
	for k := 0; k < 10; k++ {
		input[fmt.Sprintf("f%d", k)] = json.Number(fmt.Sprint(k))
	}
	env := &Env{Vars: NewVars(nil), Now: time.Unix(0, 0), Rand: rand.New(rand.NewPCG(1, 1)), Context: &Context{}}
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	transitions := 0
	for b.Loop() {
		name, in := m.StartAt(), any(input)
		for {
			d, err := m.Enter(name, in, env)
			if err != nil {
				b.Fatal(err)
			}
			transitions++
			if nx, ok := d.(*Next); ok {
				name, in = nx.State, nx.Output
				continue
			}
			break
		}
	}
	elapsed := time.Since(start)
	b.ReportMetric(float64(transitions)/elapsed.Seconds(), "transitions/s")
	b.ReportMetric(float64(elapsed.Nanoseconds())/float64(transitions), "ns/transition")
}

// BenchmarkPassTransitions measures Pass transitions with 10 paths and one
// intrinsic per state; allocations per transition must not grow with the
// number of states.
func BenchmarkPassTransitions(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		b.Run(fmt.Sprintf("states=%d", n), func(b *testing.B) { benchPass(b, n) })
	}
}

// BenchmarkSimplePass is the bare transition: a Pass with no fields.
func BenchmarkSimplePass(b *testing.B) {
	m := MustCompile(`{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Pass","End":true}}}`)
	env := &Env{Vars: NewVars(nil)}
	input := map[string]any{"a": "b"}
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		if _, err := m.Enter("A", input, env); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "transitions/s")
}
