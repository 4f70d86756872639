package shuffle

import (
	"errors"
	"sync"

	"github.com/apache/arrow-go/v18/arrow/flight"
	"google.golang.org/grpc"
)

// clientPool keeps one gRPC connection per address, shared by every fetch
// from that address (gRPC multiplexes the streams).
type clientPool struct {
	opts []grpc.DialOption

	mu     sync.Mutex
	closed bool
	conns  map[string]*grpc.ClientConn
}

func newClientPool(extra []grpc.DialOption) *clientPool {
	return &clientPool{opts: DialOptions(extra...), conns: map[string]*grpc.ClientConn{}}
}

var errFetcherClosed = errors.New("shuffle fetcher is closed")

// get returns a Flight client for addr. Connecting is lazy: an unreachable
// address fails the first call, not this.
func (p *clientPool) get(addr string) (flight.FlightServiceClient, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil, errFetcherClosed
	}
	c, ok := p.conns[addr]
	if !ok {
		var err error
		c, err = grpc.NewClient(addr, p.opts...)
		if err != nil {
			return nil, err
		}
		p.conns[addr] = c
	}
	return flight.NewFlightServiceClient(c), nil
}

// forget closes the connection to addr, if any.
func (p *clientPool) forget(addr string) {
	p.mu.Lock()
	c := p.conns[addr]
	delete(p.conns, addr)
	p.mu.Unlock()
	if c != nil {
		c.Close()
	}
}

func (p *clientPool) close() error {
	p.mu.Lock()
	conns := p.conns
	p.conns = nil
	p.closed = true
	p.mu.Unlock()
	var errs []error
	for _, c := range conns {
		errs = append(errs, c.Close())
	}
	return errors.Join(errs...)
}
