package events

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/shoal-dev/shoal/internal/dispatch"
)

type putMetricDataInput struct {
	Namespace  string `json:"Namespace" aws:"required"`
	MetricData []struct {
		MetricName string `json:"MetricName"`
		Dimensions []struct {
			Name  string `json:"Name"`
			Value string `json:"Value"`
		} `json:"Dimensions"`
		Value float64 `json:"Value"`
		Unit  string  `json:"Unit"`
	} `json:"MetricData"`
}

type putMetricDataOutput struct{}

// cloudWatchStub stands in for CloudWatch until shoal has it.
type cloudWatchStub struct {
	mu   sync.Mutex
	sums map[string]float64
	ns   []string
}

func (c *cloudWatchStub) register(r *dispatch.Registry) {
	c.sums = map[string]float64{}
	r.AddService(dispatch.Spec{Name: "monitoring", Protocols: []string{dispatch.Query}, APIVersion: "2010-08-01", ValidationCode: "InvalidParameterValue"},
		dispatch.Handle("PutMetricData", func(ctx context.Context, in *putMetricDataInput) (*putMetricDataOutput, error) {
			c.mu.Lock()
			defer c.mu.Unlock()
			c.ns = append(c.ns, in.Namespace)
			for _, d := range in.MetricData {
				k := d.MetricName
				for _, dm := range d.Dimensions {
					k += " " + dm.Name + "=" + dm.Value
				}
				c.sums[k] += d.Value
			}
			return &putMetricDataOutput{}, nil
		}))
}

// AWS/Events metrics: MatchedEvents and TriggeredRules per rule as events
// are accepted, Invocations and FailedInvocations as deliveries end,
// summed per minute and sent to CloudWatch in the AWS/Events namespace.
func TestEventsMetrics(t *testing.T) {
	e := newEnv(t)
	cw := &cloudWatchStub{}
	cw.register(e.r)
	must[PutRuleOutput](e, "PutRule", &PutRuleInput{Name: "orders", EventPattern: `{"source":["shop"]}`})
	must[PutTargetsOutput](e, "PutTargets", &PutTargetsInput{Rule: "orders", Targets: []Target{{Id: "sfn", Arn: "arn:aws:states:eu-west-1:123456789012:stateMachine:x"}}})
	put := func(n int) {
		for range n {
			must[PutEventsOutput](e, "PutEvents", &PutEventsInput{Entries: []PutEventsRequestEntry{{Source: "shop", DetailType: "Order", Detail: `{}`}}})
		}
	}
	put(3)
	e.drain()
	e.states.mu.Lock()
	e.states.fail, e.states.code = 1, "ValidationException" // a client error: not retried
	e.states.mu.Unlock()
	put(1)
	e.clk.Advance(time.Minute)
	e.drain()
	cw.mu.Lock()
	defer cw.mu.Unlock()
	for _, ns := range cw.ns {
		if ns != "AWS/Events" {
			t.Errorf("namespace %q", ns)
		}
	}
	for k, want := range map[string]float64{
		"MatchedEvents RuleName=orders": 4, "MatchedEvents": 4, "TriggeredRules RuleName=orders": 4,
		"Invocations RuleName=orders": 3, "Invocations": 3, "FailedInvocations RuleName=orders": 1,
	} {
		if cw.sums[k] != want {
			t.Errorf("%s = %v, want %v (all: %v)", k, cw.sums[k], want, cw.sums)
		}
	}
}
