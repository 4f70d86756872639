// Command gen regenerates the Go code of Ember's protobuf files without
// protoc: it compiles every proto/*.proto with protocompile, hands the
// descriptors to protoc-gen-go and protoc-gen-go-grpc (run as `go tool`, so
// their versions are the ones go.mod pins) through the plugin protocol, and
// writes what they return next to the .proto files.
//
// Run it from anywhere inside the module:
//
//	go run ./proto/gen
//
// The output depends only on the .proto files and the plugins' versions, so
// CI can run it and fail on `git diff --exit-code proto/`.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/bufbuild/protocompile"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/pluginpb"
)

// plugins are the code generators run, as `go tool <name>`.
var plugins = []string{"protoc-gen-go", "protoc-gen-go-grpc"}

func main() {
	dir := flag.String("dir", "", "directory of the .proto files (default: proto/ of the module)")
	flag.Parse()
	if err := run(context.Background(), *dir); err != nil {
		fmt.Fprintln(os.Stderr, "proto/gen:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, dir string) error {
	// The plugins run in the module, so that go.mod pins their versions.
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	if dir == "" {
		dir = filepath.Join(root, "proto")
	}
	names, err := protoFiles(dir)
	if err != nil {
		return err
	}
	req, err := request(ctx, dir, names)
	if err != nil {
		return err
	}
	written := map[string]bool{}
	for _, p := range plugins {
		files, err := runPlugin(ctx, root, p, req)
		if err != nil {
			return err
		}
		for _, f := range files {
			path, err := writeFile(dir, f)
			if err != nil {
				return err
			}
			written[path] = true
		}
	}
	return removeStale(dir, written)
}

// removeStale deletes the generated files of dir that this run did not
// write: those of a .proto file that no longer exists.
func removeStale(dir string, written map[string]bool) error {
	old, err := filepath.Glob(filepath.Join(dir, "*.pb.go"))
	if err != nil {
		return err
	}
	for _, path := range old {
		if !written[path] {
			if err := os.Remove(path); err != nil {
				return err
			}
		}
	}
	return nil
}

// moduleRoot is the directory of the go.mod of the working directory's
// module.
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("not inside a Go module: run from the Ember module")
	}
	return filepath.Dir(gomod), nil
}

// protoFiles lists the .proto files of dir, sorted, relative to it.
func protoFiles(dir string) ([]string, error) {
	matches, err := filepath.Glob(filepath.Join(dir, "*.proto"))
	if err != nil {
		return nil, err
	}
	if len(matches) == 0 {
		return nil, fmt.Errorf("no .proto files in %s", dir)
	}
	names := make([]string, len(matches))
	for i, m := range matches {
		names[i] = filepath.Base(m)
	}
	sort.Strings(names)
	return names, nil
}

// request compiles the files and builds the plugins' input: the files to
// generate, and every file they need (well-known types included), each
// after its dependencies.
func request(ctx context.Context, dir string, names []string) (*pluginpb.CodeGeneratorRequest, error) {
	c := protocompile.Compiler{
		Resolver: protocompile.WithStandardImports(&protocompile.SourceResolver{ImportPaths: []string{dir}}),
		// Standard source info carries the comments into the generated code.
		SourceInfoMode: protocompile.SourceInfoStandard,
	}
	compiled, err := c.Compile(ctx, names...)
	if err != nil {
		return nil, err
	}
	req := &pluginpb.CodeGeneratorRequest{
		FileToGenerate: names,
		Parameter:      proto.String("paths=source_relative"),
	}
	seen := map[string]bool{}
	var add func(fd protoreflect.FileDescriptor)
	add = func(fd protoreflect.FileDescriptor) {
		if seen[fd.Path()] {
			return
		}
		seen[fd.Path()] = true
		imports := fd.Imports()
		for i := range imports.Len() {
			add(imports.Get(i).FileDescriptor)
		}
		req.ProtoFile = append(req.ProtoFile, protodesc.ToFileDescriptorProto(fd))
	}
	for _, f := range compiled {
		add(f)
	}
	return req, nil
}

// runPlugin runs `go tool plugin` in dir with req on its standard input
// and returns the files it generated.
func runPlugin(ctx context.Context, dir, plugin string, req *pluginpb.CodeGeneratorRequest) ([]*pluginpb.CodeGeneratorResponse_File, error) {
	in, err := proto.MarshalOptions{Deterministic: true}.Marshal(req)
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, "go", "tool", plugin)
	cmd.Dir = dir
	cmd.Stdin = bytes.NewReader(in)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("go tool %s: %w\n%s", plugin, err, stderr.String())
	}
	var resp pluginpb.CodeGeneratorResponse
	if err := proto.Unmarshal(stdout.Bytes(), &resp); err != nil {
		return nil, fmt.Errorf("go tool %s: bad response: %w", plugin, err)
	}
	if resp.Error != nil {
		return nil, fmt.Errorf("go tool %s: %s", plugin, resp.GetError())
	}
	return resp.File, nil
}

// writeFile writes one generated file under dir, refusing paths that
// would leave it (paths=source_relative keeps them beside their .proto).
func writeFile(dir string, f *pluginpb.CodeGeneratorResponse_File) (string, error) {
	if f.GetInsertionPoint() != "" {
		return "", fmt.Errorf("%s: insertion points are not supported", f.GetName())
	}
	name := filepath.Clean(filepath.FromSlash(f.GetName()))
	if filepath.IsAbs(name) || strings.HasPrefix(name, "..") {
		return "", fmt.Errorf("plugin wrote outside %s: %s", dir, f.GetName())
	}
	path := filepath.Join(dir, name)
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, []byte(f.GetContent())) {
		return path, nil // unchanged: keep the file's time stamp
	}
	return path, os.WriteFile(path, []byte(f.GetContent()), 0o644)
}
