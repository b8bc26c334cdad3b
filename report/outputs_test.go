package report

import (
	"reflect"
	"testing"
)

func TestParseOutputsInfersFormatFromExtension(t *testing.T) {
	tests := []struct {
		name             string
		formats, outputs []string
		want             []Output
	}{
		{"nothing: text to stdout", nil, nil, []Output{{Format: "text"}}},
		{"sarif", nil, []string{"r.sarif"}, []Output{{Format: "sarif", Path: "r.sarif"}}},
		{"json upper case", nil, []string{"out/R.JSON"}, []Output{{Format: "json", Path: "out/R.JSON"}}},
		{"csv", nil, []string{"r.csv"}, []Output{{Format: "csv", Path: "r.csv"}}},
		{"xml is junit", nil, []string{"junit.xml"}, []Output{{Format: "junit", Path: "junit.xml"}}},
		{"unknown extension: text", nil, []string{"report.txt"}, []Output{{Format: "text", Path: "report.txt"}}},
		{"several files", nil, []string{"a.json", "b.sarif"}, []Output{{Format: "json", Path: "a.json"}, {Format: "sarif", Path: "b.sarif"}}},
		{"-f wins over the extension", []string{"json"}, []string{"r.sarif"}, []Output{{Format: "json", Path: "r.sarif"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseOutputs(tt.formats, tt.outputs)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}
