package gitscan

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// readBlobsGoGit reads the wanted blobs with go-git's generic object
// iteration (kept to compare against readBlobs, and as an alternative):
// one goroutine decodes, the workers match.
func (s *session) readBlobsGoGit(ctx context.Context, want map[hash]int32, workers int, sink blobSink) error {
	type item struct {
		id   int32
		data []byte
	}
	items := make(chan item, 64)
	var wg sync.WaitGroup
	for k := 0; k < workers; k++ {
		wg.Add(1)
		go func(k int) {
			defer wg.Done()
			for it := range items {
				s.r.db.slots.acquire()
				sink(k, it.id, it.data, nil)
				s.r.db.slots.release()
			}
		}(k)
	}
	done := make(map[int32]bool, len(want))
	err := iterBlobsGoGit(ctx, s.r.gg.Storer, func(h plumbing.Hash) bool { _, ok := want[h]; return ok }, func(h plumbing.Hash, data []byte) {
		id := want[h]
		if done[id] {
			return
		}
		done[id] = true
		items <- item{id, data}
	})
	close(items)
	wg.Wait()
	if err != nil {
		return err
	}
	for h, id := range want {
		if !done[id] {
			// Not in the iteration (e.g. in an alternate): one lookup.
			obj, err := s.r.gg.Storer.EncodedObject(plumbing.BlobObject, h)
			if err != nil {
				sink(0, id, nil, fmt.Errorf("object %s: %w", h, err))
				continue
			}
			data, err := readAllObject(obj)
			sink(0, id, data, err)
		}
	}
	return nil
}

// iterBlobsGoGit calls fn with the content of every blob go-git iterates
// whose hash keep accepts.
func iterBlobsGoGit(ctx context.Context, st storer.EncodedObjectStorer, keep func(plumbing.Hash) bool, fn func(plumbing.Hash, []byte)) error {
	iter, err := st.IterEncodedObjects(plumbing.BlobObject)
	if err != nil {
		return err
	}
	defer iter.Close()
	for {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		obj, err := iter.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if !keep(obj.Hash()) {
			continue
		}
		data, err := readAllObject(obj)
		if err != nil {
			return fmt.Errorf("object %s: %w", obj.Hash(), err)
		}
		fn(obj.Hash(), data)
	}
}

func readAllObject(obj plumbing.EncodedObject) ([]byte, error) {
	rc, err := obj.Reader()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	data := make([]byte, 0, obj.Size())
	buf := data[:obj.Size()]
	n, err := io.ReadFull(rc, buf)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, err
	}
	return buf[:n], nil
}
