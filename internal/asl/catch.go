package asl

import "github.com/shoal-dev/shoal/internal/asl/jsonata"

// catcher is one entry of a Catch field.
type catcher struct {
	errorEquals []string
	next        string
	resultPath  optPath           // JSONPath: where the error output goes in the input (default "$")
	output      *jsonata.Template // JSONata: the state output (default $states.errorOutput)
	assign      *assigner
}

var (
	catcherJSONPathFields = []string{"ErrorEquals", "Next", "ResultPath", "Assign", "Comment"}
	catcherJSONataFields  = []string{"ErrorEquals", "Next", "Output", "Assign", "Comment"}
)

func compileCatch(o *object, ql QueryLanguage) []*catcher {
	v, ok := o.m["Catch"]
	if !ok {
		return nil
	}
	list, ok := v.([]any)
	if !ok {
		o.typeError("Catch", "an ARRAY")
		return nil
	}
	var cs []*catcher
	for i, x := range list {
		loc := pointer(o.at("Catch"), itoa(i))
		m, ok := x.(map[string]any)
		if !ok {
			o.ds.schema(loc, "The value must be an OBJECT")
			continue
		}
		co := &object{m: m, loc: loc, ds: o.ds}
		if ql == JSONata {
			unknownFields(co, catcherJSONataFields)
		} else {
			unknownFields(co, catcherJSONPathFields)
		}
		c := &catcher{errorEquals: errorEquals(co, i == len(list)-1)}
		c.next, _ = co.str("Next", true)
		if ql == JSONata {
			if co.has("Output") {
				c.output = co.jsonataValue("Output", "Catch["+itoa(i)+"]/Output")
			}
		} else {
			c.resultPath, _ = co.refPath("ResultPath", true, true)
		}
		if co.has("Assign") {
			c.assign = compileAssign(co, "Assign", ql)
		}
		cs = append(cs, c)
	}
	return cs
}

func (c *catcher) matches(name string) bool {
	for _, p := range c.errorEquals {
		if matches(p, name) {
			return true
		}
	}
	return false
}
