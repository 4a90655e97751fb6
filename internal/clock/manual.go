package clock

import (
	"container/heap"
	"sync"
	"time"
)

// Manual is a clock whose time moves only when Advance or Set is called.
// Tests and `POST /_shoal/clock/advance` use it.
type Manual struct {
	mu      sync.Mutex
	now     time.Time
	timers  timerHeap
	seq     uint64
	advance sync.Mutex // one Advance at a time, so callbacks run in due order
}

var _ Clock = (*Manual)(nil)

// NewManual returns a manual clock that reads start.
func NewManual(start time.Time) *Manual {
	return &Manual{now: start}
}

func (m *Manual) Now() time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.now
}

func (m *Manual) Mode() string { return "manual" }

// AfterFunc schedules f for Now()+d. A d ≤ 0 is due at once but still runs
// only inside the next Advance, so no callback runs on the caller's stack.
func (m *Manual) AfterFunc(d time.Duration, f func()) Timer {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.seq++
	t := &manualTimer{m: m, due: m.now.Add(d), seq: m.seq, f: f, index: -1}
	heap.Push(&m.timers, t)
	return t
}

// Advance moves the clock forward by d. Every timer that falls due on the
// way runs in due order (ties in the order scheduled), with the clock
// reading its due time; timers those callbacks schedule inside the window
// run too. When Advance returns, everything due by the new time has run.
func (m *Manual) Advance(d time.Duration) time.Time {
	m.mu.Lock()
	target := m.now.Add(d)
	m.mu.Unlock()
	return m.AdvanceTo(target)
}

// AdvanceTo is Advance to an absolute time; a time in the past only runs the
// timers already due.
func (m *Manual) AdvanceTo(target time.Time) time.Time {
	m.advance.Lock()
	defer m.advance.Unlock()
	m.mu.Lock()
	if target.Before(m.now) {
		target = m.now // time never runs backwards
	}
	m.mu.Unlock()
	for {
		m.mu.Lock()
		if len(m.timers) == 0 || m.timers[0].due.After(target) {
			m.now = target
			now := m.now
			m.mu.Unlock()
			return now
		}
		t := heap.Pop(&m.timers).(*manualTimer)
		if t.due.After(m.now) {
			m.now = t.due
		}
		m.mu.Unlock()
		t.f()
	}
}

// Pending is the number of timers not yet run.
func (m *Manual) Pending() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.timers)
}

type manualTimer struct {
	m     *Manual
	due   time.Time
	seq   uint64
	f     func()
	index int
}

func (t *manualTimer) Stop() bool {
	t.m.mu.Lock()
	defer t.m.mu.Unlock()
	if t.index < 0 {
		return false
	}
	heap.Remove(&t.m.timers, t.index)
	return true
}

type timerHeap []*manualTimer

func (h timerHeap) Len() int { return len(h) }
func (h timerHeap) Less(i, j int) bool {
	if h[i].due.Equal(h[j].due) {
		return h[i].seq < h[j].seq
	}
	return h[i].due.Before(h[j].due)
}
func (h timerHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}
func (h *timerHeap) Push(x any) {
	t := x.(*manualTimer)
	t.index = len(*h)
	*h = append(*h, t)
}
func (h *timerHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	old[len(old)-1] = nil
	t.index = -1
	*h = old[:len(old)-1]
	return t
}
