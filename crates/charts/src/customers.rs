//! The Customers page's charts, from the core's [`CustomerReport`]: value tiers, repeat rate
//! and repurchase cycle by customer type, lifecycle stages, monthly retention with its
//! interval, and CLV by acquisition source; RFM scores, the cohort retention matrix, the CLV
//! distribution, P(alive) against CLV, and the overdue and at-risk lists.

use crate::model::{Chart, IntervalRow, Kind, Lang, Series, Table};
use reallot_core::customers::{AtRiskReport, CustomerReport, LifecycleStage, Tier};

fn chart(id: &'static str, title: &str, x: &str, y: &str, kind: Kind) -> Chart {
    Chart {
        id: id.into(),
        title: title.into(),
        x_label: x.into(),
        y_label: y.into(),
        kind,
    }
}

fn stage_name(s: LifecycleStage, lang: Lang) -> &'static str {
    match s {
        LifecycleStage::Acquisition => lang.pick("acquisition", "获客期"),
        LifecycleStage::Growth => lang.pick("growth", "成长期"),
        LifecycleStage::Maturity => lang.pick("maturity", "成熟期"),
        LifecycleStage::Decline => lang.pick("decline", "衰退期"),
        LifecycleStage::Churned => lang.pick("churned", "流失"),
    }
}

/// Share of revenue in each A/B/C tier.
pub fn tiers(r: &CustomerReport, lang: Lang) -> Chart {
    let (labels, values) = r
        .tiers
        .tiers
        .iter()
        .map(|t| {
            let name = match t.tier {
                Tier::A => "A",
                Tier::B => "B",
                Tier::C => "C",
            };
            (format!("{name} ({})", t.customers), t.revenue_share)
        })
        .unzip();
    chart(
        "value-tiers",
        lang.pick("Revenue share by value tier", "各价值层级的销售额占比"),
        lang.pick("share of revenue", "销售额占比"),
        lang.pick("tier (customers)", "层级（客户数）"),
        Kind::Bars { labels, values },
    )
}

/// Repeat-purchase rate by customer type, with 95 % intervals.
pub fn repeat_rate(r: &CustomerReport, lang: Lang) -> Chart {
    let rows = r
        .segments
        .repeat_by_customer_type
        .iter()
        .map(|k| IntervalRow {
            label: k.key.clone(),
            value: k.rate,
            low: k.ci_low,
            high: k.ci_high,
            marker: None,
        })
        .collect();
    chart(
        "repeat-rate",
        lang.pick(
            "Repeat-purchase rate by customer type",
            "各客户类型的复购率",
        ),
        lang.pick(
            "customers buying again in the window",
            "窗口期内再次购买的客户占比",
        ),
        lang.pick("customer type", "客户类型"),
        Kind::Intervals { rows },
    )
}

/// Median repurchase cycle by customer type, with its quartiles as the bar.
pub fn cycle(r: &CustomerReport, lang: Lang) -> Chart {
    let rows = r
        .repurchase
        .by_customer_type
        .iter()
        .map(|q| IntervalRow {
            label: q.key.clone(),
            value: q.median,
            low: q.p25,
            high: q.p75,
            marker: None,
        })
        .collect();
    chart(
        "repurchase-cycle",
        lang.pick(
            "Repurchase cycle by customer type (quartiles)",
            "各客户类型的复购周期（四分位）",
        ),
        lang.pick("days between orders", "两次下单间隔天数"),
        lang.pick("customer type", "客户类型"),
        Kind::Intervals { rows },
    )
}

/// Customers in each lifecycle stage.
pub fn lifecycle(r: &CustomerReport, lang: Lang) -> Chart {
    let (labels, values) = r
        .lifecycle
        .stages
        .iter()
        .map(|s| (stage_name(s.stage, lang).to_owned(), s.customers as f64))
        .unzip();
    chart(
        "lifecycle",
        lang.pick("Lifecycle stages", "生命周期阶段"),
        lang.pick("customers", "客户数"),
        lang.pick("stage", "阶段"),
        Kind::Bars { labels, values },
    )
}

