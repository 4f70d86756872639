package dbgen

import (
	"io"

	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/klauspost/compress/s2"
	"github.com/klauspost/compress/snappy"
)

// fastSnappy is a Snappy codec that compresses with s2's fast Snappy
// encoder instead of the "better" one arrow-go registers, which costs
// twice the time for a few percent of size: compression was a quarter of
// the time of generating TPC-H data. Its output is plain Snappy, which
// every reader decodes; decoding is unchanged.
type fastSnappy struct{}

func (fastSnappy) Encode(dst, src []byte) []byte {
	if n := s2.MaxEncodedLen(len(src)); cap(dst) < n {
		dst = make([]byte, n)
	}
	return s2.EncodeSnappy(dst[:cap(dst)], src)
}

func (c fastSnappy) EncodeLevel(dst, src []byte, _ int) []byte { return c.Encode(dst, src) }

func (fastSnappy) Decode(dst, src []byte) []byte {
	out, err := snappy.Decode(dst, src)
	if err != nil {
		panic(err)
	}
	return out
}

func (fastSnappy) DecodeWithError(dst, src []byte) ([]byte, error) { return snappy.Decode(dst, src) }

func (fastSnappy) NewReader(r io.Reader) io.ReadCloser { return io.NopCloser(snappy.NewReader(r)) }

func (fastSnappy) CompressBound(n int64) int64 { return int64(s2.MaxEncodedLen(int(n))) }

func (fastSnappy) NewWriter(w io.Writer) io.WriteCloser { return snappy.NewBufferedWriter(w) }

func (c fastSnappy) NewWriterLevel(w io.Writer, _ int) (io.WriteCloser, error) {
	return c.NewWriter(w), nil
}

func init() {
	compress.RegisterCodec(compress.Codecs.Snappy, fastSnappy{})
}
