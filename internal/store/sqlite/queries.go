package sqlite

import (
	_ "embed"
	"fmt"
	"strings"
)

//go:embed queries.sql
var queriesSQL string

// queries holds the driver's SQL, loaded by name from queries.sql.
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

func loadQueries() (*queries, error) {
	byName, err := splitQueries(queriesSQL)
	if err != nil {
		return nil, err
	}
	q := &queries{}
	fields := map[string]*string{
		"RecordGet": &q.RecordGet, "RecordInsert": &q.RecordInsert, "RecordUpsert": &q.RecordUpsert,
		"RecordUpdateVersion": &q.RecordUpdateVersion, "RecordVersion": &q.RecordVersion,
		"RecordDelete": &q.RecordDelete, "RecordIndexesDelete": &q.RecordIndexesDelete,
		"RecordIndexInsert": &q.RecordIndexInsert, "RecordScan": &q.RecordScan,
		"RecordScanIndex": &q.RecordScanIndex, "LogReserve": &q.LogReserve,
		"LogEntryInsert": &q.LogEntryInsert, "LogRead": &q.LogRead, "LogReadReverse": &q.LogReadReverse,
		"LogLen": &q.LogLen, "LogEntriesDelete": &q.LogEntriesDelete, "LogHeadDelete": &q.LogHeadDelete,
		"JobPut": &q.JobPut, "JobGet": &q.JobGet, "JobDelete": &q.JobDelete,
		"JobDeleteLeased": &q.JobDeleteLeased, "JobExists": &q.JobExists, "JobClaim": &q.JobClaim,
		"JobNextDue": &q.JobNextDue, "JobLeasesClear": &q.JobLeasesClear, "Reset": &q.Reset,
	}
	for name, field := range fields {
		sql, ok := byName[name]
		if !ok {
			return nil, fmt.Errorf("queries.sql: missing query %q", name)
		}
		*field = sql
		delete(byName, name)
	}
	for name := range byName {
		return nil, fmt.Errorf("queries.sql: unused query %q", name)
	}
	return q, nil
}

// splitQueries cuts a file of "-- name: X" blocks into queries by name.
// Whole-line comments are dropped so each query is just its SQL.
func splitQueries(file string) (map[string]string, error) {
	byName := map[string]string{}
	var name string
	var body strings.Builder
	flush := func() error {
		if name == "" {
			return nil
		}
		sql := strings.TrimSpace(body.String())
		if sql == "" {
			return fmt.Errorf("queries.sql: query %q is empty", name)
		}
		if _, dup := byName[name]; dup {
			return fmt.Errorf("queries.sql: query %q defined twice", name)
		}
		byName[name] = sql
		return nil
	}
	for line := range strings.Lines(file) {
		trimmed := strings.TrimSpace(line)
		if rest, ok := strings.CutPrefix(trimmed, "-- name:"); ok {
			if err := flush(); err != nil {
				return nil, err
			}
			name = strings.TrimSpace(rest)
			body.Reset()
			continue
		}
		if strings.HasPrefix(trimmed, "--") || name == "" {
			continue
		}
		body.WriteString(line)
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return byName, nil
}
