package sniff

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"sniffws/decode"
)

func TestCSVReader(t *testing.T) {
	tests := []struct {
		name    string
		sep     byte
		input   string
		want    [][7]string
		skipped uint64
	}{
		{
			name:  "tshark quoted line",
			input: "\"4\",\"0.030248\",\"172.16.16.128\",\"74.125.95.104\",\"HTTP\",\"681\",\"GET / HTTP/1.1 \"\n",
			want: [][7]string{
				{"4", "0.030248", "172.16.16.128", "74.125.95.104", "HTTP", "681", "GET / HTTP/1.1 "},
			},
		},
		{
			name:  "commas in info",
			input: "\"1\",\"0.000000\",\"10.0.0.1\",\"10.0.0.2\",\"TCP\",\"74\",\"443 → 5000 [SYN, ACK] Seq=0 Ack=1 Win=65535, MSS=1460\"\n",
			want: [][7]string{
				{"1", "0.000000", "10.0.0.1", "10.0.0.2", "TCP", "74", "443 → 5000 [SYN, ACK] Seq=0 Ack=1 Win=65535, MSS=1460"},
			},
		},
		{
			name:  "quotes in info are kept",
			input: "\"7\",\"1.5\",\"a\",\"b\",\"DNS\",\"80\",\"Standard query 0x1 TXT \"v=spf1\", \"x\"\"\n",
			want: [][7]string{
				{"7", "1.5", "a", "b", "DNS", "80", "Standard query 0x1 TXT \"v=spf1\", \"x\""},
			},
		},
		{
			name:  "separator inside a quoted early field",
			input: "\"2\",\"0.1\",\"Vendor, Inc_01:02:03\",\"Broadcast\",\"ARP\",\"60\",\"Who has 10.0.0.1?\"\n",
			want: [][7]string{
				{"2", "0.1", "Vendor, Inc_01:02:03", "Broadcast", "ARP", "60", "Who has 10.0.0.1?"},
			},
		},
		{
			name:  "unquoted fields and CRLF",
			input: "3,0.2,::1,::1,UDP,62,53 → 53 Len=20\r\n",
			want: [][7]string{
				{"3", "0.2", "::1", "::1", "UDP", "62", "53 → 53 Len=20"},
			},
		},
		{
			name:  "empty fields",
			input: "\"5\",\"0.3\",\"\",\"\",\"\",\"0\",\"\"\n",
			want: [][7]string{
				{"5", "0.3", "", "", "", "0", ""},
			},
		},
		{
			name:  "other separator",
			sep:   ';',
			input: "\"6\";\"0.4\";\"a\";\"b\";\"TCP\";\"54\";\"x, y; z\"\n",
			want: [][7]string{
				{"6", "0.4", "a", "b", "TCP", "54", "x, y; z"},
			},
		},
		{
			name:  "q stops",
			input: "\"1\",\"0\",\"a\",\"b\",\"P\",\"1\",\"i\"\nq\n\"2\",\"0\",\"a\",\"b\",\"P\",\"1\",\"never\"\n",
			want: [][7]string{
				{"1", "0", "a", "b", "P", "1", "i"},
			},
		},
		{
			name:  "q inside a line does not stop",
			input: "q,\"0\",\"a\",\"b\",\"P\",\"1\",\"q\"\n",
			want: [][7]string{
				{"q", "0", "a", "b", "P", "1", "q"},
			},
		},
		{
			name:  "short lines skipped",
			input: "\"1\",\"0\",\"a\"\n\n\"2\",\"0\",\"a\",\"b\",\"P\",\"1\",\"ok\"\nonly,five,fields,here,x\n",
			want: [][7]string{
				{"2", "0", "a", "b", "P", "1", "ok"},
			},
			skipped: 3,
		},
		{
			name:  "last line without newline",
			input: "\"9\",\"0\",\"a\",\"b\",\"P\",\"1\",\"end\"",
			want: [][7]string{
				{"9", "0", "a", "b", "P", "1", "end"},
			},
		},
		{
			name:  "line longer than the buffer",
			input: "\"1\",\"0\",\"a\",\"b\",\"P\",\"1\",\"" + strings.Repeat("L", 100000) + "\"\n",
			want: [][7]string{
				{"1", "0", "a", "b", "P", "1", strings.Repeat("L", 100000)},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var warn bytes.Buffer
			r := NewCSVReader(strings.NewReader(tt.input), tt.sep, "", &warn)
			var got [][7]string
			var rec decode.Record
			for {
				err := r.Next(&rec)
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, [7]string{
					string(rec.No), string(rec.Time), string(rec.Source), string(rec.Destination),
					string(rec.Protocol), string(rec.Length), string(rec.Info),
				})
			}
			if len(got) != len(tt.want) {
				t.Fatalf(
					"got %d records %q, want %d",
					len(got), got, len(tt.want))
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf(
						"record %d:\n got %q\nwant %q",
						i, got[i], tt.want[i])
				}
			}
			if r.Skipped() != tt.skipped {
				t.Errorf(
					"skipped %d, want %d",
					r.Skipped(), tt.skipped)
			}
			if tt.skipped > 0 && !strings.Contains(warn.String(), "fewer than 7 fields") {
				t.Errorf(
					"no warning: %q",
					warn.String())
			}
		})
	}
}