/// Month-on-month retention with its 95 % interval, in month order.
pub fn retention(r: &CustomerReport, lang: Lang) -> Chart {
    let p = &r.cohorts.periods;
    let line = |name: &str, f: &dyn Fn(usize) -> f64| Series {
        name: name.into(),
        points: (0..p.len()).map(|i| (i as f64, f(i))).collect(),
        step: false,
    };
    let first = p.first().map_or("", |m| m.month.as_str());
    chart(
        "retention",
        lang.pick("Customer retention per month", "每月客户留存率"),
        &format!("{} {first}", lang.pick("months since", "月份，起于")),
        lang.pick("retained share", "留存比例"),
        Kind::Lines {
            series: vec![
                line(lang.pick("retention", "留存率"), &|i| p[i].retention),
                line(lang.pick("95% low", "95% 下限"), &|i| p[i].ci_low),
                line(lang.pick("95% high", "95% 上限"), &|i| p[i].ci_high),
            ],
        },
    )
}

/// Mean 12-month CLV of the customers of each acquisition source (BG/NBD + Gamma-Gamma).
pub fn clv_by_source(r: &CustomerReport, lang: Lang) -> Chart {
    let (labels, values) = r
        .clv
        .iter()
        .flat_map(|c| &c.by_source)
        .filter_map(|k| {
            k.mean_clv
                .map(|v| (format!("{} ({})", k.key, k.customers), v))
        })
        .unzip();
    chart(
        "clv-source",
        lang.pick(
            "Mean CLV by acquisition source",
            "各获客来源的平均客户终身价值",
        ),
        lang.pick("mean CLV", "平均 CLV"),
        lang.pick("source (customers)", "来源（客户数）"),
        Kind::Bars { labels, values },
    )
}

/// Customers by RFM recency score (rows, 5 = most recent on top) and frequency score
/// (columns), summed over the monetary score.
pub fn rfm_grid(r: &CustomerReport, lang: Lang) -> Chart {
    let mut grid = [[0usize; 5]; 5];
    for c in &r.rfm.cells {
        let digit = |k: usize| {
            c.code
                .as_bytes()
                .get(k)
                .and_then(|b| b.checked_sub(b'1'))
                .map(usize::from)
                .filter(|d| *d < 5)
        };
        if let (Some(rs), Some(fs)) = (digit(0), digit(1))
            && let Some(cell) = grid.get_mut(4 - rs).and_then(|row| row.get_mut(fs))
        {
            *cell += c.customers;
        }
    }
    chart(
        "rfm-grid",
        lang.pick(
            "Customers by RFM recency × frequency score",
            "按 RFM 近度 × 频度评分的客户数",
        ),
        lang.pick(
            "frequency score (5 = most frequent)",
            "频度评分（5 = 最频繁）",
        ),
        lang.pick("recency score", "近度评分"),
        Kind::Heatmap {
            columns: (1..=5).map(|f| f.to_string()).collect(),
            rows: (1..=5).rev().map(|r| format!("R{r}")).collect(),
            values: grid
                .iter()
                .map(|row| row.iter().map(|&n| Some(n as f64)).collect())
                .collect(),
        },
    )
}

fn rfm_group_name(g: &str, lang: Lang) -> String {
    match g {
        "champions" => lang.pick("champions", "重要价值客户"),
        "loyal" => lang.pick("loyal", "忠诚客户"),
        "new" => lang.pick("new", "新客户"),
        "at_risk" => lang.pick("at risk", "流失风险客户"),
        "hibernating" => lang.pick("hibernating", "沉睡客户"),
        "others" => lang.pick("others", "其他"),
        other => other,
    }
    .to_owned()
}

/// Customers per named RFM segment.
pub fn rfm_groups(r: &CustomerReport, lang: Lang) -> Chart {
    let (labels, values) = r
        .rfm
        .groups
        .iter()
        .map(|g| (rfm_group_name(g.group, lang), g.customers as f64))
        .unzip();
    chart(
        "rfm-segments",
        lang.pick("Customers per RFM segment", "各 RFM 分群客户数"),
        lang.pick("customers", "客户数"),
        lang.pick("segment", "分群"),
        Kind::Bars { labels, values },
    )
}

