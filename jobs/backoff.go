package jobs

import (
	"math/rand/v2"
	"time"
)

// backoff is the wait before the retry that follows failed attempt n
// (from 1): BackoffBase doubled per attempt, capped at BackoffMax, times a
// random factor in [0.5, 1.5) so that jobs that failed together do not
// retry together, and never above BackoffMax.
func (m *Manager) backoff(n int32) time.Duration {
	d := m.cfg.BackoffBase
	for i := int32(1); i < n && d < m.cfg.BackoffMax; i++ {
		d *= 2
	}
	d = min(d, m.cfg.BackoffMax)
	d = time.Duration(float64(d) * (0.5 + rand.Float64()))
	return min(d, m.cfg.BackoffMax)
}
