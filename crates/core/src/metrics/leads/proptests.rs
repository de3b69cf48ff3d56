//! Property tests of the lead measures on random small datasets: rates stay in [0, 1] inside
//! their intervals, every cut adds up to the whole, and nothing panics.

use crate::dataset::Dataset;
use crate::metrics::{MeasureConfig, RateRow, report};
use crate::model::{TableKind, Timestamp};
use crate::stats::km::KaplanMeier;
use crate::stats::shrink::BetaPrior;
use proptest::prelude::*;

/// One random lead: (rep, source, region, type, campaign, created day, response hours,
/// outcome 0 open / 1 won / 2 lost, days to outcome).
type LeadSpec = (usize, usize, usize, usize, bool, i64, Option<u32>, u8, i64);

fn lead_spec() -> impl Strategy<Value = LeadSpec> {
    (
        0..4usize,
        0..3usize,
        0..3usize,
        0..5usize,
        any::<bool>(),
        0..90i64,
        proptest::option::of(0..100u32),
        0..3u8,
        0..60i64,
    )
}

fn dataset(leads: &[LeadSpec]) -> Dataset {
    let mut ds = Dataset::new();
    for (i, team) in ["A", "B", "A"].iter().enumerate() {
        let id = format!("R{i}");
        ds.push_record(
            TableKind::Reps,
            &[&id, "", team, "", "", "3", "", "", "", "1000"],
        );
    }
    ds.push_record(TableKind::Campaigns, &["CP1", "", "", "500", "", ""]);
    let day0 = Timestamp::from_ymd(2024, 1, 1).unwrap_or(Timestamp(0));
    for (n, &(rep, src, reg, ty, camp, day, resp, outcome, dur)) in leads.iter().enumerate() {
        let created = day0.add_days(day).add_secs(9 * 3600);
        let assigned = created.add_secs(600);
        let contact = resp.map(|h| assigned.add_secs(h as i64 * 3600));
        let end = created.add_days(dur + 1);
        let rep_id = if rep < 3 {
            format!("R{rep}")
        } else {
            String::new()
        };
        let has_rep = !rep_id.is_empty();
        let ts = |t: Option<Timestamp>| t.map_or(String::new(), |t| t.to_string());
        let values: Vec<String> = vec![
            format!("L{n}"),
            created.to_string(),
            ["web", "expo", ""][src].into(),
            if camp { "CP1".into() } else { String::new() },
            ["华东", "华南", ""][reg].into(),
            ["ka", "large", "medium", "small", ""][ty].into(),
            "1000".into(),
            "10".into(),
            rep_id,
            ts(has_rep.then_some(assigned)),
            ts(contact.filter(|_| has_rep)),
            ["new", "won", "lost"][outcome as usize].into(),
            String::new(),
            ts((outcome == 1).then_some(end)),
            ts((outcome == 2).then_some(end)),
            if outcome == 1 {
                "2000".into()
            } else {
                String::new()
            },
            String::new(),
            String::new(),
        ];
        let refs: Vec<&str> = values.iter().map(|s| s.as_str()).collect();
        ds.push_record(TableKind::Leads, &refs);
    }
    ds
}

