package gitscan

import (
	"bytes"
	"errors"
	"strconv"
	"time"
)

// Tree entry modes (the file-type bits).
const (
	modeTypeMask = 0o170000
	modeDir      = 0o040000
	modeFile     = 0o100000
	modeSymlink  = 0o120000
	modeGitlink  = 0o160000
)

// treeEntry is one entry of a tree object; name points into the tree's data.
type treeEntry struct {
	name []byte
	mode uint32
	hash hash
}

func (e *treeEntry) isDir() bool  { return e.mode&modeTypeMask == modeDir }
func (e *treeEntry) isFile() bool { return e.mode&modeTypeMask == modeFile }

// commitData is what a commit object holds that the scan uses.
type commitData struct {
	tree    hash
	parents []hash
	time    int64 // committer time, for ordering

	author, email string
	authorTime    int64
	authorTZ      int // seconds east of UTC
	message       string
}

// parseCommit parses a commit object; with full, also author and message.
func parseCommit(data []byte, full bool) (commitData, error) {
	var c commitData
	haveTree := false
	for len(data) > 0 {
		nl := bytes.IndexByte(data, '\n')
		var line []byte
		if nl < 0 {
			line, data = data, nil
		} else {
			line, data = data[:nl], data[nl+1:]
		}
		if len(line) == 0 {
			if full {
				c.message = string(bytes.TrimRight(data, "\n"))
			}
			break
		}
		if line[0] == ' ' {
			continue // continuation of a multi-line header (gpgsig, mergetag)
		}
		key, val, _ := bytes.Cut(line, []byte{' '})
		switch string(key) {
		case "tree":
			h, ok := parseHash(val)
			if !ok {
				return c, errors.New("corrupt commit: bad tree line")
			}
			c.tree, haveTree = h, true
		case "parent":
			h, ok := parseHash(val)
			if !ok {
				return c, errors.New("corrupt commit: bad parent line")
			}
			c.parents = append(c.parents, h)
		case "author":
			if full {
				c.author, c.email, c.authorTime, c.authorTZ = parseSignature(val)
			}
		case "committer":
			_, _, c.time, _ = parseSignature(val)
		}
	}
	if !haveTree {
		return c, errors.New("corrupt commit: no tree")
	}
	return c, nil
}

// parseSignature parses "Name <email> 1700000000 +0100".
func parseSignature(b []byte) (name, email string, when int64, tz int) {
	lt := bytes.LastIndexByte(b, '<')
	gt := bytes.LastIndexByte(b, '>')
	if lt < 0 || gt < lt {
		return string(bytes.TrimSpace(b)), "", 0, 0
	}
	name = string(bytes.TrimSpace(b[:lt]))
	email = string(b[lt+1 : gt])
	f := bytes.Fields(b[gt+1:])
	if len(f) >= 1 {
		when, _ = strconv.ParseInt(string(f[0]), 10, 64)
	}
	if len(f) >= 2 && len(f[1]) == 5 && (f[1][0] == '+' || f[1][0] == '-') {
		hh, err1 := strconv.Atoi(string(f[1][1:3]))
		mm, err2 := strconv.Atoi(string(f[1][3:5]))
		if err1 == nil && err2 == nil {
			tz = hh*3600 + mm*60
			if f[1][0] == '-' {
				tz = -tz
			}
		}
	}
	return
}

// rfc3339 formats a git timestamp in its own time zone.
func rfc3339(when int64, tz int) string {
	if when == 0 {
		return ""
	}
	return time.Unix(when, 0).In(time.FixedZone("", tz)).Format(time.RFC3339)
}

// tagData is what an annotated tag object holds.
type tagData struct {
	object hash
	typ    objType
	time   int64
}

func parseTag(data []byte) (tagData, error) {
	var t tagData
	have := false
	for len(data) > 0 {
		nl := bytes.IndexByte(data, '\n')
		if nl <= 0 {
			break
		}
		line := data[:nl]
		data = data[nl+1:]
		key, val, _ := bytes.Cut(line, []byte{' '})
		switch string(key) {
		case "object":
			h, ok := parseHash(val)
			if !ok {
				return t, errors.New("corrupt tag: bad object line")
			}
			t.object, have = h, true
		case "type":
			switch string(val) {
			case "commit":
				t.typ = objCommit
			case "tree":
				t.typ = objTree
			case "blob":
				t.typ = objBlob
			case "tag":
				t.typ = objTag
			}
		case "tagger":
			_, _, t.time, _ = parseSignature(val)
		}
	}
	if !have {
		return t, errors.New("corrupt tag: no object")
	}
	return t, nil
}
