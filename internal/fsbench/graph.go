package fsbench

import (
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

const mib = 1 << 20

// Line is one line of a graph: a run (or a configuration swept over NFS
// transfer sizes) and an operation, with a Point at each x.
type Line struct {
	Name, Op string
	X        []int64 // request or transfer sizes, ascending
	Points   []Point
}

// series adapts a Line to plotter.XYer and plotter.YErrorer, in MiB/s.
type series Line

func (s *series) Len() int { return len(s.X) }
func (s *series) XY(i int) (float64, float64) {
	return float64(s.X[i]), s.Points[i].Mean / mib
}
func (s *series) YError(i int) (float64, float64) {
	// A bandwidth is never negative, and the log axis has no room for it.
	low := min(s.Points[i].Std, 0.95*s.Points[i].Mean)
	return low / mib, s.Points[i].Std / mib
}

// RequestSizeLines computes the lines of the request-size graph: per run
// and operation, a point per request size.
func RequestSizeLines(runs []Run) []Line {
	var lines []Line
	for _, r := range runs {
		pts := Points(r.Report.Samples)
		for _, op := range []string{Write, Read} {
			l := Line{Name: r.Name, Op: op}
			for _, pt := range pts {
				if pt.Op == op {
					l.X = append(l.X, pt.RequestSize)
					l.Points = append(l.Points, pt)
				}
			}
			if len(l.X) > 0 {
				lines = append(lines, l)
			}
		}
	}
	return lines
}

// TransferSizeLines computes the lines of the transfer-size graph: per
// configuration (runs of the same name with different NFS transfer
// sizes) and operation, a point per transfer size, from all the samples
// of requests of at least minRequest bytes. Runs without a transfer size
// are left out.
func TransferSizeLines(runs []Run, minRequest int64) []Line {
	var names []string
	byName := map[string][]Run{}
	for _, r := range runs {
		if r.Report.TransferSize() == 0 {
			continue
		}
		if _, ok := byName[r.Name]; !ok {
			names = append(names, r.Name)
		}
		byName[r.Name] = append(byName[r.Name], r)
	}
	var lines []Line
	for _, name := range names {
		group := byName[name]
		var tsizes []int64
		for _, r := range group {
			if t := r.Report.TransferSize(); !slices.Contains(tsizes, t) {
				tsizes = append(tsizes, t)
			}
		}
		slices.Sort(tsizes)
		for _, op := range []string{Write, Read} {
			l := Line{Name: name, Op: op}
			for _, t := range tsizes {
				var bw []float64
				for _, r := range group {
					if r.Report.TransferSize() == t {
						for _, smp := range Filter(r.Report.Samples, op, minRequest) {
							bw = append(bw, smp.Bandwidth)
						}
					}
				}
				if len(bw) > 0 {
					pt := stats(bw)
					pt.Op = op
					l.X = append(l.X, t)
					l.Points = append(l.Points, pt)
				}
			}
			if len(l.X) > 0 {
				lines = append(lines, l)
			}
		}
	}
	return lines
}

// RequestSizeGraph draws bandwidth against request size: a line per run
// and operation (writes solid, reads dashed, a color per run), each point
// the mean of its samples with standard-deviation error bars. The
// bandwidth axis is logarithmic: the runs span two orders of magnitude
// (an NFS client at small requests to host reads from the page cache).
func RequestSizeGraph(runs []Run, title string) (*plot.Plot, error) {
	lines := RequestSizeLines(runs)
	if len(lines) == 0 {
		return nil, fmt.Errorf("fsbench: no samples to draw")
	}
	return drawLines(lines, title, "request size (bytes)", true)
}

// TransferSizeGraph draws bandwidth against NFS transfer size for
// requests of at least minRequest bytes (TransferSizeLines). If no run
// has a transfer size the result is ErrNoTransferSizes.
func TransferSizeGraph(runs []Run, minRequest int64, title string) (*plot.Plot, error) {
	lines := TransferSizeLines(runs, minRequest)
	if len(lines) == 0 {
		return nil, ErrNoTransferSizes
	}
	return drawLines(lines, title, "NFS transfer size (bytes)", false)
}

// drawLines draws lines, one color per name.
func drawLines(lines []Line, title, xlabel string, logY bool) (*plot.Plot, error) {
	p := newPlot(title, xlabel, logY)
	var names []string
	for _, l := range lines {
		i := slices.Index(names, l.Name)
		if i < 0 {
			i = len(names)
			names = append(names, l.Name)
		}
		if err := addLine(p, (*series)(&l), l.Name+" "+l.Op, i, l.Op); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func newPlot(title, xlabel string, logY bool) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = xlabel
	p.Y.Label.Text = "bandwidth (MiB/s)"
	p.X.Scale = plot.LogScale{}
	p.X.Tick.Marker = plot.TickerFunc(powerOfTwoTicks)
	if logY {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = plot.TickerFunc(decadeTicks)
	} else {
		p.Y.Min = 0
	}
	p.Legend.Top = true
	p.Legend.Left = true
	p.Add(plotter.NewGrid())
	return p
}

// addLine adds a line with points and error bars in the i-th color,
// dashed for reads.
func addLine(p *plot.Plot, s *series, label string, i int, op string) error {
	l, pts, err := plotter.NewLinePoints(s)
	if err != nil {
		return err
	}
	c := palette[i%len(palette)]
	l.Color = c
	l.Width = vg.Points(1.5)
	if op == Read {
		l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
	}
	pts.Color = c
	pts.Shape = draw.CircleGlyph{}
	if op == Read {
		pts.Shape = draw.TriangleGlyph{}
	}
	eb, err := plotter.NewYErrorBars(s)
	if err != nil {
		return err
	}
	eb.Color = c
	eb.CapWidth = vg.Points(5)
	p.Add(l, pts, eb)
	p.Legend.Add(label, l, pts)
	return nil
}

// palette has a distinct color for each of a dozen runs (plotutil's
// seven repeat in the request-size graph).
var palette = []color.Color{
	color.RGBA{31, 119, 180, 255}, color.RGBA{255, 127, 14, 255}, color.RGBA{44, 160, 44, 255},
	color.RGBA{214, 39, 40, 255}, color.RGBA{148, 103, 189, 255}, color.RGBA{140, 86, 75, 255},
	color.RGBA{227, 119, 194, 255}, color.RGBA{127, 127, 127, 255}, color.RGBA{188, 189, 34, 255},
	color.RGBA{23, 190, 207, 255}, color.RGBA{0, 0, 0, 255}, color.RGBA{0, 0, 128, 255},
}

// decadeTicks labels 1, 2 and 5 times the powers of ten in [lo, hi].
func decadeTicks(lo, hi float64) []plot.Tick {
	var ticks []plot.Tick
	for d := math.Pow(10, math.Floor(math.Log10(lo))); d <= hi; d *= 10 {
		for _, m := range []float64{1, 2, 5} {
			if v := m * d; v >= lo && v <= hi {
				ticks = append(ticks, plot.Tick{Value: v, Label: fmt.Sprint(v)})
			}
		}
	}
	return ticks
}

// powerOfTwoTicks labels the powers of two in [lo, hi] as 512, 1K, ...,
// 1M (every other one when there are many).
func powerOfTwoTicks(lo, hi float64) []plot.Tick {
	var ticks []plot.Tick
	first := math.Exp2(math.Ceil(math.Log2(lo)))
	n := 0
	for v := first; v <= hi*(1+1e-9); v *= 2 {
		n++
	}
	step := 1
	if n > 12 {
		step = 2
	}
	i := 0
	for v := first; v <= hi*(1+1e-9); v *= 2 {
		t := plot.Tick{Value: v}
		if i%step == 0 {
			t.Label = SizeLabel(int64(v))
		}
		ticks = append(ticks, t)
		i++
	}
	return ticks
}

// SizeLabel writes a byte count the short way: 512, 4K, 1M.
func SizeLabel(n int64) string {
	switch {
	case n >= mib && n%mib == 0:
		return fmt.Sprintf("%dM", n/mib)
	case n >= 1024 && n%1024 == 0:
		return fmt.Sprintf("%dK", n/1024)
	}
	return fmt.Sprint(n)
}

// Save writes p as dir/base.svg and dir/base.png and returns their paths.
func Save(p *plot.Plot, dir, base string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var paths []string
	for _, ext := range []string{".svg", ".png"} {
		path := filepath.Join(dir, base+ext)
		if err := p.Save(20*vg.Centimeter, 13*vg.Centimeter, path); err != nil {
			return nil, fmt.Errorf("fsbench: %s: %v", path, err)
		}
		paths = append(paths, path)
	}
	return paths, nil
}
