//! The Simulator page's charts and comparison table, from the core's [`SimReport`]: each
//! strategy's mean outcomes as bars, the paired uplift against the baseline with its 90 %
//! interval, and the sensitivity sweep's curves. (Each strategy's own 90 % interval is in the
//! comparison table: drawn on an axis from zero, an interval of ±1 % around 2,800 conversions
//! would be a dot.)

use crate::model::{Chart, IntervalRow, Kind, Lang, Series, Table};
use reallot_core::sim::{OutcomeSummaries, SimReport, Summary, SweepParameter, SweepReport};

/// An outcome the simulator reports per strategy (SPEC §5), in the report's order.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Metric {
    Conversions,
    ExpectedConversions,
    Revenue,
    Roi,
    ResponseHours,
    SalesCycleDays,
    Utilisation,
    Unassigned,
    Reclaims,
    FairnessGini,
}

impl Metric {
    pub const ALL: [Metric; 10] = [
        Metric::Conversions,
        Metric::ExpectedConversions,
        Metric::Revenue,
        Metric::Roi,
        Metric::ResponseHours,
        Metric::SalesCycleDays,
        Metric::Utilisation,
        Metric::Unassigned,
        Metric::Reclaims,
        Metric::FairnessGini,
    ];

    /// The report's JSON key of the outcome (also the CSV's `metric` column).
    pub const fn key(self) -> &'static str {
        match self {
            Metric::Conversions => "conversions",
            Metric::ExpectedConversions => "expected_conversions",
            Metric::Revenue => "revenue",
            Metric::Roi => "roi",
            Metric::ResponseHours => "response_hours",
            Metric::SalesCycleDays => "sales_cycle_days",
            Metric::Utilisation => "utilisation",
            Metric::Unassigned => "unassigned",
            Metric::Reclaims => "reclaims",
            Metric::FairnessGini => "fairness_gini",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Metric::Conversions => lang.pick("Conversions", "成交数"),
            Metric::ExpectedConversions => lang.pick("Expected conversions", "期望成交数"),
            Metric::Revenue => lang.pick("Revenue", "销售额"),
            Metric::Roi => lang.pick("ROI", "投资回报率"),
            Metric::ResponseHours => lang.pick("Response time (hours)", "响应时间（小时）"),
            Metric::SalesCycleDays => lang.pick("Sales cycle (days)", "销售周期（天）"),
            Metric::Utilisation => lang.pick("Rep utilisation", "销售产能利用率"),
            Metric::Unassigned => lang.pick("Unassigned leads", "未分配线索"),
            Metric::Reclaims => lang.pick("Reclaims", "回收次数"),
            Metric::FairnessGini => lang.pick("Unfairness (Gini)", "分配不均（基尼系数）"),
        }
    }

    /// Whether more is better (conversions) or worse (response time), for reading an uplift.
    pub const fn higher_is_better(self) -> bool {
        matches!(
            self,
            Metric::Conversions
                | Metric::ExpectedConversions
                | Metric::Revenue
                | Metric::Roi
                | Metric::Utilisation
        )
    }

    /// This outcome's summary: a strategy's (`&s.outcomes`) or its uplift's.
    pub fn of(self, o: &OutcomeSummaries) -> Summary {
        match self {
            Metric::Conversions => o.conversions,
            Metric::ExpectedConversions => o.expected_conversions,
            Metric::Revenue => o.revenue,
            Metric::Roi => o.roi,
            Metric::ResponseHours => o.response_hours,
            Metric::SalesCycleDays => o.sales_cycle_days,
            Metric::Utilisation => o.utilisation,
            Metric::Unassigned => o.unassigned,
            Metric::Reclaims => o.reclaims,
            Metric::FairnessGini => o.fairness_gini,
        }
    }
}

