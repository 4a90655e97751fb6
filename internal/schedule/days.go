package schedule

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// The day fields. AWS's cron is Quartz's: exactly one of day-of-month and
// day-of-week is "?" ("If you specify a value or a * (asterisk) in one of
// the fields, you must use a ? (question mark) in the other"), and the
// special forms L, W and # stand alone in their field ("If you use a '#'
// character, you can define only one expression in the day-of-week field").

type domKind uint8

const (
	domAny         domKind = iota // "?": day-of-week decides
	domSet                        // numbers, ranges, lists, steps, "*"
	domLast                       // "L" or "L-n": n days before the last day
	domNearest                    // "nW": the weekday nearest day n
	domLastWeekday                // "LW": the last weekday
)

type dayOfMonth struct {
	kind domKind
	days uint64 // domSet: bits 1..31
	n    int    // domLast: offset; domNearest: the day
}

type dowKind uint8

const (
	dowAny  dowKind = iota // "?": day-of-month decides
	dowSet                 // weekdays 1 (SUN) .. 7 (SAT); "L" alone is 7
	dowLast                // "nL": the last weekday n of the month
	dowNth                 // "n#k": the k-th weekday n of the month
)

type dayOfWeek struct {
	kind     dowKind
	weekdays uint64 // dowSet: bits 1..7
	weekday  int    // dowLast, dowNth: 1..7
	nth      int    // dowNth: 1..5
}

func parseDayOfMonth(s string) (dayOfMonth, error) {
	switch {
	case s == "?":
		return dayOfMonth{kind: domAny}, nil
	case s == "L":
		return dayOfMonth{kind: domLast}, nil
	case s == "LW":
		return dayOfMonth{kind: domLastWeekday}, nil
	case strings.HasPrefix(s, "L-"):
		// "L-3", the third-to-last day, is Quartz's; the AWS tables list
		// only L, but AWS's cron follows Quartz.
		n, err := number(s[2:])
		if err != nil || n > 30 {
			return dayOfMonth{}, fmt.Errorf("day-of-month %q: want L-n with n from 0 to 30", s)
		}
		return dayOfMonth{kind: domLast, n: n}, nil
	case strings.HasSuffix(s, "W"):
		n, err := domField.value(s[:len(s)-1])
		if err != nil {
			return dayOfMonth{}, fmt.Errorf("day-of-month %q: %w", s, err)
		}
		return dayOfMonth{kind: domNearest, n: n}, nil
	case strings.ContainsAny(s, "LW#?"):
		return dayOfMonth{}, fmt.Errorf("day-of-month %q: L, W and ? stand alone", s)
	}
	b, err := domField.parseSet(s)
	return dayOfMonth{kind: domSet, days: b.word()}, err
}

func parseDayOfWeek(s string) (dayOfWeek, error) {
	switch {
	case s == "?":
		return dayOfWeek{kind: dowAny}, nil
	case s == "L":
		// The last day of the week is Saturday, as in Quartz.
		return dayOfWeek{kind: dowSet, weekdays: 1 << 7}, nil
	case strings.Contains(s, "#"):
		d, k, _ := strings.Cut(s, "#")
		wd, err := dowField.value(d)
		if err != nil {
			return dayOfWeek{}, fmt.Errorf("day-of-week %q: %w", s, err)
		}
		n, err := number(k)
		if err != nil || n < 1 || n > 5 {
			return dayOfWeek{}, fmt.Errorf("day-of-week %q: want d#n with n from 1 to 5, alone in the field", s)
		}
		return dayOfWeek{kind: dowNth, weekday: wd, nth: n}, nil
	case len(s) > 1 && strings.HasSuffix(s, "L"):
		wd, err := dowField.value(s[:len(s)-1])
		if err != nil {
			return dayOfWeek{}, fmt.Errorf("day-of-week %q: want dL, alone in the field: %w", s, err)
		}
		return dayOfWeek{kind: dowLast, weekday: wd}, nil
	case strings.ContainsAny(s, "L?"):
		return dayOfWeek{}, fmt.Errorf("day-of-week %q: L and ? stand alone", s)
	}
	b, err := dowField.parseSet(s)
	return dayOfWeek{kind: dowSet, weekdays: b.word()}, err
}

// checkDays enforces the one-"?" rule.
func checkDays(dom dayOfMonth, dow dayOfWeek) error {
	if (dom.kind == domAny) == (dow.kind == dowAny) {
		return errors.New("exactly one of day-of-month and day-of-week must be ?")
	}
	return nil
}

// monthDays returns the days of the month on which a cron may fire, as bits
// 1..n, from whichever day field is not "?".
func monthDays(dom dayOfMonth, dow dayOfWeek, y int, m time.Month) uint64 {
	n := daysIn(y, m)
	first := int(time.Date(y, m, 1, 0, 0, 0, 0, time.UTC).Weekday()) // 0 is Sunday
	weekday := func(d int) int { return (first + d - 1) % 7 }        // 0 is Sunday
	all := uint64(1)<<(n+1) - 2                                      // bits 1..n
	switch dom.kind {
	case domSet:
		return dom.days & all
	case domLast:
		if d := n - dom.n; d >= 1 {
			return 1 << d
		}
		return 0
	case domLastWeekday:
		d := n
		switch weekday(n) {
		case 6:
			d = n - 1
		case 0:
			d = n - 2
		}
		return 1 << d
	case domNearest:
		if dom.n > n {
			return 0
		}
		return 1 << nearestWeekday(dom.n, n, weekday)
	}
	switch dow.kind {
	case dowSet:
		var days uint64
		for d := 1; d <= n; d++ {
			if dow.weekdays&(1<<(weekday(d)+1)) != 0 {
				days |= 1 << d
			}
		}
		return days
	case dowLast:
		return 1 << (n - (weekday(n)-(dow.weekday-1)+7)%7)
	case dowNth:
		d := 1 + (dow.weekday-1-first+7)%7 + 7*(dow.nth-1)
		if d <= n {
			return 1 << d
		}
	}
	return 0
}

// nearestWeekday is Quartz's nW: day d itself on a weekday; from a Saturday
// the Friday before and from a Sunday the Monday after, never leaving the
// month (1W on a Saturday is Monday the 3rd; the last day on a Sunday gives
// the Friday two days earlier). The caller skips a day the month lacks
// (30W in February): Quartz would spill into the next month, which no AWS
// doc suggests.
func nearestWeekday(d, n int, weekday func(int) int) int {
	switch weekday(d) {
	case 6:
		if d == 1 {
			return 3
		}
		return d - 1
	case 0:
		if d == n {
			return d - 2
		}
		return d + 1
	}
	return d
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
