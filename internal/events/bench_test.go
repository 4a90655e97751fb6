package events

import (
	"context"
	"testing"
)

// BenchmarkPutEvents measures one single-entry PutEvents through the
// registry (no HTTP), with a matching rule whose delivery job is committed,
// and without one.
func BenchmarkPutEvents(b *testing.B) {
	for _, match := range []bool{false, true} {
		name := "nomatch"
		if match {
			name = "match"
		}
		b.Run(name, func(b *testing.B) {
			e := newEnv(b)
			if match {
				must[PutRuleOutput](e, "PutRule", &PutRuleInput{Name: "r", EventPattern: `{"source":["my.shop"]}`})
				must[PutTargetsOutput](e, "PutTargets", &PutTargetsInput{Rule: "r", Targets: []Target{{Id: "t", Arn: "arn:aws:states:eu-west-1:123456789012:stateMachine:m"}}})
			}
			in := &PutEventsInput{Entries: []PutEventsRequestEntry{{Source: "my.shop", DetailType: "Order Placed", Detail: `{"orderId":"o-1","total":250,"items":[{"sku":"a","qty":1}]}`}}}
			ctx := context.Background()
			b.ReportAllocs()
			// 32 concurrent callers, as eventsload's -c 32, so the store can
			// group commits as it does under HTTP load.
			b.SetParallelism(16)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := e.r.Call(ctx, seedCaller, "events", "PutEvents", in); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
