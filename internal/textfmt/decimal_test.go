package textfmt

import (
	"math"
	"math/big"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/decimal256"
)

func TestAppendDecimal(t *testing.T) {
	cases := []struct {
		v     int64
		scale int32
		want  string
	}{
		{1230, 2, "12.30"},
		{-5, 2, "-0.05"},
		{0, 2, "0.00"},
		{0, 0, "0"},
		{0, -2, "0"},
		{42, 0, "42"},
		{-7, 0, "-7"},
		{12, -3, "12000"},
		{-123456, 2, "-1234.56"},
		{5, 1, "0.5"},
		{123, 3, "0.123"},
		{math.MaxInt64, 0, "9223372036854775807"},
		{math.MinInt64, 0, "-9223372036854775808"},
		{math.MinInt64, 19, "-0.9223372036854775808"},
		{math.MinInt64, 20, "-0.09223372036854775808"},
	}
	for _, tc := range cases {
		if got := string(AppendDecimalInt64(nil, tc.v, tc.scale)); got != tc.want {
			t.Errorf("int64 %d scale %d: got %s, want %s", tc.v, tc.scale, got, tc.want)
		}
		if got := string(AppendDecimal128(nil, decimal128.FromI64(tc.v), tc.scale)); got != tc.want {
			t.Errorf("decimal128 %d scale %d: got %s, want %s", tc.v, tc.scale, got, tc.want)
		}
		if got := string(AppendDecimal256(nil, decimal256.FromI64(tc.v), tc.scale)); got != tc.want {
			t.Errorf("decimal256 %d scale %d: got %s, want %s", tc.v, tc.scale, got, tc.want)
		}
	}
}

func TestAppendDecimalBeyondInt64(t *testing.T) {
	big76, _ := new(big.Int).SetString("-9999999999999999999999999999999999999999999999999999999999999999999999999999", 10)
	cases := []struct {
		name string
		got  []byte
		want string
	}{
		{"max int64 + 1", AppendDecimal128(nil, decimal128.New(0, 1<<63), 2), "92233720368547758.08"},
		{"min int64 - 1", AppendDecimal128(nil, decimal128.FromI64(math.MinInt64).Sub(decimal128.FromU64(1)), 0), "-9223372036854775809"},
		{"38 nines", AppendDecimal128(nil, decimal128.GetMaxValue(38), 4), "9999999999999999999999999999999999.9999"},
		{"-38 nines", AppendDecimal128(nil, decimal128.GetMaxValue(38).Negate(), 38), "-0.99999999999999999999999999999999999999"},
		{"76 digits", AppendDecimal256(nil, decimal256.FromBigInt(big76), 2),
			"-99999999999999999999999999999999999999999999999999999999999999999999999999.99"},
		{"appends", AppendDecimal128([]byte("x="), decimal128.New(1, 0), 0), "x=18446744073709551616"},
	}
	for _, tc := range cases {
		if string(tc.got) != tc.want {
			t.Errorf("%s: got %s, want %s", tc.name, tc.got, tc.want)
		}
	}
}

func BenchmarkAppendDecimal128(b *testing.B) {
	n := decimal128.FromI64(-123456789)
	var buf []byte
	for b.Loop() {
		buf = AppendDecimal128(buf[:0], n, 2)
	}
}
