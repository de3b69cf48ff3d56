//! Draws a [`Chart`] as SVG with plotters. Text goes out as escaped `<text>` elements, so a
//! label holding markup stays text; the browser lays the glyphs out.

use crate::model::{Chart, Kind, Series};
use plotters::coord::Shift;
use plotters::prelude::*;

/// Why a chart could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    #[error("chart {id}: {message}")]
    Draw { id: String, message: String },
}

/// Series colours (a colour-blind-safe palette, Okabe & Ito 2008).
const PALETTE: [RGBColor; 6] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(213, 94, 0),
];
const FONT: &str = "sans-serif";

/// The chart as an SVG document of `width` × `height` pixels.
pub fn render_svg(chart: &Chart, width: u32, height: u32) -> Result<String, ChartError> {
    let mut out = String::new();
    {
        let root =
            SVGBackend::with_string(&mut out, (width.max(64), height.max(64))).into_drawing_area();
        let err = |e: &dyn std::fmt::Display| ChartError::Draw {
            id: chart.id.to_string(),
            message: e.to_string(),
        };
        draw(chart, &root).map_err(|e| err(&e))?;
        root.present().map_err(|e| err(&e))?;
    }
    Ok(out)
}

type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

fn draw<DB: DrawingBackend>(chart: &Chart, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    if chart.is_empty() {
        let (w, h) = root.dim_in_pixel();
        root.draw(&Text::new(
            chart.title.clone(),
            (10, 10),
            (FONT, 16).into_font(),
        ))?;
        root.draw(&Text::new(
            "—",
            (w as i32 / 2, h as i32 / 2),
            (FONT, 20).into_font().color(&BLACK.mix(0.4)),
        ))?;
        return Ok(());
    }
    match &chart.kind {
        Kind::Bars { labels, values } => bars(chart, root, labels, values),
        Kind::Intervals { rows } => {
            let labels: Vec<String> = rows.iter().map(|r| r.label.clone()).collect();
            let lo = rows
                .iter()
                .map(|r| r.low.min(r.value))
                .fold(f64::INFINITY, f64::min);
            let hi = rows
                .iter()
                .map(|r| r.high.max(r.value).max(r.marker.unwrap_or(r.value)))
                .fold(f64::NEG_INFINITY, f64::max);
            let (x0, x1) = padded(lo.min(0.0), hi);
            let mut ch = categorical(chart, root, &labels, x0..x1)?;
            let n = rows.len();
            let y = |i: usize| (n - 1 - i) as f64;
            ch.draw_series(rows.iter().enumerate().map(|(i, r)| {
                PathElement::new(
                    vec![(r.low, y(i)), (r.high, y(i))],
                    PALETTE[0].stroke_width(2),
                )
            }))?;
            ch.draw_series(
                rows.iter()
                    .enumerate()
                    .map(|(i, r)| Circle::new((r.value, y(i)), 4, PALETTE[0].filled())),
            )?;
            ch.draw_series(rows.iter().enumerate().filter_map(|(i, r)| {
                r.marker
                    .map(|m| TriangleMarker::new((m, y(i)), 5, PALETTE[1].filled()))
            }))?;
            Ok(())
        }
        Kind::Lines { series } => lines(chart, root, series),
        Kind::Heatmap {
            columns,
            rows,
            values,
        } => heatmap(chart, root, columns, rows, values),
        Kind::Scatter { points } => scatter(chart, root, points),
        Kind::Histogram { edges, counts } => histogram(chart, root, edges, counts),
        Kind::List { table } => {
            // The page shows a list as its table; the image only names it.
            root.draw(&Text::new(
                chart.title.clone(),
                (10, 10),
                (FONT, 16).into_font(),
            ))?;
            root.draw(&Text::new(
                format!("{} × {}", table.rows.len(), table.header.len()),
                (10, 36),
                (FONT, 12).into_font().color(&BLACK.mix(0.6)),
            ))?;
            Ok(())
        }
    }
}

