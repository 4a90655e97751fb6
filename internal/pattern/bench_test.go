package pattern

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"
)

// Benchmarks: events per second on one core (run with -cpu 1), for 1, 100
// and 10,000 rules per operator family on generated CloudTrail-like events,
// and for 35 mixed rules on ~1 KB city-lots-like GeoJSON features.
//
//	go test -run '^$' -bench . -benchmem -cpu 1 ./internal/pattern

const benchEvents = 1024

// cloudTrailEvents generates CloudTrail-shaped events; field values are
// drawn so that every family's rules match some of them.
func cloudTrailEvents() [][]byte {
	r := rand.New(rand.NewPCG(1, 2))
	evs := make([][]byte, benchEvents)
	for i := range evs {
		k := r.IntN(20000)
		evs[i] = fmt.Appendf(nil, `{"version":"0","id":"%08x-1c2b-4b7e-9f1d-2a6c1d9e0b11","detail-type":"AWS API Call via CloudTrail","source":"aws.svc%d","account":"123456789012","time":"2024-03-05T10:%02d:00Z","region":"us-east-1","resources":[],"detail":{"eventVersion":"1.09","userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::%012d:assumed-role/team-admin/session"},"eventTime":"2024-03-05T10:00:00Z","eventSource":"svc%d.amazonaws.com","eventName":"Op%d","awsRegion":"us-east-1","sourceIPAddress":"10.0.%d.%d","userAgent":"aws-sdk-go-v2/1.30","requestParameters":{"bucketName":"bucket-%d-logs","size":%d.5,"tags":["a","b"]},"responseElements":null,"requestID":"0f1e2d3c","eventID":"a1b2c3d4","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"123456789012","eventCategory":"Management"}}`,
			k, k%60, k%10000, k%50, k%10000, k%10000, k%256, k%200, k%10000, (k%10000)*10)
	}
	return evs
}

func familyRules(family string, n int) []string {
	out := make([]string, n)
	for i := range out {
		switch family {
		case "exact":
			out[i] = fmt.Sprintf(`{"source":["aws.svc%d"],"detail-type":["AWS API Call via CloudTrail"],"detail":{"eventName":["Op%d"]}}`, i%50, i)
		case "prefix":
			out[i] = fmt.Sprintf(`{"source":[{"prefix":"aws."}],"detail":{"requestParameters":{"bucketName":[{"prefix":"bucket-%d-"}]}}}`, i)
		case "numeric":
			out[i] = fmt.Sprintf(`{"detail":{"requestParameters":{"size":[{"numeric":[">=",%d,"<",%d]}]}}}`, i*10, i*10+10)
		case "anything-but":
			out[i] = fmt.Sprintf(`{"detail":{"eventSource":["svc%d.amazonaws.com"],"eventName":[{"anything-but":["Op%d","Op%d"]}]}}`, i, i, i+1)
		case "wildcard":
			out[i] = fmt.Sprintf(`{"detail":{"userIdentity":{"arn":[{"wildcard":"arn:aws:sts::%012d:assumed-role/*-admin/*"}]}}}`, i)
		}
	}
	return out
}

// matchers are built once per configuration: the benchmark function runs
// several times with growing b.N.
var (
	benchMu       sync.Mutex
	benchMatchers = map[string]*Matcher{}
)

func benchMatcher(b *testing.B, key string, rules []string) *Matcher {
	benchMu.Lock()
	defer benchMu.Unlock()
	if m, ok := benchMatchers[key]; ok {
		return m
	}
	ps := make(map[string]*Pattern, len(rules))
	for i, src := range rules {
		ps[fmt.Sprint("rule-", i)] = mustCompile(b, src)
	}
	m := NewMatcher()
	start := time.Now()
	m.AddAll(ps)
	b.Logf("%s: built %d rules in %v", key, len(rules), time.Since(start))
	benchMatchers[key] = m
	return m
}

func runBench(b *testing.B, m *Matcher, evs [][]byte) {
	matched := 0
	b.ReportAllocs()
	b.SetBytes(int64(len(evs[0])))
	b.ResetTimer()
	start := time.Now()
	for i := 0; b.Loop(); i++ {
		ids, err := m.Match(evs[i%len(evs)])
		if err != nil {
			b.Fatal(err)
		}
		matched += len(ids)
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "events/s")
	b.ReportMetric(float64(matched)/float64(b.N), "matches/event")
}

func BenchmarkCloudTrail(b *testing.B) {
	evs := cloudTrailEvents()
	for _, family := range []string{"exact", "prefix", "numeric", "anything-but", "wildcard"} {
		for _, n := range []int{1, 100, 10000} {
			b.Run(fmt.Sprintf("%s/rules=%d", family, n), func(b *testing.B) {
				m := benchMatcher(b, fmt.Sprint(family, n), familyRules(family, n))
				runBench(b, m, evs)
			})
		}
	}
}

