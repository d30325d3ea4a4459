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

func TestHasControl(t *testing.T) {
	cases := []struct {
		s    string
		want bool
	}{
		{s: "", want: false},
		{s: "GET / HTTP/1.1 ", want: false},
		{s: "\x1f", want: true},
		{s: "0123456789abcdef\t", want: true},
		{s: "01234567\n9abcdef", want: true},
		{s: "\x7f\x80\xff\xe2\x80\x94 plain UTF-8 and DEL", want: false},
		{s: "\x20\x20\x20\x20\x20\x20\x20\x20\x20", want: false},
		{s: "\x00aaaaaaa", want: true},
		{s: "aaaaaaa\x00", want: true},
		{s: "\xa0\xa0\xa0\xa0\xa0\xa0\xa0\x1f", want: true},
	}
	for _, c := range cases {
		if got := hasControl([]byte(c.s)); got != c.want {
			t.Errorf("hasControl(%q) = %v, want %v", c.s, got, c.want)
		}
	}
	// Every byte value at every position of a word and its tail.
	for n := 1; n <= 17; n++ {
		for pos := 0; pos < n; pos++ {
			for b := 0; b < 256; b++ {
				s := make([]byte, n)
				for i := range s {
					s[i] = 'a'
				}
				s[pos] = byte(b)
				if got := hasControl(s); got != (b < 0x20) {
					t.Fatalf("hasControl(%q) = %v", s, got)
				}
			}
		}
	}
}
