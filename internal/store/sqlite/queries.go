package sqlite

import _ "embed"

//go:embed queries.sql
var queriesSQL string

// queries holds the driver's SQL; sqlkit.LoadQueries fills each field with
// the "-- name:" block of the same name in queries.sql.
type queries struct {
	RecordGet, RecordInsert, RecordUpsert, RecordUpdateVersion, RecordVersion string
	RecordDelete, RecordIndexesDelete, RecordIndexInsert                      string
	RecordScan, RecordScanIndex                                               string
	LogReserve, LogEntryInsert, LogRead, LogReadReverse, LogLen               string
	LogEntriesDelete, LogHeadDelete                                           string
	JobPut, JobGet, JobDelete, JobDeleteLeased, JobExists, JobClaim           string
	JobNextDue, JobLeasesClear                                                string
	Reset                                                                     string
}
