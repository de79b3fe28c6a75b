package sheet

import "slices"

// mergeFill gives the data rows what Excel shows in a merged cell: its
// top-left value in every row the range spans ("Elm Street Pediatrics"
// merged down the rows of its three doctors). excelize's row iterator gives
// the value in the top row only. A range spanning several columns gives its
// value to its left column only: the columns right of it are other fields.
type mergeFill struct {
	pending []cellRange // not reached yet, by top row
	active  []activeMerge
}

type activeMerge struct {
	cellRange
	value string
}

// newMergeFill keeps the ranges that start below the header row and span
// more than one row.
func newMergeFill(merges []cellRange, header int) mergeFill {
	var m mergeFill
	for _, c := range merges {
		if c.top > header && c.bottom > c.top {
			m.pending = append(m.pending, c)
		}
	}
	slices.SortFunc(m.pending, func(a, b cellRange) int { return a.top - b.top })
	return m
}

// fill is called with every row below the header, in order. A row with
// nothing of its own (a blank row inside a merged range) stays blank.
func (m *mergeFill) fill(cells []string, num int) []string {
	if len(m.pending) == 0 && len(m.active) == 0 {
		return cells
	}
	m.active = slices.DeleteFunc(m.active, func(a activeMerge) bool { return a.bottom < num })
	for len(m.pending) > 0 && m.pending[0].top <= num {
		p := m.pending[0]
		m.pending = m.pending[1:]
		if v := cellAt(cells, p.left); p.top == num && v != "" {
			m.active = append(m.active, activeMerge{p, v})
		}
	}
	if len(m.active) == 0 || blank(cells) {
		return cells
	}
	for _, a := range m.active {
		if a.top == num || cellAt(cells, a.left) != "" {
			continue
		}
		for len(cells) <= a.left {
			cells = append(cells, "")
		}
		cells[a.left] = a.value
	}
	return cells
}
