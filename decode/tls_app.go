package decode

// What decrypted application data is handed to (packet-tls.c's
// dissect_ssl_payload, desegment_ssl and process_ssl_payload): the
// protocol ALPN named, else the first TLS heuristic that takes the data,
// else the protocol of the "tls.port" association. Application PDUs that
// span records are reassembled the way TCP reassembles segments, over the
// byte stream of each direction's decrypted records; records in the middle
// of one show "[TLS segment of a reassembled PDU]".

// tlsALPNDissector is the "tls.alpn" table (and its prefix matches).
func tlsALPNDissector(name []byte) appDissector {
	switch string(name) {
	case "http/1.1":
		return dissectHTTPOverTLS
	case "h2":
		return dissectHTTP2
	}
	if len(name) >= 3 && string(name[:3]) == "h2-" {
		return dissectHTTP2
	}
	return nil
}

// tlsPortDissector is the dissector a "tls.port" association names, for
// the protocols decoded here.
func tlsPortDissector(port uint16) appDissector {
	if port == 443 {
		return dissectHTTPOverTLS
	}
	return nil
}

// dissectHTTPOverTLS is dissect_http_tls: no end-of-stream indication and
// no stream position from TLS.
func dissectHTTPOverTLS(p *packet, t tvb) int {
	dissectHTTPOnStream(p, t, httpConvOf(p), "HTTP", false, 0, false)
	return max(t.len(), 1)
}

// dissectHTTPHeuristicTLS is dissect_http_heur_tls: a conversation that
// already had HTTP, or data whose first line starts or ends with "HTTP/1.".
func dissectHTTPHeuristicTLS(p *packet, t tvb) bool {
	if p.conv == nil {
		return false
	}
	if _, ok := p.conv.app["http"]; !ok {
		linelen, _ := findLineEnd(t, 0, -1, true)
		if linelen == -1 || linelen == 8 {
			return false
		}
		if !tvbStrncaseeql(t, linelen-8, "HTTP/1.") && !tvbStrncaseeql(t, 0, "HTTP/1.") {
			return false
		}
	}
	dissectHTTPOverTLS(p, t)
	return true
}

// tlsHeuristics is the "tls" heuristic list, newest registration first as
// Wireshark keeps it; each returns the dissector to bind, nil if it passed.
var tlsHeuristics = []struct {
	fn     func(p *packet, t tvb) bool
	handle appDissector
}{
	{dissectHTTP2Heuristic, dissectHTTP2},
	{dissectHTTPHeuristicTLS, dissectHTTPOverTLS},
}

// dissectDecryptedAppData is dissect_ssl_payload with TLS reassembly on.
func (s *tlsSession) dissectDecryptedAppData(p *packet, plain tvb, flow *tlsFlow, seq uint32, portHandle appDissector, fromServer bool) {
	save := p.canDesegment
	p.canDesegment = 2
	s.desegment(p, plain, 0, seq, seq+uint32(plain.len()), flow, portHandle, fromServer)
	p.canDesegment = save
}

// processPayload is process_ssl_payload.
func (s *tlsSession) processPayload(p *packet, t tvb, offset int, portHandle appDissector, fromServer bool) {
	next := t.sub(offset)
	if s.appHandle == nil {
		for _, h := range tlsHeuristics {
			if p.callHeuristic(h.fn, next) {
				s.appHandle = h.handle
				return
			}
		}
		if portHandle == nil {
			return // data
		}
		s.appHandle = portHandle
	}
	save := p.matchPort
	if fromServer {
		p.matchPort = p.srcPort
	} else {
		p.matchPort = p.dstPort
	}
	p.callApp(s.appHandle, next)
	p.matchPort = save
}

