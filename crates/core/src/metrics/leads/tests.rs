//! Golden tests of the lead measures on a hand-computed fixture, and checks that the report
//! finds the structure planted in the demo data.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use crate::dataset::Dataset;
use crate::metrics::{Filter, MeasureConfig, Report, report};
use crate::model::{CustomerType, Money, Stage, TableKind, Timestamp};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

/// Two reps, one campaign, five leads, four surveys; every expected value below is worked
/// out by hand in the comments.
pub(crate) fn fixture() -> Dataset {
    let mut ds = Dataset::new();
    for r in [
        [
            "R1", "甲", "A组", "华东", "field", "2", "small", "", "", "3000",
        ],
        [
            "R2",
            "乙",
            "B组",
            "华南",
            "key_account",
            "4",
            "large",
            "",
            "",
            "",
        ],
    ] {
        assert!(ds.push_record(TableKind::Reps, &r).kept);
    }
    assert!(
        ds.push_record(
            TableKind::Campaigns,
            &["CP1", "春节", "web", "100", "2024-01-01", "2024-01-31"]
        )
        .kept
    );
    #[rustfmt::skip]
    let leads: [[&str; 18]; 5] = [
        // Contacted after 2 h, won after 9.6 days (→ 10 whole days).
        ["L1", "2024-01-01 09:00", "web", "CP1", "华东", "small", "1000", "10", "R1", "2024-01-01 10:00", "2024-01-01 12:00", "won", "2024-01-03", "2024-01-11", "", "2000", "", ""],
        // Contacted after 28 h (late), lost after 2.6 days (censored at 3).
        ["L2", "2024-01-02 09:00", "web", "CP1", "华东", "small", "1000", "10", "R1", "2024-01-02 10:00", "2024-01-03 14:00", "lost", "", "", "2024-01-05", "", "价格", ""],
        // Contacted after 1 h, won after exactly 20 days.
        ["L3", "2024-01-03 09:00", "expo", "", "华南", "large", "5000", "50", "R2", "2024-01-03 10:00", "2024-01-03 11:00", "won", "", "2024-01-23 09:00", "", "6000", "", ""],
        // Never contacted, open (censored at 57 days).
        ["L4", "2024-01-04 09:00", "expo", "", "华南", "large", "5000", "50", "R2", "2024-01-04 10:00", "", "new", "", "", "", "", "", ""],
        // Unassigned, open (censored at 29 days).
        ["L5", "2024-02-01 09:00", "web", "", "华南", "medium", "2000", "20", "", "", "", "new", "", "", "", "", "", ""],
    ];
    for l in &leads {
        assert!(ds.push_record(TableKind::Leads, l).kept);
    }
    for s in [
        ["R1", "L1", "", "2024-01-12", "5", "csat5"],
        ["R2", "L3", "", "2024-01-24", "3", "csat5"],
        ["R2", "", "", "2024-02-10", "10", "nps10"],
        ["R1", "", "", "2024-02-11", "6", "nps10"],
    ] {
        assert!(ds.push_record(TableKind::Surveys, &s).kept);
    }
    ds
}

fn as_of() -> Timestamp {
    Timestamp::from_ymd(2024, 3, 1).unwrap_or(Timestamp(0))
}

fn fixture_report(filter: Filter) -> Report {
    let cfg = MeasureConfig {
        as_of: Some(as_of()),
        filter,
        ..MeasureConfig::default()
    };
    report(&fixture(), &cfg)
}

#[test]
fn conversion_golden() {
    let r = fixture_report(Filter::default()).leads;
    let c = &r.conversion;
    // Four assigned leads (L5 is not), two won.
    assert_eq!((c.overall.leads, c.overall.won), (4, 2));
    assert!(close(c.overall.rate, 0.5));
    let by = |rows: &[crate::metrics::RateRow]| -> Vec<(String, u64, u64)> {
        let mut v: Vec<_> = rows
            .iter()
            .map(|r| (r.key.clone(), r.leads, r.won))
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        by(&c.by_rep),
        vec![("R1".into(), 2, 1), ("R2".into(), 2, 1)]
    );
    assert_eq!(
        by(&c.by_team),
        vec![("A组".into(), 2, 1), ("B组".into(), 2, 1)]
    );
    assert_eq!(
        by(&c.by_source),
        vec![("expo".into(), 2, 1), ("web".into(), 2, 1)]
    );
    assert_eq!(
        by(&c.by_campaign),
        vec![("(none)".into(), 2, 1), ("CP1".into(), 2, 1)]
    );
    assert_eq!(by(&c.by_month), vec![("2024-01".into(), 4, 2)]);
    assert_eq!(
        by(&c.by_customer_type),
        vec![("large".into(), 2, 1), ("small".into(), 2, 1)]
    );
    // Equal rates: no overdispersion, so every group shrinks fully to the pooled ½.
    assert!(c.by_rep.iter().all(|r| close(r.shrunk_rate, 0.5)));
    // Wilson 1/2: 0.0945–0.9055.
    assert!((c.by_rep[0].ci_low - 0.0945).abs() < 1e-4);
}

