package textfmt

import (
	"encoding/json"
	"testing"
)

func TestAppendJSONString(t *testing.T) {
	cases := []struct{ in, want string }{
		{"plain", `"plain"`},
		{`q"b\`, `"q\"b\\"`},
		{"\n\r\t\x01\x1f", `"\n\r\t\u0001\u001f"`},
		{"ünï €", `"ünï €"`},
		{"bad\xffutf8", `"bad\ufffdutf8"`},
		{"\xe2\x82", `"\ufffd\ufffd"`},
		{"ls\u2028ps\u2029", `"ls\u2028ps\u2029"`},
		{"", `""`},
	}
	for _, tc := range cases {
		got := string(AppendJSONString([]byte("{"), tc.in))
		if got != "{"+tc.want {
			t.Errorf("%q: got %s, want {%s", tc.in, got, tc.want)
			continue
		}
		var back string
		if err := json.Unmarshal([]byte(tc.want), &back); err != nil {
			t.Errorf("%q: %s is not valid JSON: %v", tc.in, tc.want, err)
		}
	}
}
