package shuffle

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// A frame is one Arrow IPC message as the shuffle keeps it, in memory and
// in spill files alike:
//
//	uint32 little endian  length of the flatbuffer metadata
//	uint64 little endian  length of the body
//	metadata bytes, then body bytes
//
// This is the pair a Flight FlightData carries (DataHeader, DataBody), so a
// worker serves encoded output (spilled, or written by a MapWriter) without
// decoding or re-encoding it; output kept decoded is encoded into frames as
// it is served (batchFrames).
const frameHeaderLen = 12

// frameParts splits a whole frame into its metadata and body.
func frameParts(f []byte) (meta, body []byte, err error) {
	if len(f) < frameHeaderLen {
		return nil, nil, fmt.Errorf("shuffle frame of %d bytes is shorter than its header", len(f))
	}
	m := uint64(binary.LittleEndian.Uint32(f))
	n := binary.LittleEndian.Uint64(f[4:])
	if uint64(len(f)-frameHeaderLen) != m+n {
		return nil, nil, fmt.Errorf("shuffle frame of %d bytes declares %d+%d", len(f), m, n)
	}
	return f[frameHeaderLen : frameHeaderLen+m], f[frameHeaderLen+m:], nil
}

// frameLen returns the total length of the frame whose header is h.
func frameLen(h []byte) int64 {
	return frameHeaderLen + int64(binary.LittleEndian.Uint32(h)) + int64(binary.LittleEndian.Uint64(h[4:]))
}

// frameSink receives the frames of an IPC writer, routed to the partition
// being written. It implements ipc.PayloadWriter.
type frameSink struct {
	mem     memory.Allocator
	current int // partition the next payloads belong to
	started bool
	schema  *memory.Buffer // the stream's schema message, as a frame
	parts   [][]*memory.Buffer
	bytes   int64
	scratch bytes.Buffer
}

func newFrameSink(mem memory.Allocator, partitions int) *frameSink {
	return &frameSink{mem: mem, parts: make([][]*memory.Buffer, partitions)}
}

// Start implements ipc.PayloadWriter.
func (s *frameSink) Start() error { return nil }

// Close implements ipc.PayloadWriter; the end-of-stream marker is not
// kept: every partition's stream ends where its frames end.
func (s *frameSink) Close() error { return nil }

// WritePayload implements ipc.PayloadWriter. The first payload of the
// stream is its schema, which every partition shares.
func (s *frameSink) WritePayload(p ipc.Payload) error {
	meta := p.Meta()
	defer meta.Release()
	s.scratch.Reset()
	if err := p.SerializeBody(&s.scratch); err != nil {
		return err
	}
	body := s.scratch.Bytes()
	if meta.Len() > 1<<31 {
		return fmt.Errorf("shuffle: IPC metadata of %d bytes", meta.Len())
	}
	f := memory.NewResizableBuffer(s.mem)
	f.Resize(frameHeaderLen + meta.Len() + len(body))
	buf := f.Bytes()
	binary.LittleEndian.PutUint32(buf, uint32(meta.Len()))
	binary.LittleEndian.PutUint64(buf[4:], uint64(len(body)))
	copy(buf[frameHeaderLen:], meta.Bytes())
	copy(buf[frameHeaderLen+meta.Len():], body)
	if !s.started {
		s.started = true
		s.schema = f
		return nil
	}
	s.parts[s.current] = append(s.parts[s.current], f)
	s.bytes += int64(f.Len())
	return nil
}

// release frees every frame still held.
func (s *frameSink) release() {
	if s.schema != nil {
		s.schema.Release()
		s.schema = nil
	}
	for i, fs := range s.parts {
		for _, f := range fs {
			f.Release()
		}
		s.parts[i] = nil
	}
	s.bytes = 0
}

// frameSource yields the frames of one partition, schema first; each is
// valid until the next call. ok is false after the last.
type frameSource interface {
	next() (frame []byte, ok bool, err error)
	close()
}

// frameMessages turns frames into IPC messages for ipc.NewReaderFromMessageReader.
// Each body is copied into a buffer from mem: decoded arrays may point into
// it (buffers stored uncompressed are not copied again), and the frames
// themselves may be freed while those arrays live on.
type frameMessages struct {
	src  frameSource
	mem  memory.Allocator
	refs atomic.Int64
	msg  *ipc.Message
}

func newFrameMessages(src frameSource, mem memory.Allocator) *frameMessages {
	m := &frameMessages{src: src, mem: mem}
	m.refs.Store(1)
	return m
}

// Message implements ipc.MessageReader.
func (m *frameMessages) Message() (*ipc.Message, error) {
	if m.msg != nil {
		m.msg.Release()
		m.msg = nil
	}
	f, ok, err := m.src.next()
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, io.EOF
	}
	metaBytes, bodyBytes, err := frameParts(f)
	if err != nil {
		return nil, err
	}
	// The metadata is small and read only while the message is decoded;
	// a Go copy keeps it independent of the frame.
	meta := memory.NewBufferBytes(bytes.Clone(metaBytes))
	body := memory.NewResizableBuffer(m.mem)
	body.Resize(len(bodyBytes))
	copy(body.Bytes(), bodyBytes)
	m.msg = ipc.NewMessage(meta, body)
	meta.Release()
	body.Release()
	return m.msg, nil
}

// Retain implements ipc.MessageReader.
func (m *frameMessages) Retain() { m.refs.Add(1) }

// Release implements ipc.MessageReader.
func (m *frameMessages) Release() {
	if m.refs.Add(-1) == 0 {
		if m.msg != nil {
			m.msg.Release()
			m.msg = nil
		}
		m.src.close()
	}
}

// newIPCReader decodes the messages of msgs on mem; the reader owns msgs.
func newIPCReader(msgs *frameMessages, mem memory.Allocator) (*ipc.Reader, error) {
	return ipc.NewReaderFromMessageReader(msgs, ipc.WithAllocator(mem))
}
