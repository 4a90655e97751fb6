package postgres

import _ "embed"

//go:embed queries.sql
var queriesSQL string

// queries holds the driver's SQL; sqlkit.LoadQueries fills each field with
// the "-- name:" block of the same name in queries.sql.
type queries struct {
	RecordGet, RecordInsert, RecordUpsert, RecordUpdateVersion, RecordVersion  string
	RecordDelete, RecordIndexesDelete, RecordIndexesInsert                     string
	RecordScan, RecordScanIndex                                                string
	LogReserve, LogEntriesInsert, LogRead, LogReadReverse, LogLen              string
	LogEntriesDelete, LogHeadDelete                                            string
	JobPut, JobEnsure, JobGet, JobDelete, JobDeleteLeased, JobExists, JobClaim string
	JobPutLeased, JobNextDue, Notify                                           string
	Reset                                                                      string
}
