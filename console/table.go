package console

import (
	"strings"
	"unicode/utf8"
)

// Table lays out rows (the first is the header) in columns two spaces
// apart. The last column (a description) is wrapped at word boundaries to
// fit width; when fewer than minLast columns would be left for it, it goes
// on lines of its own below its row, indented. width <= 0: no limit.
func Table(rows [][]string, width int) string {
	const gap, minLast, indent = 2, 24, 4
	last := len(rows[0]) - 1
	widths := make([]int, last)
	for _, r := range rows {
		for i := 0; i < last; i++ {
			widths[i] = max(widths[i], utf8.RuneCountInString(r[i]))
		}
	}
	lead := 0
	for _, w := range widths {
		lead += w + gap
	}
	var b strings.Builder
	below := width > 0 && width-lead < minLast
	for _, r := range rows {
		var line strings.Builder
		for i := 0; i < last; i++ {
			line.WriteString(r[i])
			if i < last-1 || !below {
				line.WriteString(strings.Repeat(" ", widths[i]-utf8.RuneCountInString(r[i])+gap))
			}
		}
		switch {
		case width <= 0:
			b.WriteString(line.String() + r[last] + "\n")
		case below:
			b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
			for _, l := range Wrap(r[last], width-indent) {
				b.WriteString(strings.Repeat(" ", indent) + l + "\n")
			}
		default:
			for i, l := range Wrap(r[last], width-lead) {
				if i == 0 {
					b.WriteString(line.String() + l + "\n")
				} else {
					b.WriteString(strings.Repeat(" ", lead) + l + "\n")
				}
			}
		}
	}
	return b.String()
}

// Wrap breaks s into lines of at most width runes at spaces; a word longer
// than width is cut. width is at least 8.
func Wrap(s string, width int) []string {
	width = max(width, 8)
	var lines []string
	var cur []rune
	for _, word := range strings.Fields(s) {
		w := []rune(word)
		for len(w) > width {
			if len(cur) > 0 {
				lines, cur = append(lines, string(cur)), nil
			}
			lines, w = append(lines, string(w[:width])), w[width:]
		}
		switch {
		case len(cur) == 0:
			cur = w
		case len(cur)+1+len(w) <= width:
			cur = append(append(cur, ' '), w...)
		default:
			lines, cur = append(lines, string(cur)), w
		}
	}
	if len(cur) > 0 || len(lines) == 0 {
		lines = append(lines, string(cur))
	}
	return lines
}