/// A value's colour on a white-to-blue scale over [0, max].
fn shade(v: f64, max: f64) -> RGBColor {
    let t = if max > 0.0 {
        (v / max).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let mix = |a: u8, b: u8| (f64::from(a) + t * (f64::from(b) - f64::from(a))).round() as u8;
    let RGBColor(r, g, b) = PALETTE[0];
    RGBColor(mix(247, r), mix(251, g), mix(255, b))
}

/// Cells with their values written in, when there are few enough to read.
const LABELLED_CELLS: usize = 49;

fn heatmap<DB: DrawingBackend>(
    chart: &Chart,
    root: &DrawingArea<DB, Shift>,
    columns: &[String],
    rows: &[String],
    values: &[Vec<Option<f64>>],
) -> DrawResult<DB> {
    let (nc, nr) = (columns.len().max(1), rows.len().max(1));
    let max = values
        .iter()
        .flatten()
        .flatten()
        .copied()
        .fold(0.0, f64::max);
    let column_at = |x: &f64| label_at(columns, *x, false);
    let row_at = |y: &f64| label_at(rows, *y, true);
    let mut ch = ChartBuilder::on(root)
        .caption(&chart.title, (FONT, 16))
        .margin(10)
        .x_label_area_size(40)
        .y_label_area_size(label_width(rows))
        .build_cartesian_2d(-0.5..(nc as f64 - 0.5), -0.5..(nr as f64 - 0.5))?;
    ch.configure_mesh()
        .disable_mesh()
        .x_labels(nc.min(13))
        .y_labels(nr.min(25))
        .x_label_formatter(&column_at)
        .y_label_formatter(&row_at)
        .x_desc(&chart.x_label)
        .label_style((FONT, 12))
        .draw()?;
    let cells = || {
        values.iter().enumerate().flat_map(move |(r, row)| {
            row.iter()
                .enumerate()
                .filter_map(move |(c, v)| Some((c as f64, (nr - 1 - r) as f64, (*v)?)))
        })
    };
    ch.draw_series(cells().map(|(x, y, v)| {
        Rectangle::new(
            [(x - 0.5, y - 0.5), (x + 0.5, y + 0.5)],
            shade(v, max).filled(),
        )
    }))?;
    if nc * nr <= LABELLED_CELLS {
        let centred =
            TextStyle::from((FONT, 12).into_font()).pos(plotters::style::text_anchor::Pos::new(
                plotters::style::text_anchor::HPos::Center,
                plotters::style::text_anchor::VPos::Center,
            ));
        ch.draw_series(cells().map(|(x, y, v)| {
            let style = if max > 0.0 && v / max > 0.55 {
                centred.color(&WHITE)
            } else {
                centred.color(&BLACK)
            };
            Text::new(tick(&v), (x, y), style)
        }))?;
    }
    Ok(())
}

fn scatter<DB: DrawingBackend>(
    chart: &Chart,
    root: &DrawingArea<DB, Shift>,
    points: &[(f64, f64)],
) -> DrawResult<DB> {
    let (x0, x1) = padded(
        points.iter().map(|p| p.0).fold(0.0, f64::min),
        points.iter().map(|p| p.0).fold(f64::NEG_INFINITY, f64::max),
    );
    let (y0, y1) = padded(
        points.iter().map(|p| p.1).fold(0.0, f64::min),
        points.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max),
    );
    let mut ch = numeric(chart, root, x0..x1, y0..y1)?;
    ch.draw_series(
        points
            .iter()
            .map(|&p| Circle::new(p, 2, PALETTE[0].mix(0.5).filled())),
    )?;
    Ok(())
}

fn histogram<DB: DrawingBackend>(
    chart: &Chart,
    root: &DrawingArea<DB, Shift>,
    edges: &[f64],
    counts: &[f64],
) -> DrawResult<DB> {
    let lo = edges.first().copied().unwrap_or(0.0);
    let hi = edges.last().copied().unwrap_or(1.0);
    let (x0, x1) = if hi > lo { (lo, hi) } else { padded(lo, hi) };
    let (_, y1) = padded(0.0, counts.iter().copied().fold(0.0, f64::max));
    let mut ch = numeric(chart, root, x0..x1, 0.0..y1)?;
    ch.draw_series(
        edges
            .windows(2)
            .zip(counts)
            .map(|(e, &c)| Rectangle::new([(e[0], 0.0), (e[1], c)], PALETTE[0].filled())),
    )?;
    ch.draw_series(
        edges
            .windows(2)
            .zip(counts)
            .map(|(e, &c)| Rectangle::new([(e[0], 0.0), (e[1], c)], WHITE.stroke_width(1))),
    )?;
    Ok(())
}

/// The label at whole-number axis position `v` (from 0; `top_first`: position 0 is the last
/// label, so the first label is drawn on top), empty between positions.
fn label_at(labels: &[String], v: f64, top_first: bool) -> String {
    let i = v.round();
    if (v - i).abs() > 1e-6 || i < 0.0 {
        return String::new();
    }
    let i = i as usize;
    let k = if top_first {
        labels.len().checked_sub(1 + i)
    } else {
        Some(i)
    };
    k.and_then(|k| labels.get(k)).cloned().unwrap_or_default()
}

