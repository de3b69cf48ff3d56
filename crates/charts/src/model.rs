//! The chart model: what a chart shows, independent of how it is drawn, and the table of the
//! same numbers. Models are plain data (serde), so the worker can compute them and the page
//! draw them.

use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// The language of a chart's titles and axis labels.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    En,
    Zh,
}

impl Lang {
    /// Picks the text of this language.
    pub fn pick<'a>(self, en: &'a str, zh: &'a str) -> &'a str {
        match self {
            Lang::En => en,
            Lang::Zh => zh,
        }
    }
}

/// One estimate with its interval, e.g. a rep's conversion rate.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct IntervalRow {
    pub label: String,
    pub value: f64,
    pub low: f64,
    pub high: f64,
    /// A second estimate drawn as a marker, e.g. the shrunk rate.
    pub marker: Option<f64>,
}

/// A named line through `(x, y)` points.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Series {
    pub name: String,
    pub points: Vec<(f64, f64)>,
    /// Drawn as a step function (e.g. a Kaplan–Meier curve) rather than straight segments.
    pub step: bool,
}

/// What a chart draws.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub enum Kind {
    /// Horizontal bars, one per label, top to bottom.
    Bars {
        labels: Vec<String>,
        values: Vec<f64>,
    },
    /// Estimates with intervals, one row per label, top to bottom.
    Intervals { rows: Vec<IntervalRow> },
    /// Lines over a shared numeric x axis.
    Lines { series: Vec<Series> },
    /// A grid of values, `values[row][column]`, rows labelled top to bottom; `None`: no value.
    Heatmap {
        columns: Vec<String>,
        rows: Vec<String>,
        values: Vec<Vec<Option<f64>>>,
    },
    /// Points over two numeric axes.
    Scatter { points: Vec<(f64, f64)> },
    /// Counts in adjacent bins: `edges` has one more value than `counts`.
    Histogram { edges: Vec<f64>, counts: Vec<f64> },
    /// A list too detailed to draw: the page shows the table itself.
    List { table: Table },
}

/// A chart: its test id (`data-testid="chart-<id>"` in the app), texts and data.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Chart {
    pub id: Cow<'static, str>,
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub kind: Kind,
}

/// The numbers behind a chart, as rows of text cells under a header.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// Shortest text of a number that reads back to the same `f64`.
fn num(x: f64) -> String {
    format!("{x}")
}

/// Pixels per labelled row when a chart grows with its rows, and the room its title, axis
/// and margins take.
const ROW_PX: u32 = 18;
const FRAME_PX: u32 = 90;

impl Chart {
    /// The height to draw the chart at: `base`, or more for bar, interval and heatmap charts
    /// with many labelled rows, so that 40 reps stay readable rather than squeezed together.
    pub fn drawn_height(&self, base: u32) -> u32 {
        let rows = match &self.kind {
            Kind::Bars { labels, .. } => labels.len(),
            Kind::Intervals { rows } => rows.len(),
            Kind::Heatmap { rows, .. } => rows.len(),
            _ => 0,
        };
        base.max(FRAME_PX.saturating_add(ROW_PX.saturating_mul(rows as u32)))
    }

    /// Whether the chart has anything to draw.
    pub fn is_empty(&self) -> bool {
        match &self.kind {
            Kind::Bars { values, .. } => values.is_empty(),
            Kind::Intervals { rows } => rows.is_empty(),
            Kind::Lines { series } => series.iter().all(|s| s.points.is_empty()),
            Kind::Heatmap { values, .. } => values.iter().flatten().all(Option::is_none),
            Kind::Scatter { points } => points.is_empty(),
            Kind::Histogram { counts, .. } => counts.is_empty(),
            Kind::List { table } => table.rows.is_empty(),
        }
    }

