package jsonata

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"reflect"
	"regexp"
	"strconv"

	"github.com/blues/jsonata-go/jlib"
	"github.com/blues/jsonata-go/jtypes"

	"github.com/shoal-dev/shoal/internal/asl/value"
)

// errMemoryLimit is AWS's refusal when an expression builds too large a value.
var errMemoryLimit = errors.New("Expression evaluation memory limit exceeded: Check for excessive memory usage")

// maxRange is the largest $range AWS builds (360,145 elements, as measured
// against AWS by other emulators; one more is refused with errMemoryLimit).
const maxRange = 360145

// functions makes this package's functions for one evaluation. They are made
// per evaluation because they carry its Bindings and the call context.
var functions = map[string]func(sc *scope) any{
	"partition": static("partition", 2, fnPartition),
	"range":     static("range", 3, fnRange),
	"hash":      static("hash", 2, fnHash),
	"parse":     static("parse", 1, fnParse),
	"random": func(sc *scope) any {
		return &fn{name: "random", params: 1, call: func(_ reflect.Value, args []reflect.Value) (reflect.Value, error) {
			return fnRandom(sc.b.Rand, args)
		}}
	},
	"uuid": func(sc *scope) any {
		return &fn{name: "uuid", call: func(reflect.Value, []reflect.Value) (reflect.Value, error) { return fnUUID(sc.b.Rand) }}
	},
	"shuffle": func(sc *scope) any {
		return &fn{name: "shuffle", params: 1, call: func(_ reflect.Value, args []reflect.Value) (reflect.Value, error) {
			return fnShuffle(sc.b.Rand, args)
		}}
	},
	"millis": func(sc *scope) any {
		ms := sc.b.Now.UnixMilli()
		return &fn{name: "millis", call: func(reflect.Value, []reflect.Value) (reflect.Value, error) {
			return reflect.ValueOf(float64(ms)), nil
		}}
	},
	"now": func(sc *scope) any {
		ms := sc.b.Now.UnixMilli()
		return &fn{name: "now", params: 2, call: func(_ reflect.Value, args []reflect.Value) (reflect.Value, error) { return fnNow(ms, args) }}
	},
	// AWS: "$eval is not available - use $parse instead". Calling it is calling
	// a non-function (T1006), which a nil binding produces.
	"eval":          func(*scope) any { return nil },
	"number":        static("number", 1, fnNumber),
	"assert":        static("assert", 2, fnAssert),
	"parseInteger":  static("parseInteger", 2, fnParseInteger),
	"formatInteger": static("formatInteger", 2, fnFormatInteger),
	"map":           sequence("map"),
	"filter":        sequence("filter"),
	"each":          sequence("each"),
	"spread":        sequence("spread"),
}

func static(name string, params int, call func(reflect.Value, []reflect.Value) (reflect.Value, error)) func(*scope) any {
	return func(*scope) any { return &fn{name: name, params: params, call: call} }
}

func sequence(name string) func(*scope) any {
	return func(*scope) any {
		inner, _ := builtins().clone(name)
		return sequenceOf(inner.(jtypes.Callable))
	}
}

func fnPartition(_ reflect.Value, args []reflect.Value) (reflect.Value, error) {
	items, ok := arrayArg(args, 0)
	if !ok || len(items) == 0 {
		return undefined, nil
	}
	size, ok, err := numberArg("partition", args, 1)
	if err != nil || !ok {
		return undefined, err
	}
	n := truncInt(size)
	if n <= 0 {
		return undefined, nil
	}
	size64 := min(n, int64(len(items)))
	chunk := int(size64)
	var out []any
	for i := 0; i < len(items); i += chunk {
		out = append(out, append([]any(nil), items[i:min(i+chunk, len(items))]...))
	}
	return reflect.ValueOf(out), nil
}

func fnRange(_ reflect.Value, args []reflect.Value) (reflect.Value, error) {
	var v [3]int64
	for i := range v {
		f, ok, err := numberArg("range", args, i)
		if err != nil || !ok {
			return undefined, err
		}
		v[i] = truncInt(f)
	}
	start, end, step := v[0], v[1], v[2]
	if step == 0 || (end-start > 0 && step < 0) || (end-start < 0 && step > 0) {
		return undefined, nil
	}
	count := (end-start)/step + 1
	if count > maxRange {
		return undefined, errMemoryLimit
	}
	if count == 1 {
		return reflect.ValueOf(float64(start)), nil
	}
	out := make([]any, 0, count)
	for x := start; (step > 0 && x <= end) || (step < 0 && x >= end); x += step {
		out = append(out, float64(x))
	}
	return reflect.ValueOf(out), nil
}

// hashes are the algorithms $hash accepts, spelled (case-sensitively) as AWS does.
var hashes = map[string]func() hash.Hash{
	"MD5": md5.New, "SHA-1": sha1.New, "SHA-256": sha256.New, "SHA-384": sha512.New384, "SHA-512": sha512.New,
}

func fnHash(_ reflect.Value, args []reflect.Value) (reflect.Value, error) {
	s, ok, err := stringArg("hash", args, 0)
	if err != nil || !ok {
		return undefined, err
	}
	alg, ok, err := stringArg("hash", args, 1)
	if err != nil || !ok {
		return undefined, err
	}
	h, found := hashes[alg]
	if !found {
		// Wording follows States.Hash's; AWS's text for $hash is not documented.
		return undefined, fmt.Errorf("The hash algorithm '%s' is not supported. Supported algorithms are: MD5, SHA-1, SHA-256, SHA-384, SHA-512", alg)
	}
	hh := h()
	io.WriteString(hh, s)
	return reflect.ValueOf(hex.EncodeToString(hh.Sum(nil))), nil
}

