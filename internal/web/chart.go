package web

import (
	"fmt"
	"math"
)

// chart is a bar chart laid out for an inline SVG: the template only
// draws what is computed here. Colours come from classes (the style
// sheet), never inline styles, which the page's CSP forbids.
type chart struct {
	ID      string
	Title   string
	W, H    int
	Bars    []bar
	XLabels []mark
	YTicks  []mark
	Legend  []legendItem
	Empty   bool
	// Table is the same figures for screen readers and for reading.
	Head []string
	Rows [][]string
}

type bar struct {
	X, Y, W, H float64
	Class      string
	Tip        string
}

type mark struct {
	X, Y float64
	Text string
}

type legendItem struct {
	X, Y  float64
	Class string
	Text  string
}

// series is one group of figures across the chart's categories.
type series struct {
	Name   string
	Class  string
	Values []int
}

// chart geometry: the plot's margins inside the drawing.
const (
	chartLeft, chartRight, chartTop, chartBottom = 36.0, 8.0, 28.0, 34.0
)

// barChart lays out categories side by side; stacked piles the series
// of a category on one bar, otherwise they stand next to each other.
func barChart(id, title string, cats []string, ss []series, stacked bool) *chart {
	c := &chart{ID: id, Title: title, W: 720, H: 240}
	top := 0
	for i := range cats {
		sum := 0
		for _, s := range ss {
			v := s.Values[i]
			sum += v
			if !stacked {
				top = max(top, v)
			}
		}
		if stacked {
			top = max(top, sum)
		}
	}
	c.Empty = top == 0
	step := niceStep(top)
	top = int(math.Ceil(float64(max(top, 1))/float64(step))) * step
	plotW := float64(c.W) - chartLeft - chartRight
	plotH := float64(c.H) - chartTop - chartBottom
	y := func(v int) float64 { return chartTop + plotH - plotH*float64(v)/float64(top) }
	for v := 0; v <= top; v += step {
		c.YTicks = append(c.YTicks, mark{X: chartLeft - 6, Y: y(v), Text: fmt.Sprint(v)})
	}
	slot := plotW / float64(max(len(cats), 1))
	every := max(1, int(math.Ceil(float64(len(cats))*48/plotW)))
	for i, cat := range cats {
		x0 := chartLeft + slot*float64(i)
		if i%every == 0 {
			c.XLabels = append(c.XLabels, mark{X: x0 + slot/2, Y: float64(c.H) - chartBottom + 16, Text: cat})
		}
		c.Bars = append(c.Bars, categoryBars(cat, i, x0, slot, ss, stacked, y)...)
	}
	lx := chartLeft
	for _, s := range ss {
		c.Legend = append(c.Legend, legendItem{X: lx, Y: 10, Class: s.Class, Text: s.Name})
		lx += 24 + 7*float64(len([]rune(s.Name)))
	}
	c.Head = append([]string{""}, names(ss)...)
	for i, cat := range cats {
		row := []string{cat}
		for _, s := range ss {
			row = append(row, fmt.Sprint(s.Values[i]))
		}
		c.Rows = append(c.Rows, row)
	}
	return c
}

func categoryBars(cat string, i int, x0, slot float64, ss []series, stacked bool, y func(int) float64) []bar {
	var out []bar
	inner := slot * 0.72
	left := x0 + (slot-inner)/2
	base := 0
	for k, s := range ss {
		v := s.Values[i]
		if v == 0 {
			continue
		}
		b := bar{Class: s.Class, Tip: fmt.Sprintf("%s: %d %s", cat, v, s.Name)}
		if stacked {
			b.X, b.W, b.Y, b.H = left, inner, y(base+v), y(base)-y(base+v)
			base += v
		} else {
			w := inner / float64(len(ss))
			b.X, b.W, b.Y, b.H = left+w*float64(k), w-1, y(v), y(0)-y(v)
		}
		out = append(out, b)
	}
	return out
}

func names(ss []series) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.Name
	}
	return out
}

// niceStep is a round tick step that gives about four ticks up to top.
func niceStep(top int) int {
	if top <= 4 {
		return 1
	}
	raw := float64(top) / 4
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if raw <= m*mag {
			return int(m * mag)
		}
	}
	return int(10 * mag)
}