// cityLots generates GeoJSON features shaped like the San Francisco city-lots
// corpus quamina and event-ruler benchmark with: ten properties and a
// polygon of a dozen coordinate triples, about 1 KB each.
func cityLots() [][]byte {
	r := rand.New(rand.NewPCG(3, 4))
	streets := []string{"UNKNOWN", "MARKET", "MISSION", "VALENCIA", "FOLSOM", "HOWARD", "JACKSON", "PACIFIC", "BROADWAY", "GREEN"}
	types := []string{"ST", "AVE", "BLVD", "WAY", "null"}
	evs := make([][]byte, benchEvents)
	for i := range evs {
		blk := r.IntN(9000)
		lot := r.IntN(300)
		var coords []string
		x, y := -122.4+r.Float64()*0.1, 37.7+r.Float64()*0.1
		for range 12 {
			coords = append(coords, fmt.Sprintf("[%.14f,%.14f,0.0]", x+r.Float64()*1e-3, y+r.Float64()*1e-3))
		}
		st := types[r.IntN(len(types))]
		if st != "null" {
			st = `"` + st + `"`
		}
		evs[i] = fmt.Appendf(nil, `{"type":"Feature","properties":{"MAPBLKLOT":"%04d%03d","BLKLOT":"%04d%03d","BLOCK_NUM":"%04d","LOT_NUM":"%03d","FROM_ST":"%d","TO_ST":"%d","STREET":"%s","ST_TYPE":%s,"ODD_EVEN":"%s","AREA":%d.25},"geometry":{"type":"Polygon","coordinates":[[%s]]}}`,
			blk, lot, blk, lot, blk, lot, r.IntN(3000), r.IntN(3000), streets[r.IntN(len(streets))], st, []string{"E", "O"}[r.IntN(2)], r.IntN(20000), strings.Join(coords, ","))
	}
	return evs
}

var cityLotRules = []string{
	`{"type":["Feature"],"properties":{"STREET":["MARKET"]}}`,
	`{"properties":{"STREET":["MISSION","VALENCIA"],"ODD_EVEN":["E"]}}`,
	`{"properties":{"BLOCK_NUM":["0001"]}}`,
	`{"properties":{"ST_TYPE":[null]}}`,
	`{"properties":{"ST_TYPE":[""]}}`,
	`{"geometry":{"type":["Polygon"]},"properties":{"LOT_NUM":["007"]}}`,
	`{"properties":{"MAPBLKLOT":[{"prefix":"12"}]}}`,
	`{"properties":{"STREET":[{"prefix":"FOL"}],"ODD_EVEN":["O"]}}`,
	`{"properties":{"BLKLOT":[{"prefix":{"equals-ignore-case":"00"}}]}}`,
	`{"properties":{"STREET":[{"suffix":"WAY"}]}}`,
	`{"properties":{"STREET":[{"suffix":{"equals-ignore-case":"son"}}]}}`,
	`{"properties":{"STREET":[{"equals-ignore-case":"broadway"}]}}`,
	`{"properties":{"ST_TYPE":[{"equals-ignore-case":"blvd"}]}}`,
	`{"properties":{"STREET":[{"wildcard":"M*T"}]}}`,
	`{"properties":{"MAPBLKLOT":[{"wildcard":"*00"}]}}`,
	`{"properties":{"STREET":[{"wildcard":"*CK*"}]}}`,
	`{"properties":{"ST_TYPE":[{"anything-but":"ST"}],"STREET":["HOWARD"]}}`,
	`{"properties":{"STREET":[{"anything-but":["UNKNOWN","MARKET","MISSION"]}],"ODD_EVEN":["E"],"BLOCK_NUM":[{"prefix":"00"}]}}`,
	`{"properties":{"STREET":[{"anything-but":{"prefix":"M"}}],"LOT_NUM":["001"]}}`,
	`{"properties":{"STREET":[{"anything-but":{"suffix":"N"}}],"BLOCK_NUM":["0002"]}}`,
	`{"properties":{"ST_TYPE":[{"anything-but":{"equals-ignore-case":"ave"}}],"LOT_NUM":["002"]}}`,
	`{"properties":{"STREET":[{"anything-but":{"wildcard":"*A*"}}],"LOT_NUM":["003"]}}`,
	`{"properties":{"AREA":[{"numeric":[">",19000]}]}}`,
	`{"properties":{"AREA":[{"numeric":[">=",100,"<",200]}]}}`,
	`{"properties":{"AREA":[{"numeric":["=",5000.25]}]}}`,
	`{"properties":{"AREA":[{"anything-but":[1.25,2.25]}],"STREET":["GREEN"]}}`,
	`{"geometry":{"coordinates":[{"numeric":["<",-122.495]}]}}`,
	`{"properties":{"AREA":[{"exists":true}],"BLOCK_NUM":["0003"]}}`,
	`{"properties":{"MISSING":[{"exists":false}],"LOT_NUM":["004"]}}`,
	`{"properties":{"FROM_ST":[{"exists":false}]}}`,
	`{"properties":{"ODD_EVEN":["E"],"$or":[{"STREET":["JACKSON"]},{"ST_TYPE":["AVE"]}]}}`,
	`{"$or":[{"properties":{"LOT_NUM":["005"]}},{"properties":{"BLOCK_NUM":["0004"],"$or":[{"ODD_EVEN":["O"]},{"STREET":["PACIFIC"]}]}}]}`,
	`{"properties":{"TO_ST":["1","2","3","4","5","6","7","8","9"]}}`,
	`{"properties":{"FROM_ST":[{"cidr":"10.0.0.0/8"}]}}`,
	`{"type":[{"anything-but":"FeatureCollection"}],"geometry":{"type":["Polygon"]},"properties":{"STREET":["UNKNOWN"]}}`,
}

func BenchmarkCityLots(b *testing.B) {
	if len(cityLotRules) != 35 {
		b.Fatalf("%d rules", len(cityLotRules))
	}
	m := benchMatcher(b, "citylots", cityLotRules)
	runBench(b, m, cityLots())
}

// BenchmarkPatternMatch is TestEventPattern: one pattern, one event.
func BenchmarkPatternMatch(b *testing.B) {
	p := mustCompile(b, seedPattern)
	ev := []byte(seedEvent)
	b.ReportAllocs()
	for b.Loop() {
		if ok, _ := p.Match(ev); !ok {
			b.Fatal("no match")
		}
	}
}

func BenchmarkCompile(b *testing.B) {
	src := []byte(cityLotRules[31])
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile(src); err != nil {
			b.Fatal(err)
		}
	}
}
