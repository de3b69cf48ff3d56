//! The Leads page's charts, from the core's [`LeadReport`] parts: the funnel, conversion by a
//! cut with intervals and shrunk rates, the sales-cycle Kaplan–Meier curve and the lead-score
//! calibration.

use crate::model::{Chart, IntervalRow, Kind, Lang, Series};
use reallot_core::metrics::RateRow;
use reallot_core::metrics::leads::LeadReport;
use reallot_core::metrics::leads::conversion::FunnelReport;
use reallot_core::metrics::leads::cycle::SalesCycleReport;
use reallot_core::model::Stage;
use reallot_core::score::Backtest;

/// A funnel stage's name in the chosen language.
pub fn stage_name(stage: Stage, lang: Lang) -> &'static str {
    match (stage, lang) {
        (_, Lang::En) => stage.as_str(),
        (Stage::New, Lang::Zh) => "新线索",
        (Stage::Contacted, Lang::Zh) => "已联系",
        (Stage::Qualified, Lang::Zh) => "已确认",
        (Stage::Proposal, Lang::Zh) => "方案",
        (Stage::Won, Lang::Zh) => "成交",
        (Stage::Lost, Lang::Zh) => "丢失",
    }
}

/// Leads reaching each funnel stage.
pub fn funnel(f: &FunnelReport, lang: Lang) -> Chart {
    Chart {
        id: "funnel".into(),
        title: lang.pick("Funnel", "漏斗").into(),
        x_label: lang.pick("leads", "线索数").into(),
        y_label: lang.pick("stage", "阶段").into(),
        kind: Kind::Bars {
            labels: f
                .overall
                .iter()
                .map(|s| stage_name(s.stage, lang).to_owned())
                .collect(),
            values: f.overall.iter().map(|s| s.reached as f64).collect(),
        },
    }
}

/// Conversion rates of one cut (rep, source, …) with their 95 % intervals, the shrunk rate as
/// a marker, in the report's order (ranked by shrunk rate), at most `limit` rows.
pub fn conversion(
    id: &'static str,
    cut: &str,
    rows: &[RateRow],
    limit: usize,
    lang: Lang,
) -> Chart {
    Chart {
        id: id.into(),
        title: format!("{} · {cut}", lang.pick("Conversion", "转化率")),
        x_label: lang.pick("won ÷ leads", "成交 ÷ 线索").into(),
        y_label: cut.into(),
        kind: Kind::Intervals {
            rows: rows
                .iter()
                .take(limit)
                .map(|r| IntervalRow {
                    label: r.key.clone(),
                    value: r.rate,
                    low: r.ci_low,
                    high: r.ci_high,
                    marker: Some(r.shrunk_rate),
                })
                .collect(),
        },
    }
}

/// Share of leads not yet won by days since creation (Kaplan–Meier, losses censored).
pub fn sales_cycle(c: &SalesCycleReport, lang: Lang) -> Chart {
    Chart {
        id: "sales-cycle".into(),
        title: lang.pick("Sales cycle", "销售周期").into(),
        x_label: lang.pick("days since created", "创建后天数").into(),
        y_label: lang.pick("share not yet won", "尚未成交比例").into(),
        kind: Kind::Lines {
            series: vec![Series {
                name: lang.pick("all leads", "全部线索").into(),
                points: std::iter::once((0.0, 1.0))
                    .chain(c.curve.iter().map(|p| (p.time, p.survival)))
                    .collect(),
                step: true,
            }],
        },
    }
}

/// Observed win rate against the predicted P(win) per decile of the backtest, with the
/// diagonal of perfect calibration.
pub fn calibration(b: &Backtest, lang: Lang) -> Chart {
    let predicted: Vec<f64> = b.calibration.iter().map(|r| r.mean_predicted).collect();
    let (lo, hi) = predicted
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, z), &p| {
            (a.min(p), z.max(p))
        });
    let mut series = vec![Series {
        name: lang.pick("observed", "实际").into(),
        points: b
            .calibration
            .iter()
            .map(|r| (r.mean_predicted, r.observed.rate))
            .collect(),
        step: false,
    }];
    if lo.is_finite() {
        series.push(Series {
            name: lang.pick("perfect", "理想").into(),
            points: vec![(lo, lo), (hi, hi)],
            step: false,
        });
    }
    Chart {
        id: "calibration".into(),
        title: lang.pick("Lead score calibration", "线索评分校准").into(),
        x_label: lang.pick("predicted P(win)", "预测成交概率").into(),
        y_label: lang.pick("observed win rate", "实际成交率").into(),
        kind: Kind::Lines { series },
    }
}

