package ember

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/ember-sql/ember/internal/size"
)

// Config is a session's configuration. Keys, as given to WithConfig:
//
//	ember.cores                    tasks run at once (default: the number of CPUs)
//	ember.sql.shuffle.partitions   partitions of every hash exchange (default: ember.cores)
//	ember.sql.batchSize            rows per batch operators aim for (default 8192)
//	ember.sql.broadcastRows        largest estimated row count of a join side that is
//	                               broadcast instead of shuffled (default 200000)
//	ember.sql.maxScanPartitions    most partitions of one scan (default: 4 × ember.cores)
//	ember.sql.memoryLimit          most Arrow memory one query may hold, in bytes or with a
//	                               k, m or g suffix (default: no limit); a query that needs
//	                               more fails with an error saying so
type Config struct {
	Cores             int
	ShufflePartitions int
	BatchSize         int
	BroadcastRows     int
	MaxScanPartitions int
	MemoryLimit       int64
	// set records which keys were given explicitly.
	set map[string]bool
}

func defaultConfig(cores int) *Config {
	return &Config{Cores: cores, BatchSize: 8192, BroadcastRows: 200_000, set: map[string]bool{}}
}

var configKeys = map[string]func(c *Config) *int{
	"ember.cores":                  func(c *Config) *int { return &c.Cores },
	"ember.sql.shuffle.partitions": func(c *Config) *int { return &c.ShufflePartitions },
	"ember.sql.batchsize":          func(c *Config) *int { return &c.BatchSize },
	"ember.sql.broadcastrows":      func(c *Config) *int { return &c.BroadcastRows },
	"ember.sql.maxscanpartitions":  func(c *Config) *int { return &c.MaxScanPartitions },
}

// Set sets one key; an unknown key or a value that is not a positive
// integer is an error.
func (c *Config) Set(key, value string) error {
	if strings.EqualFold(key, "ember.sql.memoryLimit") {
		n, err := size.Parse(value)
		if err != nil {
			return fmt.Errorf("configuration %s: %w", key, err)
		}
		c.MemoryLimit = n
		return nil
	}
	field, ok := configKeys[strings.ToLower(key)]
	if !ok {
		keys := []string{"ember.sql.memorylimit"}
		for k := range configKeys {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		return fmt.Errorf("unknown configuration key %q; known keys: %s", key, strings.Join(keys, ", "))
	}
	n, err := strconv.Atoi(strings.TrimSpace(value))
	if err != nil || n <= 0 {
		return fmt.Errorf("configuration %s: %q is not a positive integer", key, value)
	}
	*field(c) = n
	c.set[strings.ToLower(key)] = true
	return nil
}

// shufflePartitions is the configured value or, by default, the cores.
func (c *Config) shufflePartitions() int {
	if c.ShufflePartitions > 0 {
		return c.ShufflePartitions
	}
	return c.Cores
}

func (c *Config) maxScanPartitions() int {
	if c.MaxScanPartitions > 0 {
		return c.MaxScanPartitions
	}
	return 4 * c.Cores
}