// desegment is desegment_ssl (first pass).
func (s *tlsSession) desegment(p *packet, t tvb, offset int, seq, nxtseq uint32, flow *tlsFlow, portHandle appDissector, fromServer bool) {
	anotherSegmentInFrame := false
	for {
		var msp *tcpMSP
		var reassembled []byte
		haveReassembled := false
		mustDesegment := false
		calledDissector := false
		anotherPDUFollows := uint32(0)
		p.desegmentOffset, p.desegmentLen = 0, 0
		desegOffset := offset

		if m := flow.msps.lookup(seq); m != nil {
			// Only a retransmitted record can start where a PDU did.
			if m.firstFrame == p.num {
				if m.lastFrame == p.num {
					p.clearInfo()
				} else {
					p.setInfo("[TLS segment of a reassembled PDU]")
				}
			}
			return
		}
		msp = flow.msps.lookupLE(seq - 1)
		if msp != nil && msp.seq <= seq && msp.nxtpdu > seq {
			msp.lastFrame = p.num
			var length uint32
			if msp.flags&mspEntireSegment != 0 {
				length = uint32(t.reportedRemaining(offset))
			} else {
				length = min(nxtseq, msp.nxtpdu) - seq
			}
			reassembled, haveReassembled = msp.add(p, t, offset, seq-msp.seq, length, nxtseq < msp.nxtpdu)
			if msp.flags&mspEntireSegment != 0 {
				msp.flags &^= mspEntireSegment
				msp.nxtpdu = nxtseq
			}
			if msp.nxtpdu < nxtseq && msp.nxtpdu >= seq && length > 0 {
				anotherPDUFollows = msp.nxtpdu - seq
			}
		} else {
			s.processPayload(p, t, offset, portHandle, fromServer)
			calledDissector = true
			if p.desegmentLen != 0 {
				mustDesegment = true
				desegOffset = offset + p.desegmentOffset
			}
		}

		if haveReassembled {
			if nxtseq < msp.nxtpdu {
				// The PDU ends in a later record of this frame.
				anotherPDUFollows = 0
				p.clearInfo()
				anotherSegmentInFrame = true
			} else {
				p.clearInfo()
				next := newRealTvb(reassembled)
				s.processPayload(p, next, 0, portHandle, fromServer)
				calledDissector = true
				oldLen := next.reported - t.reportedRemaining(offset)
				if p.desegmentLen != 0 && p.desegmentOffset <= oldLen {
					msp.frag.partial = true
					if p.desegmentLen == desegmentOneMoreSegment {
						msp.nxtpdu = seq + uint32(t.reportedRemaining(offset)) + 1
						msp.flags |= mspEntireSegment
					} else {
						msp.nxtpdu = seq + uint32(t.reportedRemaining(offset)) + uint32(p.desegmentLen)
					}
					anotherPDUFollows = 0
				} else {
					// Reassembled for good: its bytes are not read again.
					msp.frag.release()
					if p.desegmentLen != 0 {
						mustDesegment = true
						desegOffset = t.reported - (next.reported - p.desegmentOffset)
					}
				}
			}
		}

		if mustDesegment {
			desegSeq := seq + uint32(desegOffset-offset)
			if nxtseq-desegSeq <= maxDesegmentSpan {
				var m *tcpMSP
				if p.desegmentLen == desegmentOneMoreSegment {
					m = flow.msps.store(p, desegSeq, nxtseq+1)
					m.flags |= mspEntireSegment
				} else {
					m = flow.msps.store(p, desegSeq, nxtseq+uint32(p.desegmentLen))
				}
				m.add(p, t, desegOffset, 0, nxtseq-desegSeq, nxtseq < m.nxtpdu)
			}
		}

		if !calledDissector || p.desegmentLen != 0 {
			if !anotherSegmentInFrame && p.desegmentOffset == 0 {
				p.setProto(tlsVersionName(s.version, "SSL"))
				p.setInfo("[TLS segment of a reassembled PDU]")
			}
		}
		p.canDesegment = 0
		p.desegmentOffset, p.desegmentLen = 0, 0
		if anotherPDUFollows == 0 {
			return
		}
		// Another PDU follows in this record: the columns so far stay.
		p.canDesegment = 2
		if !p.readOnly {
			p.info.setFence()
		}
		p.protoReadOnly = true
		offset += int(anotherPDUFollows)
		seq += anotherPDUFollows
	}
}
