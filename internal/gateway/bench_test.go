package gateway_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/shoal-dev/shoal/internal/shoaltest"
)

// BenchmarkGetParameterHTTP is the whole path over loopback HTTP: gateway,
// awsJson1_1 codec, registry, SSM and the SQLite store.
func BenchmarkGetParameterHTTP(b *testing.B) {
	s := shoaltest.New(b)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	do := func(op, body string) {
		req, _ := http.NewRequest("POST", s.URL+"/", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		req.Header.Set("X-Amz-Target", "AmazonSSM."+op)
		req.Header.Set("Authorization", ssmAuth)
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("%s: %d", op, resp.StatusCode)
		}
	}
	do("PutParameter", `{"Name":"/s3/lakehouse/name/raw","Type":"String","Value":"data-lakehouse-raw"}`)
	b.ReportAllocs()
	b.SetParallelism(16)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			do("GetParameter", `{"Name":"/s3/lakehouse/name/raw"}`)
		}
	})
}
