package policy

import (
	"math"
	"strconv"
	"strings"
)

// instant is a point in time as seconds and nanoseconds since the Unix
// epoch. It covers every date IAM accepts (years -292275054 to 292278993
// and epoch seconds up to 2^63-1), which time.Time cannot all represent.
type instant struct {
	sec  int64
	nsec int32
}

func (a instant) compare(b instant) int {
	switch {
	case a.sec < b.sec:
		return -1
	case a.sec > b.sec:
		return 1
	case a.nsec < b.nsec:
		return -1
	case a.nsec > b.nsec:
		return 1
	}
	return 0
}

const (
	minYear = -292275054
	maxYear = 292278993
)

// parseDate reads a Date condition value the way IAM's legacy parser does:
// a value holding a "t" or a "-" is an ISO 8601 date-time, any other is
// epoch seconds. The ISO grammar is lenient, as IAM's is: "2019", "01T",
// "2016-12-13t2:00:00.593194+23" are all accepted. The month, day, hour,
// minute, second, fraction and zone are range-checked.
func parseDate(s string) (instant, bool) {
	if strings.ContainsAny(s, "tT-") {
		return parseISODate(strings.ToLower(s))
	}
	n, ok := parseDigits(s)
	if !ok {
		return instant{}, false
	}
	return instant{sec: n}, true
}

func parseISODate(s string) (instant, bool) {
	datePart, timePart, _ := strings.Cut(s, "t")
	neg := strings.HasPrefix(datePart, "-")
	if neg {
		datePart = datePart[1:]
	}
	fields := strings.Split(datePart, "-")
	if len(fields) > 3 {
		return instant{}, false
	}
	year, ok := parseDigits(fields[0])
	if neg {
		year = -year
	}
	if !ok || year < minYear || year > maxYear {
		return instant{}, false
	}
	month, day := int64(1), int64(1)
	if len(fields) > 1 {
		if month, ok = parseRange(fields[1], 1, 12); !ok {
			return instant{}, false
		}
	}
	if len(fields) > 2 {
		if day, ok = parseRange(fields[2], 1, 31); !ok {
			return instant{}, false
		}
	}
	secs, nsec, ok := parseTimeOfDay(timePart)
	if !ok {
		return instant{}, false
	}
	return instant{sec: daysFromCivil(year, month, day)*86400 + secs, nsec: nsec}, true
}

// parseTimeOfDay reads "[hh[:mm[:ss[.frac]]]][z|±hh[:mm]]" and returns the
// seconds since midnight UTC.
func parseTimeOfDay(s string) (int64, int32, bool) {
	s, offset, ok := cutZone(s)
	if !ok {
		return 0, 0, false
	}
	fields := strings.Split(s, ":")
	if len(fields) > 3 {
		return 0, 0, false
	}
	var h, m, sec int64
	var nsec int32
	if fields[0] != "" {
		if h, ok = parseRange(fields[0], 0, 23); !ok {
			return 0, 0, false
		}
	}
	if len(fields) > 1 {
		if m, ok = parseRange(fields[1], 0, 59); !ok {
			return 0, 0, false
		}
	}
	if len(fields) > 2 {
		whole, frac, hasFrac := strings.Cut(fields[2], ".")
		if sec, ok = parseRange(whole, 0, 59); !ok {
			return 0, 0, false
		}
		if hasFrac {
			if nsec, ok = parseFraction(frac); !ok {
				return 0, 0, false
			}
		}
	}
	return h*3600 + m*60 + sec - offset, nsec, true
}

// cutZone removes a trailing zone designator and returns its offset east
// of UTC in seconds. The hour of an offset has two digits, as IAM requires.
func cutZone(s string) (string, int64, bool) {
	if rest, ok := strings.CutSuffix(s, "z"); ok {
		return rest, 0, true
	}
	i := strings.LastIndexAny(s, "+-")
	if i < 0 {
		return s, 0, true
	}
	sign := int64(1)
	if s[i] == '-' {
		sign = -1
	}
	hh, mm, hasMin := strings.Cut(s[i+1:], ":")
	if len(hh) != 2 {
		return "", 0, false
	}
	h, ok := parseRange(hh, 0, 23)
	if !ok {
		return "", 0, false
	}
	var m int64
	if hasMin {
		if len(mm) != 2 {
			return "", 0, false
		}
		if m, ok = parseRange(mm, 0, 59); !ok {
			return "", 0, false
		}
	}
	return s[:i], sign * (h*3600 + m*60), true
}

// parseFraction reads the digits after a decimal point. IAM accepts any
// digit string whose integer value is at most 999999999; digits past the
// ninth are below a nanosecond and dropped.
func parseFraction(s string) (int32, bool) {
	v, ok := parseDigits(s)
	if !ok || v > 999999999 {
		return 0, false
	}
	if len(s) > 9 {
		s = s[:9]
	}
	n, _ := strconv.Atoi(s + strings.Repeat("0", 9-len(s)))
	return int32(n), true
}

func parseRange(s string, lo, hi int64) (int64, bool) {
	v, ok := parseDigits(s)
	return v, ok && lo <= v && v <= hi
}

// parseDigits reads a non-empty run of ASCII digits into an int64.
func parseDigits(s string) (int64, bool) {
	if s == "" {
		return 0, false
	}
	var v int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		d := int64(c - '0')
		if v > (math.MaxInt64-d)/10 {
			return 0, false
		}
		v = v*10 + d
	}
	return v, true
}

// daysFromCivil returns the days since 1970-01-01 of a proleptic Gregorian
// date (Howard Hinnant's algorithm). Days past a month's end roll over.
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// number is a Numeric condition value: exact for integers that fit an
// int64, a float64 otherwise.
type number struct {
	isInt bool
	i     int64
	f     float64
}

// parseNumber accepts an optionally signed decimal with an optional
// fraction and exponent. It refuses what strconv.ParseFloat would also
// take but IAM would not: hex, NaN, Inf, underscores.
func parseNumber(s string) (number, bool) {
	if !isDecimal(s) {
		return number{}, false
	}
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return number{isInt: true, i: i, f: float64(i)}, true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) {
		return number{}, false
	}
	return number{f: f}, true
}

func isDecimal(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for ; i < len(s) && '0' <= s[i] && s[i] <= '9'; i++ {
		digits++
	}
	if i < len(s) && s[i] == '.' {
		for i++; i < len(s) && '0' <= s[i] && s[i] <= '9'; i++ {
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		start := i
		for ; i < len(s) && '0' <= s[i] && s[i] <= '9'; i++ {
		}
		if i == start {
			return false
		}
	}
	return i == len(s)
}

func (a number) compare(b number) int {
	if a.isInt && b.isInt {
		switch {
		case a.i < b.i:
			return -1
		case a.i > b.i:
			return 1
		}
		return 0
	}
	switch {
	case a.f < b.f:
		return -1
	case a.f > b.f:
		return 1
	}
	return 0
}