#[test]
fn funnel_golden() {
    let r = fixture_report(Filter::default()).leads;
    let reached: Vec<(Stage, u64)> = r
        .funnel
        .overall
        .iter()
        .map(|s| (s.stage, s.reached))
        .collect();
    // New 5; contacted L1–L3; qualified L1 (date) and L3 (won); proposal and won L1, L3.
    assert_eq!(
        reached,
        vec![
            (Stage::New, 5),
            (Stage::Contacted, 3),
            (Stage::Qualified, 2),
            (Stage::Proposal, 2),
            (Stage::Won, 2)
        ]
    );
    assert!(close(r.funnel.overall[1].from_previous.rate, 0.6));
    assert!(close(r.funnel.overall[2].from_previous.rate, 2.0 / 3.0));
    assert!(close(r.funnel.overall[4].cumulative.rate, 0.4));
    let web = r
        .funnel
        .by_source
        .iter()
        .find(|f| f.key == "web")
        .map(|f| f.stages[0].reached);
    assert_eq!(web, Some(3));
}

#[test]
fn response_time_golden() {
    let r = fixture_report(Filter::default()).leads.response_time;
    let o = &r.overall;
    assert_eq!((o.assigned, o.contacted, o.never_contacted), (4, 3, 1));
    // Delays 1, 2, 28 h: median 2; p90 = 2 + 0.8 × 26 = 22.8 (type 7).
    assert_eq!(o.median_hours, Some(2.0));
    assert!(close(o.p90_hours.unwrap_or(0.0), 22.8));
    // Within 24 h: L1, L3 of the four decided (L4's SLA ran out long before as-of).
    assert_eq!((o.within_sla.successes, o.within_sla.trials), (2, 4));
    let r1 = r
        .by_rep
        .iter()
        .find(|x| x.key == "R1")
        .map(|x| (x.median_hours, x.contacted));
    assert_eq!(r1, Some((Some(15.0), 2)));
    let s = &r.speed_vs_conversion;
    assert_eq!((s.within_sla.leads, s.within_sla.won), (2, 2));
    assert_eq!((s.late.leads, s.late.won), (1, 0));
    assert_eq!((s.never_contacted.leads, s.never_contacted.won), (1, 0));
}

#[test]
fn sales_cycle_golden() {
    let r = fixture_report(Filter::default()).leads.sales_cycle;
    // Assigned leads won or open: L1 won at 10 days, L3 won at 20, L4 open (censored at 57);
    // L2 (lost) and L5 (unassigned) have no cycle.
    // At 10: 3 at risk → 2/3; at 20: 2 at risk → 1/3, the first at or below ½.
    let s: Vec<(f64, u64, f64)> = r
        .curve
        .iter()
        .map(|p| (p.time, p.at_risk, p.survival))
        .collect();
    assert_eq!(s.len(), 2);
    assert_eq!((s[0].0, s[0].1, s[1].0, s[1].1), (10.0, 3, 20.0, 2));
    assert!(close(s[0].2, 2.0 / 3.0) && close(s[1].2, 1.0 / 3.0));
    assert_eq!(r.overall.median_days, Some(20.0));
    assert_eq!((r.overall.leads, r.overall.won), (3, 2));
    assert_eq!(r.overall.median_days_won_only, Some(15.0));
    let large = r.by_customer_type.iter().find(|c| c.key == "large");
    assert_eq!(
        large.map(|c| (c.leads, c.won, c.median_days)),
        Some((2, 1, Some(20.0)))
    );
}

