package asl

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/shoal-dev/shoal/internal/asl/jsonata"
)

// Map processing modes (ItemProcessor.ProcessorConfig.Mode).
const (
	ModeInline      = "INLINE"
	ModeDistributed = "DISTRIBUTED"
)

// MaxLabelLength is the longest Label a Distributed Map accepts.
const MaxLabelLength = 40

// mapSpec is a compiled Map state.
type mapSpec struct {
	processor     *Machine
	mode          string
	executionType string
	itemsPath     optPath
	items         *jsonata.Template
	selector      *payload
	selectorJ     *jsonata.Template
	maxConc       numberField
	tolCount      numberField
	tolPct        numberField
	reader        *readerSpec
	batcher       *batcherSpec
	writer        *writerSpec
	label         string
}

// readerSpec, batcherSpec and writerSpec are the Distributed Map's ItemReader,
// ItemBatcher and ResultWriter: validated here, run by the engine.
type readerSpec struct {
	resource string
	config   map[string]any
	params   *template
}

type batcherSpec struct {
	maxItems numberField
	maxBytes numberField
	input    *template
}

type writerSpec struct {
	resource string
	config   map[string]any
	params   *template
}

func (c *compiler) mapState(st *state, o *object, depth int) {
	ms := &mapSpec{mode: ModeInline}
	st.mapSpec = ms
	hasProc, hasIter := o.has("ItemProcessor"), o.has("Iterator")
	switch {
	case hasProc && hasIter:
		c.ds.schema(o.loc, "The fields 'ItemProcessor' and 'Iterator' cannot be used together")
	case !hasProc && !hasIter:
		c.ds.schema(o.loc, "These fields are required: [ItemProcessor]")
	default:
		name, kind := "ItemProcessor", machineProcessor
		if hasIter {
			name, kind = "Iterator", machineIterator
		}
		ms.processor = c.machine(o.m[name], o.at(name), st.ql, depth+1, kind)
		if pm, ok := o.m[name].(map[string]any); ok {
			c.processorConfig(ms, &object{m: pm, loc: o.at(name), ds: c.ds})
		}
	}
	if st.ql == JSONPath {
		ms.itemsPath, _ = o.refPath("ItemsPath", false, false)
		if o.has("ItemSelector") && o.has("Parameters") {
			c.ds.schema(o.loc, "The fields 'ItemSelector' and 'Parameters' cannot be used together")
		}
		for _, name := range []string{"ItemSelector", "Parameters"} {
			if o.has(name) {
				ms.selector = c.payloadField(o, name)
				if name == "Parameters" {
					st.parameters = nil // in a Map, Parameters is the older name of ItemSelector
				}
			}
		}
	} else {
		if v, ok := o.m["Items"]; ok {
			switch v.(type) {
			case []any, string, map[string]any:
				ms.items = o.jsonataValue("Items", "Items")
			default:
				o.typeError("Items", "a JSON array or a JSONata expression")
			}
		}
		if o.has("ItemSelector") {
			ms.selectorJ = o.jsonataValue("ItemSelector", "ItemSelector")
		}
	}
	ms.maxConc = o.numberField("MaxConcurrency", st.ql, 0, maxBigInt, st.ql == JSONPath)
	ms.tolCount = o.numberField("ToleratedFailureCount", st.ql, 0, maxBigInt, st.ql == JSONPath)
	ms.tolPct = o.floatField("ToleratedFailurePercentage", st.ql, 0, 100)
	if label, ok := o.str("Label", false); ok {
		if !validLabel(label) {
			c.ds.errorf(CodeInvalidLabel, o.at("Label"), "The Label '%s' is invalid: it must be at most %d characters without whitespace or special characters", label, MaxLabelLength)
		}
		ms.label = label
	}
	if v, ok := o.m["ItemReader"]; ok {
		ms.reader = c.itemReader(v, o.at("ItemReader"), st.ql)
	}
	if v, ok := o.m["ItemBatcher"]; ok {
		ms.batcher = c.itemBatcher(v, o.at("ItemBatcher"), st.ql)
	}
	if v, ok := o.m["ResultWriter"]; ok {
		ms.writer = c.resultWriter(v, o.at("ResultWriter"), st.ql)
	}
	if ms.mode != ModeDistributed {
		for _, k := range []string{"ItemReader", "ItemBatcher", "ResultWriter", "Label",
			"ToleratedFailureCount", "ToleratedFailureCountPath", "ToleratedFailurePercentage", "ToleratedFailurePercentagePath"} {
			if o.has(k) {
				c.ds.schema(o.at(k), "The field \"%s\" is only supported when the ProcessorConfig Mode is DISTRIBUTED", k)
			}
		}
	}
}