    /// The chart's numbers as a table: what "show the table" displays and CSV export writes.
    pub fn table(&self) -> Table {
        match &self.kind {
            Kind::Bars { labels, values } => Table {
                header: vec![self.y_label.clone(), self.x_label.clone()],
                rows: labels
                    .iter()
                    .zip(values)
                    .map(|(l, v)| vec![l.clone(), num(*v)])
                    .collect(),
            },
            Kind::Intervals { rows } => {
                let has_marker = rows.iter().any(|r| r.marker.is_some());
                let mut header = vec![
                    self.y_label.clone(),
                    self.x_label.clone(),
                    "ci_low".into(),
                    "ci_high".into(),
                ];
                if has_marker {
                    header.push("marker".into());
                }
                Table {
                    header,
                    rows: rows
                        .iter()
                        .map(|r| {
                            let mut row =
                                vec![r.label.clone(), num(r.value), num(r.low), num(r.high)];
                            if has_marker {
                                row.push(r.marker.map(num).unwrap_or_default());
                            }
                            row
                        })
                        .collect(),
                }
            }
            Kind::Lines { series } => Table {
                header: vec!["series".into(), self.x_label.clone(), self.y_label.clone()],
                rows: series
                    .iter()
                    .flat_map(|s| {
                        s.points
                            .iter()
                            .map(|(x, y)| vec![s.name.clone(), num(*x), num(*y)])
                    })
                    .collect(),
            },
            Kind::Heatmap {
                columns,
                rows,
                values,
            } => Table {
                header: std::iter::once(self.y_label.clone())
                    .chain(columns.iter().cloned())
                    .collect(),
                rows: rows
                    .iter()
                    .zip(values)
                    .map(|(label, row)| {
                        std::iter::once(label.clone())
                            .chain(row.iter().map(|v| v.map(num).unwrap_or_default()))
                            .collect()
                    })
                    .collect(),
            },
            Kind::Scatter { points } => Table {
                header: vec![self.x_label.clone(), self.y_label.clone()],
                rows: points.iter().map(|(x, y)| vec![num(*x), num(*y)]).collect(),
            },
            Kind::Histogram { edges, counts } => Table {
                header: vec!["from".into(), "to".into(), self.y_label.clone()],
                rows: edges
                    .windows(2)
                    .zip(counts)
                    .map(|(e, c)| vec![num(e[0]), num(e[1]), num(*c)])
                    .collect(),
            },
            Kind::List { table } => table.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_with_many_rows_are_drawn_taller() {
        let bars = |n: usize| Chart {
            id: "b".into(),
            title: "t".into(),
            x_label: "x".into(),
            y_label: "y".into(),
            kind: Kind::Bars {
                labels: (0..n).map(|i| i.to_string()).collect(),
                values: vec![1.0; n],
            },
        };
        assert_eq!(bars(5).drawn_height(320), 320);
        // 40 rows: 90 px of frame and 18 px a row.
        assert_eq!(bars(40).drawn_height(320), 810);
        let scatter = Chart {
            kind: Kind::Scatter {
                points: vec![(1.0, 2.0); 500],
            },
            ..bars(0)
        };
        assert_eq!(scatter.drawn_height(320), 320);
    }

    #[test]
    fn tables_lay_out_every_kind() {
        let bars = Chart {
            id: "b".into(),
            title: "t".into(),
            x_label: "leads".into(),
            y_label: "stage".into(),
            kind: Kind::Bars {
                labels: vec!["new".into(), "won".into()],
                values: vec![10.0, 2.5],
            },
        };
        assert_eq!(
            bars.table(),
            Table {
                header: vec!["stage".into(), "leads".into()],
                rows: vec![
                    vec!["new".into(), "10".into()],
                    vec!["won".into(), "2.5".into()]
                ],
            }
        );
        let lines = Chart {
            kind: Kind::Lines {
                series: vec![Series {
                    name: "s".into(),
                    points: vec![(0.0, 1.0), (3.0, 0.5)],
                    step: true,
                }],
            },
            ..bars.clone()
        };
        assert_eq!(lines.table().rows[1], vec!["s", "3", "0.5"]);
        let intervals = Chart {
            kind: Kind::Intervals {
                rows: vec![IntervalRow {
                    label: "R1".into(),
                    value: 0.25,
                    low: 0.1,
                    high: 0.4,
                    marker: Some(0.3),
                }],
            },
            ..bars.clone()
        };
        assert_eq!(intervals.table().header.len(), 5);
        assert_eq!(
            intervals.table().rows[0],
            vec!["R1", "0.25", "0.1", "0.4", "0.3"]
        );
        assert!(!intervals.is_empty());
        let empty = Chart {
            kind: Kind::Lines { series: vec![] },
            ..bars.clone()
        };
        assert!(empty.is_empty());
        assert_eq!(Lang::Zh.pick("a", "甲"), "甲");
        let heat = Chart {
            kind: Kind::Heatmap {
                columns: vec!["0".into(), "1".into()],
                rows: vec!["2024-01".into()],
                values: vec![vec![Some(1.0), None]],
            },
            ..bars.clone()
        };
        assert_eq!(heat.table().header, vec!["stage", "0", "1"]);
        assert_eq!(heat.table().rows, vec![vec!["2024-01", "1", ""]]);
        let hist = Chart {
            kind: Kind::Histogram {
                edges: vec![0.0, 5.0, 10.0],
                counts: vec![3.0, 1.0],
            },
            ..bars.clone()
        };
        assert_eq!(hist.table().rows[1], vec!["5", "10", "1"]);
        let scatter = Chart {
            kind: Kind::Scatter {
                points: vec![(0.5, 120.0)],
            },
            ..bars.clone()
        };
        assert_eq!(scatter.table().header, vec!["leads", "stage"]);
        assert_eq!(scatter.table().rows, vec![vec!["0.5", "120"]]);
        let list = Chart {
            kind: Kind::List {
                table: Table {
                    header: vec!["id".into()],
                    rows: vec![],
                },
            },
            ..bars
        };
        assert!(list.is_empty());
        assert_eq!(list.table().header, vec!["id"]);
    }
}
