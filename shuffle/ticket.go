package shuffle

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// OutputID names the shuffle output of one map task: the task mapTask of
// stage stage of query query. A retried task has the same OutputID as its
// earlier attempts, so that its commit replaces theirs.
type OutputID struct {
	Query   string
	Stage   int
	MapTask int
}

func (id OutputID) String() string {
	return fmt.Sprintf("query %s stage %d map task %d", id.Query, id.Stage, id.MapTask)
}

// ticketVersion is the first byte of every ticket, so that the layout can
// change without a reader misparsing an old one.
const ticketVersion = 1

// maxQueryIDLen bounds the query id in a ticket (and in a file name).
const maxQueryIDLen = 200

// EncodeTicket returns the Flight ticket that asks a worker for reduce
// partition partition of output id. The layout is binary:
//
//	byte    version (1)
//	uvarint stage
//	uvarint map task
//	uvarint partition
//	uvarint length of the query id, then its bytes
//
// and nothing after it. It is small (a few bytes plus the query id) and
// cheap to check; DecodeTicket rejects anything else.
func EncodeTicket(id OutputID, partition int) []byte {
	b := make([]byte, 0, 1+4*binary.MaxVarintLen64+len(id.Query))
	b = append(b, ticketVersion)
	b = binary.AppendUvarint(b, uint64(id.Stage))
	b = binary.AppendUvarint(b, uint64(id.MapTask))
	b = binary.AppendUvarint(b, uint64(partition))
	b = binary.AppendUvarint(b, uint64(len(id.Query)))
	return append(b, id.Query...)
}

var errTicket = errors.New("malformed shuffle ticket")

// DecodeTicket parses a ticket made by EncodeTicket.
func DecodeTicket(t []byte) (OutputID, int, error) {
	if len(t) == 0 || t[0] != ticketVersion {
		return OutputID{}, 0, fmt.Errorf("%w: unknown version", errTicket)
	}
	rest := t[1:]
	var nums [4]uint64
	for i := range nums {
		v, n := binary.Uvarint(rest)
		if n <= 0 || v > 1<<31-1 {
			return OutputID{}, 0, fmt.Errorf("%w: bad number %d", errTicket, i)
		}
		nums[i] = v
		rest = rest[n:]
	}
	if nums[3] != uint64(len(rest)) {
		return OutputID{}, 0, fmt.Errorf("%w: query id of %d bytes, %d left", errTicket, nums[3], len(rest))
	}
	id := OutputID{Query: string(rest), Stage: int(nums[0]), MapTask: int(nums[1])}
	if err := checkOutputID(id); err != nil {
		return OutputID{}, 0, fmt.Errorf("%w: %v", errTicket, err)
	}
	return id, int(nums[2]), nil
}

// checkOutputID rejects ids that cannot name a file safely: the query id
// becomes a directory name under the work dir.
func checkOutputID(id OutputID) error {
	if id.Stage < 0 || id.MapTask < 0 {
		return fmt.Errorf("negative stage or map task in %v", id)
	}
	return checkQueryID(id.Query)
}

func checkQueryID(q string) error {
	if q == "" || len(q) > maxQueryIDLen || q == "." || q == ".." {
		return fmt.Errorf("invalid query id %q", q)
	}
	for i := 0; i < len(q); i++ {
		c := q[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'
		if !ok {
			return fmt.Errorf("invalid query id %q: only letters, digits, '-', '_' and '.' are allowed", q)
		}
	}
	return nil
}
