package decode

// IPP (RFC 8010) carried in HTTP bodies (application/ipp, and anything
// on TCP port 631 through HTTP's port table), as packet-ipp.c writes its
// columns: Protocol "IPP", Info "IPP Request (<operation>)" or
// "IPP Response (<status>)"; the attributes are walked only as far as
// needed to raise where a truncated body makes tshark raise.

func init() {
	registerMediaType(dissectIPP, "application/ipp")
}

var ippOperations = map[uint16]string{
	0x0002: "Print-Job", 0x0003: "Print-URI", 0x0004: "Validate-Job", 0x0005: "Create-Job",
	0x0006: "Send-Document", 0x0007: "Send-URI", 0x0008: "Cancel-Job", 0x0009: "Get-Job-Attributes",
	0x000a: "Get-Jobs", 0x000b: "Get-Printer-Attributes", 0x000c: "Hold-Job", 0x000d: "Release-Job",
	0x000e: "Restart-Job", 0x0010: "Pause-Printer", 0x0011: "Resume-Printer", 0x0012: "Purge-Jobs",
	0x0013: "Set-Printer-Attributes", 0x0014: "Set-Job-Attributes",
	0x0015: "Get-Printer-Supported-Values", 0x0016: "Create-Printer-Subscriptions",
	0x0017: "Create-Job-Subscriptions", 0x0018: "Get-Subscription-Attributes",
	0x0019: "Get-Subscriptions", 0x001a: "Renew-Subscription", 0x001b: "Cancel-Subscription",
	0x001c: "Get-Notifications", 0x001d: "Reserved (ipp-indp-method)",
	0x001e: "Reserved (ipp-get-resources)", 0x001f: "Reserved (ipp-get-resources)",
	0x0020: "Reserved (ipp-get-resources)", 0x0021: "Reserved (ipp-install)",
	0x0022: "Enable-Printer", 0x0023: "Disable-Printer", 0x0024: "Pause-Printer-After-Current-Job",
	0x0025: "Hold-New-Jobs", 0x0026: "Release-Held-New-Jobs", 0x0027: "Deactivate-Printer",
	0x0028: "Activate-Printer", 0x0029: "Restart-Printer", 0x002a: "Shutdown-Printer",
	0x002b: "Startup-Printer", 0x002c: "Reprocess-Job", 0x002d: "Cancel-Current-Job",
	0x002e: "Suspend-Current-Job", 0x002f: "Resume-Job", 0x0030: "Promote-Job",
	0x0031: "Schedule-Job-After", 0x0033: "Cancel-Document", 0x0034: "Get-Document-Attributes",
	0x0035: "Get-Documents", 0x0036: "Delete-Document", 0x0037: "Set-Document-Attributes",
	0x0038: "Cancel-Jobs", 0x0039: "Cancel-My-Jobs", 0x003a: "Resubmit-Job", 0x003b: "Close-Job",
	0x003c: "Identify-Printer", 0x003d: "Validate-Document", 0x003e: "Add-Document-Images",
	0x003f: "Acknowledge-Document", 0x0040: "Acknowledge-Identify-Printer", 0x0041: "Acknowledge-Job",
	0x0042: "Fetch-Document", 0x0043: "Fetch-Job", 0x0044: "Get-Output-Device-Attributes",
	0x0045: "Update-Active-Jobs", 0x0046: "Deregister-Output-Device",
	0x0047: "Update-Document-Status", 0x0048: "Update-Job-Status",
	0x0049: "Update-Output-Device-Attributes", 0x004a: "Get-Next-Document-Data",
	0x4001: "CUPS-Get-Default", 0x4002: "CUPS-Get-Printers", 0x4003: "CUPS-Add-Modify-Printer",
	0x4004: "CUPS-Delete-Printer", 0x4005: "CUPS-Get-Classes", 0x4006: "CUPS-Add-Modify-Class",
	0x4007: "CUPS-Delete-Class", 0x4008: "CUPS-Accept-Jobs", 0x4009: "CUPS-Reject-Jobs",
	0x400a: "CUPS-Set-Default", 0x400b: "CUPS-Get-Devices", 0x400c: "CUPS-Get-PPDs",
	0x400d: "CUPS-Move-Job", 0x400e: "CUPS-Authenticate-Job", 0x400f: "CUPS-Get-PPD",
	0x4027: "CUPS-Get-Document", 0x4028: "CUPS-Create-Local-Printer",
}