/// Cohorts (and months after the first) shown in the retention matrix.
const COHORT_ROWS: usize = 24;

/// Share of each first-order-month cohort buying again 1, 2, … months later: the latest
/// cohorts, newest at the bottom.
pub fn cohorts(r: &CustomerReport, lang: Lang) -> Chart {
    let shown = r.cohorts.cohorts.len().saturating_sub(COHORT_ROWS);
    let cohorts = r.cohorts.cohorts.get(shown..).unwrap_or_default();
    let months = cohorts
        .iter()
        .map(|c| c.retention.len().saturating_sub(1))
        .max()
        .unwrap_or(0)
        .min(COHORT_ROWS);
    chart(
        "cohorts",
        lang.pick(
            "Cohort retention by first-order month",
            "按首单月份的同期群留存",
        ),
        lang.pick("months after the first order", "首单后的月数"),
        lang.pick("cohort (customers)", "同期群（客户数）"),
        Kind::Heatmap {
            columns: (1..=months).map(|m| m.to_string()).collect(),
            rows: cohorts
                .iter()
                .map(|c| format!("{} ({})", c.month, c.customers))
                .collect(),
            values: cohorts
                .iter()
                .map(|c| (1..=months).map(|m| c.retention.get(m).copied()).collect())
                .collect(),
        },
    )
}

/// Bins of the CLV histogram.
const CLV_BINS: usize = 20;

/// The CLV of every customer with orders: equal bins up to the 95th percentile, the top 5 %
/// counted in the last bin so that a few very large customers do not squash the rest.
pub fn clv_histogram(r: &CustomerReport, lang: Lang) -> Chart {
    let mut v: Vec<f64> = r
        .clv
        .iter()
        .flat_map(|c| c.clv_by_row.iter().flatten().copied())
        .filter(|x| x.is_finite())
        .collect();
    v.sort_unstable_by(f64::total_cmp);
    let lo = v.first().copied().unwrap_or(0.0).min(0.0);
    let hi = reallot_core::stats::quantile_sorted(&v, 0.95).unwrap_or(0.0);
    let (edges, counts) = if v.is_empty() || hi <= lo {
        (Vec::new(), Vec::new())
    } else {
        let width = (hi - lo) / CLV_BINS as f64;
        let mut counts = vec![0.0; CLV_BINS];
        for x in &v {
            let b = (((x - lo) / width) as usize).min(CLV_BINS - 1);
            if let Some(c) = counts.get_mut(b) {
                *c += 1.0;
            }
        }
        (
            (0..=CLV_BINS).map(|k| lo + width * k as f64).collect(),
            counts,
        )
    };
    chart(
        "clv-histogram",
        lang.pick(
            "CLV distribution (top 5% in the last bin)",
            "CLV 分布（最高 5% 计入最后一组）",
        ),
        lang.pick("CLV per customer", "每位客户的 CLV"),
        lang.pick("customers", "客户数"),
        Kind::Histogram { edges, counts },
    )
}

/// Most points drawn in the P(alive) × CLV scatter.
const SCATTER_POINTS: usize = 600;

/// P(alive) against CLV, one point per customer (an even sample when there are many), up to
/// the 99th percentile of CLV so that a few very large customers do not squash the rest.
pub fn alive_clv(r: &CustomerReport, lang: Lang) -> Chart {
    let all: Vec<(f64, f64)> = r
        .clv
        .iter()
        .flat_map(|c| {
            c.p_alive_by_row
                .iter()
                .zip(&c.clv_by_row)
                .filter_map(|(p, v)| Some(((*p)?, (*v)?)))
        })
        .filter(|(p, v)| p.is_finite() && v.is_finite())
        .collect();
    let mut values: Vec<f64> = all.iter().map(|p| p.1).collect();
    let cap = reallot_core::stats::quantile_select(&mut values, 0.99).unwrap_or(f64::INFINITY);
    let all: Vec<(f64, f64)> = all.into_iter().filter(|p| p.1 <= cap).collect();
    let step = all.len().div_ceil(SCATTER_POINTS).max(1);
    chart(
        "alive-clv",
        lang.pick(
            "P(alive) against CLV (top 1% not shown)",
            "存活概率与 CLV（不含最高 1%）",
        ),
        lang.pick("P(alive)", "存活概率"),
        lang.pick("CLV", "CLV"),
        Kind::Scatter {
            points: all.into_iter().step_by(step).collect(),
        },
    )
}

