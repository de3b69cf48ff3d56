//! The Customers page's charts, from the core's [`CustomerReport`]: value tiers, repeat rate
//! and repurchase cycle by customer type, lifecycle stages, monthly retention with its
//! interval, and CLV by acquisition source.

use crate::model::{Chart, IntervalRow, Kind, Lang, Series};
use reallot_core::customers::{CustomerReport, LifecycleStage, Tier};

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

/// Every chart of the Customers page.
pub fn all(r: &CustomerReport, lang: Lang) -> Vec<Chart> {
    vec![
        tiers(r, lang),
        repeat_rate(r, lang),
        cycle(r, lang),
        lifecycle(r, lang),
        retention(r, lang),
        clv_by_source(r, lang),
    ]
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;
    use crate::render_svg;
    use reallot_core::customers::{CustomerConfig, customer_report};
    use reallot_core::demo::{DemoConfig, Scale, demo_dataset};
    use reallot_core::metrics::default_as_of;

    #[test]
    fn every_customer_chart_has_the_reports_numbers_and_draws() {
        let ds = demo_dataset(&DemoConfig {
            scale: Scale::S,
            seed: 42,
        });
        let r = customer_report(&ds, &CustomerConfig::new(default_as_of(&ds)));
        let charts = all(&r, Lang::En);
        assert_eq!(charts.len(), 6);
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
        assert_eq!(all(&r, Lang::Zh)[3].title, "生命周期阶段");
    }
}
