package auth

import (
	"bytes"
	"fmt"
	"os"
)

// ReadSecretFile reads the cluster secret from path, trimming surrounding
// whitespace (such as the newline an editor adds). A missing, unreadable
// or empty file is an error that names the path.
func ReadSecretFile(path string) ([]byte, error) {
	if path == "" {
		return nil, fmt.Errorf("auth: no secret file given")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("auth: read secret file: %w", err)
	}
	secret := bytes.TrimSpace(b)
	if len(secret) == 0 {
		return nil, fmt.Errorf("auth: secret file %s is empty", path)
	}
	return secret, nil
}

// CheckSecretFileMode returns an error describing the problem when the
// secret file at path can be read by users other than its owner, for the
// caller to log as a warning. It does not check on systems without Unix
// permission bits, where it returns nil.
func CheckSecretFileMode(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("auth: secret file: %w", err)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return fmt.Errorf("auth: secret file %s has mode %04o: other users can read it; run chmod 600 %s", path, perm, path)
	}
	return nil
}
