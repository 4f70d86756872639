package jobs

import (
	"errors"
	"fmt"
	"testing"

	"github.com/ember-sql/ember/exec/eval"
)

// TestClassify checks which errors fail a job at once and which are
// retried.
func TestClassify(t *testing.T) {
	lost := errors.New("worker 10.0.0.2:7078 lost")
	for _, tc := range []struct {
		name      string
		phase     phase
		err       error
		permanent bool
	}{
		{"bind error", phaseSetup, errors.New(`table "x" not found`), true},
		{"master unreachable", phaseConnect, errors.New("cannot reach master"), false},
		{"lost worker while streaming", phaseStream, lost, false},
		{"division by zero while streaming", phaseStream, eval.DataErrorf("division by zero in a / b"), true},
		{"wrapped data error", phaseStream, fmt.Errorf("statement 2: %w", &eval.DataError{Err: errors.New("integer overflow")}), true},
	} {
		err := classify(tc.phase, tc.err)
		if IsPermanent(err) != tc.permanent {
			t.Errorf("%s: permanent = %v, want %v", tc.name, IsPermanent(err), tc.permanent)
		}
		if !errors.Is(err, tc.err) {
			t.Errorf("%s: the classified error lost the original", tc.name)
		}
	}
	if classify(phaseStream, nil) != nil {
		t.Error("classify(nil) is not nil")
	}
}