func (c *compiler) processorConfig(ms *mapSpec, po *object) {
	v, ok := po.m["ProcessorConfig"]
	if !ok {
		return
	}
	m, ok := v.(map[string]any)
	if !ok {
		po.typeError("ProcessorConfig", "an OBJECT")
		return
	}
	o := &object{m: m, loc: po.at("ProcessorConfig"), ds: c.ds}
	unknownFields(o, []string{"Mode", "ExecutionType"})
	if mode, ok := o.str("Mode", false); ok {
		if mode != ModeInline && mode != ModeDistributed {
			o.ds.schema(o.at("Mode"), "The value for the field 'Mode' must be one of [INLINE, DISTRIBUTED]")
		}
		ms.mode = mode
	}
	if et, ok := o.str("ExecutionType", false); ok {
		if et != "STANDARD" && et != "EXPRESS" {
			o.ds.schema(o.at("ExecutionType"), "The value for the field 'ExecutionType' must be one of [STANDARD, EXPRESS]")
		}
		ms.executionType = et
	}
	if ms.mode == ModeDistributed && ms.executionType == "" {
		o.ds.schema(o.loc, "These fields are required: [ExecutionType]")
	}
	if ms.mode != ModeDistributed && o.has("ExecutionType") {
		o.ds.schema(o.at("ExecutionType"), "The field \"ExecutionType\" is only supported when the Mode is DISTRIBUTED")
	}
}

// validLabel applies the Label rules: at most 40 characters, none of them
// whitespace, control characters or the reserved punctuation.
func validLabel(s string) bool {
	if s == "" || utf8.RuneCountInString(s) > MaxLabelLength {
		return false
	}
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) || strings.ContainsRune("<>{}[]?*\"#%\\^|~`$&,;:/", r) {
			return false
		}
	}
	return true
}

// paramsField compiles Parameters (JSONPath) or Arguments (JSONata) inside
// ItemReader/ResultWriter.
func (c *compiler) paramsField(o *object, ql QueryLanguage) *template {
	if ql == JSONata {
		if o.has("Arguments") {
			if t := o.jsonataValue("Arguments", "Arguments"); t != nil {
				return &template{j: t}
			}
		}
		return nil
	}
	if o.has("Parameters") {
		if p := c.payloadField(o, "Parameters"); p != nil {
			return &template{p: p}
		}
	}
	return nil
}

func (c *compiler) itemReader(v any, loc string, ql QueryLanguage) *readerSpec {
	m, ok := v.(map[string]any)
	if !ok {
		c.ds.schema(loc, "The value for the field 'ItemReader' must be an OBJECT")
		return nil
	}
	o := &object{m: m, loc: loc, ds: c.ds}
	unknownFields(o, []string{"Resource", "ReaderConfig", paramsName(ql)})
	r := &readerSpec{}
	r.resource, _ = o.str("Resource", true)
	if rc, ok := m["ReaderConfig"]; ok {
		r.config, ok = rc.(map[string]any)
		if !ok {
			o.typeError("ReaderConfig", "an OBJECT")
		}
	}
	r.params = c.paramsField(o, ql)
	return r
}

func (c *compiler) itemBatcher(v any, loc string, ql QueryLanguage) *batcherSpec {
	m, ok := v.(map[string]any)
	if !ok {
		c.ds.schema(loc, "The value for the field 'ItemBatcher' must be an OBJECT")
		return nil
	}
	o := &object{m: m, loc: loc, ds: c.ds}
	allowed := []string{"MaxItemsPerBatch", "MaxInputBytesPerBatch", "BatchInput"}
	if ql == JSONPath {
		allowed = append(allowed, "MaxItemsPerBatchPath", "MaxInputBytesPerBatchPath")
	}
	unknownFields(o, allowed)
	b := &batcherSpec{
		maxItems: o.numberField("MaxItemsPerBatch", ql, 1, maxBigInt, ql == JSONPath),
		maxBytes: o.numberField("MaxInputBytesPerBatch", ql, 1, 256*1024, ql == JSONPath),
	}
	if bi, ok := m["BatchInput"]; ok {
		if _, isObj := bi.(map[string]any); !isObj {
			o.typeError("BatchInput", "an OBJECT")
		} else if ql == JSONata {
			if t := o.jsonataValue("BatchInput", "ItemBatcher/BatchInput"); t != nil {
				b.input = &template{j: t}
			}
		} else {
			b.input = &template{p: compilePayload(bi, o.at("BatchInput"), c.ds)}
		}
	}
	return b
}

func (c *compiler) resultWriter(v any, loc string, ql QueryLanguage) *writerSpec {
	m, ok := v.(map[string]any)
	if !ok {
		c.ds.schema(loc, "The value for the field 'ResultWriter' must be an OBJECT")
		return nil
	}
	o := &object{m: m, loc: loc, ds: c.ds}
	unknownFields(o, []string{"Resource", "WriterConfig", paramsName(ql)})
	w := &writerSpec{}
	w.resource, _ = o.str("Resource", false)
	if wc, ok := m["WriterConfig"]; ok {
		w.config, ok = wc.(map[string]any)
		if !ok {
			o.typeError("WriterConfig", "an OBJECT")
		}
	}
	if w.resource == "" && w.config == nil {
		o.ds.schema(loc, "These fields are required: [Resource] or [WriterConfig]")
	}
	w.params = c.paramsField(o, ql)
	return w
}

func paramsName(ql QueryLanguage) string {
	if ql == JSONata {
		return "Arguments"
	}
	return "Parameters"
}
