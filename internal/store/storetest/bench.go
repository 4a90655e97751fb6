package storetest

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shoal-dev/shoal/internal/store"
)

// The benchmarks below are shared by the drivers: each driver's
// BenchmarkX opens a store and calls BenchX. Values are 256-byte records
// with one index, about what a service keeps per resource.

var benchValue = make([]byte, 256)

// BenchUpdatePut is one Update with one RecordPut, one caller at a time:
// the latency of a durable commit.
func BenchUpdatePut(b *testing.B, s store.Store) {
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

// BenchUpdatePutParallel is BenchUpdatePut from many goroutines: with group
// commit, many Updates share one fsync.
func BenchUpdatePutParallel(b *testing.B, s store.Store) {
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

// BenchRecordGet is a View reading one record out of 10,000.
func BenchRecordGet(b *testing.B, s store.Store) {
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

// BenchJobClaim is a worker's loop: claim one due job from a queue of b.N,
// then complete it (JobDelete with its lease) in an Update. Completed jobs
// leave the queue, as they do in shoal; a queue full of leased jobs would
// make every claim step over them.
func BenchJobClaim(b *testing.B, s store.Store) {
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