/// A tick label: whole numbers without a decimal point, others with at most three decimals.
fn tick(v: &f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", *v as i64)
    } else {
        let s = format!("{v:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

/// An axis range with a little room around the data; never empty.
fn padded(lo: f64, hi: f64) -> (f64, f64) {
    let (lo, hi) = if lo.is_finite() && hi.is_finite() {
        (lo, hi)
    } else {
        (0.0, 1.0)
    };
    let span = if hi > lo { hi - lo } else { 1.0 };
    (lo - 0.02 * span, hi + 0.05 * span)
}

/// Width in pixels of the label column for these labels (CJK characters count double).
fn label_width(labels: &[String]) -> u32 {
    let widest = labels
        .iter()
        .map(|l| {
            l.chars()
                .map(|c| if c.is_ascii() { 7 } else { 13 })
                .sum::<u32>()
        })
        .max()
        .unwrap_or(0);
    (widest + 12).clamp(40, 220)
}

/// A chart context over two numeric axes (rows of a categorical chart are numbered).
type Plane<'a, DB> = ChartContext<
    'a,
    DB,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

/// A chart over numeric x and y axes, both labelled and ticked.
fn numeric<'a, DB: DrawingBackend>(
    chart: &Chart,
    root: &'a DrawingArea<DB, Shift>,
    x: std::ops::Range<f64>,
    y: std::ops::Range<f64>,
) -> Result<Plane<'a, DB>, DrawingAreaErrorKind<DB::ErrorType>> {
    let mut ch = ChartBuilder::on(root)
        .caption(&chart.title, (FONT, 16))
        .margin(10)
        .x_label_area_size(40)
        .y_label_area_size(56)
        .build_cartesian_2d(x, y)?;
    ch.configure_mesh()
        .light_line_style(WHITE)
        .x_label_formatter(&tick)
        .y_label_formatter(&tick)
        .x_desc(&chart.x_label)
        .y_desc(&chart.y_label)
        .label_style((FONT, 12))
        .draw()?;
    Ok(ch)
}

/// A chart with one row per label (first label on top) over a numeric x axis.
fn categorical<'a, DB: DrawingBackend>(
    chart: &Chart,
    root: &'a DrawingArea<DB, Shift>,
    labels: &[String],
    x: std::ops::Range<f64>,
) -> Result<Plane<'a, DB>, DrawingAreaErrorKind<DB::ErrorType>> {
    let n = labels.len();
    let mut ch = ChartBuilder::on(root)
        .caption(&chart.title, (FONT, 16))
        .margin(10)
        .x_label_area_size(40)
        .y_label_area_size(label_width(labels))
        .build_cartesian_2d(x, -0.5..(n as f64 - 0.5))?;
    let row_label = |y: &f64| label_at(labels, *y, true);
    ch.configure_mesh()
        .disable_y_mesh()
        .light_line_style(WHITE)
        .y_labels(n.min(40))
        .y_label_formatter(&row_label)
        .x_label_formatter(&tick)
        .x_desc(&chart.x_label)
        .label_style((FONT, 12))
        .draw()?;
    Ok(ch)
}

fn bars<DB: DrawingBackend>(
    chart: &Chart,
    root: &DrawingArea<DB, Shift>,
    labels: &[String],
    values: &[f64],
) -> DrawResult<DB> {
    let hi = values.iter().copied().fold(0.0, f64::max);
    let (_, x1) = padded(0.0, hi);
    let mut ch = categorical(chart, root, labels, 0.0..x1)?;
    let n = values.len();
    ch.draw_series(values.iter().enumerate().map(|(i, &v)| {
        let y = (n - 1 - i) as f64;
        Rectangle::new([(0.0, y - 0.35), (v, y + 0.35)], PALETTE[0].filled())
    }))?;
    Ok(())
}

/// The points of a series as drawn: a step function holds each y until the next x.
fn path(s: &Series) -> Vec<(f64, f64)> {
    if !s.step {
        return s.points.clone();
    }
    let mut out = Vec::with_capacity(s.points.len() * 2);
    for (k, &(x, y)) in s.points.iter().enumerate() {
        if k > 0
            && let Some(&(_, prev)) = s.points.get(k - 1)
        {
            out.push((x, prev));
        }
        out.push((x, y));
    }
    out
}

