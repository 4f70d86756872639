package sql

import (
	"time"

	"github.com/ember-sql/ember/planner"
)

// queryClock is the instant a query reads with current_date() and
// current_timestamp(): taken at the first use and shared by the views the
// query expands, so that every row and every task of the query sees the
// same value, as in Spark.
type queryClock struct {
	now  time.Time
	read bool
}

// queryClock returns the binder's clock, making it on first use.
func (b *binder) queryClock() *queryClock {
	if b.clock == nil {
		b.clock = &queryClock{}
	}
	return b.clock
}

// currentTime is the constant value of current_date() or
// current_timestamp() for the query being bound.
func (b *binder) currentTime(name string) planner.Expr {
	c := b.queryClock()
	if !c.read {
		c.now, c.read = time.Now(), true
	}
	return planner.CurrentTime(name, c.now)
}
