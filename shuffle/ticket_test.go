package shuffle

import (
	"errors"
	"testing"
)

func TestTicketRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		id   OutputID
		part int
	}{
		{OutputID{"q1", 0, 0}, 0},
		{OutputID{"a-B_9.x", 3, 1000}, 199},
		{OutputID{"q", 1 << 30, 1 << 30}, 1<<31 - 1},
	} {
		id, part, err := DecodeTicket(EncodeTicket(tc.id, tc.part))
		if err != nil {
			t.Fatalf("%v/%d: %v", tc.id, tc.part, err)
		}
		if id != tc.id || part != tc.part {
			t.Fatalf("decoded %v/%d, want %v/%d", id, part, tc.id, tc.part)
		}
	}
}

func TestTicketRejectsMalformed(t *testing.T) {
	good := EncodeTicket(OutputID{"q1", 2, 3}, 4)
	for name, ticket := range map[string][]byte{
		"empty":          nil,
		"version":        append([]byte{2}, good[1:]...),
		"truncated":      good[:len(good)-1],
		"trailing":       append(append([]byte{}, good...), 'x'),
		"no numbers":     {ticketVersion},
		"negative part":  EncodeTicket(OutputID{"q1", 2, 3}, -1),
		"path in query":  EncodeTicket(OutputID{"../etc", 2, 3}, 0),
		"slash in query": EncodeTicket(OutputID{"a/b", 2, 3}, 0),
		"dotdot query":   EncodeTicket(OutputID{"..", 2, 3}, 0),
		"empty query":    EncodeTicket(OutputID{"", 2, 3}, 0),
	} {
		if _, _, err := DecodeTicket(ticket); !errors.Is(err, errTicket) {
			t.Errorf("%s: got %v, want a malformed ticket error", name, err)
		}
	}
}
