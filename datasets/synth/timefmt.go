package synth

// Timestamps are formatted by hand: time.Time.AppendFormat is several times
// slower and the generator formats two or three per video. The output is
// RFC 3339 with whole seconds, in one of three styles that all denote the
// same UTC instant.
const (
	tsUTC    uint8 = iota // 2026-06-01T12:00:00Z
	tsNaive               // 2026-06-01T12:00:00 (no offset: UTC by the data contract)
	tsOffset              // 2026-06-01T14:00:00+02:00
)

// offsets are the non-UTC offsets written in tsOffset style, in minutes.
var offsets = []int16{120, -300, 330, -180, 540, 60, -420, 345}

// appendTime appends the instant unix (seconds since the epoch, UTC) in the
// given style; off is the offset in minutes for tsOffset.
func appendTime(b []byte, unix int64, style uint8, off int16) []byte {
	local := unix
	if style == tsOffset {
		local += int64(off) * 60
	}
	days := floorDiv(local, 86400)
	secs := local - days*86400
	y, m, d := civil(days)
	b = append4(b, int(y))
	b = append(b, '-')
	b = append2(b, m)
	b = append(b, '-')
	b = append2(b, d)
	b = append(b, 'T')
	b = append2(b, int(secs/3600))
	b = append(b, ':')
	b = append2(b, int(secs/60%60))
	b = append(b, ':')
	b = append2(b, int(secs%60))
	switch style {
	case tsUTC:
		b = append(b, 'Z')
	case tsOffset:
		sign := byte('+')
		o := int(off)
		if o < 0 {
			sign, o = '-', -o
		}
		b = append(b, sign)
		b = append2(b, o/60)
		b = append(b, ':')
		b = append2(b, o%60)
	}
	return b
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// civil converts days since 1970-01-01 to a proleptic Gregorian date
// (Howard Hinnant's civil_from_days).
func civil(days int64) (year int64, month, day int) {
	z := days + 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	year = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	day = int(doy - (153*mp+2)/5 + 1)
	if mp < 10 {
		month = int(mp + 3)
	} else {
		month = int(mp - 9)
	}
	if month <= 2 {
		year++
	}
	return year, month, day
}

func append2(b []byte, v int) []byte {
	return append(b, byte('0'+v/10), byte('0'+v%10))
}

func append4(b []byte, v int) []byte {
	return append(b, byte('0'+v/1000%10), byte('0'+v/100%10), byte('0'+v/10%10), byte('0'+v%10))
}

// appendPadded appends prefix and v in decimal, zero-padded to width digits.
func appendPadded(b []byte, prefix byte, v int64, width int) []byte {
	b = append(b, prefix)
	var tmp [20]byte
	i := len(tmp)
	for v >= 10 {
		i--
		tmp[i] = byte('0' + v%10)
		v /= 10
	}
	i--
	tmp[i] = byte('0' + v)
	for n := len(tmp) - i; n < width; n++ {
		b = append(b, '0')
	}
	return append(b, tmp[i:]...)
}
