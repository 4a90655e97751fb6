package sqlkit

import (
	"fmt"
	"reflect"
	"strings"
)

// LoadQueries returns a Q (a struct of string fields) whose every exported
// string field holds the query of the same name from file, a queries.sql of
// "-- name: X" blocks. A field without a query, or a query without a field,
// is an error, so the file and the driver's struct cannot drift apart.
func LoadQueries[Q any](file string) (*Q, error) {
	byName, err := splitQueries(file)
	if err != nil {
		return nil, err
	}
	q := new(Q)
	v := reflect.ValueOf(q).Elem()
	if v.Kind() != reflect.Struct {
		return nil, fmt.Errorf("queries.sql: load into %T, want a struct", *q)
	}
	for i := range v.NumField() {
		f := v.Type().Field(i)
		if f.Type.Kind() != reflect.String || !f.IsExported() {
			continue
		}
		sql, ok := byName[f.Name]
		if !ok {
			return nil, fmt.Errorf("queries.sql: missing query %q", f.Name)
		}
		v.Field(i).SetString(sql)
		delete(byName, f.Name)
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
