package loadgen

import (
	"io/fs"
	"path/filepath"
	"syscall"
)

// FileSize is one file's size: as its length and as the blocks it holds.
type FileSize struct {
	Path      string // relative to the walked directory
	Bytes     int64  // apparent size (ls -l)
	Allocated int64  // blocks on disk (du)
}

// DirSize walks dir and returns every regular file's size and the totals.
func DirSize(dir string) (files []FileSize, total FileSize, err error) {
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		f := FileSize{Path: rel, Bytes: info.Size(), Allocated: info.Size()}
		if st, ok := info.Sys().(*syscall.Stat_t); ok {
			f.Allocated = st.Blocks * 512
		}
		files = append(files, f)
		total.Bytes += f.Bytes
		total.Allocated += f.Allocated
		return nil
	})
	return files, total, err
}
