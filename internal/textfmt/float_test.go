package textfmt

import (
	"math"
	"math/rand"
	"strconv"
	"testing"
)

func TestAppendFloat(t *testing.T) {
	cases := []struct {
		v     float64
		bits  int
		plain string // format 0, the CLI's
		point string // FloatPoint, the files'
		json  string // FloatJSON|FloatPoint
	}{
		{25.575154611454693, 64, "25.575154611454693", "25.575154611454693", "25.575154611454693"},
		{0.05008133906964238, 64, "0.05008133906964238", "0.05008133906964238", "0.05008133906964238"},
		{0, 64, "0", "0.0", "0.0"},
		{math.Copysign(0, -1), 64, "-0", "-0.0", "-0.0"},
		{1, 64, "1", "1.0", "1.0"},
		{-1.5, 64, "-1.5", "-1.5", "-1.5"},
		{1e-5, 64, "0.00001", "0.00001", "0.00001"},
		{1e-7, 64, "1e-07", "1e-07", "1e-07"},
		{1e15 - 1, 64, "999999999999999", "999999999999999.0", "999999999999999.0"},
		{1e15, 64, "1e+15", "1e+15", "1e+15"},
		{1e20, 64, "1e+20", "1e+20", "1e+20"},
		{123456789012345.6, 64, "123456789012345.6", "123456789012345.6", "123456789012345.6"},
		{float64(float32(0.1)), 32, "0.1", "0.1", "0.1"},
		{float64(float32(3)), 32, "3", "3.0", "3.0"},
		{math.NaN(), 64, "NaN", "NaN", `"NaN"`},
		{math.Inf(1), 64, "Infinity", "Infinity", `"Infinity"`},
		{math.Inf(-1), 64, "-Infinity", "-Infinity", `"-Infinity"`},
	}
	for _, tc := range cases {
		for _, f := range []struct {
			format FloatFormat
			want   string
		}{{0, tc.plain}, {FloatPoint, tc.point}, {FloatJSON | FloatPoint, tc.json}} {
			if got := string(AppendFloat([]byte("x"), tc.v, tc.bits, f.format)); got != "x"+f.want {
				t.Errorf("%v (%d bits, format %d): got %q, want %q", tc.v, tc.bits, f.format, got, "x"+f.want)
			}
		}
	}
	if got := string(AppendFloat(nil, 2, 64, FloatJSON)); got != "2" {
		t.Errorf("FloatJSON alone added a point: %s", got)
	}
}

// TestFloatRoundTrips checks that every rendered double reads back as the
// same value, with and without FloatPoint.
func TestFloatRoundTrips(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	for i := 0; i < 20000; i++ {
		v := math.Float64frombits(rng.Uint64())
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		for _, format := range []FloatFormat{0, FloatPoint} {
			s := string(AppendFloat(nil, v, 64, format))
			back, err := strconv.ParseFloat(s, 64)
			if err != nil || back != v {
				t.Fatalf("%v rendered %q, read back %v (%v)", v, s, back, err)
			}
		}
	}
}