/// Every chart of the Leads page.
pub fn all(r: &LeadReport, lang: Lang) -> Vec<Chart> {
    vec![
        funnel(&r.funnel, lang),
        conversion(
            "conversion-rep",
            lang.pick("rep", "销售"),
            &r.conversion.by_rep,
            30,
            lang,
        ),
        conversion(
            "conversion-source",
            lang.pick("source", "来源"),
            &r.conversion.by_source,
            30,
            lang,
        ),
        conversion(
            "conversion-region",
            lang.pick("region", "区域"),
            &r.conversion.by_region,
            30,
            lang,
        ),
        conversion(
            "conversion-customer-type",
            lang.pick("customer type", "客户类型"),
            &r.conversion.by_customer_type,
            30,
            lang,
        ),
        conversion(
            "conversion-campaign",
            lang.pick("campaign", "活动"),
            &r.conversion.by_campaign,
            30,
            lang,
        ),
        sales_cycle(&r.sales_cycle, lang),
        calibration(&r.score.backtest, lang),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::csv::table_csv;
    use crate::svg::render_svg;
    use expect_test::expect;
    use reallot_core::demo::{DemoConfig, demo_dataset};
    use reallot_core::metrics::{MeasureConfig, report};

    fn demo_report() -> LeadReport {
        let ds = demo_dataset(&DemoConfig::default());
        report(&ds, &MeasureConfig::default()).leads
    }

    #[test]
    fn every_leads_chart_is_non_empty_and_draws_on_the_demo() {
        let r = demo_report();
        for lang in [Lang::En, Lang::Zh] {
            let charts = all(&r, lang);
            assert_eq!(charts.len(), 8);
            for c in &charts {
                assert!(!c.is_empty(), "{} is empty", c.id);
                let svg = render_svg(c, 800, 480).expect("draws");
                assert!(svg.len() > 1000, "{}: {} bytes", c.id, svg.len());
                assert!(svg.contains(&c.title), "{} title", c.id);
            }
        }
    }

    #[test]
    fn the_funnel_table_matches_the_report() {
        let r = demo_report();
        let t = funnel(&r.funnel, Lang::En).table();
        assert_eq!(t.rows.len(), 5);
        for (row, stage) in t.rows.iter().zip(&r.funnel.overall) {
            assert_eq!(row[0], stage.stage.as_str());
            assert_eq!(row[1], stage.reached.to_string());
        }
        // Reached counts never grow down the funnel.
        let counts: Vec<f64> = t
            .rows
            .iter()
            .map(|r| r[1].parse().unwrap_or(-1.0))
            .collect();
        assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
        let zh = funnel(&r.funnel, Lang::Zh).table();
        expect![[r#"["新线索", "已联系", "已确认", "方案", "成交"]"#]].assert_eq(&format!(
            "{:?}",
            zh.rows.iter().map(|r| &r[0]).collect::<Vec<_>>()
        ));
    }

    #[test]
    fn conversion_rows_keep_order_limit_and_numbers() {
        let rows = vec![
            RateRow {
                key: "=R2".into(),
                leads: 10,
                won: 5,
                rate: 0.5,
                ci_low: 0.24,
                ci_high: 0.76,
                shrunk_rate: 0.42,
            },
            RateRow {
                key: "R1".into(),
                leads: 4,
                won: 1,
                rate: 0.25,
                ci_low: 0.05,
                ci_high: 0.7,
                shrunk_rate: 0.3,
            },
        ];
        let c = conversion("conversion-rep", "rep", &rows, 1, Lang::En);
        assert_eq!(
            table_csv(&c.table()),
            "\u{feff}rep,won ÷ leads,ci_low,ci_high,marker\r\n'=R2,0.5,0.24,0.76,0.42\r\n"
        );
    }
}
