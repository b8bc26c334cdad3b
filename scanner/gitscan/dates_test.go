package gitscan

import (
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	utc := time.UTC
	now := time.Date(2026, 3, 15, 10, 30, 0, 0, utc)
	tests := []struct {
		in       string
		endOfDay bool
		want     time.Time
	}{
		{"2024-05-01", false, time.Date(2024, 5, 1, 0, 0, 0, 0, utc)},
		{"2024-05-01", true, time.Date(2024, 5, 1, 23, 59, 59, 0, utc)},
		{"2024-05-01 13:45", false, time.Date(2024, 5, 1, 13, 45, 0, 0, utc)},
		{"2024-05-01 13:45:07", true, time.Date(2024, 5, 1, 13, 45, 7, 0, utc)},
		{"2024-05-01T13:45:07+02:00", false, time.Date(2024, 5, 1, 11, 45, 7, 0, utc)},
		{"@1714567890", false, time.Unix(1714567890, 0)},
		{"2 weeks ago", false, now.AddDate(0, 0, -14)},
		{"3.days.ago", false, now.AddDate(0, 0, -3)},
		{"1 month ago", false, now.AddDate(0, -1, 0)},
		{"yesterday", false, time.Date(2026, 3, 14, 0, 0, 0, 0, utc)},
		{"yesterday", true, time.Date(2026, 3, 14, 23, 59, 59, 0, utc)},
		{"now", true, now},
	}
	for _, tt := range tests {
		got, err := ParseDate(tt.in, now, tt.endOfDay)
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("ParseDate(%q, %v) = %v, %v; want %v", tt.in, tt.endOfDay, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "last tuesday", "2024-13-01", "@x", "5 fortnights ago"} {
		if _, err := ParseDate(bad, now, false); err == nil {
			t.Errorf("ParseDate(%q): no error", bad)
		}
	}
}