#[test]
fn roi_golden() {
    let r = fixture_report(Filter::default()).leads;
    // Campaign 100.00 over its two leads: 50.00 each. Costs 60, 60, 50, 50, 20 = 240.00.
    let src = |k: &str| r.roi.by_source.iter().find(|x| x.key == k).cloned();
    let web = src("web").unwrap_or_else(|| panic!("no web row"));
    assert_eq!(
        (web.leads, web.won, web.cost, web.revenue),
        (3, 1, Money(14_000), Money(200_000))
    );
    // (2000 × 0.3 − 140) / 140
    assert!(close(web.roi.unwrap_or(0.0), 460.0 / 140.0));
    assert_eq!(web.cost_per_win, Some(Money(14_000)));
    let expo = src("expo").unwrap_or_else(|| panic!("no expo row"));
    assert!(close(expo.roi.unwrap_or(0.0), 17.0));
    // R1: leads 120.00 + 3000/month over 59.625 days (01-01 09:00 to 03-01) = 5876.92.
    let r1 = r.roi.by_rep.iter().find(|x| x.key == "R1").cloned();
    assert_eq!(r1.map(|x| x.cost), Some(Money(12_000 + 587_692)));
    assert_eq!(r.roi.overall.cost, Money(24_000 + 587_692));
    let cp1 = &r.campaigns.campaigns[0];
    assert_eq!(
        (cp1.conversion.key.as_str(), cp1.cost, cp1.name.as_deref()),
        ("CP1", Money(12_000), Some("春节"))
    );
    assert_eq!(r.campaigns.no_campaign.as_ref().map(|x| x.leads), Some(2));
}

#[test]
fn satisfaction_golden() {
    let r = fixture_report(Filter::default()).leads.satisfaction;
    let csat = r.overall.csat.unwrap_or_else(|| panic!("no csat"));
    // Scores 5 and 3: mean 4, sd √2, half-width 1.96·√2/√2 = 1.96.
    assert_eq!(csat.n, 2);
    assert!(close(csat.mean, 4.0) && (csat.ci_low - 2.04).abs() < 1e-3);
    let nps = r.overall.nps.unwrap_or_else(|| panic!("no nps"));
    assert_eq!(
        (nps.n, nps.promoters, nps.detractors, nps.nps),
        (2, 1, 1, 0.0)
    );
    let r2 = r.by_rep.iter().find(|x| x.key == "R2").cloned();
    assert_eq!(r2.and_then(|x| x.nps).map(|n| n.nps), Some(100.0));
    // Only lead surveys have a source: L1 (web), L3 (expo).
    let keys: Vec<&str> = r.by_source.iter().map(|x| x.key.as_str()).collect();
    assert_eq!(keys, vec!["expo", "web"]);
}

