package asl

import (
	"maps"
	"slices"
	"strings"

	"github.com/shoal-dev/shoal/internal/asl/jsonata"
)

// checkJSONataState validates what JSONata states may reference: a field's
// strings must open with "{%" and close with "%}" exactly, or neither;
// $states.result exists only in the Output and Assign of Task, Parallel
// and Map; $states.errorOutput only in a Catcher's Output and Assign.
func checkJSONataState(st *state, o *object) {
	resultFields := st.typ == TypeTask || st.typ == TypeParallel || st.typ == TypeMap
	for _, k := range slices.Sorted(maps.Keys(o.m)) {
		switch k {
		case "Type", "Comment", "QueryLanguage", "Next", "End", "Resource", "Default", "Label", "ItemProcessor", "Iterator", "Branches", "Retry":
			continue
		case "Catch":
			list, _ := o.m[k].([]any)
			for i, c := range list {
				cm, _ := c.(map[string]any)
				for _, ck := range []string{"Output", "Assign"} {
					if v, ok := cm[ck]; ok {
						loc := pointer(pointer(o.at("Catch"), itoa(i)), ck)
						checkJSONataStrings(v, ck, loc, false, true, o.ds)
					}
				}
			}
			continue
		}
		result := resultFields && (k == "Output" || k == "Assign")
		checkJSONataStrings(o.m[k], k, o.at(k), result, false, o.ds)
	}
}

func checkJSONataStrings(v any, field, loc string, result, errorOutput bool, ds *diagnostics) {
	switch t := v.(type) {
	case string:
		trimmed := strings.TrimSpace(t)
		_, ok := jsonata.ParseTemplate(t)
		if !ok && (strings.HasPrefix(trimmed, "{%") || strings.HasSuffix(trimmed, "%}")) {
			ds.schema(loc, "The value for the field '%s' must be a valid JSONata expression enclosed in {%% %%} without leading or trailing spaces", field)
			return
		}
		if !ok {
			return
		}
		if !result && strings.Contains(t, "$states.result") {
			ds.schema(loc, "The field '%s' cannot reference $states.result: it is available only in the Output and Assign of Task, Parallel and Map states", field)
		}
		if !errorOutput && strings.Contains(t, "$states.errorOutput") {
			ds.schema(loc, "The field '%s' cannot reference $states.errorOutput: it is available only in a Catcher's Output and Assign", field)
		}
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(t)) {
			checkJSONataStrings(t[k], field, pointer(loc, k), result, errorOutput, ds)
		}
	case []any:
		for i, x := range t {
			checkJSONataStrings(x, field, pointer(loc, itoa(i)), result, errorOutput, ds)
		}
	}
}
