package value

import "testing"

func TestParseLiteral64(t *testing.T) {
	for _, tc := range []struct {
		digits string
		signed bool
		want   uint64
	}{
		{"5", false, 5},
		{"0xff", false, 255},
		{"0XFF", true, 255},
		{"18446744073709551615", false, 1<<64 - 1},
		{"9223372036854775807", true, 1<<63 - 1},
		{"0xffffffffffffffff", true, 1<<64 - 1}, // -1LL
	} {
		if got, err := ParseLiteral64(tc.digits, tc.signed); err != nil || got != tc.want {
			t.Errorf("ParseLiteral64(%q, %v) = %d, %v; want %d", tc.digits, tc.signed, got, err, tc.want)
		}
	}
}
