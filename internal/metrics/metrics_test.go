package metrics

import (
	"context"
	"testing"
	"time"

	"github.com/shoal-dev/shoal/internal/clock"
	"github.com/shoal-dev/shoal/internal/dispatch"
	"github.com/shoal-dev/shoal/internal/store"
	"github.com/shoal-dev/shoal/internal/store/sqlite"
)

type putInput struct {
	Namespace  string `json:"Namespace" aws:"required"`
	MetricData []struct {
		MetricName string  `json:"MetricName"`
		Value      float64 `json:"Value"`
	} `json:"MetricData"`
}

type putOutput struct{}

// Data waits in the store while CloudWatch is missing; once it is
// registered each datum is delivered once, per minute sums as added.
func TestOutboxDelivery(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewManual(time.Date(2024, 6, 11, 12, 0, 30, 0, time.UTC))
	st, err := sqlite.Open(ctx, sqlite.Config{Dir: t.TempDir(), Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	reg := dispatch.NewRegistry(clk.Now, func() string { return "id" })
	o := NewOutbox("test", "AWS/Test")
	d := NewDeliverer(o, Config{Store: st, Clock: clk, Registry: reg, Principal: "test.amazonaws.com"})
	agg := NewAggregator(o, st, clk, nil)
	agg.Add("123456789012", "eu-west-1", Count("Things", clk.Now()))
	agg.Add("123456789012", "eu-west-1", Count("Things", clk.Now()))
	clk.Advance(time.Minute)
	agg.Add("123456789012", "eu-west-1", Count("Things", clk.Now()))
	if err := agg.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	// No CloudWatch yet: the deliverer does not start, the data and its
	// job wait in the store.
	if err := d.Start(ctx); err != nil {
		t.Fatal(err)
	}
	var kept int
	_ = st.View(ctx, func(tx store.Tx) error {
		entries, err := tx.LogRead(ctx, &store.LogReadParams{Log: o.Log("123456789012", "eu-west-1")})
		kept = len(entries)
		if _, err := tx.JobGet(ctx, o.Queue(), o.Log("123456789012", "eu-west-1")); err != nil {
			t.Errorf("delivery job: %v", err)
		}
		return err
	})
	if kept != 2 { // two minutes, each one sum
		t.Fatalf("%d data kept, want 2", kept)
	}
	var got []float64
	var ns string
	reg.AddService(dispatch.Spec{Name: "monitoring", Protocols: []string{dispatch.Query}, APIVersion: "2010-08-01", ValidationCode: "InvalidParameterValue"},
		dispatch.Handle("PutMetricData", func(ctx context.Context, in *putInput) (*putOutput, error) {
			ns = in.Namespace
			for _, m := range in.MetricData {
				got = append(got, m.Value)
			}
			return &putOutput{}, nil
		}))
	d.Drain(ctx)
	d.Drain(ctx)
	if ns != "AWS/Test" || len(got) != 2 || got[0]+got[1] != 3 {
		t.Errorf("delivered %v to %q, want the two minutes' sums (2 and 1) once", got, ns)
	}
}
