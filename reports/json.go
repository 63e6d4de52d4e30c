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
