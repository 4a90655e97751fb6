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
	RecordGet, RecordInsert, RecordUpsert, RecordUpdateVersion, RecordVersion string
	RecordDelete, RecordIndexesDelete, RecordIndexesInsert                    string
	RecordScan, RecordScanIndex                                               string
	LogReserve, LogEntriesInsert, LogRead, LogReadReverse, LogLen             string
	LogEntriesDelete, LogHeadDelete                                           string
	JobPut, JobGet, JobDelete, JobDeleteLeased, JobExists, JobClaim           string
	JobNextDue, JobLeasesClear                                                string
	Reset                                                                     string
}

// Multi-row inserts. A statement per row would cost a VDBE run and a trip
// through database/sql each; StartExecution alone appends about a dozen
// history entries. Statements are built for a few row counts only, so the
// writer's statement cache stays small; longer runs are cut into chunks.
const (
	// maxLogRows is the most entries one LogEntriesInsert carries: 2+64
	// variables, far below SQLite's limit of 32766.
	maxLogRows = 64
	// maxIndexRows is the most index entries one RecordIndexesInsert
	// carries (2+2*16 variables).
	maxIndexRows = 16
)

// logRow is row i of LogEntriesInsert: sequence number ?2 + i, data ?(3+i).
func logRow(i int) string { return fmt.Sprintf("(?1, ?2 + %d, ?%d)", i, 3+i) }

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
	// log[k] inserts 1<<k entries; a run is written as a sum of powers of
	// two, so at most a few statements per append and 7 prepared in all.
	log [7]string
	// index[n] inserts n index entries, 1 <= n <= maxIndexRows.
	index [maxIndexRows + 1]string
}

func newInserts(q *queries) *inserts {
	ins := &inserts{}
	for k := range ins.log {
		ins.log[k] = multiRow(q.LogEntriesInsert, 1<<k, logRow)
	}
	for n := 1; n <= maxIndexRows; n++ {
		ins.index[n] = multiRow(q.RecordIndexesInsert, n, indexRow)
	}
	return ins
}
