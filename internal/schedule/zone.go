package schedule

import "time"

// resolve turns a wall-clock time in loc into the instant a schedule fires,
// by the rule of "Daylight savings time on EventBridge Scheduler": a time
// the spring-forward gap skips does not exist (ok is false), and a time the
// fall-back repeats is its first occurrence only ("runs the schedule only
// once at 2:30 a.m. before the shift occurs").
//
// time.Date picks one of the two instants of a repeated time without
// saying which, so resolve tries the offsets in force a day either side:
// a wall time can only be read with an offset loc uses around it.
func resolve(y int, mo time.Month, d, h, mi, s int, loc *time.Location) (t time.Time, ok bool) {
	if loc == time.UTC {
		return time.Date(y, mo, d, h, mi, s, 0, time.UTC), true
	}
	wall := time.Date(y, mo, d, h, mi, s, 0, time.UTC).Unix()
	guess := time.Date(y, mo, d, h, mi, s, 0, loc)
	_, o1 := guess.Add(-24 * time.Hour).Zone()
	_, o2 := guess.Zone()
	_, o3 := guess.Add(24 * time.Hour).Zone()
	for i, off := range [3]int{o1, o2, o3} {
		if (i == 1 && off == o1) || (i == 2 && (off == o1 || off == o2)) {
			continue
		}
		c := time.Unix(wall-int64(off), 0).In(loc)
		if !sameWall(c, y, mo, d, h, mi, s) {
			continue
		}
		if !ok || c.Before(t) {
			t, ok = c, true
		}
	}
	return t, ok
}

func sameWall(c time.Time, y int, mo time.Month, d, h, mi, s int) bool {
	cy, cmo, cd := c.Date()
	ch, cmi, cs := c.Clock()
	return cy == y && cmo == mo && cd == d && ch == h && cmi == mi && cs == s
}
