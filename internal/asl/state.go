package asl

import (
	"maps"
	"slices"
	"strings"

	"github.com/shoal-dev/shoal/internal/asl/jsonata"
)

// Fields each state type accepts, by query language ("Amazon States
// Language" and "Transforming data with JSONata": JSONata states drop
// InputPath, Parameters, ResultSelector, ResultPath, OutputPath and the
// ...Path fields and gain Arguments and Output).
var (
	commonFields = []string{"Type", "Comment", "QueryLanguage"}

	jsonPathFields = map[StateType][]string{
		TypePass:     {"Next", "End", "InputPath", "OutputPath", "Parameters", "ResultPath", "Result", "Assign"},
		TypeTask:     {"Next", "End", "InputPath", "OutputPath", "Parameters", "ResultSelector", "ResultPath", "Resource", "TimeoutSeconds", "TimeoutSecondsPath", "HeartbeatSeconds", "HeartbeatSecondsPath", "Retry", "Catch", "Credentials", "Assign"},
		TypeChoice:   {"InputPath", "OutputPath", "Choices", "Default", "Assign"},
		TypeWait:     {"Next", "End", "InputPath", "OutputPath", "Seconds", "SecondsPath", "Timestamp", "TimestampPath", "Assign"},
		TypeSucceed:  {"InputPath", "OutputPath"},
		TypeFail:     {"Error", "ErrorPath", "Cause", "CausePath"},
		TypeParallel: {"Next", "End", "InputPath", "OutputPath", "Parameters", "ResultSelector", "ResultPath", "Branches", "Retry", "Catch", "Assign"},
		TypeMap:      {"Next", "End", "InputPath", "OutputPath", "ItemsPath", "ItemSelector", "Parameters", "ItemProcessor", "Iterator", "MaxConcurrency", "MaxConcurrencyPath", "ResultPath", "ResultSelector", "Retry", "Catch", "ItemReader", "ItemBatcher", "ResultWriter", "ToleratedFailureCount", "ToleratedFailureCountPath", "ToleratedFailurePercentage", "ToleratedFailurePercentagePath", "Label", "Assign"},
	}
	jsonataFields = map[StateType][]string{
		TypePass:     {"Next", "End", "Output", "Assign"},
		TypeTask:     {"Next", "End", "Resource", "Arguments", "Output", "TimeoutSeconds", "HeartbeatSeconds", "Retry", "Catch", "Credentials", "Assign"},
		TypeChoice:   {"Choices", "Default", "Output", "Assign"},
		TypeWait:     {"Next", "End", "Seconds", "Timestamp", "Output", "Assign"},
		TypeSucceed:  {"Output"},
		TypeFail:     {"Error", "Cause"},
		TypeParallel: {"Next", "End", "Arguments", "Output", "Branches", "Retry", "Catch", "Assign"},
		TypeMap:      {"Next", "End", "Items", "ItemSelector", "ItemProcessor", "Iterator", "MaxConcurrency", "Output", "Retry", "Catch", "ItemReader", "ItemBatcher", "ResultWriter", "ToleratedFailureCount", "ToleratedFailurePercentage", "Label", "Assign"},
	}
)

