package events

import (
	"context"
	"testing"
	"time"

	"github.com/shoal-dev/shoal/internal/clock"
	"github.com/shoal-dev/shoal/internal/dispatch"
	"github.com/shoal-dev/shoal/internal/store/postgres"
	"github.com/shoal-dev/shoal/internal/store/postgres/pgtest"
)

// Two shoal processes sharing one PostgreSQL database: a rule one of them
// puts, disables or deletes reaches the other's matcher, woken by the
// store, without a restart.
func TestRuleChangesReachOtherProcesses(t *testing.T) {
	url := pgtest.NewSchema(t)
	ctx := context.Background()
	clk := clock.NewManual(start)
	open := func() (*Service, *dispatch.Registry) {
		st, err := postgres.Open(ctx, postgres.Config{URL: url, Clock: clk})
		if err != nil {
			t.Fatal(err)
		}
		r := dispatch.NewRegistry(clk.Now, func() string { return "req-id" })
		s := New(Config{Store: st, Clock: clk})
		s.Register(r)
		if err := s.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Stop(ctx); _ = st.Close() })
		return s, r
	}
	a, ra := open()
	b, _ := open()
	sc := scope{account: seedCaller.AccountID, region: seedCaller.Region}
	event := []byte(`{"source":"shop","detail-type":"Order","detail":{}}`)
	matches := func(s *Service) bool {
		m, ok := s.matcher(sc, DefaultBus)
		if !ok {
			return false
		}
		got, err := m.Match(event)
		return err == nil && len(got) > 0
	}
	eventually := func(what string, cond func() bool) {
		t.Helper()
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		deadline := time.After(10 * time.Second)
		for !cond() {
			select {
			case <-tick.C:
			case <-deadline:
				t.Fatalf("timed out waiting for %s", what)
			}
		}
	}
	run := func(op string, in any) {
		t.Helper()
		if _, err := ra.Call(ctx, seedCaller, "events", op, in); err != nil {
			t.Fatalf("%s: %v", op, err)
		}
	}
	if matches(b) {
		t.Fatal("matches before any rule")
	}
	run("PutRule", &PutRuleInput{Name: "orders", EventPattern: `{"source":["shop"]}`})
	if !matches(a) {
		t.Fatal("the process that put the rule does not match with it")
	}
	eventually("the other process to match the new rule", func() bool { return matches(b) })
	run("DisableRule", &DisableRuleInput{Name: "orders"})
	eventually("the other process to stop matching the disabled rule", func() bool { return !matches(b) })
	run("EnableRule", &EnableRuleInput{Name: "orders"})
	eventually("the other process to match the enabled rule", func() bool { return matches(b) })
	run("DeleteRule", &DeleteRuleInput{Name: "orders"})
	eventually("the other process to forget the deleted rule", func() bool { return !matches(b) })
}
