package pattern_test

import (
	"fmt"

	"github.com/shoal-dev/shoal/internal/pattern"
)

func ExampleCompile() {
	p, err := pattern.Compile([]byte(`{
	  "source": ["aws.glue"],
	  "detail-type": ["AWS API Call via CloudTrail"],
	  "detail": {"eventSource": ["glue.amazonaws.com"], "eventName": ["CreateSession"]}
	}`))
	if err != nil {
		panic(err)
	}
	ok, _ := p.Match([]byte(`{"source":"aws.glue","detail-type":"AWS API Call via CloudTrail",
	  "detail":{"eventSource":"glue.amazonaws.com","eventName":"CreateSession","requestParameters":{"id":"s-1"}}}`))
	fmt.Println(ok)

	_, err = pattern.Compile([]byte(`{"source": "aws.glue"}`))
	fmt.Println(err.(*pattern.Error).Reason)
	// Output:
	// true
	// "source" must be an object or an array
}

func ExampleMatcher() {
	m := pattern.NewMatcher()
	add := func(id, src string) {
		p, err := pattern.Compile([]byte(src))
		if err != nil {
			panic(err)
		}
		m.Add(id, p)
	}
	add("glue-sessions", `{"source":["aws.glue"],"detail":{"eventName":["CreateSession"]}}`)
	add("not-us", `{"region":[{"anything-but":{"prefix":"us-"}}]}`)
	add("big-jobs", `{"detail":{"numberOfWorkers":[{"numeric":[">=",10]}]}}`)

	ids, _ := m.Match([]byte(`{"source":"aws.glue","region":"eu-west-1","detail":{"eventName":"CreateSession","numberOfWorkers":5}}`))
	fmt.Println(ids)
	// Output:
	// [glue-sessions not-us]
}

func ExampleCompileFilterPolicy() {
	p, err := pattern.CompileFilterPolicy([]byte(`{"store":["example_corp"],"price_usd":[{"numeric":[">=",100]}]}`), pattern.ScopeMessageAttributes)
	if err != nil {
		panic(err)
	}
	// Message attributes as the subscription sees them: String → string,
	// Number → number, String.Array → array.
	ok, _ := p.Match([]byte(`{"store":"example_corp","price_usd":210.75}`))
	fmt.Println(ok)
	// Output:
	// true
}
