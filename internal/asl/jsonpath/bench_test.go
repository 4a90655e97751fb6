package jsonpath

import "testing"

func BenchmarkEvalDefinite(b *testing.B) {
	d := doc(b, `{"detail":{"requestParameters":{"id":"glue-studio-datapreview-3f905608"}},"list":[1,2,3]}`)
	p := MustParse("$.detail.requestParameters.id")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Eval(d); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEvalFilter(b *testing.B) {
	d := doc(b, storeDoc)
	p := MustParse("$.store.book[?(@.price < 10)].title")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Eval(d); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSet is a Pass state's ResultPath on a small input.
func BenchmarkSet(b *testing.B) {
	d := doc(b, resultPathInput)
	ref := MustParse("$.taskresult")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Set(d, ref, "Hello, AWS Step Functions!"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSetNested(b *testing.B) {
	d := doc(b, `{"a":{"b":{"c":1,"d":2},"e":3},"f":[1,2,3]}`)
	ref := MustParse("$.a.b.result")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Set(d, ref, 1); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("$.store.book[?(@.price < 10)].title"); err != nil {
			b.Fatal(err)
		}
	}
}
