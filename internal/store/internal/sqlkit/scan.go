package sqlkit

import (
	"strings"

	"github.com/shoal-dev/shoal/internal/store"
)

// The drivers' RecordScan queries walk an index from a lower bound and skip
// the one row a previous page ended at. These work out those arguments from
// store.RecordScanParams; the upper bound and the limit are the dialect's.

// ScanEmpty reports an index scan whose Value and Prefix exclude each other,
// which no query needs to run for.
func ScanEmpty(p *store.RecordScanParams) bool {
	return p.Index != "" && p.Value != nil && !strings.HasPrefix(*p.Value, p.Prefix)
}

// KeyScanStart is where a scan by key starts (lo, inclusive) and the key it
// skips (nil: none), for the page after p.After.
func KeyScanStart(p *store.RecordScanParams) (lo string, skip any) {
	lo = p.Prefix
	if p.After != "" && p.After >= lo {
		return p.After, p.After
	}
	return lo, nil
}

// IndexScanStart is where an index scan starts, (LoValue, LoKey) inclusive,
// the entry it skips (nil: none) and the one index value it selects (nil:
// any), for p.Value, p.Prefix and the page after p.After.
type IndexScanStart struct {
	LoValue, LoKey     string
	SkipValue, SkipKey any
	Exact              any
}

// IndexScanFrom works out an IndexScanStart from p.
func IndexScanFrom(p *store.RecordScanParams) IndexScanStart {
	s := IndexScanStart{LoValue: p.Prefix}
	if p.Value != nil {
		s.Exact = *p.Value
		if *p.Value > s.LoValue {
			s.LoValue = *p.Value
		}
	}
	if p.After != "" {
		v, k := splitAfter(p.After, p.Value)
		if v > s.LoValue || (v == s.LoValue && k >= s.LoKey) {
			s.LoValue, s.LoKey, s.SkipValue, s.SkipKey = v, k, v, k
		}
	}
	return s
}
