package sqltext

import (
	"reflect"
	"testing"
)

func TestParams(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"SELECT $a, $b_2::DATE, $1", []string{"a", "b_2", "1"}},
		{"SELECT '$no', \"$no\", $$ $no $$, $t$ $no $t$, a$b -- $no\n/* $no */ $yes", []string{"yes"}},
		{"SELECT $tags::TEXT[] FROM f($tag_set, $tags)", []string{"tags", "tag_set", "tags"}},
		{"SELECT $ , $", nil},
	}
	for _, tt := range tests {
		var got []string
		for _, p := range Params(tt.text) {
			if tt.text[p.Start:p.End] != "$"+p.Name {
				t.Errorf("%q: span %d-%d is %q, want $%s", tt.text, p.Start, p.End, tt.text[p.Start:p.End], p.Name)
			}
			got = append(got, p.Name)
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Params(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}
