// Package scanner is keyhound's matching engine: a Matcher built from a rule
// set finds its keywords in one multi-pattern pass and runs each rule's
// regular expression only in a window around them; a Worker scans content
// (expanding archives and encodings, see Expand); the Driver applies the
// size limit, binary detection, counters, error accounting and progress to
// the items every source hands it; Walk lists a directory's files.
package scanner