// Values go out byte for byte: JSON carries exactly the text of each field.
func TestCSVReaderJSON(t *testing.T) {
	in := "\"4\",\"0.030248\",\"172.16.16.128\",\"74.125.95.104\",\"HTTP\",\"681\",\"GET / HTTP/1.1 \"\n"
	r := NewCSVReader(strings.NewReader(in), ',', "q", nil)
	var rec decode.Record
	if err := r.Next(&rec); err != nil {
		t.Fatal(err)
	}
	want := `{"wsColNo":"4","wsColTime":"0.030248","source":"172.16.16.128","target":"74.125.95.104",` +
		`"wsColProtocol":"HTTP","wsColLength":"681","wsColInfo":"GET / HTTP/1.1 "}`
	if got := string(rec.AppendJSON(nil)); got != want {
		t.Errorf(
			"JSON\n got %s\nwant %s",
			got, want)
	}
}

func TestCSVReaderWarningsAreRateLimited(t *testing.T) {
	var warn bytes.Buffer
	in := strings.Repeat("short,line\n", 1000) + "\"1\",\"0\",\"a\",\"b\",\"P\",\"1\",\"ok\"\n"
	r := NewCSVReader(strings.NewReader(in), ',', "q", &warn)
	clock := time.Unix(0, 0)
	r.now = func() time.Time {
		clock = clock.Add(time.Millisecond) // 1000 lines in one second
		return clock
	}
	var rec decode.Record
	if err := r.Next(&rec); err != nil {
		t.Fatal(err)
	}
	if err := r.Next(&rec); !errors.Is(err, io.EOF) {
		t.Fatalf(
			"want EOF, got %v",
			err)
	}
	lines := strings.Count(warn.String(), "\n")
	if r.Skipped() != 1000 || lines > 4 {
		t.Errorf(
			"skipped %d with %d warning lines:\n%s",
			r.Skipped(), lines, warn.String())
	}
	if !strings.Contains(warn.String(), "more lines with fewer than 7 fields skipped") {
		t.Errorf(
			"no summary of suppressed warnings:\n%s",
			warn.String())
	}
}

func TestCSVReaderAllocations(t *testing.T) {
	line := "\"4\",\"0.030248\",\"172.16.16.128\",\"74.125.95.104\",\"HTTP\",\"681\",\"GET / HTTP/1.1 \"\n"
	in := strings.Repeat(line, 2000)
	r := NewCSVReader(strings.NewReader(in), ',', "q", nil)
	var rec decode.Record
	allocs := testing.AllocsPerRun(1000, func() {
		if err := r.Next(&rec); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf(
			"%v allocations per line",
			allocs)
	}
}

func BenchmarkCSVReader(b *testing.B) {
	line := "\"4\",\"0.030248\",\"172.16.16.128\",\"74.125.95.104\",\"HTTP\",\"681\",\"GET / HTTP/1.1 \"\n"
	in := []byte(strings.Repeat(line, 10000))
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	var rec decode.Record
	var br bytes.Reader
	r := NewCSVReader(&br, ',', "q", nil)
	var buf []byte
	for i := 0; i < b.N; i++ {
		if i%10000 == 0 {
			br.Reset(in)
			r = NewCSVReader(&br, ',', "q", nil)
		}
		if err := r.Next(&rec); err != nil {
			b.Fatal(err)
		}
		buf = rec.AppendJSON(buf[:0])
	}
}

// A line longer than MaxLineBytes (a pipe that never sends a newline, say)
// is skipped without being buffered whole; the lines around it are read.
func TestCSVReaderLineLimit(t *testing.T) {
	ok := "\"1\",\"0\",\"a\",\"b\",\"P\",\"1\",\"ok\"\n"
	long := "\"2\",\"0\",\"a\",\"b\",\"P\",\"1\",\"" + strings.Repeat("x", 200000) + "\"\n"
	var warn bytes.Buffer
	r := NewCSVReader(strings.NewReader(ok+long+ok), ',', "q", &warn)
	r.MaxLineBytes = 100
	var rec decode.Record
	for i := 0; i < 2; i++ {
		if err := r.Next(&rec); err != nil || string(rec.Info) != "ok" {
			t.Fatalf("record %d: %q, %v", i, rec.Info, err)
		}
	}
	if err := r.Next(&rec); !errors.Is(err, io.EOF) {
		t.Fatalf("want EOF, got %v", err)
	}
	if r.Skipped() != 1 || !strings.Contains(warn.String(), "longer than 100 bytes") {
		t.Errorf("skipped %d, warnings %q", r.Skipped(), warn.String())
	}
	if cap(r.line) > 64<<10 {
		t.Errorf("kept a %d-byte buffer after the long line", cap(r.line))
	}
}
