package auth

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadSecretFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name, path, want, wantErr string
	}{
		{"plain", write("plain", "s3cret"), "s3cret", ""},
		{"trimmed", write("trimmed", "  s3cret value \r\n\n"), "s3cret value", ""},
		{"empty", write("empty", ""), "", "empty"},
		{"blank", write("blank", " \n\t\n"), "", "empty"},
		{"missing", filepath.Join(dir, "nope"), "", "nope"},
		{"directory", dir, "", "read secret file"},
		{"no path", "", "", "no secret file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadSecretFile(tt.path)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one mentioning %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Fatalf("secret = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCheckSecretFileMode(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		mode os.FileMode
		ok   bool
	}{
		{0o600, true},
		{0o400, true},
		{0o640, false},
		{0o644, false},
		{0o604, false},
	}
	for _, tt := range tests {
		p := filepath.Join(dir, tt.mode.String())
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, tt.mode); err != nil {
			t.Fatal(err)
		}
		err := CheckSecretFileMode(p)
		if (err == nil) != tt.ok {
			t.Errorf("mode %04o: error = %v, want ok=%v", tt.mode, err, tt.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "chmod 600") {
			t.Errorf("mode %04o: error %q gives no remedy", tt.mode, err)
		}
	}
	if err := CheckSecretFileMode(filepath.Join(dir, "missing")); err == nil {
		t.Error("missing file passed the check")
	}
}
