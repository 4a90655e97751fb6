package intrinsic

import "testing"

// BenchmarkFormatSeed is the seed's SNS message.
func BenchmarkFormatSeed(b *testing.B) {
	c, err := Parse("States.Format('Hi! AWS Step Functions has stopped this Glue session for you: {}', $)")
	if err != nil {
		b.Fatal(err)
	}
	env := testEnv(b, `{"Id": "glue-studio-datapreview-3f905608-50f1-4b9e-80e2-f4071feb2282"}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Eval(env); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNested(b *testing.B) {
	c, err := Parse("States.ArrayGetItem(States.StringSplit($$.Execution.Id, ':'), 3)")
	if err != nil {
		b.Fatal(err)
	}
	env := testEnv(b, `{}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Eval(env); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("States.Format('{}. {}, {} - {}', $.street, $.city, $.state, $.zip)"); err != nil {
			b.Fatal(err)
		}
	}
}
