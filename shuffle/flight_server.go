package shuffle

import (
	"errors"

	"github.com/apache/arrow-go/v18/arrow/flight"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
)

// MaxMessageBytes is the gRPC message size limit the shuffle sets on both
// ends: a frame holds one batch (at most about maxFrameBytes, since larger
// ones are sliced when written), and batches of 64 MB from elsewhere must
// pass too.
const MaxMessageBytes = 256 << 20

// ServerOptions returns the options the caller's gRPC server needs for the
// shuffle service: message size limits, and Stop waiting for running
// handlers (which end once their context is cancelled), so that a stopped
// server holds no task, fetch or Arrow memory any more. Pass them to
// grpc.NewServer.
func ServerOptions() []grpc.ServerOption {
	return []grpc.ServerOption{grpc.MaxRecvMsgSize(MaxMessageBytes), grpc.MaxSendMsgSize(MaxMessageBytes), grpc.WaitForHandlers(true)}
}

// DialOptions returns the options a client of Ember's gRPC servers (master,
// workers, their Flight shuffle service) starts from: plain text and the
// message limits of ServerOptions. opts come after, so credentials in them
// win.
func DialOptions(opts ...grpc.DialOption) []grpc.DialOption {
	return append([]grpc.DialOption{
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(MaxMessageBytes), grpc.MaxCallSendMsgSize(MaxMessageBytes)),
	}, opts...)
}

// FlightService serves a WorkerStore's output over Arrow Flight. DoGet
// takes a ticket made by EncodeTicket and streams that reduce partition of
// that map output as Arrow IPC messages, exactly as the map task encoded
// them (compressed, not decoded here). The other Flight methods are
// unimplemented.
type FlightService struct {
	flight.BaseFlightServer
	store *WorkerStore
}

// NewFlightService returns the Flight service over store.
func NewFlightService(store *WorkerStore) *FlightService {
	return &FlightService{store: store}
}

// RegisterFlight registers the Flight service over store on s, a server
// the caller owns (so its interceptors, auth included, apply to shuffle
// reads too). The server should be made with ServerOptions.
func RegisterFlight(s *grpc.Server, store *WorkerStore) {
	flight.RegisterFlightServiceServer(s, NewFlightService(store))
}

// DoGet implements flight.FlightServiceServer. An unknown output is
// NotFound; a malformed ticket or a partition out of range is
// InvalidArgument.
func (f *FlightService) DoGet(t *flight.Ticket, stream flight.FlightService_DoGetServer) error {
	id, partition, err := DecodeTicket(t.GetTicket())
	if err != nil {
		return status.Error(codes.InvalidArgument, err.Error())
	}
	src, err := f.store.openFrames(id, partition)
	if err != nil {
		var nf *NotFoundError
		switch {
		case errors.As(err, &nf):
			return status.Error(codes.NotFound, err.Error())
		case errors.Is(err, errStoreClosed):
			return status.Error(codes.Unavailable, err.Error())
		}
		return status.Error(codes.InvalidArgument, err.Error())
	}
	defer src.close()
	ctx := stream.Context()
	var fd flight.FlightData
	for {
		fr, ok, err := src.next()
		if err != nil {
			return status.Error(codes.Internal, err.Error())
		}
		if !ok {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return status.FromContextError(err).Err()
		}
		meta, body, err := frameParts(fr)
		if err != nil {
			return status.Error(codes.Internal, err.Error())
		}
		// Send serializes the message before returning, so the frame
		// may be reused (file) or freed (after src.close) afterwards.
		fd.DataHeader, fd.DataBody = meta, body
		if err := stream.Send(&fd); err != nil {
			return err
		}
	}
}

var _ flight.FlightServer = (*FlightService)(nil)
