package schedule

import (
	"strconv"
	"strings"
	"time"
)

// refCron is a second, deliberately naive reading of a cron expression that
// the fuzz target checks Cron.Next against: it asks of one wall-clock
// minute "does this match?", item by item, where Cron precomputes bitsets
// and walks the calendar. It trusts Parse to have rejected bad syntax.
type refCron struct {
	minutes, hours, dom, month, dow, year string
}

func newRefCron(expr string) (refCron, bool) {
	body, ok := strings.CutPrefix(expr, "cron(")
	if !ok {
		return refCron{}, false
	}
	f := strings.Fields(strings.ToUpper(strings.TrimSuffix(body, ")")))
	if len(f) == 5 {
		f = append(f, "*")
	}
	return refCron{f[0], f[1], f[2], f[3], f[4], f[5]}, true
}

var (
	refMonths = []string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}
	refDays   = []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}
)

// matches reports whether the wall-clock minute of w matches.
func (r refCron) matches(w time.Time) bool {
	last := time.Date(w.Year(), w.Month()+1, 0, 0, 0, 0, 0, time.UTC).Day()
	return refField(r.minutes, w.Minute(), 0, 59, nil) &&
		refField(r.hours, w.Hour(), 0, 23, nil) &&
		refField(r.month, int(w.Month()), 1, 12, refMonths) &&
		refField(r.year, w.Year(), 1970, 2199, nil) &&
		refDayOfMonth(r.dom, w, last) &&
		refDayOfWeek(r.dow, w, last)
}

func refValue(s string, names []string) int {
	for i, n := range names {
		if s == n {
			return i + 1
		}
	}
	v, _ := strconv.Atoi(s)
	return v
}

// refField: is v in the list? Each item is a start, an inclusive length
// (wrapping past max) and a step.
func refField(s string, v, lo, hi int, names []string) bool {
	if s == "?" {
		return true
	}
	span := hi - lo + 1
	for _, item := range strings.Split(s, ",") {
		rng, stepText, stepped := strings.Cut(item, "/")
		step := 1
		if stepped {
			step, _ = strconv.Atoi(stepText)
		}
		start, end := lo, hi
		switch {
		case rng == "*":
		case strings.Contains(rng, "-"):
			a, z, _ := strings.Cut(rng, "-")
			start, end = refValue(a, names), refValue(z, names)
		default:
			start = refValue(rng, names)
			if !stepped {
				end = start
			}
		}
		length := ((end-start)%span + span) % span
		off := ((v-start)%span + span) % span
		if off <= length && off%step == 0 {
			return true
		}
	}
	return false
}

func isWeekday(t time.Time) bool { return t.Weekday() != time.Saturday && t.Weekday() != time.Sunday }

func refDayOfMonth(s string, w time.Time, last int) bool {
	day := w.Day()
	at := func(d int) time.Time { return time.Date(w.Year(), w.Month(), d, 0, 0, 0, 0, time.UTC) }
	switch {
	case s == "?":
		return true
	case s == "L":
		return day == last
	case strings.HasPrefix(s, "L-"):
		n, _ := strconv.Atoi(s[2:])
		return day == last-n
	case s == "LW":
		d := last
		for !isWeekday(at(d)) {
			d--
		}
		return day == d
	case strings.HasSuffix(s, "W"):
		n, _ := strconv.Atoi(strings.TrimSuffix(s, "W"))
		if n > last {
			return false
		}
		// The nearest weekday inside the month, the earlier one on a tie.
		for dist := 0; dist <= 2; dist++ {
			for _, d := range []int{n - dist, n + dist} {
				if d >= 1 && d <= last && isWeekday(at(d)) {
					return day == d
				}
			}
		}
		return false
	}
	return refField(s, day, 1, 31, nil)
}

func refDayOfWeek(s string, w time.Time, last int) bool {
	wd := int(w.Weekday()) + 1
	switch {
	case s == "?":
		return true
	case s == "L":
		return wd == 7
	case strings.Contains(s, "#"):
		d, k, _ := strings.Cut(s, "#")
		n, _ := strconv.Atoi(k)
		return wd == refValue(d, refDays) && (w.Day()-1)/7 == n-1
	case len(s) > 1 && strings.HasSuffix(s, "L"):
		return wd == refValue(strings.TrimSuffix(s, "L"), refDays) && w.Day()+7 > last
	}
	return refField(s, wd, 1, 7, refDays)
}

// refFirings lists, minute by minute, the instants in (after, until] at
// which r fires in loc: the wall minute matches and no earlier instant
// (within three hours, longer than any fall-back) showed the same wall
// minute. It knows nothing of resolve.
func refFirings(r refCron, after, until time.Time, loc *time.Location) []time.Time {
	var out []time.Time
	for t := after.Truncate(time.Minute).Add(time.Minute); !t.After(until); t = t.Add(time.Minute) {
		w := t.In(loc)
		if !r.matches(w) {
			continue
		}
		first := true
		for back := 15 * time.Minute; back <= 3*time.Hour; back += 15 * time.Minute {
			p := t.Add(-back).In(loc)
			if p.Year() == w.Year() && p.YearDay() == w.YearDay() && p.Hour() == w.Hour() && p.Minute() == w.Minute() {
				first = false
				break
			}
		}
		if first {
			out = append(out, t)
		}
	}
	return out
}