var ippStatuses = map[uint16]string{
	0x0000: "successful-ok", 0x0001: "successful-ok-ignored-or-substituted-attributes",
	0x0002: "successful-ok-conflicting-attributes", 0x0003: "successful-ok-ignored-subscriptions",
	0x0005: "successful-ok-too-many-events", 0x0007: "successful-ok-events-complete",
	0x0400: "client-error-bad-request", 0x0401: "client-error-forbidden",
	0x0402: "client-error-not-authenticated", 0x0403: "client-error-not-authorized",
	0x0404: "client-error-not-possible", 0x0405: "client-error-timeout",
	0x0406: "client-error-not-found", 0x0407: "client-error-gone",
	0x0408: "client-error-request-entity-too-large", 0x0409: "client-error-request-value-too-long",
	0x040a: "client-error-document-format-not-supported",
	0x040b: "client-error-attributes-or-values-not-supported",
	0x040c: "client-error-uri-scheme-not-supported", 0x040d: "client-error-charset-not-supported",
	0x040e: "client-error-conflicting-attributes", 0x040f: "client-error-compression-not-supported",
	0x0410: "client-error-compression-error", 0x0411: "client-error-document-format-error",
	0x0412: "client-error-document-access-error", 0x0413: "client-error-attributes-not-settable",
	0x0414: "client-error-ignored-all-subscriptions", 0x0415: "client-error-too-many-subscriptions",
	0x0418: "client-error-document-password-error", 0x0419: "client-error-document-permission-error",
	0x041a: "client-error-document-security-error", 0x041b: "client-error-document-unprintable-error",
	0x041c: "client-error-account-info-needed", 0x041d: "client-error-account-closed",
	0x041e: "client-error-account-limit-reached", 0x041f: "client-error-account-authorization-failed",
	0x0420: "client-error-not-fetchable", 0x0500: "server-error-internal-error",
	0x0501: "server-error-operation-not-supported", 0x0502: "server-error-service-unavailable",
	0x0503: "server-error-version-not-supported", 0x0504: "server-error-device-error",
	0x0505: "server-error-temporary-error", 0x0506: "server-error-not-accepting-jobs",
	0x0507: "server-error-busy", 0x0508: "server-error-job-canceled",
	0x0509: "server-error-multiple-document-jobs-not-supported",
	0x050a: "server-error-printer-is-deactivated", 0x050b: "server-error-too-many-jobs",
	0x050c: "server-error-too-many-documents",
}

func ippName(names map[uint16]string, v uint16) string {
	if n, ok := names[v]; ok {
		return n
	}
	return "0x" + string(appendHex(nil, uint64(v), 4))
}

// dissectIPP is dissect_ipp.
func dissectIPP(p *packet, t tvb, mi *mediaInfo) int {
	isRequest := false
	if mi != nil && (mi.httpType == httpRequest || mi.httpType == httpResponse) {
		isRequest = mi.httpType == httpRequest
	} else {
		isRequest = p.dstPort == p.matchPort
	}
	op := t.u16(2)
	t.u32(4) // request id
	p.setProto("IPP")
	if isRequest {
		p.setInfo("IPP Request (" + ippName(ippOperations, op) + ")")
	} else {
		p.setInfo("IPP Response (" + ippName(ippStatuses, op) + ")")
	}
	ippAttributes(t, 8)
	return max(t.len(), 1)
}

// ippAttributes walks the attribute groups (parse_attributes) reading
// what tshark reads, so that a short body raises at the same place.
func ippAttributes(t tvb, offset int) {
	for offset < t.len() {
		tag := t.u8(offset)
		if tag&0xf0 == 0 { // a delimiter
			offset++
			if tag == 0x03 { // end-of-attributes
				return
			}
			continue
		}
		nameLen := int(t.u16(offset + 1))
		if nameLen != 0 {
			t.ensure(offset+3, nameLen)
		}
		valueLen := int(t.u16(offset + 3 + nameLen))
		value := offset + 1 + 2 + nameLen + 2
		if valueLen != 0 || tag&0xf0 != 0x10 {
			t.ensure(value, valueLen)
		}
		offset = value + valueLen
	}
}
