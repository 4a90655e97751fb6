package asl

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// seedDefinitions adds every golden definition to a fuzz corpus.
func seedDefinitions(f *testing.F) {
	files, _ := filepath.Glob("testdata/golden/*.txtar")
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			continue
		}
		if def, ok := parseArchive(string(data)).files["definition.json"]; ok {
			f.Add([]byte(def))
		}
	}
	f.Add([]byte(`{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}`))
}

// FuzzCompile: Compile never panics, a failure always carries an ERROR
// diagnostic, and a machine that compiles re-compiles from its canonical
// JSON to the same canonical JSON.
func FuzzCompile(f *testing.F) {
	seedDefinitions(f)
	f.Fuzz(func(t *testing.T, def []byte) {
		m, diags := Compile(def)
		if m == nil {
			if !HasErrors(diags) {
				t.Fatalf("no machine and no ERROR diagnostic")
			}
			return
		}
		if HasErrors(diags) {
			t.Fatalf("machine returned with ERROR diagnostics: %v", diags)
		}
		canon := m.Definition()
		m2, diags2 := Compile(canon)
		if m2 == nil {
			t.Fatalf("canonical definition does not compile: %s\n%v", canon, diags2)
		}
		if string(m2.Definition()) != string(canon) {
			t.Fatalf("canonical form not stable")
		}
	})
}

// FuzzPayloadTemplate: a Parameters template is compiled and rendered
// against an input; it never panics and only fails with an ASL error.
func FuzzPayloadTemplate(f *testing.F) {
	f.Add(`{"Id.$":"$.session_id"}`, `{"session_id":"x"}`)
	f.Add(`{"Message.$":"States.Format('Hi {}', $)"}`, `{"Id":"g"}`)
	f.Add(`{"a":[{"b.$":"$$.Execution.Id"}],"c.$":"$v.x"}`, `{}`)
	f.Add(`{"x.$":"States.ArrayGetItem($.a, 5)"}`, `{"a":[1]}`)
	f.Fuzz(func(t *testing.T, tmpl, input string) {
		var tv, iv any
		if decodeFuzz(tmpl, &tv) != nil || decodeFuzz(input, &iv) != nil {
			return
		}
		ds := &diagnostics{}
		p := compilePayload(tv, "/Parameters", ds)
		if HasErrors(ds.list) {
			return
		}
		env := &Env{Vars: NewVars(map[string]any{"v": map[string]any{"x": "y"}}), Now: time.Unix(0, 0),
			Rand: rand.New(rand.NewPCG(1, 1)), Context: &Context{}}
		_, err := p.eval(iv, env)
		if err != nil {
			se := asStepError(err)
			if !strings.HasPrefix(se.name, "States.") {
				t.Fatalf("non-ASL error %v", err)
			}
		}
	})
}

func decodeFuzz(s string, v *any) error {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	return dec.Decode(v)
}