func (c *compiler) state(name string, v any, loc string, machineQL QueryLanguage, depth int) *state {
	mm, ok := v.(map[string]any)
	if !ok {
		c.ds.schema(loc, "The value for the state '%s' must be an OBJECT", name)
		return nil
	}
	o := &object{m: mm, loc: loc, ds: c.ds}
	typ, ok := o.str("Type", true)
	if !ok {
		return nil
	}
	st := &state{name: name, typ: StateType(typ), ql: machineQL}
	if _, known := jsonPathFields[st.typ]; !known {
		c.ds.schema(o.at("Type"), "The value for the field 'Type' must be one of [Pass, Task, Choice, Wait, Succeed, Fail, Parallel, Map]")
		return nil
	}
	if ql, ok := o.str("QueryLanguage", false); ok {
		switch QueryLanguage(ql) {
		case JSONata:
			st.ql = JSONata
		case JSONPath:
			if machineQL == JSONata {
				c.ds.schema(o.at("QueryLanguage"), "The QueryLanguage JSONPath cannot be used in a state of a JSONata state machine")
			}
			st.ql = JSONPath
		default:
			c.ds.schema(o.at("QueryLanguage"), "The value for the field 'QueryLanguage' must be one of [JSONPath, JSONata]")
		}
	}
	own, other := jsonPathFields[st.typ], jsonataFields[st.typ]
	if st.ql == JSONata {
		own, other = other, own
	}
	for _, k := range slices.Sorted(maps.Keys(mm)) {
		switch {
		case contains(commonFields, k) || contains(own, k):
		case contains(other, k):
			c.ds.schema(loc, "The field \"%s\" is not supported for %s states with QueryLanguage %s", k, st.typ, st.ql)
		default:
			c.ds.schema(loc, "The field \"%s\" is not supported by Step Functions", k)
		}
	}
	st.comment(o)
	st.loc = loc
	if st.ql == JSONata {
		checkJSONataState(st, o)
	}
	c.transition(st, o)
	if st.ql == JSONPath {
		st.inputPath = o.path("InputPath")
		st.outputPath = o.path("OutputPath")
		if o.has("Parameters") {
			st.parameters = c.payloadField(o, "Parameters")
		}
		if o.has("ResultSelector") {
			st.resultSelector = c.payloadField(o, "ResultSelector")
		}
		st.resultPath, _ = o.refPath("ResultPath", true, true)
	} else {
		if o.has("Arguments") {
			st.arguments = o.jsonataValue("Arguments", "Arguments")
		}
		if o.has("Output") {
			st.output = o.jsonataValue("Output", "Output")
		}
	}
	if o.has("Assign") {
		st.assign = compileAssign(o, "Assign", st.ql)
	}
	switch st.typ {
	case TypePass:
		if r, ok := mm["Result"]; ok && st.ql == JSONPath {
			st.result, st.hasResult = r, true
			if hasDollarKey(r) {
				c.ds.warnf(CodePassResultIsStatic, o.at("Result"), "The Result of a Pass state is static: keys ending in '.$' are not evaluated")
			}
		}
	case TypeTask:
		c.task(st, o)
	case TypeChoice:
		c.choice(st, o)
	case TypeWait:
		st.wait = compileWait(o, st.ql)
	case TypeFail:
		c.fail(st, o)
	case TypeParallel:
		c.parallel(st, o, depth)
	case TypeMap:
		c.mapState(st, o, depth)
	}
	if st.typ == TypeTask || st.typ == TypeParallel || st.typ == TypeMap {
		st.retry = compileRetry(o)
		st.catch = compileCatch(o, st.ql)
	}
	return st
}

func (st *state) comment(o *object) { o.str("Comment", false) }

// transition reads Next/End for the states that continue.
func (c *compiler) transition(st *state, o *object) {
	switch st.typ {
	case TypeChoice, TypeSucceed, TypeFail:
		return
	}
	next, hasNext := o.str("Next", false)
	end, hasEnd := o.boolean("End")
	switch {
	case hasNext && hasEnd && end:
		c.ds.schema(o.loc, "The fields 'Next' and 'End' cannot be used together")
	case hasNext:
		st.next = next
	case hasEnd && end:
		st.end = true
	case o.has("Next") || o.has("End"):
		// a type error or End:false, already reported or reported here
		if hasEnd && !end {
			c.ds.schema(o.at("End"), "The value for the field 'End' must be true")
		}
	default:
		c.ds.schema(o.loc, "These fields are required: [Next] or [End]")
	}
}

func (c *compiler) payloadField(o *object, name string) *payload {
	v := o.m[name]
	if _, ok := v.(map[string]any); !ok {
		o.typeError(name, "an OBJECT")
		return nil
	}
	return compilePayload(v, o.at(name), c.ds)
}

func hasDollarKey(v any) bool {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			if strings.HasSuffix(k, ".$") || hasDollarKey(x) {
				return true
			}
		}
	case []any:
		for _, x := range t {
			if hasDollarKey(x) {
				return true
			}
		}
	}
	return false
}

