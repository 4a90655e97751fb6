package postgres_test

import (
	"testing"

	"github.com/shoal-dev/shoal/internal/clock"
	"github.com/shoal-dev/shoal/internal/store/postgres"
	"github.com/shoal-dev/shoal/internal/store/postgres/pgtest"
	"github.com/shoal-dev/shoal/internal/store/storetest"
)

func openBench(b *testing.B) *postgres.Store {
	s := open(b, pgtest.NewSchema(b), clock.Real{})
	b.Cleanup(func() { s.Close() })
	return s
}

func BenchmarkUpdatePut(b *testing.B)         { storetest.BenchUpdatePut(b, openBench(b)) }
func BenchmarkUpdatePutParallel(b *testing.B) { storetest.BenchUpdatePutParallel(b, openBench(b)) }
func BenchmarkRecordGet(b *testing.B)         { storetest.BenchRecordGet(b, openBench(b)) }
func BenchmarkJobClaim(b *testing.B)          { storetest.BenchJobClaim(b, openBench(b)) }
