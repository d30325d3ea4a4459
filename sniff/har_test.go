package sniff

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"
)

// The golden files are the reference script's output (the old tool's loop
// over every entry):
//
//	python3 sniff/testdata/harlinks.py samples/session.har 50000 > sniff/testdata/session.har.golden
//	python3 sniff/testdata/harlinks.py samples/session.har 1000000 > sniff/testdata/session.har.1s.golden
func TestHARLinksGolden(t *testing.T) {
	tests := []struct {
		name   string
		delta  int64
		golden string
	}{
		{
			name:   "default delta",
			delta:  DefaultHARDelta,
			golden: "testdata/session.har.golden",
		},
		{
			name:   "one second",
			delta:  1000000,
			golden: "testdata/session.har.1s.golden",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := os.Open("../samples/session.har")
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			h, err := ReadHAR(f)
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			err = h.Links(tt.delta, func(msg []byte) error {
				got.Write(msg)
				got.WriteByte('\n')
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(tt.golden)
			if err != nil {
				t.Fatal(err)
			}
			if got.String() != string(want) {
				t.Errorf(
					"links differ from %s:\n got:\n%s\nwant:\n%s",
					tt.golden, got.String(), want)
			}
		})
	}
}

// harDoc builds a HAR with one entry per start time.
func harDoc(browser string, starts ...string) string {
	var b strings.Builder
	b.WriteString(`{"log":{`)
	if browser != "" {
		fmt.Fprintf(&b, `"browser":{"name":%q},`, browser)
	}
	b.WriteString(`"entries":[`)
	for i, s := range starts {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"startedDateTime":%q,"time":%d,"serverIPAddress":"10.0.0.%d","request":{"url":"http://h/%d"}}`, s, i+1, i+1, i)
	}
	b.WriteString(`]}}`)
	return b.String()
}

// bucketNodes returns the source of every bucket→server link: the bucket
// each entry was put in.
func bucketNodes(t *testing.T, doc string, delta int64) []string {
	t.Helper()
	h, err := ReadHAR(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	var nodes []string
	err = h.Links(delta, func(msg []byte) error {
		if bytes.Contains(msg, []byte(`"targetGroup": "server"`)) {
			src, _, _ := strings.Cut(strings.TrimPrefix(string(msg), `{"source": "`), `"`)
			nodes = append(nodes, src)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return nodes
}

func TestHARBuckets(t *testing.T) {
	tests := []struct {
		name   string
		delta  int64
		starts []string
		want   []string
	}{
		{
			name:   "exactly delta stays in the bucket",
			delta:  50000,
			starts: []string{"2024-03-14T09:26:53.100+01:00", "2024-03-14T09:26:53.150+01:00"},
			want:   []string{"B_2024-03-14T09:26:53.100000+01:00", "B_2024-03-14T09:26:53.100000+01:00"},
		},
		{
			name:   "one microsecond more starts a bucket",
			delta:  50000,
			starts: []string{"2024-03-14T09:26:53.100000+01:00", "2024-03-14T09:26:53.150001+01:00"},
			want:   []string{"B_2024-03-14T09:26:53.100000+01:00", "B_2024-03-14T09:26:53.150001+01:00"},
		},
		{
			name:   "measured from the bucket start, not the last entry",
			delta:  50000,
			starts: []string{"2024-03-14T09:26:53.100Z", "2024-03-14T09:26:53.130Z", "2024-03-14T09:26:53.160Z"},
			want:   []string{"B_2024-03-14T09:26:53.100000+00:00", "B_2024-03-14T09:26:53.100000+00:00", "B_2024-03-14T09:26:53.160000+00:00"},
		},
		{
			name:   "earlier entry beyond delta starts a bucket",
			delta:  50000,
			starts: []string{"2024-03-14T09:26:53.200Z", "2024-03-14T09:26:53.100Z"},
			want:   []string{"B_2024-03-14T09:26:53.200000+00:00", "B_2024-03-14T09:26:53.100000+00:00"},
		},
		{
			name:   "offsets compare as instants",
			delta:  50000,
			starts: []string{"2024-03-14T09:26:53.100+01:00", "2024-03-14T08:26:53.120Z"},
			want:   []string{"B_2024-03-14T09:26:53.100000+01:00", "B_2024-03-14T09:26:53.100000+01:00"},
		},
		{
			name:   "sub-microsecond digits are dropped",
			delta:  0,
			starts: []string{"2024-03-14T09:26:53.1234567-05:30", "2024-03-14T09:26:53.1234569-05:30"},
			want:   []string{"B_2024-03-14T09:26:53.123456-05:30", "B_2024-03-14T09:26:53.123456-05:30"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := bucketNodes(t, harDoc("B", tt.starts...), tt.delta)
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf(
					"buckets\n got %q\nwant %q",
					got, tt.want)
			}
		})
	}
}

func TestHARTimeISOFormat(t *testing.T) {
	// Expected values are dateutil.parser.parse(s).isoformat().
	tests := []struct {
		in   string
		want string
	}{
		{
			in:   "2024-03-14T09:26:53Z",
			want: "2024-03-14T09:26:53+00:00",
		},
		{
			in:   "2024-03-14T09:26:53.000+01:00",
			want: "2024-03-14T09:26:53+01:00",
		},
		{
			in:   "2024-03-14T09:26:53.1234567-05:30",
			want: "2024-03-14T09:26:53.123456-05:30",
		},
		{
			in:   "2024-03-14 09:26:53.5",
			want: "2024-03-14T09:26:53.500000",
		},
		{
			in:   "2024-03-14T09:26:53.000001+0000",
			want: "2024-03-14T09:26:53.000001+00:00",
		},
		{
			in:   "2024-03-14T09:26+02:00",
			want: "2024-03-14T09:26:00+02:00",
		},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			ht, err := parseHARTime(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := string(ht.appendISO(nil)); got != tt.want {
				t.Errorf(
					"isoformat %q, want %q",
					got, tt.want)
			}
		})
	}
	for _, bad := range []string{"", "yesterday", "2024-02-30T00:00:00Z", "2024-03-14T25:00:00Z", "2024-03-14T09:26:53+5"} {
		if _, err := parseHARTime(bad); err == nil {
			t.Errorf(
				"parseHARTime(%q) accepted",
				bad)
		}
	}
}

func TestPythonJSON(t *testing.T) {
	// Expected values are json.dumps(json.loads(s)).
	numbers := []struct {
		in   string
		want string
	}{
		{in: "0", want: "0"},
		{in: "-0", want: "0"},
		{in: "97", want: "97"},
		{in: "40.5", want: "40.5"},
		{in: "1.0", want: "1.0"},
		{in: "1e3", want: "1000.0"},
		{in: "-0.0", want: "-0.0"},
		{in: "0.0001", want: "0.0001"},
		{in: "0.00001", want: "1e-05"},
		{in: "123456789012345678", want: "123456789012345678"},
		{in: "1e16", want: "1e+16"},
		{in: "1.5e16", want: "1.5e+16"},
		{in: "9999999999999998.0", want: "9999999999999998.0"},
		{in: "2.675", want: "2.675"},
		{in: "1e-7", want: "1e-07"},
		{in: "-12.25", want: "-12.25"},
		{in: "1E400", want: "Infinity"},
		{in: "3.14159265358979323846", want: "3.141592653589793"},
	}
	for _, tt := range numbers {
		if got := string(appendPyNumber(nil, tt.in)); got != tt.want {
			t.Errorf(
				"number %s: got %s, want %s",
				tt.in, got, tt.want)
		}
	}
	s := "naïve “q” \u2028 \x7f \x01 😀 \\ \""
	want := `"na\u00efve \u201cq\u201d \u2028 \u007f \u0001 \ud83d\ude00 \\ \""`
	if got := string(appendPyString(nil, s)); got != want {
		t.Errorf(
			"string\n got %s\nwant %s",
			got, want)
	}
}

func TestHARBrowserAndSkips(t *testing.T) {
	doc := `{"log":{"entries":[
		{"startedDateTime":"2024-01-01T00:00:00Z","time":1,"request":{"url":"data:,"}},
		{"startedDateTime":"2024-01-01T00:00:00Z","time":2.5,"serverIPAddress":"::1","request":{"url":"http://a/"}}]}}`
	h, err := ReadHAR(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	if err := h.Links(DefaultHARDelta, func(m []byte) error { msgs = append(msgs, string(m)); return nil }); err != nil {
		t.Fatal(err)
	}
	want := []string{
		`{"source": "SomeBrowser_2024-01-01T00:00:00+00:00", "sourceGroup": "browser", "target": "::1", "targetGroup": "server", "time": "2024-01-01T00:00:00Z", "value": 2.5}`,
		`{"source": "SomeBrowser_2024-01-01T00:00:00+00:00", "sourceGroup": "browser", "target": "http://a/", "targetGroup": "url", "time": "2024-01-01T00:00:00Z", "value": 2.5}`,
		`{"source": "http://a/", "target": "::1", "time": "2024-01-01T00:00:00Z", "value": 2.5}`,
	}
	if fmt.Sprint(msgs) != fmt.Sprint(want) {
		t.Errorf(
			"messages\n got %q\nwant %q",
			msgs, want)
	}
	for _, bad := range []string{
		`{"log":{"entries":[{"startedDateTime":"soon","serverIPAddress":"1.2.3.4","request":{"url":"x"}}]}}`,
		`{"log":{"entries":[{"startedDateTime":"2024-01-01T00:00:00Z","serverIPAddress":"1.2.3.4"}]}}`,
		`{"log":`,
	} {
		if _, err := ReadHAR(strings.NewReader(bad)); err == nil {
			t.Errorf(
				"ReadHAR accepted %s",
				bad)
		}
	}
}