fn lines<DB: DrawingBackend>(
    chart: &Chart,
    root: &DrawingArea<DB, Shift>,
    series: &[Series],
) -> DrawResult<DB> {
    let pts = || series.iter().flat_map(|s| s.points.iter());
    let (x0, x1) = padded(
        pts().map(|p| p.0).fold(f64::INFINITY, f64::min),
        pts().map(|p| p.0).fold(f64::NEG_INFINITY, f64::max),
    );
    let (y0, y1) = padded(
        pts().map(|p| p.1).fold(0.0, f64::min),
        pts().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max),
    );
    let mut ch = numeric(chart, root, x0..x1, y0..y1)?;
    for (k, s) in series.iter().enumerate() {
        let color = PALETTE[k % PALETTE.len()];
        ch.draw_series(LineSeries::new(path(s), color.stroke_width(2)))?
            .label(s.name.clone())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 16, y)], color.stroke_width(2))
            });
    }
    if series.len() > 1 {
        ch.configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK.mix(0.3))
            .label_font((FONT, 12))
            .position(SeriesLabelPosition::UpperRight)
            .draw()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::IntervalRow;

    fn chart(kind: Kind) -> Chart {
        Chart {
            id: "t".into(),
            title: "Title".into(),
            x_label: "x".into(),
            y_label: "y".into(),
            kind,
        }
    }

    #[test]
    fn bars_draw_one_rectangle_per_value_and_escape_labels() {
        let svg = render_svg(
            &chart(Kind::Bars {
                labels: vec!["<img src=x onerror=alert(1)>".into(), "华东".into()],
                values: vec![3.0, 1.0],
            }),
            600,
            300,
        )
        .expect("draws");
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(!svg.contains("<img"), "markup in a label must stay text");
        assert!(svg.contains("&lt;img src=x onerror=alert(1)&gt;"));
        assert!(svg.contains("华东"));
        // Background plus one rectangle per bar, at least (the mesh adds none).
        let filled = svg.matches("<rect").count();
        assert!(filled >= 3, "{filled} rects");
    }

    #[test]
    fn step_paths_hold_each_value_until_the_next_time() {
        let s = Series {
            name: "km".into(),
            points: vec![(0.0, 1.0), (2.0, 0.5), (5.0, 0.25)],
            step: true,
        };
        assert_eq!(
            path(&s),
            vec![(0.0, 1.0), (2.0, 1.0), (2.0, 0.5), (5.0, 0.5), (5.0, 0.25)]
        );
        let svg = render_svg(&chart(Kind::Lines { series: vec![s] }), 500, 300).expect("draws");
        assert!(svg.contains("<polyline"), "{svg}");
    }

    #[test]
    fn intervals_and_empty_charts_draw() {
        let rows = vec![IntervalRow {
            label: "R1".into(),
            value: 0.3,
            low: 0.2,
            high: 0.45,
            marker: Some(0.28),
        }];
        let svg = render_svg(&chart(Kind::Intervals { rows }), 500, 200).expect("draws");
        assert!(svg.contains("<circle"));
        assert!(svg.contains("R1"));
        let empty = render_svg(
            &chart(Kind::Bars {
                labels: vec![],
                values: vec![],
            }),
            300,
            100,
        )
        .expect("draws");
        assert!(empty.contains("Title"));
    }

    #[test]
    fn heatmaps_scatters_and_histograms_draw() {
        let heat = render_svg(
            &chart(Kind::Heatmap {
                columns: vec!["1".into(), "2".into()],
                rows: vec!["a".into(), "b".into()],
                values: vec![vec![Some(4.0), None], vec![Some(0.0), Some(2.0)]],
            }),
            400,
            300,
        )
        .expect("draws");
        // Background plus one rectangle per present cell; the values are written in.
        assert!(heat.matches("<rect").count() >= 4, "{heat}");
        assert!(heat.contains("\n4\n") && heat.contains("\n2\n"), "{heat}");
        assert_eq!(shade(0.0, 4.0), RGBColor(247, 251, 255));
        assert_eq!(shade(4.0, 4.0), PALETTE[0]);
        let dots = render_svg(
            &chart(Kind::Scatter {
                points: vec![(0.1, 5.0), (0.9, 50.0), (0.5, 20.0)],
            }),
            400,
            300,
        )
        .expect("draws");
        assert_eq!(dots.matches("<circle").count(), 3);
        let hist = render_svg(
            &chart(Kind::Histogram {
                edges: vec![0.0, 10.0, 20.0],
                counts: vec![5.0, 2.0],
            }),
            400,
            300,
        )
        .expect("draws");
        assert!(hist.matches("<rect").count() >= 5, "{hist}");
    }

    #[test]
    fn ticks_drop_needless_decimals() {
        assert_eq!(tick(&1000.0), "1000");
        assert_eq!(tick(&0.25), "0.25");
        assert_eq!(tick(&(0.1 + 0.2)), "0.3");
        assert_eq!(tick(&-2.5), "-2.5");
    }

    #[test]
    fn padded_ranges_are_never_empty() {
        assert_eq!(padded(f64::INFINITY, f64::NEG_INFINITY), (-0.02, 1.05));
        let (a, b) = padded(2.0, 2.0);
        assert!(a < 2.0 && b > 2.0);
    }
}