func (c *compiler) task(st *state, o *object) {
	if res, ok := o.str("Resource", true); ok {
		if !strings.HasPrefix(res, "arn:") {
			c.ds.errorf(CodeInvalidResource, o.at("Resource"), "Invalid resource: %s", res)
		}
		st.resource = res
	}
	st.timeout = o.numberField("TimeoutSeconds", st.ql, 1, maxBigInt, st.ql == JSONPath)
	st.heartbeat = o.numberField("HeartbeatSeconds", st.ql, 1, maxBigInt, st.ql == JSONPath)
	if st.timeout.set && st.heartbeat.set && st.timeout.path == nil && st.heartbeat.path == nil &&
		st.timeout.expr == nil && st.heartbeat.expr == nil && st.heartbeat.n >= st.timeout.n {
		c.ds.schema(o.at("HeartbeatSeconds"), "The value for the field 'HeartbeatSeconds' must be smaller than the value for the field 'TimeoutSeconds'")
	}
	if v, ok := o.m["Credentials"]; ok {
		if _, isObj := v.(map[string]any); !isObj {
			o.typeError("Credentials", "an OBJECT")
		} else if st.ql == JSONata {
			if t := o.jsonataValue("Credentials", "Credentials"); t != nil {
				st.credentials = &template{j: t}
			}
		} else {
			st.credentials = &template{p: compilePayload(v, o.at("Credentials"), c.ds)}
		}
	}
}

func (c *compiler) fail(st *state, o *object) {
	st.errorField = c.failField(o, st.ql, "Error")
	st.causeField = c.failField(o, st.ql, "Cause")
}

// failField reads Error/ErrorPath or Cause/CausePath. ErrorPath and
// CausePath take a reference path or an intrinsic function ("Fail state").
func (c *compiler) failField(o *object, ql QueryLanguage, name string) *stringField {
	pathName := name + "Path"
	if o.has(name) && o.has(pathName) {
		c.ds.schema(o.loc, "The fields '%s' and '%s' cannot be used together", name, pathName)
		return nil
	}
	if v, ok := o.m[name]; ok {
		if ql == JSONata && isExpression(v) {
			if t := o.jsonataValue(name, name); t != nil {
				return &stringField{expr: t, field: name}
			}
			return nil
		}
		s, ok := o.str(name, false)
		if !ok {
			return nil
		}
		return &stringField{lit: s, field: name}
	}
	if _, ok := o.m[pathName]; ok {
		s, ok := o.str(pathName, false)
		if !ok {
			return nil
		}
		p := compileDynamic(pathName, s, o.at(pathName), c.ds)
		if p == nil {
			return nil
		}
		return &stringField{path: p.path, call: p.call, field: pathName}
	}
	return nil
}

func (c *compiler) parallel(st *state, o *object, depth int) {
	v, ok := o.m["Branches"]
	if !ok {
		c.ds.schema(o.loc, "These fields are required: [Branches]")
		return
	}
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		o.typeError("Branches", "a non-empty ARRAY")
		return
	}
	for i, b := range list {
		m := c.machine(b, pointer(o.at("Branches"), itoa(i)), st.ql, depth+1, machineBranch)
		st.branches = append(st.branches, m)
	}
}

// compileAssign compiles an Assign field and checks its variable names.
func compileAssign(o *object, name string, ql QueryLanguage) *assigner {
	v := o.m[name]
	m, ok := v.(map[string]any)
	if !ok {
		o.typeError(name, "an OBJECT")
		return nil
	}
	loc := o.at(name)
	var names []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		varName := k
		if ql == JSONPath {
			varName = strings.TrimSuffix(k, ".$")
		}
		names = append(names, varName)
		if err := validVariableName(varName); err != nil {
			o.ds.schema(pointer(loc, k), "The variable name '%s' is not valid", varName)
		}
	}
	if ql == JSONata {
		t, err := jsonata.CompileValue(name, v)
		if err != nil {
			o.ds.errorf(CodeInvalidJSONata, loc, "%s", jsonataSyntaxMessage(err))
			return nil
		}
		return &assigner{names: names, j: t}
	}
	return &assigner{names: names, p: compilePayload(v, loc, o.ds)}
}
