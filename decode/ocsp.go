package decode

// OCSP carried as an HTTP body (application/ocsp-request and
// application/ocsp-response): packet-ocsp.c replaces Protocol and Info
// with "OCSP" and "Request"/"Response" before decoding the BER body.

func init() {
	registerMediaType(dissectOCSPRequest, "application/ocsp-request")
	registerMediaType(dissectOCSPResponse, "application/ocsp-response")
}

func dissectOCSPRequest(p *packet, t tvb, mi *mediaInfo) int {
	return dissectOCSP(p, t, "Request")
}

func dissectOCSPResponse(p *packet, t tvb, mi *mediaInfo) int {
	return dissectOCSP(p, t, "Response")
}

func dissectOCSP(p *packet, t tvb, what string) int {
	p.setProto("OCSP")
	p.setInfo(what)
	berFirstElement(t)
	return max(t.len(), 1)
}
