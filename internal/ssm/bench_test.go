package ssm

import (
	"context"
	"testing"
)

// BenchmarkGetParameter measures the seed Lambda's hot read through the
// registry (validation, hooks, handler) over the SQLite store.
func BenchmarkGetParameter(b *testing.B) {
	cases := []struct {
		name string
		in   GetParameterInput
	}{
		{"String", GetParameterInput{Name: seedBucketParam}},
		{"StringList", GetParameterInput{Name: seedEndpointsParam}},
		{"Selector", GetParameterInput{Name: seedEndpointsParam + ":1"}},
		{"SecureStringDecrypted", GetParameterInput{Name: "/wordpress/db/password", WithDecryption: true}},
	}
	e := newEnv(b)
	putSeed(e)
	e.put(seedCaller, &PutParameterInput{Name: seedEndpointsParam, Value: seedEndpoints, Overwrite: true})
	e.put(seedCaller, &PutParameterInput{Name: "/wordpress/db/password", Type: TypeSecureString, Value: "s3cret"})
	ctx := context.Background()
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				in := c.in
				if _, err := e.r.Call(ctx, seedCaller, "ssm", "GetParameter", &in); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(c.name+"/Parallel", func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					in := c.in
					if _, err := e.r.Call(ctx, seedCaller, "ssm", "GetParameter", &in); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

// BenchmarkPutParameter measures an overwrite (one Update with a version
// record) for comparison.
func BenchmarkPutParameter(b *testing.B) {
	e := newEnv(b)
	putSeed(e)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		// Versions past 100 push the oldest out, so the loop can run long.
		in := PutParameterInput{Name: seedBucketParam, Value: "data-lakehouse-raw", Overwrite: true}
		if _, err := e.r.Call(ctx, seedCaller, "ssm", "PutParameter", &in); err != nil {
			b.Fatal(err)
		}
	}
}
