package sqlkit

import (
	"strings"
	"testing"
)

type testQueries struct {
	Get, Put string
	note     string // unexported: not a query
}

func TestLoadQueries(t *testing.T) {
	q, err := LoadQueries[testQueries]("-- header\n-- name: Get\n-- why\nSELECT 1;\n\n-- name: Put\nINSERT 2;\n")
	if err != nil {
		t.Fatal(err)
	}
	if q.Get != "SELECT 1;" || q.Put != "INSERT 2;" || q.note != "" {
		t.Fatalf("got %+v", *q)
	}
	for file, want := range map[string]string{
		"-- name: Get\nSELECT 1;\n":                           `missing query "Put"`,
		"-- name: Get\nA\n-- name: Put\nB\n-- name: Del\nC\n": `unused query "Del"`,
		"-- name: Get\n-- name: Put\nB\n":                     `query "Get" is empty`,
		"-- name: Get\nA\n-- name: Put\nB\n-- name: Get\nC\n": `query "Get" defined twice`,
	} {
		if _, err := LoadQueries[testQueries](file); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: got %v, want %s", file, err, want)
		}
	}
}
