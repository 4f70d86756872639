package catalog

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// The file formats OpenFiles reads.
const (
	FormatParquet = "parquet"
	FormatCSV     = "csv"
	FormatJSON    = "json" // newline-delimited JSON: one object per line
)

// FormatFromPath tells a data file's format from its extension (.parquet,
// .parq; .csv, .tsv; .json, .ndjson, .jsonl; text formats may end in .gz),
// or returns "" when the extension is not one of those.
func FormatFromPath(path string) string {
	name := strings.ToLower(filepath.Base(path))
	name = strings.TrimSuffix(name, ".gz")
	switch filepath.Ext(name) {
	case ".parquet", ".parq":
		return FormatParquet
	case ".csv", ".tsv":
		return FormatCSV
	case ".json", ".ndjson", ".jsonl":
		return FormatJSON
	}
	return ""
}

// tableNameOf is the table name a data file gives: its base name without
// the format extension (nor .gz).
func tableNameOf(path string) string {
	name := filepath.Base(path)
	if strings.HasSuffix(strings.ToLower(name), ".gz") {
		name = name[:len(name)-3]
	}
	return strings.TrimSuffix(name, filepath.Ext(name))
}

// hidden reports whether a file or directory name is skipped when listing a
// directory: names starting with '_' or '.' (_SUCCESS, .crc files,
// _temporary directories), as Spark does.
func hidden(name string) bool {
	return strings.HasPrefix(name, "_") || strings.HasPrefix(name, ".")
}

// OpenFiles opens path as one table. format is FormatParquet, FormatCSV,
// FormatJSON or "" (told from the files' extensions). path may be a file, a
// directory (all its data files, recursively, skipping hidden names) or a
// glob (filepath.Match syntax per path segment, plus ** for any number of
// directories). All files of a table must share a schema.
//
// options (keys are case-insensitive) apply to CSV: header (default true),
// delimiter or sep (default ',' or tab for .tsv files), quote (default '"'),
// nullValue (default ""), inferSchema (default true). JSON and Parquet take
// none.
//
// A directory whose files lie in Hive-style name=value directories (as
// WriteFiles writes them with PartitionBy) is a PartitionedTable: the
// files' columns followed by the partition columns.
func OpenFiles(ctx context.Context, format, path string, options map[string]string) (Table, error) {
	format = strings.ToLower(format)
	switch format {
	case "", FormatParquet, FormatCSV, FormatJSON:
	case "ndjson", "jsonl":
		format = FormatJSON
	default:
		return nil, fmt.Errorf("unknown file format %q (want parquet, csv or json)", format)
	}
	// Absolute paths, so that a plan sent to a worker in another working
	// directory still names the same files.
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	files, err := expandPath(path, format)
	if err != nil {
		return nil, err
	}
	if format == "" {
		if format, err = formatOfFiles(path, files); err != nil {
			return nil, err
		}
	}
	opts := make(map[string]string, len(options))
	for k, v := range options {
		opts[strings.ToLower(k)] = v
	}
	// A directory whose files lie in name=value directories is a
	// partitioned table (partitions.go).
	var parts *partitionSpec
	if st, err := os.Stat(path); err == nil && st.IsDir() && !strings.ContainsAny(path, "*?[") {
		if parts, err = discoverPartitions(path, files); err != nil {
			return nil, err
		}
	}
	var t Table
	switch format {
	case FormatParquet:
		if err := noOptions("Parquet", opts); err != nil {
			return nil, err
		}
		t, err = openParquet(ctx, files)
	case FormatCSV:
		t, err = openCSV(ctx, files, opts)
	default:
		if err := noOptions("JSON", opts); err != nil {
			return nil, err
		}
		t, err = openJSON(ctx, files)
	}
	if err != nil {
		return nil, err
	}
	if parts != nil {
		pt, err := newPartitionedTable(t, parts)
		if err != nil {
			return nil, err
		}
		return pt, nil
	}
	return t, nil
}

func noOptions(format string, opts map[string]string) error {
	for k := range opts {
		return fmt.Errorf("unknown %s option %q", format, k)
	}
	return nil
}

// formatOfFiles tells the format of a table's files from their extensions;
// they must agree.
func formatOfFiles(path string, files []string) (string, error) {
	format := ""
	for _, f := range files {
		ff := FormatFromPath(f)
		if ff == "" {
			return "", fmt.Errorf("cannot tell the format of %s from its extension: give a format", f)
		}
		if format != "" && ff != format {
			return "", fmt.Errorf("%s holds files of two formats (%s and %s): give a format", path, format, ff)
		}
		format = ff
	}
	return format, nil
}

