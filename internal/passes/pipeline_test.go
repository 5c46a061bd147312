package passes

import "testing"

// TestPipelineOrder checks the ordering constraints of Order against
// Pipeline: every run of After has a run of Before earlier.
func TestPipelineOrder(t *testing.T) {
	for _, o := range Order {
		seenBefore, seenAfter := false, false
		for _, p := range Pipeline {
			if p.Name == o.Before {
				seenBefore = true
			}
			if p.Name == o.After {
				seenAfter = true
				if !seenBefore {
					t.Errorf("%s runs before %s, but %s", o.After, o.Before, o.Why)
				}
			}
		}
		if !seenBefore || !seenAfter {
			t.Errorf("constraint %s < %s names a pass not in the pipeline", o.Before, o.After)
		}
	}
}
