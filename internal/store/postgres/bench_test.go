package postgres_test

import (
	"testing"

	"github.com/shoal-dev/shoal/internal/clock"
	"github.com/shoal-dev/shoal/internal/store"
	"github.com/shoal-dev/shoal/internal/store/postgres/pgtest"
	"github.com/shoal-dev/shoal/internal/store/storetest"
)

func BenchmarkStore(b *testing.B) {
	storetest.Bench(b, func(b *testing.B) store.Store {
		s := open(b, pgtest.NewSchema(b), clock.Real{})
		b.Cleanup(func() { s.Close() })
		return s
	})
}
