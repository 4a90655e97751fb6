package sqlite

import (
	_ "embed"
	"fmt"
	"strings"
)

//go:embed queries.sql
var queriesSQL string

// queries holds the driver's SQL; sqlkit.LoadQueries fills each field with
// the "-- name:" block of the same name in queries.sql.
type queries struct {
	RecordGet, RecordInsert, RecordHead, RecordUpdate, RecordVersion           string
	RecordDelete, RecordIndexDelete, RecordIndexesInsert                       string
	RecordScan, RecordScanIndex                                                string
	LogReserve, LogChunkInsert, LogRead, LogReadReverse, LogLen                string
	LogDelete, LogChunksDelete                                                 string
	JobPut, JobEnsure, JobGet, JobDelete, JobDeleteLeased, JobExists, JobClaim string
	JobPutLeased, JobNextDue, JobLeasesClear                                   string
	Reset                                                                      string
}

// Multi-row inserts of index entries. A statement per row would cost a
// VDBE run and a trip through database/sql each. Statements are built for
// a few row counts only, so the writer's statement cache stays small.
//
// maxIndexRows is the most index entries one RecordIndexesInsert carries
// (2+2*16 variables).
const maxIndexRows = 16

// indexRow is row i of RecordIndexesInsert: index name and value in
// ?(3+2i) and ?(4+2i).
func indexRow(i int) string { return fmt.Sprintf("(?1, ?%d, ?%d, ?2)", 3+2*i, 4+2*i) }

// multiRow is head (an INSERT ending in VALUES) with n rows made by row.
func multiRow(head string, n int, row func(int) string) string {
	var b strings.Builder
	b.WriteString(strings.TrimSuffix(strings.TrimSpace(head), ";"))
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("\n")
		b.WriteString(row(i))
	}
	return b.String()
}

// inserts holds the multi-row statements, built once at Open.
type inserts struct {
	// index[n] inserts n index entries, 1 <= n <= maxIndexRows.
	index [maxIndexRows + 1]string
}

func newInserts(q *queries) *inserts {
	ins := &inserts{}
	for n := 1; n <= maxIndexRows; n++ {
		ins.index[n] = multiRow(q.RecordIndexesInsert, n, indexRow)
	}
	return ins
}