fn check_rows(rows: &[RateRow], total: (u64, u64)) -> Result<(), TestCaseError> {
    let (mut leads, mut won) = (0, 0);
    for r in rows {
        prop_assert!(r.won <= r.leads);
        prop_assert!(
            0.0 <= r.ci_low && r.ci_low <= r.rate && r.rate <= r.ci_high && r.ci_high <= 1.0,
            "{r:?}"
        );
        prop_assert!((0.0..=1.0).contains(&r.shrunk_rate), "{r:?}");
        leads += r.leads;
        won += r.won;
    }
    prop_assert_eq!((leads, won), total);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn cuts_add_up_and_rates_are_bounded(specs in proptest::collection::vec(lead_spec(), 0..40)) {
        let ds = dataset(&specs);
        let cfg = MeasureConfig {
            as_of: Timestamp::from_ymd(2024, 4, 1),
            ..MeasureConfig::default()
        };
        let r = report(&ds, &cfg).leads;
        let c = &r.conversion;
        let total = (c.overall.leads, c.overall.won);
        let assigned = specs.iter().filter(|s| s.0 < 3).count() as u64;
        prop_assert_eq!(total.0, assigned);
        for rows in [&c.by_rep, &c.by_team, &c.by_region, &c.by_source, &c.by_campaign, &c.by_customer_type, &c.by_month] {
            check_rows(rows, total)?;
        }
        let by_type: u64 = c.by_customer_type_rep.iter().flat_map(|s| &s.by_rep).map(|x| x.leads).sum();
        let typed = specs.iter().filter(|s| s.0 < 3 && s.3 < 4).count() as u64;
        prop_assert_eq!(by_type, typed);
        // The funnel narrows; ratios are proportions.
        let reached: Vec<u64> = r.funnel.overall.iter().map(|s| s.reached).collect();
        prop_assert_eq!(reached[0], specs.len() as u64);
        prop_assert!(reached.windows(2).all(|w| w[0] >= w[1]), "{:?}", reached);
        // Response: every assigned lead is contacted or not.
        let o = &r.response_time.overall;
        prop_assert_eq!(o.assigned, assigned);
        prop_assert_eq!(o.contacted + o.never_contacted, o.assigned);
        prop_assert!(o.within_sla.successes <= o.within_sla.trials);
        let by_rep: u64 = r.response_time.by_rep.iter().map(|x| x.assigned).sum();
        prop_assert_eq!(by_rep, assigned);
        // ROI: sources partition the leads.
        let roi_leads: u64 = r.roi.by_source.iter().map(|x| x.leads).sum();
        prop_assert_eq!(roi_leads, specs.len() as u64);
        // Survival never rises and stays in [0, 1].
        let s: Vec<f64> = r.sales_cycle.curve.iter().map(|p| p.survival).collect();
        prop_assert!(s.windows(2).all(|w| w[0] >= w[1]));
        prop_assert!(r.sales_cycle.curve.iter().all(|p| 0.0 <= p.ci_low && p.ci_low <= p.survival && p.survival <= p.ci_high && p.ci_high <= 1.0));
        if let Some(auc) = r.score.backtest.auc {
            prop_assert!((0.0..=1.0).contains(&auc));
        }
    }

    #[test]
    fn shrinkage_lands_between_rate_and_prior_mean(groups in proptest::collection::vec((0u64..50, 1u64..50), 1..30)) {
        let groups: Vec<(u64, u64)> = groups.into_iter().map(|(k, n)| (k.min(n), n)).collect();
        let prior = BetaPrior::fit(&groups);
        // A pooled rate of exactly 0 or 1 gives a degenerate (one-sided) prior.
        prop_assert!(prior.alpha >= 0.0 && prior.beta >= 0.0 && prior.alpha + prior.beta > 0.0);
        let m = prior.mean();
        for &(k, n) in &groups {
            let raw = k as f64 / n as f64;
            let s = prior.shrink(k, n);
            prop_assert!(s >= raw.min(m) - 1e-9 && s <= raw.max(m) + 1e-9, "{k}/{n} {s} {prior:?}");
        }
    }

    #[test]
    fn kaplan_meier_is_a_survival_curve(obs in proptest::collection::vec((0u32..50, any::<bool>()), 0..60)) {
        let obs: Vec<(f64, bool)> = obs.into_iter().map(|(t, e)| (t as f64, e)).collect();
        let km = KaplanMeier::fit(&obs);
        prop_assert_eq!(km.n, obs.len() as u64);
        prop_assert_eq!(km.events, obs.iter().filter(|o| o.1).count() as u64);
        let mut prev = 1.0;
        for p in &km.points {
            prop_assert!(p.survival <= prev && p.survival >= 0.0);
            prop_assert!(p.ci_low <= p.survival && p.survival <= p.ci_high);
            prev = p.survival;
        }
        if let (Some(m), Some(lo)) = (km.median, km.median_ci_low) {
            prop_assert!(lo <= m);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any scope's frame from the held columns is the filter pass over them, and a scope that
    /// keeps every lead shares the columns: both paths give the same frame.
    #[test]
    fn held_columns_give_the_frame_of_every_scope(
        specs in proptest::collection::vec(lead_spec(), 0..40),
        day in 0..160i64,
        later in 0..3i64,
    ) {
        let ds = dataset(&specs);
        let base = crate::metrics::MeasureBase::new(&ds);
        let as_of = if day < 150 {
            Timestamp::from_ymd(2024, 1, 1).map(|t| t.add_days(day))
        } else {
            Some(base.default_as_of.add_days(later))
        };
        let cfg = MeasureConfig { as_of, ..MeasureConfig::default() };
        let scope = base.scope(&ds, &cfg);
        let held = super::LeadFrame::of(&ds, &base.leads, &scope);
        let filtered = super::LeadFrame::filtered(&ds, &base.leads, &scope);
        prop_assert_eq!(format!("{held:?}"), format!("{filtered:?}"));
        // Each lead's combination of factor values is its own keys, in every frame's numbering.
        let south = MeasureConfig {
            as_of,
            filter: crate::metrics::Filter {
                regions: vec!["华南".into()],
                ..crate::metrics::Filter::default()
            },
            ..MeasureConfig::default()
        };
        let south = super::LeadFrame::of(&ds, &base.leads, &base.scope(&ds, &south));
        for frame in [&held, &south] {
            for i in 0..frame.len() {
                let keys = [frame.source[i], frame.region[i], u32::from(frame.ty[i]), frame.campaign[i]];
                prop_assert_eq!(frame.combos.get(frame.combo[i] as usize), Some(&keys));
            }
        }
        // Compared as text: a degenerate prior's log-likelihood is NaN, never equal to itself.
        prop_assert_eq!(
            format!("{:?}", report(&ds, &cfg)),
            format!("{:?}", crate::metrics::report_of(&ds, &base, &cfg))
        );
    }
}
