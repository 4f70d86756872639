// Package size reads sizes of memory written the way Spark's settings are
// (a number of bytes, or with a k, m or g suffix, powers of 1024), and
// measures the memory Arrow batches hold.
package size

import (
	"fmt"
	"strconv"
	"strings"
)

// Parse reads "512m", "4g", "64k" or a plain number of bytes.
func Parse(v string) (int64, error) {
	text := strings.ToLower(strings.TrimSpace(v))
	mult := int64(1)
	switch {
	case strings.HasSuffix(text, "k"):
		mult, text = 1<<10, strings.TrimSuffix(text, "k")
	case strings.HasSuffix(text, "m"):
		mult, text = 1<<20, strings.TrimSuffix(text, "m")
	case strings.HasSuffix(text, "g"):
		mult, text = 1<<30, strings.TrimSuffix(text, "g")
	}
	n, err := strconv.ParseInt(text, 10, 64)
	if err != nil || n < 0 || n > (1<<62)/mult {
		return 0, fmt.Errorf("%q is not a size (like 512m or 4g)", v)
	}
	return n * mult, nil
}
