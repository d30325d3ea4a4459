package decode

import "testing"

var syslogCases = []appCase{
	{
		name: "RFC 3164 and RFC 5424",
		dgram: []testDatagram{
			{sport: 40000, dport: 514, payload: []byte("<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8")},
			{sport: 40000, dport: 514, payload: []byte("<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 - An application event")},
		},
		want: []string{
			"Syslog|AUTH.CRIT: Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8",
			"Syslog|LOCAL4.NOTICE: 1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 - An application event",
		},
	},
	{
		name: "no priority, control bytes, short tag",
		dgram: []testDatagram{
			{sport: 40000, dport: 514, payload: []byte("plain message\n")},
			{sport: 40000, dport: 514, payload: []byte("<13>Jan  1 00:00:00 host hello")},
			{sport: 40000, dport: 514, payload: []byte("<13>")},
		},
		want: []string{
			"Syslog|plain message\\n",
			"Syslog|USER.NOTICE: Jan  1 00:00:00 host hello[Malformed Packet]",
			"Syslog|[Malformed Packet]",
		},
	},
}

func TestSyslog(t *testing.T) { runAppCases(t, syslogCases) }
