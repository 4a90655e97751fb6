package clock

import (
	"testing"
	"time"
)

func TestManualAdvanceRunsTimersInOrder(t *testing.T) {
	start := time.Date(2024, 6, 11, 12, 23, 4, 0, time.UTC)
	m := NewManual(start)
	var got []string
	var at []time.Duration
	record := func(name string) func() {
		return func() { got = append(got, name); at = append(at, m.Now().Sub(start)) }
	}
	m.AfterFunc(30*time.Second, record("wait"))
	m.AfterFunc(10*time.Second, func() {
		record("retry")()
		// A callback scheduling inside the window runs in the same Advance.
		m.AfterFunc(5*time.Second, record("nested"))
	})
	stopped := m.AfterFunc(20*time.Second, record("stopped"))
	if !stopped.Stop() {
		t.Fatal("Stop of a pending timer reported false")
	}
	m.AfterFunc(10*time.Second, record("tie"))
	m.AfterFunc(2*time.Minute, record("later"))

	now := m.Advance(time.Minute)
	want := []string{"retry", "tie", "nested", "wait"}
	wantAt := []time.Duration{10 * time.Second, 10 * time.Second, 15 * time.Second, 30 * time.Second}
	if len(got) != len(want) {
		t.Fatalf("ran %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] || at[i] != wantAt[i] {
			t.Errorf("call %d = %s at %v, want %s at %v", i, got[i], at[i], want[i], wantAt[i])
		}
	}
	if !now.Equal(start.Add(time.Minute)) {
		t.Errorf("Advance returned %v, want %v", now, start.Add(time.Minute))
	}
	if m.Pending() != 1 {
		t.Errorf("Pending = %d, want 1", m.Pending())
	}
	if stopped.Stop() {
		t.Error("second Stop reported true")
	}
}

func TestManualAdvanceToPastOnlyRunsDue(t *testing.T) {
	start := time.Unix(1000, 0)
	m := NewManual(start)
	ran := false
	m.AfterFunc(0, func() { ran = true })
	if ran {
		t.Fatal("AfterFunc(0) ran on the caller's stack")
	}
	m.AdvanceTo(start.Add(-time.Hour))
	if !ran {
		t.Error("due timer did not run")
	}
	if !m.Now().Equal(start) {
		t.Errorf("clock moved backwards to %v", m.Now())
	}
}

func TestScaled(t *testing.T) {
	if _, err := NewScaled(0); err == nil {
		t.Fatal("NewScaled(0) accepted")
	}
	s, err := NewScaled(3600)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan time.Time, 1)
	// One emulated hour is one real second at 3600x; a 36 s emulated timer
	// fires after 10 real ms.
	s.AfterFunc(36*time.Second, func() { done <- s.Now() })
	start := s.Now()
	fired := <-done
	if d := fired.Sub(start); d < 36*time.Second {
		t.Errorf("timer fired after %v emulated, want ≥ 36s", d)
	}
}
