package intrinsic

import (
	"math"

	"github.com/shoal-dev/shoal/internal/asl/value"
)

// int32Arg reads a number argument rounded half-up, within Java's int range:
// the guide says non-integers are rounded and values must fit in
// -2147483648..2147483647.
func int32Arg(c *Call, v any, name string) (int64, error) {
	n, ok := rounded(v)
	if !ok {
		return 0, failf(c.Name, "the %s argument must be a number, but was %s", name, value.Show(v))
	}
	if n < math.MinInt32 || n > math.MaxInt32 {
		return 0, failf(c.Name, "the %s argument %d is outside the range -2147483648 to 2147483647", name, n)
	}
	return n, nil
}

// evalMathAdd is States.MathAdd(a, b).
func evalMathAdd(c *Call, args []any, _ *Env) (any, error) {
	a, err := int32Arg(c, args[0], "first")
	if err != nil {
		return nil, err
	}
	b, err := int32Arg(c, args[1], "second")
	if err != nil {
		return nil, err
	}
	return value.Int(a + b), nil
}

// evalMathRandom is States.MathRandom(start, end[, seed]): an integer in
// [start, end). With a seed the sequence is java.util.Random's, so a seeded
// call returns the same number every time; without one it comes from
// env.Random.
func evalMathRandom(c *Call, args []any, env *Env) (any, error) {
	start, err := int32Arg(c, args[0], "start")
	if err != nil {
		return nil, err
	}
	end, err := int32Arg(c, args[1], "end")
	if err != nil {
		return nil, err
	}
	if end <= start {
		return nil, failf(c.Name, "the end argument (%d) must be greater than the start argument (%d)", end, start)
	}
	span := end - start
	if len(args) == 3 {
		seed, ok := rounded(args[2])
		if !ok {
			return nil, failf(c.Name, "the seed argument must be an integer, but was %s", value.Show(args[2]))
		}
		if span > math.MaxInt32 {
			return nil, failf(c.Name, "the range from %d to %d is too large", start, end)
		}
		return value.Int(start + int64(newJavaRandom(seed).nextInt(int32(span)))), nil
	}
	if env.Random == nil {
		return nil, errNoRandom
	}
	return value.Int(start + env.Random.Int64N(span)), nil
}