/// A number of minor units as major units.
fn major(minor: i64) -> String {
    format!("{:.2}", minor as f64 / 100.0)
}

fn opt(x: Option<f64>, digits: usize) -> String {
    x.map_or_else(String::new, |v| format!("{v:.digits$}"))
}

/// The most overdue customers (days since the last order against their own cycle).
pub fn overdue_list(r: &CustomerReport, lang: Lang) -> Chart {
    let header = [
        lang.pick("customer", "客户"),
        lang.pick("type", "类型"),
        lang.pick("owner", "负责人"),
        lang.pick("last order", "最近下单"),
        lang.pick("cycle (days)", "周期（天）"),
        lang.pick("days since", "距今天数"),
        lang.pick("× cycle", "周期倍数"),
        lang.pick("expected", "预计下单"),
    ];
    let rows = r
        .repurchase
        .overdue
        .iter()
        .map(|o| {
            vec![
                o.customer_id.clone(),
                o.customer_type.clone(),
                o.owner_rep_id.clone(),
                o.last_order.clone(),
                format!("{:.0}", o.cycle_days),
                o.days_since_last.to_string(),
                format!("{:.1}", o.overdue_ratio),
                o.next_expected.clone(),
            ]
        })
        .collect();
    list(
        "overdue-list",
        lang.pick("Overdue customers", "逾期未复购客户"),
        r.repurchase.overdue_count,
        &header,
        rows,
    )
}

/// Customers in decline, the most valuable first.
pub fn at_risk_list(risk: &AtRiskReport, lang: Lang) -> Chart {
    let header = [
        lang.pick("customer", "客户"),
        lang.pick("type", "类型"),
        lang.pick("owner", "负责人"),
        lang.pick("last order", "最近下单"),
        lang.pick("days since", "距今天数"),
        lang.pick("revenue", "销售额"),
        lang.pick("P(alive)", "存活概率"),
        lang.pick("CLV", "CLV"),
    ];
    let rows = risk
        .customers
        .iter()
        .map(|c| {
            vec![
                c.customer_id.clone(),
                c.customer_type.clone(),
                c.owner_rep_id.clone(),
                c.last_order.clone(),
                c.days_since_last.to_string(),
                major(c.revenue),
                opt(c.p_alive, 3),
                opt(c.clv, 2),
            ]
        })
        .collect();
    list(
        "at-risk-list",
        lang.pick("At-risk customers", "流失风险客户"),
        risk.count,
        &header,
        rows,
    )
}

/// A list shown as its table, titled with how many it holds in all (`rows` may be fewer).
fn list(
    id: &'static str,
    title: &str,
    count: usize,
    header: &[&str],
    rows: Vec<Vec<String>>,
) -> Chart {
    chart(
        id,
        &format!("{title} ({count})"),
        "",
        "",
        Kind::List {
            table: Table {
                header: header.iter().map(|h| (*h).to_owned()).collect(),
                rows,
            },
        },
    )
}

