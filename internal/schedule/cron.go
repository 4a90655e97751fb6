package schedule

import (
	"errors"
	"strings"
	"time"
)

// Cron is a cron(minutes hours day-of-month month day-of-week year)
// expression, evaluated at whole minutes of a time zone's wall clock.
type Cron struct {
	expr    string
	minutes uint64 // bits 0..59
	hours   uint64 // bits 0..23
	months  uint64 // bits 1..12
	years   bitset // bit y-1970
	dom     dayOfMonth
	dow     dayOfWeek
}

func (c Cron) String() string { return c.expr }

// parseCron parses the fields. PutRule needs all six ("Cron expressions
// have six required fields"); the Scheduler guide makes the year optional
// ("five required fields ... and one optional field, year"). Names and the
// letters L, W are read in any case, as Quartz reads them.
func parseCron(expr, body string, d dialect) (Expression, error) {
	fields := strings.Split(strings.ToUpper(body), " ")
	// Fields are separated by white space; runs of spaces are allowed
	// between them but not before the first or after the last, matching
	// AWS's refusal of "rate( 10 minutes )".
	fields = compact(fields)
	if fields == nil {
		return nil, errors.New("cron fields must be separated by single runs of spaces, with none at either end")
	}
	switch {
	case len(fields) == 5 && d == scheduler:
		fields = append(fields, "*")
	case len(fields) != 6:
		return nil, errors.New("cron needs six fields: minutes hours day-of-month month day-of-week year")
	}
	c := Cron{expr: expr}
	var err error
	var b bitset
	if b, err = minutesField.parseSet(fields[0]); err != nil {
		return nil, err
	}
	c.minutes = b.word()
	if b, err = hoursField.parseSet(fields[1]); err != nil {
		return nil, err
	}
	c.hours = b.word()
	if c.dom, err = parseDayOfMonth(fields[2]); err != nil {
		return nil, err
	}
	if b, err = monthField.parseSet(fields[3]); err != nil {
		return nil, err
	}
	c.months = b.word()
	if c.dow, err = parseDayOfWeek(fields[4]); err != nil {
		return nil, err
	}
	if c.years, err = yearField.parseSet(fields[5]); err != nil {
		return nil, err
	}
	if err := checkDays(c.dom, c.dow); err != nil {
		return nil, err
	}
	// A cron that can never fire (cron(0 0 30 2 ? *), or years already
	// past) is still valid: AWS accepts cron(15 10 ? * 6L 2002-2005).
	return c, nil
}

// compact drops the empty strings runs of spaces leave between fields and
// returns nil if the body starts or ends with a space or is empty.
func compact(fields []string) []string {
	if len(fields) == 0 || fields[0] == "" || fields[len(fields)-1] == "" {
		return nil
	}
	out := fields[:0]
	for _, f := range fields {
		if f != "" {
			out = append(out, f)
		}
	}
	return out
}

// Next returns the first whole minute strictly after after whose wall-clock
// time in loc matches every field. A wall time the spring-forward gap skips
// never fires, and one the fall-back repeats fires at its first instant
// only (see resolve). The scan walks the calendar from the wall time of
// after, jumping field by field; it reads the wall time of after and not
// the next minute, so that a candidate is accepted by comparing instants,
// which stays right inside a repeated hour.
func (c Cron) Next(after time.Time, loc *time.Location) (time.Time, bool) {
	if loc == nil {
		loc = time.UTC
	}
	w := after.In(loc)
	y, mo, d := w.Date()
	h, mi := w.Hour(), w.Minute()
	if y < minYear {
		y, mo, d, h, mi = minYear, time.January, 1, 0, 0
	}
	// Each loop's post statement resets the fields below it, so only the
	// first pass through a level starts mid-way.
	for ; y <= maxYear; y, mo, d, h, mi = y+1, time.January, 1, 0, 0 {
		if !c.years.has(y - minYear) {
			continue
		}
		for ; mo <= time.December; mo, d, h, mi = mo+1, 1, 0, 0 {
			if c.months&(1<<mo) == 0 {
				continue
			}
			days := monthDays(c.dom, c.dow, y, mo)
			for ; ; d, h, mi = d+1, 0, 0 {
				nd := nextBit(days, d)
				if nd < 0 {
					break
				}
				if nd != d {
					d, h, mi = nd, 0, 0
				}
				for ; ; h, mi = h+1, 0 {
					nh := nextBit(c.hours, h)
					if nh < 0 {
						break
					}
					if nh != h {
						h, mi = nh, 0
					}
					for ; ; mi++ {
						if mi = nextBit(c.minutes, mi); mi < 0 {
							break
						}
						if t, ok := resolve(y, mo, d, h, mi, 0, loc); ok && t.After(after) {
							return t, true
						}
					}
				}
			}
		}
	}
	return time.Time{}, false
}
