module sniffws

go 1.26.8

require (
	github.com/gobwas/ws v1.5.0
	github.com/gopacket/gopacket v1.7.7
	github.com/mailru/easygo v0.0.0-20190618140210-3c14a0dc985f
	golang.org/x/crypto v0.54.0
	golang.org/x/net v0.56.0
	golang.org/x/sys v0.50.0
)

require github.com/gobwas/httphead v0.1.0 // indirect
