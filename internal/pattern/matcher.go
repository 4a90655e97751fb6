package pattern

import (
	"slices"
	"sync"
	"sync/atomic"
)

// Matcher matches events against many patterns at once, as an event bus
// matches its rules: every pattern is compiled into one automaton, so the
// cost of a match depends on the event and on how many patterns match, not
// on how many patterns there are.
//
// Match and MatchValue never lock: they read an immutable automaton through
// an atomic pointer. Add, AddAll and Remove rebuild the automaton under one
// writer mutex and publish it with a single store, so a reader sees either
// the old or the new set of patterns, never a mix.
type Matcher struct {
	mu       sync.Mutex // serializes writers
	patterns map[string]*Pattern
	cur      atomic.Pointer[automaton]
}

// NewMatcher returns an empty Matcher.
func NewMatcher() *Matcher {
	m := &Matcher{patterns: map[string]*Pattern{}}
	m.cur.Store(build(nil))
	return m
}

// Add adds p under id, replacing the pattern id had.
func (m *Matcher) Add(id string, p *Pattern) {
	m.AddAll(map[string]*Pattern{id: p})
}

// AddAll adds several patterns with one rebuild — loading a bus's rules at
// start-up costs one build rather than one per rule.
func (m *Matcher) AddAll(patterns map[string]*Pattern) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for id, p := range patterns {
		m.patterns[id] = p
	}
	m.cur.Store(build(m.patterns))
}

// Remove removes the pattern with id, if any.
func (m *Matcher) Remove(id string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.patterns[id]; !ok {
		return
	}
	delete(m.patterns, id)
	m.cur.Store(build(m.patterns))
}

// Len returns the number of patterns.
func (m *Matcher) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.patterns)
}

// Match returns the ids of the patterns event matches, sorted, or nil. The
// error reports an event that is not a JSON object (wrapping ErrNotObject).
func (m *Matcher) Match(event []byte) ([]string, error) {
	r := getRun(m.cur.Load())
	defer putRun(r)
	if err := r.flattenJSON(event); err != nil {
		return nil, err
	}
	r.matchAll()
	return result(r.out), nil
}

// MatchValue is Match for an event already decoded by encoding/json; use
// UseNumber so that numbers keep their text.
func (m *Matcher) MatchValue(event map[string]any) []string {
	r := getRun(m.cur.Load())
	defer putRun(r)
	r.flattenValue(event)
	r.matchAll()
	return result(r.out)
}

func result(ids []string) []string {
	if len(ids) == 0 {
		return nil
	}
	return slices.Clone(ids)
}
