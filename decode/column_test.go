package decode

import (
	"strconv"
	"testing"
)

func TestAppendDecimal(t *testing.T) {
	cases := []struct {
		v uint64
	}{
		{v: 0},
		{v: 7},
		{v: 10},
		{v: 99},
		{v: 100},
		{v: 999},
		{v: 1000},
		{v: 65535},
		{v: 1<<32 - 1},
		{v: 10000000000000000000},
		{v: 1<<64 - 1},
	}
	for _, c := range cases {
		want := "x" + strconv.FormatUint(c.v, 10)
		if got := string(appendDecimal([]byte("x"), c.v)); got != want {
			t.Errorf("appendDecimal(%d) = %q, want %q", c.v, got, want)
		}
	}
	for v := uint64(0); v < 100000; v += 7 {
		if got, want := string(appendDecimal(nil, v)), strconv.FormatUint(v, 10); got != want {
			t.Fatalf("appendDecimal(%d) = %q, want %q", v, got, want)
		}
	}
}

func TestColumnAppendUintLimit(t *testing.T) {
	c := column{max: 8}
	c.appendStr("abcde")
	c.appendUint(123456)
	if got := c.String(); got != "abcde123" {
		t.Errorf("column = %q, want the number cut at the limit", got)
	}
}
