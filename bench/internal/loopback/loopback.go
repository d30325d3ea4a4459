// Package loopback keeps the bench tools' load on this machine: they refuse
// any address that does not resolve to loopback only.
package loopback

import (
	"fmt"
	"net"
)

// Check returns an error unless every address host:port resolves to is a
// loopback address.
func Check(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	ips, err := net.LookupIP(host)
	if err != nil {
		return err
	}
	for _, ip := range ips {
		if !ip.IsLoopback() {
			return fmt.Errorf("%s is not a loopback address", addr)
		}
	}
	return nil
}
