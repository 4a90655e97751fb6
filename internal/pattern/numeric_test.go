package pattern

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestParseMicrosPlain checks the fast path of parseMicros against the
// general one on the numbers it takes and on its edges.
func TestParseMicrosPlain(t *testing.T) {
	nums := []string{
		"0", "-0", "3", "3.0", "-3.5", "0.000001", "0.0000001", "-0.0000001", "-0.0000000",
		"-122.41234567890123", "37.77", "5000000000", "5000000000.000001", "-5000000000",
		"-5000000000.0000001", "4999999999.9999999", "9999999999", "12345678901",
		"1.", ".5", "-", "", "1e3", "1.5E-2", "01", "1x", "100.25", "1.12345678", "1.123456780", "-1.00000000000001",
		"-1.0000000", "-1.00000010", "1.9999999999999999999", "0.000000000000000000000001",
	}
	r := rand.New(rand.NewPCG(5, 6))
	for range 20000 {
		var s string
		switch r.IntN(3) {
		case 0:
			s = fmt.Sprint(r.Int64N(20_000_000_000) - 10_000_000_000)
		case 1:
			s = fmt.Sprintf("%.*f", r.IntN(16), (r.Float64()-0.5)*float64(r.Int64N(12_000_000_000)))
		default:
			s = fmt.Sprintf("%d.%0*d", r.Int64N(10)-5, 1+r.IntN(12), r.Int64N(1000))
		}
		nums = append(nums, s)
	}
	for i := range 2000 {
		// Long decimals, for the eight-digit path and the digit run's end.
		nums = append(nums, fmt.Sprintf("-%d.%0*d", i%300, 1+i%20, r.Int64N(1<<62)))
	}
	for _, s := range nums {
		for _, tail := range []string{"", ",1]", "x", ".", "e", "0", "-", "\xff"} {
			end, _, _ := scanNumber([]byte(s+tail), 0)
			if skip := skipNumber([]byte(s+tail), 0); skip != end {
				t.Errorf("skipNumber(%q) = %d, scanNumber ends at %d", s+tail, skip, end)
			}
		}
		if end, v, st := scanNumber([]byte(s), 0); end == len(s) {
			for _, tail := range []string{",1]", "]", ":", "/", "\xff0123456789", " 5"} {
				if e2, v2, st2 := scanNumber([]byte(s+tail), 0); e2 != end || v2 != v || st2 != st {
					t.Errorf("scanNumber(%q) = %d, %d, %d; want %d, %d, %d", s+tail, e2, v2, st2, end, v, st)
				}
			}
		}
		v, ok, done := parseMicrosPlain([]byte(s))
		if !done {
			continue
		}
		w, wok := parseMicrosAny([]byte(s))
		if v != w || ok != wok {
			t.Errorf("parseMicrosPlain(%q) = %d, %v; parseMicrosAny = %d, %v", s, v, ok, w, wok)
		}
	}
}
