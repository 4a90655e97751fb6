// Package metrics keeps the CloudWatch metric data a service emits (AWS/States,
// AWS/Events) in a store outbox, written in the transaction that caused it,
// and delivers it to CloudWatch ("monitoring" PutMetricData) through the
// registry once shoal has that service. Until then the data waits in the
// store, where a CloudWatch service added later finds it. Delivery is at
// least once (internal/outbox), as CloudWatch's own delivery is best
// effort.
package metrics

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/shoal-dev/shoal/internal/clock"
	"github.com/shoal-dev/shoal/internal/dispatch"
	"github.com/shoal-dev/shoal/internal/jobs"
	"github.com/shoal-dev/shoal/internal/outbox"
	"github.com/shoal-dev/shoal/internal/store"
)

// Datum is one data point, as PutMetricData takes it.
type Datum struct {
	Name       string      `json:"name"`
	Dimensions []Dimension `json:"dimensions,omitempty"`
	Value      float64     `json:"value"`
	Unit       string      `json:"unit"`
	Timestamp  time.Time   `json:"timestamp"`
}

// Dimension is a metric dimension.
type Dimension struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Count is a Count datum of 1 with the given dimensions.
func Count(name string, at time.Time, dims ...Dimension) Datum {
	return Datum{Name: name, Dimensions: dims, Value: 1, Unit: "Count", Timestamp: at}
}

// Outbox is one service's metrics outbox: a store log per account and
// region ("<name>.metrics/<account>/<region>") and a job queue
// ("<name>.metrics") with one job per log holding undelivered data.
type Outbox struct {
	name      string
	namespace string
}

// NewOutbox returns the outbox of a service (its name in store keys) whose
// data belongs to a CloudWatch namespace.
func NewOutbox(name, namespace string) Outbox {
	return Outbox{name: name, namespace: namespace}
}

// Queue is the outbox's job queue.
func (o Outbox) Queue() string { return o.name + ".metrics" }

// Log is the outbox's store log of an account and region.
func (o Outbox) Log(account, region string) string {
	return o.name + ".metrics/" + account + "/" + region
}

// Append adds data to an account's and region's outbox inside tx, and
// makes sure its delivery runs (JobEnsure: most commits find the job
// waiting already).
func (o Outbox) Append(ctx context.Context, tx store.Tx, account, region string, now time.Time, data ...Datum) error {
	if len(data) == 0 {
		return nil
	}
	entries := make([][]byte, len(data))
	for i := range data {
		b, err := json.Marshal(&data[i])
		if err != nil {
			return fmt.Errorf("metrics: encode %s: %w", data[i].Name, err)
		}
		entries[i] = b
	}
	log := o.Log(account, region)
	if _, err := tx.LogAppend(ctx, log, entries...); err != nil {
		return fmt.Errorf("metrics: append to %s: %w", log, err)
	}
	if err := tx.JobEnsure(ctx, &store.Job{Queue: o.Queue(), ID: log, Due: now}); err != nil {
		return fmt.Errorf("metrics: queue delivery of %s: %w", log, err)
	}
	return nil
}

// tableCursor holds, per outbox log, the last entry delivered.
const tableCursor = "metrics.cursor"

// batch bounds one PutMetricData call (CloudWatch takes 1,000 data).
const batch = 1000

// Config configures a Deliverer.
type Config struct {
	Store    store.Store
	Clock    clock.Clock
	Registry *dispatch.Registry
	Logger   *slog.Logger
	Owner    string
	// Principal is the service principal the calls are made as
	// ("states.amazonaws.com").
	Principal string
}

// Deliverer sends an outbox's data to CloudWatch.
type Deliverer struct {
	o      Outbox
	cfg    Config
	runner *jobs.Runner
}

// NewDeliverer returns the deliverer of an outbox; Start begins delivering.
func NewDeliverer(o Outbox, cfg Config) *Deliverer {
	d := &Deliverer{o: o, cfg: cfg}
	d.runner = jobs.New(jobs.Config{Store: cfg.Store, Clock: cfg.Clock, Queue: o.Queue(), Handler: d.deliver, Logger: cfg.Logger, Owner: cfg.Owner})
	return d
}

// Start delivers, but only if CloudWatch ("monitoring") is registered:
// without it every run would claim the job, find nowhere to send, and drop
// it — three writes per commit for nothing. The data waits in the store.
func (d *Deliverer) Start(ctx context.Context) error {
	if _, ok := d.cfg.Registry.Service("monitoring"); !ok {
		return nil
	}
	return d.runner.Start(ctx)
}

// Stop stops delivering (a nil Deliverer is stopped).
func (d *Deliverer) Stop(ctx context.Context) error {
	if d == nil {
		return nil
	}
	return d.runner.Stop(ctx)
}

// Drain delivers everything due now; tests use it.
func (d *Deliverer) Drain(ctx context.Context) {
	if d != nil {
		d.runner.Drain(ctx)
	}
}

// deliver is the handler of the outbox queue: the job's id is an outbox
// log.
func (d *Deliverer) deliver(ctx context.Context, j store.Job) error {
	if _, ok := d.cfg.Registry.Service("monitoring"); !ok {
		return outbox.Drop(ctx, d.cfg.Store, j)
	}
	return outbox.Deliver(ctx, outbox.Config{Store: d.cfg.Store, Clock: d.cfg.Clock, CursorTable: tableCursor, Batch: batch}, j, d.send)
}

// send is one PutMetricData call of the outbox's namespace, as the
// account and region the log belongs to.
func (d *Deliverer) send(ctx context.Context, log string, entries []store.LogEntry) error {
	account, region, _ := strings.Cut(strings.TrimPrefix(log, d.o.name+".metrics/"), "/")
	type dimension struct {
		Name  string `json:"Name"`
		Value string `json:"Value"`
	}
	type datum struct {
		MetricName string      `json:"MetricName"`
		Dimensions []dimension `json:"Dimensions,omitempty"`
		Timestamp  string      `json:"Timestamp"`
		Value      float64     `json:"Value"`
		Unit       string      `json:"Unit"`
	}
	data := make([]datum, 0, len(entries))
	for _, e := range entries {
		var m Datum
		if err := json.Unmarshal(e.Data, &m); err != nil {
			return fmt.Errorf("metrics: decode an entry of %s: %w", log, err)
		}
		x := datum{MetricName: m.Name, Timestamp: m.Timestamp.UTC().Format("2006-01-02T15:04:05.000Z"), Value: m.Value, Unit: m.Unit}
		for _, dm := range m.Dimensions {
			x.Dimensions = append(x.Dimensions, dimension{Name: dm.Name, Value: dm.Value})
		}
		data = append(data, x)
	}
	in, err := json.Marshal(map[string]any{"Namespace": d.o.namespace, "MetricData": data})
	if err != nil {
		return err
	}
	caller := dispatch.Caller{AccountID: account, Region: region, InvokedBy: d.cfg.Principal}
	if _, err := d.cfg.Registry.CallJSON(ctx, caller, "monitoring", "PutMetricData", in); err != nil {
		return fmt.Errorf("metrics: deliver %s: %w", log, err)
	}
	return nil
}