/// A sweepable policy parameter's name.
pub fn parameter_label(p: SweepParameter, lang: Lang) -> &'static str {
    match p {
        SweepParameter::NoFollowUpDays => lang.pick("no-follow-up days", "未跟进回收天数"),
        SweepParameter::NoDealDays => lang.pick("no-deal days", "未成交回收天数"),
        SweepParameter::CooldownDays => lang.pick("cooldown days", "冷却期天数"),
        SweepParameter::PoolDispatchDays => lang.pick("pool dispatch days", "公海再分配天数"),
        SweepParameter::HoldingCap => lang.pick("holding cap", "持有上限"),
        SweepParameter::ReminderDays => lang.pick("reminder days", "提醒提前天数"),
    }
}

fn row(label: &str, s: Summary) -> IntervalRow {
    IntervalRow {
        label: label.to_owned(),
        value: s.mean,
        low: s.p05,
        high: s.p95,
        marker: None,
    }
}

/// The paired uplift of `metric` against the baseline, per other strategy, with its 90 %
/// interval (the interval of the run-by-run differences).
pub fn uplift(id: &'static str, r: &SimReport, metric: Metric, lang: Lang) -> Chart {
    Chart {
        id: id.into(),
        title: format!(
            "{} · {} {}",
            metric.label(lang),
            lang.pick("uplift vs", "相对基准"),
            r.baseline
        ),
        x_label: lang
            .pick("difference from the baseline", "与基准之差")
            .into(),
        y_label: lang.pick("strategy", "策略").into(),
        kind: Kind::Intervals {
            rows: r
                .strategies
                .iter()
                .filter_map(|s| s.uplift_vs_baseline.map(|u| row(&s.name, metric.of(&u))))
                .collect(),
        },
    }
}

/// Each strategy's mean of `metric` as bars.
pub fn means(id: &'static str, r: &SimReport, metric: Metric, lang: Lang) -> Chart {
    Chart {
        id: id.into(),
        title: metric.label(lang).into(),
        x_label: metric.label(lang).into(),
        y_label: lang.pick("strategy", "策略").into(),
        kind: Kind::Bars {
            labels: r.strategies.iter().map(|s| s.name.clone()).collect(),
            values: r
                .strategies
                .iter()
                .map(|s| metric.of(&s.outcomes).mean)
                .collect(),
        },
    }
}

/// One outcome along the sweep: the mean and the 5th and 95th percentiles as three lines.
pub fn sweep(
    id: &'static str,
    s: &SweepReport,
    pick: fn(&reallot_core::sim::SweepPoint) -> Summary,
    metric: Metric,
    lang: Lang,
) -> Chart {
    let line = |name: &str, f: fn(Summary) -> f64| Series {
        name: name.to_owned(),
        points: s.points.iter().map(|p| (p.value, f(pick(p)))).collect(),
        step: false,
    };
    Chart {
        id: id.into(),
        title: format!(
            "{} {} {} ({})",
            metric.label(lang),
            lang.pick("by", "随"),
            parameter_label(s.parameter, lang),
            s.strategy
        ),
        x_label: parameter_label(s.parameter, lang).into(),
        y_label: metric.label(lang).into(),
        kind: Kind::Lines {
            series: vec![
                line(lang.pick("mean", "均值"), |x| x.mean),
                line("p05", |x| x.p05),
                line("p95", |x| x.p95),
            ],
        },
    }
}

/// Every chart of a report: conversions and revenue, their uplifts with intervals, ROI,
/// response time and reclaims, and the sweep's curves when the scenario had a sweep.
pub fn all(r: &SimReport, lang: Lang) -> Vec<Chart> {
    let mut charts = vec![
        means("sim-conversions", r, Metric::Conversions, lang),
        means("sim-revenue", r, Metric::Revenue, lang),
        uplift("sim-uplift-conversions", r, Metric::Conversions, lang),
        uplift("sim-uplift-revenue", r, Metric::Revenue, lang),
        means("sim-roi", r, Metric::Roi, lang),
        means("sim-response", r, Metric::ResponseHours, lang),
        means("sim-reclaims", r, Metric::Reclaims, lang),
    ];
    if let Some(s) = &r.sweep {
        charts.push(sweep(
            "sim-sweep-conversions",
            s,
            |p| p.conversions,
            Metric::Conversions,
            lang,
        ));
        charts.push(sweep(
            "sim-sweep-reclaims",
            s,
            |p| p.reclaims,
            Metric::Reclaims,
            lang,
        ));
    }
    charts
}

