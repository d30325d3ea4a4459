// Package decode turns captured frames into the seven columns tshark 4.0
// prints for them (No., Time, Source, Destination, Protocol, Length, Info),
// byte for byte.
//
// The package mirrors Wireshark's dissection model, because matching its
// output exactly is easiest when the mechanics are the same:
//
//   - A Decoder holds the state of one capture (TCP analysis and
//     reassembly, IP fragments, conversations); Decode is called once per
//     frame, in order, like tshark's single pass.
//   - packet is pinfo: the Protocol and Info columns being built (column,
//     with Wireshark's fence, prepend and 4095-byte limit), the addresses
//     shown in Source/Destination, ports, and the reassembly requests an
//     application dissector makes to TCP (desegmentOffset/desegmentLen).
//   - tvb is a tvbuff: captured bytes plus the reported length. Reads past
//     the end panic with an exception; catch points (packet.try, the frame,
//     the Ethernet type dispatcher, tcpDissectPDUs) append tshark's
//     "[Malformed Packet]" or "[Packet size limited during capture]". Any
//     other panic is a bug: the frame is marked and Options.OnBug is told.
//   - One file per protocol (tcp.go, dns.go, ...). Protocols register in
//     dissector tables from init functions: registerUDPPort,
//     registerTCPPort, registerUDPHeuristic, registerTCPHeuristic,
//     extraEthertypes, extraIPProtos and extraLinkTypes. The tables are
//     read-only once the package is loaded.
//   - An application dissector is an appDissector: it gets the payload as a
//     tvb, writes Protocol/Info through the packet's column methods, and
//     returns the number of bytes it consumed (0 declines). Over TCP it may
//     set p.desegmentOffset and p.desegmentLen (a byte count, or
//     desegmentOneMoreSegment / desegmentUntilFIN) when p.canDesegment is
//     non-zero; tcpDissectPDUs does this for length-prefixed protocols.
//     Per-conversation state lives in p.conv via appState.
//
// Column text coming from the packet goes through appendFormatText, which
// escapes it as Wireshark's format_text does.
package decode
