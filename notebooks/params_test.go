package notebooks

import (
	"reflect"
	"testing"
	"time"
)

// TestConvertParam: notebook parameters parse as saved queries' do
// (queries.Type.ParseValue, fuzzed there as FuzzParseValue), under the
// notebook's type names.
func TestConvertParam(t *testing.T) {
	tests := []struct {
		typ, raw string
		want     any
		wantErr  bool
	}{
		{"", "omegle", "omegle", false},
		{"string", " a b ", " a b ", false},
		{"int", " 42 ", int64(42), false},
		{"int", "4.2", nil, true},
		{"float", "0.05", 0.05, false},
		{"float", "NaN", nil, true},
		{"bool", "yes", true, false},
		{"bool", "maybe", nil, true},
		{"date", "2026-02-01", time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), false},
		{"timestamp", "2026-02-01 12:30:00", time.Date(2026, 2, 1, 12, 30, 0, 0, time.UTC), false},
		{"timestamp", "2026-02-01T12:30:00+01:00", time.Date(2026, 2, 1, 11, 30, 0, 0, time.UTC), false},
		{"strings", "omegle, omegel", []string{"omegle", "omegel"}, false},
		{"strings", `a\,b,c`, []string{"a,b", "c"}, false},
		{"strings", "", []string{}, false},
		{"list<tag>", "x", nil, true},
	}
	for _, tt := range tests {
		got, err := ConvertParam(Param{Name: "p", Type: tt.typ}, tt.raw)
		if (err != nil) != tt.wantErr || (!tt.wantErr && !reflect.DeepEqual(got, tt.want)) {
			t.Errorf("ConvertParam(%s, %q) = %#v, %v; want %#v (error %v)", tt.typ, tt.raw, got, err, tt.want, tt.wantErr)
		}
	}
}