/// Shortest text of a number that reads back to the same `f64`.
fn num(x: f64) -> String {
    format!("{x}")
}

/// The comparison as a long table, one row per (strategy, outcome): mean, 5th and 95th
/// percentile over runs, and the paired uplift against the baseline with its percentiles
/// (empty for the baseline). What the page's CSV export writes.
pub fn comparison_table(r: &SimReport) -> Table {
    let header = [
        "strategy",
        "metric",
        "mean",
        "p05",
        "p95",
        "uplift_mean",
        "uplift_p05",
        "uplift_p95",
    ];
    let rows = r
        .strategies
        .iter()
        .flat_map(|s| {
            Metric::ALL.iter().map(move |m| {
                let v = m.of(&s.outcomes);
                let u = s.uplift_vs_baseline.map(|u| m.of(&u));
                let mut cells = vec![
                    s.name.clone(),
                    m.key().to_owned(),
                    num(v.mean),
                    num(v.p05),
                    num(v.p95),
                ];
                cells.extend(
                    [u.map(|u| u.mean), u.map(|u| u.p05), u.map(|u| u.p95)]
                        .map(|x| x.map(num).unwrap_or_default()),
                );
                cells
            })
        })
        .collect();
    Table {
        header: header.map(str::to_owned).to_vec(),
        rows,
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;
    use crate::csv::table_csv;
    use crate::render_svg;
    use expect_test::expect;
    use reallot_core::sim::{
        BacktestReport, HistoricalOutcome, ModelSummary, StrategyReport, SweepPoint,
    };

    fn s(mean: f64, p05: f64, p95: f64) -> Summary {
        Summary { mean, p05, p95 }
    }

    fn strategy(name: &str, base: f64, uplift: Option<f64>) -> StrategyReport {
        StrategyReport {
            name: name.into(),
            outcomes: OutcomeSummaries {
                conversions: s(base, base - 10.0, base + 10.0),
                expected_conversions: s(base, base - 5.0, base + 5.0),
                revenue: s(base * 100.0, base * 90.0, base * 110.0),
                roi: s(1.5, 1.4, 1.6),
                response_hours: s(16.0, 15.0, 17.0),
                sales_cycle_days: s(24.0, 23.0, 25.0),
                utilisation: s(0.7, 0.65, 0.75),
                unassigned: s(100.0, 90.0, 110.0),
                reclaims: s(base + 1000.0, base + 900.0, base + 1100.0),
                fairness_gini: s(0.25, 0.2, 0.3),
            },
            uplift_vs_baseline: uplift.map(|d| OutcomeSummaries {
                conversions: s(d, d - 3.0, d + 3.0),
                revenue: s(d * 100.0, d * 50.0, d * 150.0),
                reclaims: s(-d, -d - 1.0, -d + 1.0),
                ..OutcomeSummaries::default()
            }),
        }
    }

    /// A hand-made report: a baseline, one rival beating it by 40, and a two-point sweep.
    fn report() -> SimReport {
        SimReport {
            scenario: "t".into(),
            runs: 3,
            seed: 7,
            stream: reallot_core::sim::Stream::History,
            leads: 100,
            reps: 4,
            baseline: "round robin".into(),
            strategies: vec![
                strategy("round robin", 200.0, None),
                strategy("=score based", 240.0, Some(40.0)),
            ],
            backtest: Some(BacktestReport {
                strategy: "round robin".into(),
                historical: HistoricalOutcome {
                    leads: 100,
                    conversions: 205,
                    revenue: 20_000.0,
                },
                conversions: s(200.0, 190.0, 210.0),
                revenue: s(20_000.0, 18_000.0, 22_000.0),
                conversions_within: true,
                revenue_within: true,
                verdict: "within".into(),
            }),
            sweep: Some(SweepReport {
                strategy: "round robin".into(),
                parameter: SweepParameter::NoFollowUpDays,
                points: [3.0, 30.0]
                    .iter()
                    .map(|&v| SweepPoint {
                        value: v,
                        conversions: s(200.0 + v, 190.0 + v, 210.0 + v),
                        revenue: s(1.0, 1.0, 1.0),
                        reclaims: s(900.0 - 10.0 * v, 800.0 - 10.0 * v, 1000.0 - 10.0 * v),
                        response_hours: s(1.0, 1.0, 1.0),
                        unassigned: s(1.0, 1.0, 1.0),
                    })
                    .collect(),
            }),
            model: ModelSummary {
                win_observations: 0,
                delay_observations: 0,
                delay_censored: 0,
                intercept: 0.0,
                delay_effect: 0.0,
                after_no_follow_up: 0.0,
                after_no_deal: 0.0,
                segment_effects: [0.0; reallot_core::sim::SEGMENTS],
                sd_rep: 0.0,
                sd_rep_segment: 0.0,
                sd_campaign: 0.0,
                delay_sigma: 0.0,
                delay_load_slope: 0.0,
                p_stall: 0.0,
                uptake: Vec::new(),
            },
        }
    }

    #[test]
    fn the_charts_carry_the_reports_numbers_and_draw() {
        let r = report();
        let charts = all(&r, Lang::En);
        let ids: Vec<&str> = charts.iter().map(|c| c.id.as_ref()).collect();
        expect![[r#"["sim-conversions", "sim-revenue", "sim-uplift-conversions", "sim-uplift-revenue", "sim-roi", "sim-response", "sim-reclaims", "sim-sweep-conversions", "sim-sweep-reclaims"]"#]]
            .assert_eq(&format!("{ids:?}"));
        for c in &charts {
            assert!(!c.is_empty(), "{} is empty", c.id);
            let svg = render_svg(c, 480, 320).expect("draws");
            assert!(svg.contains("<svg"), "{}", c.id);
        }
        expect![[r#"
            Table { header: ["strategy", "Conversions"], rows: [["round robin", "200"], ["=score based", "240"]] }"#]]
        .assert_eq(&format!("{:?}", charts[0].table()));
        // The uplift leaves the baseline out: one row, the rival's paired difference.
        expect![[r#"
            Table { header: ["strategy", "difference from the baseline", "ci_low", "ci_high"], rows: [["=score based", "40", "37", "43"]] }"#]]
        .assert_eq(&format!("{:?}", charts[2].table()));
        assert_eq!(charts[2].title, "Conversions · uplift vs round robin");
        expect![[r#"
            Table { header: ["series", "no-follow-up days", "Conversions"], rows: [["mean", "3", "203"], ["mean", "30", "230"], ["p05", "3", "193"], ["p05", "30", "220"], ["p95", "3", "213"], ["p95", "30", "240"]] }"#]]
        .assert_eq(&format!("{:?}", charts[7].table()));
        let zh = all(&r, Lang::Zh);
        assert_eq!(zh[7].title, "成交数 随 未跟进回收天数 (round robin)");
        let mut no_sweep = r;
        no_sweep.sweep = None;
        assert_eq!(all(&no_sweep, Lang::En).len(), 7);
    }

    #[test]
    fn the_comparison_table_has_every_outcome_of_every_strategy_and_exports_safely() {
        let r = report();
        let t = comparison_table(&r);
        assert_eq!(t.rows.len(), 2 * Metric::ALL.len());
        assert!(t.rows.iter().all(|row| row.len() == t.header.len()));
        let csv = table_csv(&t);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(
            lines[0],
            "\u{feff}strategy,metric,mean,p05,p95,uplift_mean,uplift_p05,uplift_p95"
        );
        assert_eq!(lines[1], "round robin,conversions,200,190,210,,,");
        // A strategy name that looks like a formula is written as text.
        assert_eq!(lines[11], "'=score based,conversions,240,230,250,40,37,43");
        assert_eq!(
            lines[19],
            "'=score based,reclaims,1240,1140,1340,-40,-41,-39"
        );
        assert_eq!(
            Metric::ALL.map(Metric::key).join(","),
            "conversions,expected_conversions,revenue,roi,response_hours,sales_cycle_days,utilisation,unassigned,reclaims,fairness_gini"
        );
        assert!(Metric::Roi.higher_is_better() && !Metric::Reclaims.higher_is_better());
    }
}