/// Every chart of the Customers page, `risk` being the at-risk customers of the same report.
pub fn all(r: &CustomerReport, risk: &AtRiskReport, lang: Lang) -> Vec<Chart> {
    vec![
        tiers(r, lang),
        repeat_rate(r, lang),
        cycle(r, lang),
        lifecycle(r, lang),
        retention(r, lang),
        clv_by_source(r, lang),
        rfm_grid(r, lang),
        rfm_groups(r, lang),
        cohorts(r, lang),
        clv_histogram(r, lang),
        alive_clv(r, lang),
        overdue_list(r, lang),
        at_risk_list(risk, lang),
    ]
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;
    use crate::render_svg;
    use reallot_core::customers::{CustomerConfig, CustomerFacts, at_risk, customer_report};
    use reallot_core::demo::{DemoConfig, Scale, demo_dataset};
    use reallot_core::metrics::default_as_of;

    #[test]
    fn every_customer_chart_has_the_reports_numbers_and_draws() {
        let ds = demo_dataset(&DemoConfig {
            scale: Scale::S,
            seed: 42,
        });
        let config = CustomerConfig::new(default_as_of(&ds));
        let r = customer_report(&ds, &config);
        let facts = CustomerFacts::build(&ds, config.as_of);
        let risk = at_risk(&ds, &facts, &config, r.clv.as_ref());
        let charts = all(&r, &risk, Lang::En);
        assert_eq!(charts.len(), 13);
        for c in &charts {
            assert!(!c.is_empty(), "{} is empty", c.id);
            assert!(render_svg(c, 480, 320).expect("draws").contains(&c.title));
        }
        let Kind::Bars { values, .. } = &charts[0].kind else {
            panic!("bars")
        };
        assert!(
            (values.iter().sum::<f64>() - 1.0).abs() < 1e-9,
            "tier shares sum to 1"
        );
        let Kind::Bars { values, .. } = &charts[3].kind else {
            panic!("bars")
        };
        let staged: usize = r.lifecycle.stages.iter().map(|s| s.customers).sum();
        assert_eq!(values.iter().sum::<f64>() as usize, staged);
        let Kind::Intervals { rows } = &charts[2].kind else {
            panic!("intervals")
        };
        assert!(rows.iter().all(|q| q.low <= q.value && q.value <= q.high));
        assert_eq!(all(&r, &risk, Lang::Zh)[3].title, "生命周期阶段");

        // RFM: the grid and the segments both count every scored customer; R's row sums are
        // the report's recency counts (top row R5).
        let Kind::Heatmap { values, rows, .. } = &charts[6].kind else {
            panic!("heatmap")
        };
        let grid: Vec<usize> = values
            .iter()
            .map(|row| row.iter().flatten().sum::<f64>() as usize)
            .collect();
        assert_eq!(rows[0], "R5");
        assert_eq!(
            grid,
            r.rfm.r_counts.iter().rev().copied().collect::<Vec<_>>()
        );
        let Kind::Bars { values, .. } = &charts[7].kind else {
            panic!("bars")
        };
        assert_eq!(values.iter().sum::<f64>() as usize, r.rfm.customers);
        // Cohorts: month 1 of the first shown cohort is the report's share.
        let Kind::Heatmap { values, .. } = &charts[8].kind else {
            panic!("heatmap")
        };
        let first = &r.cohorts.cohorts[r.cohorts.cohorts.len().saturating_sub(COHORT_ROWS)];
        assert_eq!(values[0][0], first.retention.get(1).copied());
        assert!(values.len() <= COHORT_ROWS);
        // The histogram counts every customer with a CLV once.
        let Kind::Histogram { counts, edges } = &charts[9].kind else {
            panic!("histogram")
        };
        let with_clv = r
            .clv
            .as_ref()
            .map_or(0, |c| c.clv_by_row.iter().flatten().count());
        assert_eq!(counts.iter().sum::<f64>() as usize, with_clv);
        assert_eq!(edges.len(), counts.len() + 1);
        let Kind::Scatter { points } = &charts[10].kind else {
            panic!("scatter")
        };
        assert!(points.len() <= SCATTER_POINTS && points.len() > SCATTER_POINTS / 2);
        assert!(points.iter().all(|(p, _)| (0.0..=1.0).contains(p)));
        // The lists are the report's rows.
        let overdue = charts[11].table();
        assert_eq!(overdue.rows.len(), r.repurchase.overdue.len());
        assert_eq!(overdue.rows[0][0], r.repurchase.overdue[0].customer_id);
        let risky = charts[12].table();
        assert_eq!(risky.rows[0][0], risk.customers[0].customer_id);
        assert!(charts[12].title.contains(&risk.count.to_string()));
    }
}