#[test]
fn surveys_follow_the_first_lead_of_their_id_in_scope() {
    let region = |ds: &Dataset, r: &str| {
        let cfg = MeasureConfig {
            as_of: Some(as_of()),
            filter: Filter {
                regions: vec![r.into()],
                ..Filter::default()
            },
            ..MeasureConfig::default()
        };
        report(ds, &cfg).leads.satisfaction
    };
    let csat = |s: &super::satisfaction::SatisfactionReport| {
        let sources: Vec<(&str, u64)> = s
            .by_source
            .iter()
            .map(|x| (x.key.as_str(), x.csat.map_or(0, |c| c.n)))
            .collect();
        (
            s.overall.csat.map(|c| (c.n, c.mean)),
            format!("{sources:?}"),
        )
    };
    // Ids unique: in 华南 only L3's survey (score 3, expo) is in scope.
    assert_eq!(
        csat(&region(&fixture(), "华南")),
        (Some((1, 3.0)), r#"[("expo", 1)]"#.into())
    );
    // A second L1 row in 华南 (source expo): L1's survey follows the first L1 row each scope
    // keeps, the 华东 one in 华东 and this one in 华南.
    let mut ds = fixture();
    #[rustfmt::skip]
    let second = ["L1", "2024-01-05 09:00", "expo", "", "华南", "large", "5000", "50", "R2", "2024-01-05 10:00", "", "new", "", "", "", "", "", ""];
    assert!(ds.push_record(TableKind::Leads, &second).kept);
    assert_eq!(
        csat(&region(&ds, "华南")),
        (Some((2, 4.0)), r#"[("expo", 2)]"#.into())
    );
    assert_eq!(
        csat(&region(&ds, "华东")),
        (Some((1, 5.0)), r#"[("web", 1)]"#.into())
    );
}

#[test]
fn score_golden() {
    let r = fixture_report(Filter::default()).leads.score;
    // Resolved: L1 won, L2 lost, L3 won. Source values web, expo, none (V = 3):
    // LR(web) = (2/5)/(2/4) = 0.8, LR(expo) = (2/5)/(1/4) = 1.6.
    assert_eq!(r.training_leads, 3);
    let lr = |v: &str| {
        r.factors
            .iter()
            .find(|f| f.factor == "source" && f.value == v)
            .map(|f| f.likelihood_ratio)
    };
    assert!(close(lr("web").unwrap_or(0.0), 0.8));
    assert!(close(lr("expo").unwrap_or(0.0), 1.6));
}

#[test]
fn workload_golden() {
    let w = fixture_report(Filter::default()).leads.workload;
    assert_eq!(w.reps, 2);
    // Two leads each: perfectly even counts.
    assert_eq!(w.gini_leads, Some(0.0));
    let r1 = w.by_rep.iter().find(|x| x.key == "R1").cloned();
    let r1 = r1.unwrap_or_else(|| panic!("no R1 row"));
    // Window 2024-01-01 09:00 to 03-01: 59 whole days. L1 is open Jan 2–11 (10 days), L2
    // Jan 3–5 (3 days): 13 open-days over 59.
    assert!(close(r1.active_weeks, 59.0 / 7.0));
    assert!(close(r1.mean_open.unwrap_or(0.0), 13.0 / 59.0));
    assert!(close(r1.utilisation.unwrap_or(0.0), 13.0 / 59.0 / 2.0));
    assert_eq!(r1.capacity, Some(2));
}

#[test]
fn filter_and_window_restrict_every_measure() {
    let r = fixture_report(Filter {
        regions: vec!["华东".into()],
        ..Filter::default()
    })
    .leads;
    assert_eq!(r.funnel.overall[0].reached, 2);
    assert_eq!(
        (r.conversion.overall.leads, r.conversion.overall.won),
        (2, 1)
    );
    assert_eq!(r.conversion.by_rep.len(), 1);
    // Lead surveys follow their lead; the customer-less NPS rows have no region to match.
    assert_eq!(r.satisfaction.overall.csat.map(|c| c.n), Some(1));
    assert_eq!(r.satisfaction.overall.nps, None);
    let none = fixture_report(Filter {
        teams: vec!["没有这个组".into()],
        ..Filter::default()
    })
    .leads;
    assert_eq!(none.funnel.overall[0].reached, 0);
    let typed = fixture_report(Filter {
        customer_types: vec![CustomerType::Large],
        ..Filter::default()
    })
    .leads;
    assert_eq!(typed.conversion.overall.leads, 2);
    let cfg = MeasureConfig {
        as_of: Some(as_of()),
        window: crate::metrics::Window {
            from: Timestamp::from_ymd(2024, 1, 3),
            to: Timestamp::from_ymd(2024, 2, 1),
        },
        ..MeasureConfig::default()
    };
    let w = report(&fixture(), &cfg).leads;
    assert_eq!(w.funnel.overall[0].reached, 2); // L3, L4
}

#[test]
fn default_as_of_is_the_day_after_the_data() {
    let ds = fixture();
    assert_eq!(
        crate::metrics::default_as_of(&ds),
        Timestamp::from_ymd(2024, 2, 2).unwrap_or(Timestamp(0))
    );
    assert_eq!(crate::metrics::default_as_of(&Dataset::new()), Timestamp(0));
    // An empty dataset reports zeros, not a panic.
    let r = report(&Dataset::new(), &MeasureConfig::default());
    assert_eq!(r.leads.conversion.overall.leads, 0);
    assert_eq!(r.leads.sales_cycle.overall.median_days, None);
}

/// The demo plants one star rep per customer type (`world.stars`), 1.1 log-odds above the
/// best other rep of the type; conversion within each type, ranked by shrunk rate, must put
/// that rep first in every type.
#[test]
fn demo_stars_rank_first_in_their_segment() {
    let cfg = crate::demo::DemoConfig::default();
    let ds = crate::demo::demo_dataset(&cfg);
    let world = crate::demo::world(&cfg);
    let r = report(&ds, &MeasureConfig::default()).leads;
    for (k, ty) in CustomerType::ALL.iter().enumerate() {
        let seg = &r.conversion.by_customer_type_rep[k];
        assert_eq!(seg.customer_type, *ty);
        let star = &world.reps[world.stars[k]];
        let best_other = world
            .reps
            .iter()
            .filter(|x| x.skills.contains(*ty) && x.id != star.id)
            .map(|x| x.skill[k])
            .fold(f64::MIN, f64::max);
        assert!(
            star.skill[k] >= best_other + 1.1,
            "{ty}: the star's planted edge"
        );
        assert_eq!(seg.by_rep[0].key, star.id, "{ty}: the star must lead");
    }
}

/// The demo's win odds fall with response delay: faster reps must convert better.
#[test]
fn demo_faster_reps_convert_better() {
    let ds = crate::demo::demo_dataset(&crate::demo::DemoConfig::default());
    let r = report(&ds, &MeasureConfig::default()).leads;
    let s = &r.response_time.speed_vs_conversion;
    // Seed 42, scale S: ρ ≈ −0.4 over 40 reps.
    assert!(s.spearman.unwrap_or(0.0) < -0.2, "{s:?}");
    assert!(s.fast_reps.rate > s.slow_reps.rate);
    assert!(s.within_sla.rate > s.late.rate && s.late.rate > s.never_contacted.rate);
    // Overloaded reps answer slower (the demo's response time grows above 70 % load).
    let load = &r.response_time.by_load;
    let median = |k: &str| {
        load.iter()
            .find(|x| x.key == k)
            .and_then(|x| x.median_hours)
    };
    let (calm, busy) = (median("<0.5"), median("1.0-1.5"));
    assert!(
        calm.unwrap_or(f64::NAN) < busy.unwrap_or(f64::NAN),
        "{load:?}"
    );
}

/// The demo's segments have different sales cycles: key accounts take longest, small
/// customers the shortest (`SEGMENTS[..].sales_cycle_days`).
#[test]
fn demo_sales_cycle_orders_the_segments() {
    let ds = crate::demo::demo_dataset(&crate::demo::DemoConfig::default());
    let r = report(&ds, &MeasureConfig::default()).leads.sales_cycle;
    let med: Vec<f64> = ["ka", "large", "medium", "small"]
        .iter()
        .map(|k| {
            r.by_customer_type
                .iter()
                .find(|c| c.key == *k)
                .and_then(|c| c.median_days)
                .unwrap_or(f64::NAN)
        })
        .collect();
    assert!(med.windows(2).all(|w| w[0] > w[1]), "{med:?}");
    let o = &r.overall;
    let (lo, hi) = (o.ci_low.unwrap_or(f64::NAN), o.ci_high.unwrap_or(f64::NAN));
    assert!(lo <= o.median_days.unwrap_or(f64::NAN) && o.median_days.unwrap_or(f64::NAN) <= hi);
}

/// The frame of every lead is the held columns themselves, and the same frame as the filter
/// pass over those columns gives (the pass any other scope takes): at the as-of the columns
/// prepared the load for, at another one, and on the hand-computed fixture.
#[test]
fn a_frame_of_every_lead_shares_the_held_columns_and_equals_the_filter_pass() {
    use super::LeadFrame;
    use crate::metrics::MeasureBase;
    let demo = crate::demo::demo_dataset(&crate::demo::DemoConfig::default());
    for ds in [fixture(), demo] {
        let base = MeasureBase::new(&ds);
        assert_eq!(base.default_as_of, crate::metrics::default_as_of(&ds));
        for as_of in [None, Some(base.default_as_of.add_days(40))] {
            let config = MeasureConfig {
                as_of,
                ..MeasureConfig::default()
            };
            let scope = base.scope(&ds, &config);
            assert_eq!(scope, config.scope(&ds));
            let whole = LeadFrame::of(&ds, &base.leads, &scope);
            assert!(std::ptr::eq(
                whole.created.as_ptr(),
                base.leads.cols.created.as_ptr()
            ));
            assert_eq!(whole.len(), ds.leads.len());
            let filtered = LeadFrame::filtered(&ds, &base.leads, &scope);
            assert_eq!(format!("{whole:?}"), format!("{filtered:?}"));
        }
    }
    // Columns laid out from other data are laid out again, not misread.
    let ds = fixture();
    let other = super::LeadColumns::build(&Dataset::new());
    let scope = MeasureConfig::default().scope(&ds);
    let frame = LeadFrame::of(&ds, &other, &scope);
    assert_eq!(
        format!("{frame:?}"),
        format!("{:?}", LeadFrame::build(&ds, &scope))
    );
}
