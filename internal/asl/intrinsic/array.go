package intrinsic

import (
	"encoding/json"
	"maps"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"github.com/shoal-dev/shoal/internal/asl/value"
)

// maxRangeItems is States.ArrayRange's documented limit.
const maxRangeItems = 1000

// evalArray is States.Array(args...).
func evalArray(_ *Call, args []any, _ *Env) (any, error) {
	out := make([]any, len(args))
	copy(out, args)
	return out, nil
}

func arrayArg(c *Call, args []any, i int) ([]any, error) {
	a, ok := args[i].([]any)
	if !ok {
		return nil, failf(c.Name, "argument %d must be an array, but was %s", i+1, value.Describe(args[i]))
	}
	return a, nil
}

// evalArrayPartition is States.ArrayPartition(array, size): chunks of size
// elements, the last one shorter.
func evalArrayPartition(c *Call, args []any, _ *Env) (any, error) {
	a, err := arrayArg(c, args, 0)
	if err != nil {
		return nil, err
	}
	size, ok := integer(args[1])
	if !ok || size <= 0 {
		return nil, failf(c.Name, "the chunk size must be a positive integer, but was %s", value.Show(args[1]))
	}
	out := make([]any, 0, (int64(len(a))+size-1)/size)
	for start := 0; start < len(a); {
		end := len(a)
		if int64(end-start) > size {
			end = start + int(size)
		}
		chunk := make([]any, end-start)
		copy(chunk, a[start:end])
		out = append(out, chunk)
		start = end
	}
	return out, nil
}

// evalArrayContains is States.ArrayContains(array, value).
func evalArrayContains(c *Call, args []any, _ *Env) (any, error) {
	a, err := arrayArg(c, args, 0)
	if err != nil {
		return nil, err
	}
	for _, e := range a {
		if value.Equal(e, args[1]) {
			return true, nil
		}
	}
	return false, nil
}

// evalArrayRange is States.ArrayRange(first, last, step): first, first+step,
// ... up to and including last, at most 1000 elements.
func evalArrayRange(c *Call, args []any, _ *Env) (any, error) {
	var v [3]int64
	for i, name := range [...]string{"start", "end", "step"} {
		n, ok := integer(args[i])
		if !ok {
			return nil, failf(c.Name, "the %s argument must be an integer, but was %s", name, value.Show(args[i]))
		}
		v[i] = n
	}
	start, end, step := v[0], v[1], v[2]
	if step == 0 {
		return nil, failf(c.Name, "the step argument must not be 0")
	}
	count := int64(0)
	if (step > 0 && start <= end) || (step < 0 && start >= end) {
		// big.Int because end-start can overflow int64 for extreme inputs.
		d := new(big.Int).Sub(big.NewInt(end), big.NewInt(start))
		d.Quo(d, big.NewInt(step))
		if !d.IsInt64() || d.Int64() >= maxRangeItems {
			return nil, failf(c.Name, "the range would have more than %d elements", maxRangeItems)
		}
		count = d.Int64() + 1
	}
	out := make([]any, count)
	for i := range out {
		out[i] = value.Int(start + int64(i)*step)
	}
	return out, nil
}

// evalArrayGetItem is States.ArrayGetItem(array, index), zero-based.
func evalArrayGetItem(c *Call, args []any, _ *Env) (any, error) {
	a, err := arrayArg(c, args, 0)
	if err != nil {
		return nil, err
	}
	idx, ok := integer(args[1])
	if !ok || idx < 0 {
		return nil, failf(c.Name, "the index must be a non-negative integer, but was %s", value.Show(args[1]))
	}
	if idx >= int64(len(a)) {
		return nil, failf(c.Name, "index %d is out of bounds for an array of %s", idx, plural(len(a), "element"))
	}
	return a[idx], nil
}

// evalArrayLength is States.ArrayLength(array).
func evalArrayLength(c *Call, args []any, _ *Env) (any, error) {
	a, err := arrayArg(c, args, 0)
	if err != nil {
		return nil, err
	}
	return json.Number(strconv.Itoa(len(a))), nil
}

// evalArrayUnique is States.ArrayUnique(array): first occurrences, in order.
func evalArrayUnique(c *Call, args []any, _ *Env) (any, error) {
	a, err := arrayArg(c, args, 0)
	if err != nil {
		return nil, err
	}
	seen := make(map[string]struct{}, len(a))
	out := make([]any, 0, len(a))
	var b strings.Builder
	for _, e := range a {
		b.Reset()
		writeKey(&b, e)
		k := b.String()
		if _, dup := seen[k]; dup {
			continue
		}
		seen[k] = struct{}{}
		out = append(out, e)
	}
	return out, nil
}

// writeKey writes a key that is equal for values value.Equal calls equal,
// so uniqueness is one map lookup per element.
func writeKey(b *strings.Builder, v any) {
	switch x := v.(type) {
	case nil:
		b.WriteString("z")
	case bool:
		if x {
			b.WriteString("t")
		} else {
			b.WriteString("f")
		}
	case string:
		b.WriteString("s")
		b.WriteString(strconv.Quote(x))
	case []any:
		b.WriteString("[")
		for _, e := range x {
			writeKey(b, e)
			b.WriteByte(',')
		}
		b.WriteString("]")
	case map[string]any:
		b.WriteString("{")
		for _, k := range slices.Sorted(maps.Keys(x)) {
			b.WriteString(strconv.Quote(k))
			b.WriteByte(':')
			writeKey(b, x[k])
			b.WriteByte(',')
		}
		b.WriteString("}")
	default:
		n, _ := value.Number(v)
		b.WriteString("n")
		if i, err := strconv.ParseInt(string(n), 10, 64); err == nil {
			b.WriteString(strconv.FormatInt(i, 10))
			return
		}
		f, _, err := big.ParseFloat(string(n), 10, 256, big.ToNearestEven)
		if err != nil {
			b.WriteString(string(n))
			return
		}
		if i, acc := f.Int64(); f.IsInt() && acc == big.Exact {
			b.WriteString(strconv.FormatInt(i, 10))
			return
		}
		b.WriteString(f.Text('e', -1))
	}
}
