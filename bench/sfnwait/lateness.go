package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/shoal-dev/shoal/bench/internal/loadgen"
)

const latenessDefinition = `{"StartAt":"W","States":{
 "W":{"Type":"Wait","TimestampPath":"$.due","Next":"P"},
 "P":{"Type":"Pass","End":true}}}`

// lateness starts -m executions whose Wait ends at an exact millisecond,
// spread uniformly over -window from -lead after the first start, and
// reports how long after its due time each WaitStateExited was recorded.
func lateness(b *bench) error {
	m := b.cfg.m
	if m < 1 {
		return fmt.Errorf("-m must be at least 1, got %d", m)
	}
	machine, err := b.createMachine("waituntil", latenessDefinition)
	if err != nil {
		return err
	}
	base := time.Now().Add(b.cfg.lead).Truncate(time.Millisecond)
	due := make([]time.Time, m)
	for i := range due {
		due[i] = base.Add(b.cfg.window * time.Duration(i) / time.Duration(m)).Truncate(time.Millisecond)
	}
	arns := make([]string, m)
	var (
		mu         sync.Mutex
		lateStarts int
	)
	t0 := time.Now()
	fails, first := loadgen.Each(b.cfg.conc, m, func(i int) error {
		input, _ := json.Marshal(map[string]string{"due": due[i].UTC().Format("2006-01-02T15:04:05.000Z07:00")})
		arn, err := b.startExecution(machine, fmt.Sprintf("t%d", i), string(input))
		if err != nil {
			return err
		}
		arns[i] = arn
		if time.Now().After(due[i]) {
			mu.Lock()
			lateStarts++
			mu.Unlock()
		}
		return nil
	})
	took := time.Since(t0)
	if fails > 0 {
		return fmt.Errorf("%d StartExecution failed, first: %w", fails, first)
	}
	fmt.Printf("started %d at c=%d in %v (%.0f starts/s); first due %v after the first start, last %v; %d answered after their due time\n",
		m, b.cfg.conc, took.Round(time.Millisecond), float64(m)/took.Seconds(),
		base.Sub(t0).Round(time.Millisecond), due[m-1].Sub(t0).Round(time.Millisecond), lateStarts)

	// Machine conditions while the timers fire (the starts are over).
	time.Sleep(time.Until(base))
	busy0, total0 := loadgen.MachineCPU()
	shoal0, w0 := b.shoal.CPU(), time.Now()
	time.Sleep(time.Until(due[m-1]))
	busy1, total1 := loadgen.MachineCPU()
	shoalCPU, wall := b.shoal.CPU()-shoal0, time.Since(w0)
	fmt.Printf("while due times passed (%v): machine CPU %.0f%% busy; shoal %.2f cores, everything else %.2f\n",
		wall.Round(time.Millisecond), 100*float64(busy1-busy0)/float64(total1-total0),
		float64(shoalCPU)/float64(wall), float64(busy1-busy0-shoalCPU)/float64(wall))
	time.Sleep(time.Second)
	if err := b.waitIdle(machine, time.Minute); err != nil {
		return err
	}
	late := make([]time.Duration, m)
	var early int
	fails, first = loadgen.Each(b.cfg.conc, m, func(i int) error {
		events, err := b.history(arns[i])
		if err != nil {
			return err
		}
		for _, e := range events {
			if e.Type != "WaitStateExited" {
				continue
			}
			t, err := e.Time()
			if err != nil {
				return err
			}
			late[i] = t.Sub(due[i])
			if late[i] < 0 {
				mu.Lock()
				early++
				mu.Unlock()
			}
			return nil
		}
		return fmt.Errorf("%s: no WaitStateExited in %d events", arns[i], len(events))
	})
	if fails > 0 {
		return fmt.Errorf("%d histories unreadable, first: %w", fails, first)
	}
	slices.Sort(late)
	fmt.Printf("lateness (WaitStateExited timestamp - due time, ms resolution) of %d: min %v, p50 %v, p90 %v, p99 %v, max %v; %d early\n",
		m, late[0], percentile(late, 0.5), percentile(late, 0.9), percentile(late, 0.99), late[m-1], early)
	return nil
}
