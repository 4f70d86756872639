// Package userhost names the user running this process the way job
// records show who submitted them: user@host.
package userhost

import (
	"os"
	"os/user"
)

// Name returns "user@host", with "unknown" and "localhost" standing in for
// what the system does not say.
func Name() string {
	name := "unknown"
	if u, err := user.Current(); err == nil && u.Username != "" {
		name = u.Username
	}
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "localhost"
	}
	return name + "@" + host
}
