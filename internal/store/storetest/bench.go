package storetest

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shoal-dev/shoal/internal/store"
)

// Bench runs the benchmarks every driver shares, each on a fresh store
// from open, as sub-benchmarks of the driver's one BenchmarkStore. Values
// are 256-byte records with one index, about what a service keeps per
// resource.
func Bench(b *testing.B, open func(b *testing.B) store.Store) {
	for _, bm := range []struct {
		name string
		run  func(b *testing.B, s store.Store)
	}{
		{"UpdatePut", benchUpdatePut},
		{"UpdatePutParallel", benchUpdatePutParallel},
		{"RecordGet", benchRecordGet},
		{"JobClaim", benchJobClaim},
		{"ExecutionParallel", benchExecutionParallel},
	} {
		b.Run(bm.name, func(b *testing.B) { bm.run(b, open(b)) })
	}
}

var benchValue = make([]byte, 256)

// benchUpdatePut is one Update with one RecordPut, one caller at a time:
// the latency of a durable commit.
func benchUpdatePut(b *testing.B, s store.Store) {
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		r := &store.Record{Table: "bench", Key: fmt.Sprintf("k%09d", i), Value: benchValue,
			Indexes: map[string]string{"status": "RUNNING"}}
		if err := s.Update(ctx, func(tx store.Tx) error { return tx.RecordPut(ctx, r) }); err != nil {
			b.Fatal(err)
		}
	}
}

// benchUpdatePutParallel is benchUpdatePut from many goroutines: with group
// commit, many Updates share one fsync.
func benchUpdatePutParallel(b *testing.B, s store.Store) {
	ctx := context.Background()
	b.ReportAllocs()
	b.SetParallelism(16)
	var n atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			r := &store.Record{Table: "bench", Key: fmt.Sprintf("k%09d", n.Add(1)), Value: benchValue,
				Indexes: map[string]string{"status": "RUNNING"}}
			if err := s.Update(ctx, func(tx store.Tx) error { return tx.RecordPut(ctx, r) }); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// benchRecordGet is a View reading one record out of 10,000.
func benchRecordGet(b *testing.B, s store.Store) {
	ctx := context.Background()
	const records = 10_000
	err := s.Update(ctx, func(tx store.Tx) error {
		for i := range records {
			if err := tx.RecordPut(ctx, &store.Record{Table: "bench", Key: fmt.Sprintf("k%09d", i), Value: benchValue}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		key := fmt.Sprintf("k%09d", i%records)
		err := s.View(ctx, func(tx store.Tx) error {
			_, err := tx.RecordGet(ctx, "bench", key)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// benchJobClaim is a worker's loop: claim one due job from a queue of b.N,
// then complete it (JobDelete with its lease) in an Update. Completed jobs
// leave the queue, as they do in shoal; a queue full of leased jobs would
// make every claim step over them.
func benchJobClaim(b *testing.B, s store.Store) {
	ctx := context.Background()
	now := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	err := s.Update(ctx, func(tx store.Tx) error {
		for i := range max(b.N, 1) {
			if err := tx.JobPut(ctx, &store.Job{Queue: "bench", ID: fmt.Sprintf("j%09d", i),
				Due: now.Add(-time.Duration(i) * time.Millisecond), Payload: benchValue}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		jobs, err := s.JobClaim(ctx, &store.JobClaimParams{Queue: "bench", Now: now, Lease: time.Hour, Limit: 1})
		if err != nil {
			b.Fatal(err)
		}
		if len(jobs) != 1 {
			b.Fatalf("claimed %d jobs, want 1", len(jobs))
		}
		j := jobs[0]
		if err := s.Update(ctx, func(tx store.Tx) error { return tx.JobDelete(ctx, j.Queue, j.ID, j.Lease) }); err != nil {
			b.Fatal(err)
		}
	}
}

// benchExecutionParallel writes what one Step Functions StartExecution of
// a 5-state Pass machine commits (bench/sfnload), from 32 goroutines: a
// 640-byte record with two indexes, a 12-entry history log of its own,
// three entries on a shared metrics outbox with its job, and a 900-byte
// entry on a shared audit log (CloudTrail) in an Update of its own. Keys
// are random, as execution names usually are.
func benchExecutionParallel(b *testing.B, s store.Store) {
	ctx := context.Background()
	value, event, metric, audit := make([]byte, 640), make([]byte, 245), make([]byte, 196), make([]byte, 900)
	b.ReportAllocs()
	b.SetParallelism(16) // 32 on 2 cores
	var n atomic.Int64
	start := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			key := fmt.Sprintf("arn:aws:states:eu-west-1:123456789012:execution:machine:%016x", uint64(i)*0x9E3779B97F4A7C15)
			inv := fmt.Sprintf("%019d", 1<<62-i)
			history := make([][]byte, 12)
			for j := range history {
				history[j] = event
			}
			err := s.Update(ctx, func(tx store.Tx) error {
				if err := tx.RecordInsert(ctx, &store.Record{Table: "bench.execution", Key: key, Value: value, Indexes: map[string]string{
					"sm": "arn:aws:states:eu-west-1:123456789012:stateMachine:machine|" + inv, "sm_status": "arn:aws:states:eu-west-1:123456789012:stateMachine:machine|SUCCEEDED|" + inv,
				}}); err != nil {
					return err
				}
				if _, err := tx.LogAppend(ctx, "bench.history/"+key, history...); err != nil {
					return err
				}
				if _, err := tx.LogAppend(ctx, "bench.metrics/123456789012/eu-west-1", metric, metric, metric); err != nil {
					return err
				}
				return tx.JobPut(ctx, &store.Job{Queue: "bench.telemetry", ID: "bench.metrics/123456789012/eu-west-1", Due: start})
			})
			if err == nil {
				err = s.Update(ctx, func(tx store.Tx) error {
					_, err := tx.LogAppend(ctx, "bench.audit/123456789012/eu-west-1", audit)
					return err
				})
			}
			if err != nil {
				b.Error(err)
				return
			}
		}
	})
}
