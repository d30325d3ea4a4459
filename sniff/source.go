// Package sniff holds the sources sniffws reads from: live capture through
// libpcap, pcap and pcapng files, tshark's CSV on standard input, HAR files
// and the random demo stream. Frame sources yield decode.Frame values;
// the others yield ready records or messages.
package sniff

import (
	"errors"
	"fmt"

	"sniffws/decode"
)

// FrameSource yields captured frames one at a time.
type FrameSource interface {
	// Next fills f with the next frame. f.Data is valid until the next call.
	// It returns io.EOF after the last frame, or an error saying what went
	// wrong and where.
	Next(f *decode.Frame) error
	// Close releases the source.
	Close() error
}

// Errors callers may compare against.
var (
	ErrNotCapture  = errors.New("not a pcap or pcapng file")
	ErrTruncated   = errors.New("file ends in the middle of a record")
	ErrCorrupt     = errors.New("corrupt record")
	ErrUnsupported = errors.New("unsupported format feature")
)

// FileError says which file and which byte offset a read failed at.
type FileError struct {
	Name   string
	Offset int64
	Err    error
	Detail string
}

func (e *FileError) Error() string {
	if e.Detail != "" {
		return fmt.Sprintf("%s: byte offset %d: %v: %s", e.Name, e.Offset, e.Err, e.Detail)
	}
	return fmt.Sprintf("%s: byte offset %d: %v", e.Name, e.Offset, e.Err)
}

func (e *FileError) Unwrap() error { return e.Err }
