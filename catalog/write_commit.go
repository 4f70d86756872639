package catalog

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// The commit of a write: the temporary directory holds every file of the
// new data and the _SUCCESS marker; making them visible at the target is a
// few renames within one file system.
//
//	missing target   rename tmp → path
//	SaveOverwrite    rename path → .old, rename tmp → path, delete .old
//	                 (if the second rename fails, .old goes back)
//	SaveAppend       rename each file of tmp into path, making the partition
//	                 directories it needs; on a failure the files already
//	                 moved go back and the directories made are removed
//
// What exists at the target is looked at again here, not only when the
// write started, since the write may have taken a while.

// commit makes the temporary directory's files visible at the target.
// skipped is true when SaveIgnore finds the target created meanwhile. A
// cancelled ctx stops the write before the commit starts; once it has
// started, the commit runs to the end.
func (t *writeTarget) commit(ctx context.Context) (skipped bool, err error) {
	if err := ctx.Err(); err != nil {
		t.rollback()
		return false, err
	}
	st, err := os.Lstat(t.path)
	if errors.Is(err, os.ErrNotExist) {
		if err := os.Rename(t.tmp, t.path); err != nil {
			t.rollback()
			return false, fmt.Errorf("commit %s: %w", t.path, err)
		}
		return false, nil
	}
	if err != nil {
		t.rollback()
		return false, err
	}
	switch t.mode {
	case SaveIgnore:
		t.rollback()
		return true, nil
	case SaveErrorIfExists:
		t.rollback()
		return false, fmt.Errorf("path %s already exists (use mode overwrite, append or ignore)", t.path)
	case SaveOverwrite:
		return false, t.replace()
	}
	if !st.IsDir() {
		t.rollback()
		return false, fmt.Errorf("cannot append to %s: it is a file, not a directory", t.path)
	}
	return false, t.appendFiles()
}

// replace puts the new directory in the old one's place.
func (t *writeTarget) replace() error {
	old := t.tmp + ".old"
	if err := os.Rename(t.path, old); err != nil {
		t.rollback()
		return fmt.Errorf("commit %s: %w", t.path, err)
	}
	if err := os.Rename(t.tmp, t.path); err != nil {
		if rerr := os.Rename(old, t.path); rerr != nil {
			// The old data is kept, hidden, under its temporary name.
			return fmt.Errorf("commit %s: %w; the old data is left in %s: %v", t.path, err, old, rerr)
		}
		t.rollback()
		return fmt.Errorf("commit %s: %w", t.path, err)
	}
	// The new data is in place; a failure to delete the old (hidden) copy
	// does not undo the write.
	_ = os.RemoveAll(old)
	return nil
}

// appendFiles moves every file of the temporary directory into the
// existing directory at the target.
func (t *writeTarget) appendFiles() error {
	var files []string // relative to tmp
	err := filepath.WalkDir(t.tmp, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, err := filepath.Rel(t.tmp, p)
			if err != nil {
				return err
			}
			files = append(files, rel)
		}
		return nil
	})
	if err != nil {
		t.rollback()
		return err
	}
	var moved, madeDirs []string
	undo := func(cause error) error {
		for i := len(moved) - 1; i >= 0; i-- {
			_ = os.Rename(filepath.Join(t.path, moved[i]), filepath.Join(t.tmp, moved[i]))
		}
		for i := len(madeDirs) - 1; i >= 0; i-- {
			_ = os.Remove(madeDirs[i])
		}
		t.rollback()
		return fmt.Errorf("commit %s: %w", t.path, cause)
	}
	// Data files first, the marker last, so that a crash in between never
	// leaves a fresh _SUCCESS beside missing files.
	var marker []string
	for _, rel := range files {
		if rel == SuccessFile {
			marker = append(marker, rel)
			continue
		}
		dir := filepath.Dir(rel)
		if dir != "." {
			made, err := mkdirAllRecorded(t.path, dir)
			madeDirs = append(madeDirs, made...)
			if err != nil {
				return undo(err)
			}
		}
		dst := filepath.Join(t.path, rel)
		if _, err := os.Lstat(dst); err == nil {
			return undo(fmt.Errorf("%s already exists", dst))
		}
		if err := os.Rename(filepath.Join(t.tmp, rel), dst); err != nil {
			return undo(err)
		}
		moved = append(moved, rel)
	}
	for _, rel := range marker {
		if err := os.Rename(filepath.Join(t.tmp, rel), filepath.Join(t.path, rel)); err != nil {
			return undo(err)
		}
	}
	_ = os.RemoveAll(t.tmp)
	t.tmp = ""
	return nil
}

// mkdirAllRecorded makes root/rel and the directories leading to it,
// returning those it made, outermost first.
func mkdirAllRecorded(root, rel string) ([]string, error) {
	var made []string
	cur := root
	for _, part := range splitPath(rel) {
		cur = filepath.Join(cur, part)
		err := os.Mkdir(cur, 0o755)
		switch {
		case err == nil:
			made = append(made, cur)
		case errors.Is(err, os.ErrExist):
			if st, serr := os.Stat(cur); serr != nil || !st.IsDir() {
				return made, fmt.Errorf("%s exists and is not a directory", cur)
			}
		default:
			return made, err
		}
	}
	return made, nil
}

// splitPath splits a relative path into its names.
func splitPath(rel string) []string { return strings.Split(filepath.ToSlash(rel), "/") }
