package reports

import (
	"encoding/json"
	"io"

	"mmcheck/explorer"
)

// JSON writes the report as one JSON object (the same view Text renders).
func JSON(w io.Writer, r *explorer.Result, opts Options) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(buildView(r))
}

// JSONArray writes the reports of several files as one JSON array, in
// order (`explore --json` with several files or a directory).
func JSONArray(w io.Writer, rs []*explorer.Result, opts Options) error {
	views := make([]any, len(rs))
	for i, r := range rs {
		views[i] = buildView(r)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(views)
}
