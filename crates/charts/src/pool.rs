//! The Pool page's charts, from the core's [`ReclaimReport`]: reclaims per month, reclaims and
//! days in the pool by reason, re-activation after re-assignment, the second owner against
//! the first, and how often the same customer or lead is reclaimed.

use crate::model::{Chart, Kind, Lang, Series};
use reallot_core::customers::ReclaimReport;

fn bars(id: &'static str, title: String, x: &str, y: &str, rows: Vec<(String, f64)>) -> Chart {
    let (labels, values) = rows.into_iter().unzip();
    Chart {
        id: id.into(),
        title,
        x_label: x.into(),
        y_label: y.into(),
        kind: Kind::Bars { labels, values },
    }
}

/// Reclaims per month, in month order.
pub fn by_month(r: &ReclaimReport, lang: Lang) -> Chart {
    let points = r
        .by_month
        .iter()
        .enumerate()
        .map(|(i, m)| (i as f64, m.reclaims as f64))
        .collect();
    let first = r.by_month.first().map_or("", |m| m.key.as_str());
    Chart {
        id: "reclaims-month".into(),
        title: lang.pick("Reclaims per month", "每月回收数").into(),
        x_label: format!("{} {first}", lang.pick("months since", "月份，起于")),
        y_label: lang.pick("reclaims", "回收数").into(),
        kind: Kind::Lines {
            series: vec![Series {
                name: lang.pick("reclaims", "回收数").into(),
                points,
                step: false,
            }],
        },
    }
}

/// Reclaims by reason.
pub fn by_reason(r: &ReclaimReport, lang: Lang) -> Chart {
    bars(
        "reclaims-reason",
        lang.pick("Reclaims by reason", "按原因的回收数").into(),
        lang.pick("reclaims", "回收数"),
        lang.pick("reason", "原因"),
        r.by_reason
            .iter()
            .map(|s| (s.key.clone(), s.reclaims as f64))
            .collect(),
    )
}

/// Median days a reclaimed customer or lead waited in the pool, by reason.
pub fn days_in_pool(r: &ReclaimReport, lang: Lang) -> Chart {
    bars(
        "pool-days",
        lang.pick("Median days in the pool", "公海停留天数中位数")
            .into(),
        lang.pick("days", "天"),
        lang.pick("reason", "原因"),
        r.by_reason
            .iter()
            .filter_map(|s| s.median_days_in_pool.map(|d| (s.key.clone(), d)))
            .collect(),
    )
}

/// Share of re-assigned reclaims re-activated (activity, order or win) within 30, 60 and 90
/// days of re-assignment.
pub fn reactivation(r: &ReclaimReport, lang: Lang) -> Chart {
    let t = &r.total;
    let share = |n: u64| match t.reassigned {
        0 => 0.0,
        d => n as f64 / d as f64,
    };
    let days = lang.pick("days", "天内");
    bars(
        "reactivation",
        lang.pick("Re-activated after re-assignment", "重新分配后激活")
            .into(),
        lang.pick("share of re-assigned reclaims", "占重新分配回收的比例"),
        lang.pick("within", "期限"),
        [
            (30, t.reactivated_30),
            (60, t.reactivated_60),
            (90, t.reactivated_90),
        ]
        .into_iter()
        .map(|(d, n)| (format!("{d} {days}"), share(n)))
        .collect(),
    )
}

/// Revenue in the 90 days before the reclaim under the first owner against the 90 days after
/// re-assignment under the second, in major units.
pub fn owners(r: &ReclaimReport, lang: Lang) -> Chart {
    let o = &r.owners;
    bars(
        "owners",
        lang.pick(
            "First owner vs second owner (90 days)",
            "原负责人与新负责人（90天）",
        )
        .into(),
        lang.pick("revenue", "销售额"),
        lang.pick("owner", "负责人"),
        vec![
            (
                lang.pick("first owner, before", "原负责人，回收前").into(),
                o.first_owner_revenue_90d as f64 / 100.0,
            ),
            (
                lang.pick("second owner, after", "新负责人，分配后").into(),
                o.second_owner_revenue_90d as f64 / 100.0,
            ),
        ],
    )
}

/// Customers and leads reclaimed once, twice, or three times or more.
pub fn repeats(r: &ReclaimReport, lang: Lang) -> Chart {
    let [once, twice, more] = r.entities_reclaimed;
    bars(
        "repeat-reclaims",
        lang.pick("Repeat reclaims", "重复回收").into(),
        lang.pick("customers and leads", "客户与线索数"),
        lang.pick("reclaimed", "被回收次数"),
        vec![
            (lang.pick("once", "1 次").into(), once as f64),
            (lang.pick("twice", "2 次").into(), twice as f64),
            (
                lang.pick("3 times or more", "3 次及以上").into(),
                more as f64,
            ),
        ],
    )
}

/// Every chart of the Pool page.
pub fn all(r: &ReclaimReport, lang: Lang) -> Vec<Chart> {
    vec![
        by_month(r, lang),
        by_reason(r, lang),
        days_in_pool(r, lang),
        reactivation(r, lang),
        owners(r, lang),
        repeats(r, lang),
    ]
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;
    use crate::render_svg;
    use reallot_core::customers::{CustomerConfig, CustomerFacts, reclaim_report};
    use reallot_core::demo::{DemoConfig, Scale, demo_dataset};
    use reallot_core::metrics::default_as_of;

    #[test]
    fn every_pool_chart_has_the_reports_numbers_and_draws() {
        let ds = demo_dataset(&DemoConfig {
            scale: Scale::S,
            seed: 42,
        });
        let config = CustomerConfig::new(default_as_of(&ds));
        let facts = CustomerFacts::build(&ds, config.as_of);
        let r = reclaim_report(&ds, &facts, &config);
        let charts = all(&r, Lang::En);
        assert_eq!(charts.len(), 6);
        for c in &charts {
            assert!(!c.is_empty(), "{} is empty", c.id);
            let svg = render_svg(c, 480, 320).expect("draws");
            assert!(svg.contains(&c.title), "{}", c.id);
        }
        let total: f64 = r.by_reason.iter().map(|s| s.reclaims as f64).sum();
        assert_eq!(total, r.total.reclaims as f64);
        let Kind::Bars { values, .. } = &charts[1].kind else {
            panic!("bars")
        };
        assert_eq!(values.iter().sum::<f64>(), total);
        let Kind::Bars { values, .. } = &charts[3].kind else {
            panic!("bars")
        };
        assert!(
            values[0] <= values[1] && values[1] <= values[2] && values[2] <= 1.0,
            "{values:?}"
        );
        let Kind::Bars { values, .. } = &charts[5].kind else {
            panic!("bars")
        };
        assert_eq!(
            values.iter().sum::<f64>() as u64,
            r.entities_reclaimed.iter().sum::<u64>()
        );
        assert_eq!(all(&r, Lang::Zh)[0].title, "每月回收数");
    }
}
