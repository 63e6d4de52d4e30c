package litmus

import (
	"fmt"

	"mmcheck/model"
)

// MaxErrors is how many errors Parse, ResolveIncludes, Lower and Load
// report at most. Past it they stop, and a last error says so ("too many
// errors: stopped after 1000"): enough for any tool to show what it wants
// (the CLI shows 10 unless --all-errors), and a bound on the work and
// memory of input that is all errors (a binary file).
const MaxErrors = 1000

// maxRawErrors bounds the errors the lowering records before sorting and
// dropping all but the first of each line.
const maxRawErrors = 10 * MaxErrors

// tooMany is the message of the last error of a list cut at MaxErrors.
var tooMany = fmt.Sprintf("too many errors: stopped after %d", MaxErrors)

// finishErrors sorts a list of errors, keeps only the first error of each
// line unless all, and cuts it to MaxErrors errors followed by a
// "too many errors" error at stop (or where the first error cut was) if
// there were more (more says there were, some not even in the list).
func finishErrors(errs model.ErrorList, all, more bool, stop model.Pos) model.ErrorList {
	if all {
		errs.Sort()
	} else {
		errs.RemoveMultiples()
	}
	if len(errs) > MaxErrors {
		stop, more = errs[MaxErrors].Pos, true
		errs = errs[:MaxErrors]
	}
	if more {
		errs = append(errs, &model.Error{Pos: stop, Msg: tooMany})
	}
	return errs
}