// expandPath lists the data files path names, sorted: the file itself, the
// data files under a directory, or the files matching a glob. With a
// format, a directory's files of that format are taken (or, when it holds
// none, its visible files without a known data extension).
func expandPath(path, format string) ([]string, error) {
	var files []string
	if strings.ContainsAny(path, "*?[") {
		matches, err := glob(path)
		if err != nil {
			return nil, err
		}
		for _, m := range matches {
			st, err := os.Stat(m)
			if err != nil {
				return nil, err
			}
			if st.IsDir() {
				sub, err := listDir(m, format)
				if err != nil {
					return nil, err
				}
				files = append(files, sub...)
			} else if !hidden(filepath.Base(m)) {
				files = append(files, m)
			}
		}
	} else {
		st, err := os.Stat(path)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("no files match %s", path)
		}
		if err != nil {
			return nil, err
		}
		if st.IsDir() {
			if files, err = listDir(path, format); err != nil {
				return nil, err
			}
		} else {
			files = []string{path}
		}
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no files match %s", path)
	}
	sort.Strings(files)
	// A glob may match a file both directly and through its directory.
	out := files[:1]
	for _, f := range files[1:] {
		if f != out[len(out)-1] {
			out = append(out, f)
		}
	}
	return out, nil
}

// listDir returns the data files under dir, recursively, skipping hidden
// names. With format "", files of any known format are taken.
func listDir(dir, format string) ([]string, error) {
	var known, other []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == dir {
			return nil
		}
		if hidden(d.Name()) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			st, err := os.Stat(p)
			if err != nil || st.IsDir() {
				return nil // a symlink to a directory is not followed (no cycles)
			}
		}
		ff := FormatFromPath(p)
		switch {
		case ff != "" && (format == "" || ff == format):
			known = append(known, p)
		case ff == "":
			other = append(other, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(known) == 0 && format != "" {
		return other, nil
	}
	return known, nil
}

// glob expands pattern: filepath.Glob, plus "**" as a whole path segment
// standing for any number of directories (zero included).
func glob(pattern string) ([]string, error) {
	if !strings.Contains(pattern, "**") {
		m, err := filepath.Glob(pattern)
		if err != nil {
			return nil, fmt.Errorf("bad glob %s: %w", pattern, err)
		}
		return m, nil
	}
	// Walk from the longest leading part without wildcards.
	segs := strings.Split(filepath.ToSlash(filepath.Clean(pattern)), "/")
	base := 0
	for base < len(segs) && !strings.ContainsAny(segs[base], "*?[") {
		base++
	}
	root := strings.Join(segs[:base], "/")
	if root == "" {
		if strings.HasPrefix(pattern, "/") {
			root = "/"
		} else {
			root = "."
		}
	}
	rest := segs[base:]
	for _, s := range rest {
		if strings.Contains(s, "**") && s != "**" {
			return nil, fmt.Errorf("bad glob %s: ** must be a whole path segment", pattern)
		}
		if _, err := filepath.Match(s, ""); err != nil {
			return nil, fmt.Errorf("bad glob %s: %w", pattern, err)
		}
	}
	var out []string
	err := filepath.WalkDir(filepath.FromSlash(root), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == filepath.FromSlash(root) {
				return filepath.SkipAll
			}
			return err
		}
		rel, err := filepath.Rel(filepath.FromSlash(root), p)
		if err != nil || rel == "." {
			return nil
		}
		if hidden(d.Name()) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		if matchSegments(rest, strings.Split(filepath.ToSlash(rel), "/")) {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// matchSegments matches path segments against pattern segments, "**"
// matching any number of segments.
func matchSegments(pat, name []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			for k := 0; k <= len(name); k++ {
				if matchSegments(pat[1:], name[k:]) {
					return true
				}
			}
			return false
		}
		if len(name) == 0 {
			return false
		}
		if ok, _ := filepath.Match(pat[0], name[0]); !ok {
			return false
		}
		pat, name = pat[1:], name[1:]
	}
	return len(name) == 0
}

// DiscoverTables lists the tables of a data directory: each Parquet, CSV or
// JSON file directly inside dir becomes a table named after the file without
// its extension (dir/lineitem.parquet is "lineitem"), and each directory
// holding such files one named after the directory (dir/events/ is
// "events"). Hidden names are skipped. It returns name → path.
func DiscoverTables(dir string) (map[string]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	from := map[string]string{} // lower-case name → entry that gave it
	for _, e := range entries {
		if hidden(e.Name()) {
			continue
		}
		p := filepath.Join(dir, e.Name())
		st, err := os.Stat(p) // follows symlinks
		if err != nil {
			return nil, err
		}
		var name string
		if st.IsDir() {
			files, err := listDir(p, "")
			if err != nil {
				return nil, err
			}
			if len(files) == 0 {
				continue
			}
			name = e.Name()
		} else {
			if FormatFromPath(p) == "" {
				continue
			}
			name = tableNameOf(p)
		}
		// Table names are case-insensitive, so Orders.csv and orders.parquet
		// would collide.
		if prev, ok := from[strings.ToLower(name)]; ok {
			return nil, fmt.Errorf("%s and %s in %s would both be table %s", prev, e.Name(), dir, name)
		}
		from[strings.ToLower(name)] = e.Name()
		out[name] = p
	}
	return out, nil
}