var errNoRand = errors.New("no random source configured")

func fnRandom(r Rand, args []reflect.Value) (reflect.Value, error) {
	seed, ok, err := numberArg("random", args, 0)
	if err != nil {
		return undefined, err
	}
	if ok {
		return reflect.ValueOf(seededRandom(truncInt(seed))), nil
	}
	if r == nil {
		return undefined, errNoRand
	}
	return reflect.ValueOf(float64(r.Uint64()>>11) / (1 << 53)), nil
}

// seededRandom is java.util.Random(seed).nextDouble(). AWS does not document
// its generator; States.MathRandom's seeded form is Java-flavoured, so this is
// the best guess at AWS's numbers, and it is deterministic either way.
func seededRandom(seed int64) float64 {
	const mult, mask = 0x5DEECE66D, 1<<48 - 1
	s := (uint64(seed) ^ mult) & mask
	next := func(bits uint) uint64 {
		s = (s*mult + 0xB) & mask
		return s >> (48 - bits)
	}
	hi := next(26)
	lo := next(27)
	return float64(hi<<27+lo) / (1 << 53)
}

func fnUUID(r Rand) (reflect.Value, error) {
	if r == nil {
		return undefined, errNoRand
	}
	var u [16]byte
	binary.BigEndian.PutUint64(u[:8], r.Uint64())
	binary.BigEndian.PutUint64(u[8:], r.Uint64())
	u[6] = u[6]&0x0f | 0x40 // version 4
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	s := fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:])
	return reflect.ValueOf(s), nil
}

func fnParse(_ reflect.Value, args []reflect.Value) (reflect.Value, error) {
	s, ok, err := stringArg("parse", args, 0)
	if err != nil || !ok {
		return undefined, err
	}
	v, err := value.Decode([]byte(s))
	if err != nil {
		// ErrTrailingData reads "unexpected data after the value".
		return undefined, fmt.Errorf("invalid JSON string: %v", err)
	}
	return reflect.ValueOf(toLib(v)), nil
}

func fnNow(millis int64, args []reflect.Value) (reflect.Value, error) {
	var picture, tz jtypes.OptionalString
	if p, ok, err := stringArg("now", args, 0); err != nil {
		return undefined, err
	} else if ok {
		picture = jtypes.NewOptionalString(p)
	}
	if z, ok, err := stringArg("now", args, 1); err != nil {
		return undefined, err
	} else if ok {
		tz = jtypes.NewOptionalString(z)
	}
	s, err := jlib.FromMillis(millis, picture, tz)
	if err != nil {
		return undefined, err
	}
	return reflect.ValueOf(s), nil
}

func fnShuffle(r Rand, args []reflect.Value) (reflect.Value, error) {
	v := arg(args, 0)
	if !v.IsValid() {
		return undefined, nil
	}
	items, _ := arrayArg(args, 0)
	if len(items) <= 1 {
		return v, nil
	}
	if r == nil {
		return undefined, errNoRand
	}
	for i := len(items) - 1; i > 0; i-- {
		j := int(r.Uint64() % uint64(i+1))
		items[i], items[j] = items[j], items[i]
	}
	return reflect.ValueOf(items), nil
}

// Number syntax as jsonata-js 2.0 accepts it in $number.
var (
	decimalNumber = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?([Ee][-+]?[0-9]+)?$`)
	prefixNumber  = regexp.MustCompile(`^0[xX][0-9A-Fa-f]+$|^0[oO][0-7]+$|^0[bB][01]+$`)
)

// fnNumber replaces the library's $number, which lacks jsonata-js 2.0's
// hexadecimal, octal and binary strings.
func fnNumber(ctx reflect.Value, args []reflect.Value) (reflect.Value, error) {
	v := arg(args, 0)
	if len(args) == 0 {
		v = jtypes.Resolve(ctx)
	}
	if !v.IsValid() {
		return undefined, nil
	}
	if n, ok := jtypes.AsNumber(v); ok {
		return reflect.ValueOf(n), nil
	}
	if b, ok := jtypes.AsBool(v); ok {
		if b {
			return reflect.ValueOf(1.0), nil
		}
		return reflect.ValueOf(0.0), nil
	}
	if s, ok := jtypes.AsString(v); ok {
		switch {
		case decimalNumber.MatchString(s):
			if f, err := strconv.ParseFloat(s, 64); err == nil {
				return reflect.ValueOf(f), nil
			}
		case prefixNumber.MatchString(s):
			if n, err := strconv.ParseInt(s, 0, 64); err == nil {
				return reflect.ValueOf(float64(n)), nil
			}
		}
	}
	return undefined, coded("D3030", "Unable to cast value to a number: %s", libJSON(v))
}

func fnAssert(_ reflect.Value, args []reflect.Value) (reflect.Value, error) {
	v := arg(args, 0)
	b, ok := jtypes.AsBool(v)
	if !ok {
		return undefined, coded("T0410", "Argument 1 of function \"assert\" does not match function signature")
	}
	if b {
		return undefined, nil
	}
	msg, ok, err := stringArg("assert", args, 1)
	if err != nil {
		return undefined, err
	}
	if !ok {
		msg = "$assert() statement failed"
	}
	return undefined, coded("D3141", "%s", msg)
}

// libJSON renders a library value for an error message.
func libJSON(v reflect.Value) string {
	out, err := fromLib(v.Interface())
	if err != nil {
		return "function"
	}
	return value.Show(out)
}
