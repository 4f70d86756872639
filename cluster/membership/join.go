package membership

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// join contacts the seeds until one answers, with a doubling wait between
// attempts, for at most cfg.JoinTimeout (plus one attempt in flight).
func (n *Node) join(ctx context.Context) error {
	seeds := n.cfg.Join
	start := time.Now()
	deadline := start.Add(n.cfg.JoinTimeout)
	wait := n.cfg.JoinRetry
	var last error
	attempts := 0
	for {
		attempts++
		contacted, err := n.ml.Join(seeds)
		if contacted > 0 {
			n.logger.Info("membership: joined cluster", "seeds", seeds, "contacted", contacted,
				"attempts", attempts, "elapsed", time.Since(start).Round(time.Millisecond))
			return nil
		}
		if err == nil {
			err = errors.New("no seed answered")
		}
		last = err
		n.logger.Debug("membership: join attempt failed", "attempt", attempts, "err", joinCause(err))
		remaining := time.Until(deadline)
		if remaining <= 0 {
			break
		}
		t := time.NewTimer(min(wait, remaining))
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("membership: joining the cluster via %s: %w (last attempt: %s)",
				strings.Join(seeds, ", "), ctx.Err(), joinCause(last))
		}
		wait = min(2*wait, maxJoinRetry)
	}
	hint := "is a master running there?"
	if len(n.cfg.SecretKey) > 0 {
		hint += " Does it use the same secret?"
	} else {
		hint += " If it uses a secret, this node needs the same one."
	}
	return fmt.Errorf("membership: could not join the cluster via %s after %d attempts in %s: %s (%s)",
		strings.Join(seeds, ", "), attempts, time.Since(start).Round(time.Millisecond), joinCause(last), hint)
}

// joinCause flattens memberlist's multi-error ("1 error occurred:\n\t* ...",
// a go-multierror) into one line.
func joinCause(err error) string {
	var me interface{ WrappedErrors() []error }
	if errors.As(err, &me) {
		if errs := me.WrappedErrors(); len(errs) > 0 {
			parts := make([]string, len(errs))
			for i, e := range errs {
				parts[i] = e.Error()
			}
			return strings.Join(parts, "; ")
		}
	}
	return err.Error()
}
