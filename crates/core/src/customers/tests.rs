//! Customer measures on a hand-computed fixture, and recovery of the demo's planted
//! repurchase cycles and churn ordering.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use super::*;
use crate::fixtures::ts;
use crate::model::TableKind;

/// Three customers (see the test for the hand computation).
fn fixture() -> Dataset {
    let mut ds = Dataset::new();
    let mut push = |kind: TableKind, values: &[&str]| crate::fixtures::push(&mut ds, kind, values);
    for (id, team, region) in [("R1", "T1", "east"), ("R2", "T2", "west")] {
        push(
            TableKind::Reps,
            &[id, "", team, region, "field", "", "", "", "", ""],
        );
    }
    for (id, ty, ch, region, owner, source) in [
        ("C1", "ka", "supermarket", "east", "R1", "web"),
        ("C2", "small", "convenience", "west", "R2", "expo"),
        ("C3", "medium", "supermarket", "east", "R1", "web"),
    ] {
        push(
            TableKind::Customers,
            &[id, "", ty, ch, region, "", "", "2024-12-01", owner, source],
        );
    }
    for (c, date, amount) in [
        ("C1", "2025-01-01", "100"),
        ("C1", "2025-01-11", "100"),
        ("C1", "2025-01-21", "100"),
        ("C1", "2025-02-10", "200"),
        ("C2", "2025-01-05", "1000"),
        ("C3", "2025-01-01", "50"),
        ("C3", "2025-01-01", "50"),
        ("C3", "2025-03-01", "100"),
        ("C3", "2025-05-01", "999"),
    ] {
        push(TableKind::Orders, &["", c, date, amount, "", "", "", ""]);
    }
    for (rep, at, reason) in [
        ("R1", "2025-01-01", "assign"),
        ("", "2025-02-20", "reclaim_no_deal"),
        ("R2", "2025-03-01", "claim"),
    ] {
        push(TableKind::Ownership, &["customer", "C1", rep, at, reason]);
    }
    push(
        TableKind::Activities,
        &["", "R2", "", "C1", "2025-03-10", "visit", ""],
    );
    push(
        TableKind::Surveys,
        &["R1", "", "C1", "2025-02-01", "4", "csat5"],
    );
    ds
}

#[test]
fn fixture_measures_match_hand_computation() {
    let ds = fixture();
    let config = CustomerConfig::new(ts("2025-04-01"));
    let facts = CustomerFacts::build(&ds, config.as_of);
    // C3's two orders on 2025-01-01 are one purchase day; its May order is after as_of.
    assert_eq!(facts.days(2).0.len(), 2);
    assert_eq!(facts.order_count, vec![4, 1, 3]);
    assert_eq!(facts.cycle_days(0), Some(10.0));
    assert_eq!(facts.cycle_days(2), Some(59.0));

    // Tiers: revenues C2 1000, C1 500, C3 200 of 1700; C3 starts at 1500/1700 = 0.88 → B.
    let (tier, _) = tier_of_customers(&facts, &config);
    assert_eq!(tier, vec![Tier::A, Tier::A, Tier::B]);

    // Repeat rate: C1 and C3 have ≥ 2 purchase days, C2 one.
    let seg = segment_report(&ds, &facts, &config);
    assert_eq!((seg.repeat_rate.successes, seg.repeat_rate.trials), (2, 3));
    let web = seg.repeat_by_source.iter().find(|k| k.key == "web");
    assert_eq!(web.map(|k| (k.customers, k.repeat)), Some((2, 2)));

    // Overdue: C1 last bought 2025-02-10, 50 days before as_of, > 1.5 × 10.
    let rep = repurchase_report(&ds, &facts, &config);
    assert_eq!(rep.overdue_count, 1);
    assert_eq!(rep.overdue[0].customer_id, "C1");
    assert_eq!(rep.overdue[0].days_since_last, 50);
    assert_eq!(rep.overdue[0].overdue_ratio, 5.0);
    assert_eq!(rep.overdue[0].next_expected, "2025-02-20");

    // RFM recency: C2 (86 days) < C1 (50) < C3 (31) → scores 1, 2, 4.
    let rfm = rfm_scores(&facts);
    let r: Vec<u8> = rfm.iter().flatten().map(|s| s.r).collect();
    assert_eq!(r, vec![2, 1, 4]);

    // Lifecycle: C1 is 50 days past a 10-day cycle (> 4 ×) → churned; C2 and C3 are new.
    let rules = LifecycleRules::default();
    let stage = |i| stage_at(facts.days(i).0, facts.as_of_day, &rules, 1.5, None);
    assert_eq!(stage(0), Some(LifecycleStage::Churned));
    assert_eq!(stage(1), Some(LifecycleStage::Acquisition));
    assert_eq!(stage(2), Some(LifecycleStage::Acquisition));

    // Cohort 2025-01 of 3: all in month 0, C1 in February, C3 in March.
    let coh = cohort_report(&facts, &config);
    assert_eq!(coh.cohorts.len(), 1);
    let third = 1.0 / 3.0;
    assert_eq!(coh.cohorts[0].retention, vec![1.0, third, third]);
    assert_eq!(
        (coh.periods[0].active_before, coh.periods[0].retained),
        (3, 1)
    );
    assert_eq!(
        (coh.periods[1].active_before, coh.periods[1].retained),
        (1, 0)
    );

    // Reclaim: C1 reclaimed from R1 on 02-20, claimed by R2 on 03-01 (9 days in pool), visited
    // on 03-10 → re-activated within 30 days; no revenue since; too recent to be lost.
    let rec = reclaim_report(&ds, &facts, &config);
    assert_eq!(rec.total.reclaims, 1);
    assert_eq!(rec.total.reassigned, 1);
    assert_eq!(rec.total.median_days_in_pool, Some(9.0));
    assert_eq!(rec.total.reactivated_30, 1);
    assert_eq!(rec.total.revenue_recovered, 0);
    assert_eq!(rec.total.lost_for_good, 0);
    assert_eq!(rec.by_rep[0].key, "R1");
    // First owner: all of C1's 500.00 falls within the 90 days before the reclaim; second
    // owner: nothing yet.
    assert_eq!(rec.owners.first_owner_revenue_90d, 50_000);
    assert_eq!(rec.owners.second_owner_better, 0);

    // Loyalty of C1: F = percentile of 4 days / (90/365.25 years) — the highest of three
    // → (2 + 3)/2/3 = 5/6; T = 90/730; R = 1/(1 + CV(10, 10, 20)); S = (4−1)/4.
    let idx = loyalty_index(&ds, &facts);
    let cv = (200.0f64 / 9.0).sqrt() / (40.0 / 3.0);
    let want = 100.0 * (0.3 * 5.0 / 6.0 + 0.2 * 90.0 / 730.0 + 0.3 / (1.0 + cv) + 0.2 * 0.75);
    assert!(
        (idx[0].unwrap_or(0.0) - want).abs() < 1e-9,
        "{:?} {want}",
        idx[0]
    );

    // The whole report runs and serialises.
    let report = customer_report(&ds, &config);
    assert_eq!(report.customers_with_orders, 3);
    assert!(serde_json::to_string(&report).is_ok());
}

#[test]
fn quintile_scores_share_ties_and_span_one_to_five() {
    let s = quintile_scores(&[5.0, 1.0, 3.0, 3.0, 2.0, 4.0, 6.0, 7.0, 8.0, 9.0]);
    assert_eq!(s, vec![3, 1, 2, 2, 1, 3, 4, 4, 5, 5]);
    assert!(quintile_scores(&[]).is_empty());
}

#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn cycle_is_between_the_smallest_and_largest_gap(mut days in prop::collection::vec(0i64..2000, 2..40)) {
            days.sort_unstable();
            days.dedup();
            prop_assume!(days.len() >= 2);
            let gaps: Vec<i64> = days.windows(2).map(|w| w[1] - w[0]).collect();
            let c = cycle_of(&days).unwrap_or(f64::NAN);
            let lo = *gaps.iter().min().unwrap_or(&0) as f64;
            let hi = *gaps.iter().max().unwrap_or(&0) as f64;
            prop_assert!(c >= lo && c <= hi);
        }

        #[test]
        fn cycle_is_the_median_of_the_sorted_gaps(mut days in prop::collection::vec(0i64..100_000, 2..200)) {
            // Against the definition: `stats::quantile_sorted` at 0.5 over the sorted gaps, for
            // histories on both sides of the 64-gap stack buffer.
            days.sort_unstable();
            days.dedup();
            prop_assume!(days.len() >= 2);
            let mut gaps: Vec<f64> = days.windows(2).map(|w| (w[1] - w[0]) as f64).collect();
            gaps.sort_unstable_by(f64::total_cmp);
            let want = crate::stats::quantile_sorted(&gaps, 0.5);
            prop_assert_eq!(cycle_of(&days), want);
        }

        #[test]
        fn quintile_scores_by_counting_match_the_sort(
            values in prop::collection::vec(-300i32..300, 1..200),
            scale in prop::sample::select(vec![1.0f64, -1.0, 1.0e3]),
        ) {
            let values: Vec<f64> = values.iter().map(|&v| f64::from(v) * scale).collect();
            let counted = segments::quintile_scores_by_counting(&values);
            // Spans up to 600 × 1 000 over at most 200 values exceed the counting bound of
            // max(4n, 1 024) only at the largest scale: then there is no counting answer.
            if let Some(counted) = counted {
                prop_assert_eq!(counted, segments::quintile_scores_by_sorting(&values));
            } else {
                prop_assert!(scale == 1.0e3);
            }
        }

        #[test]
        fn quintile_scores_are_monotone(values in prop::collection::vec(-1e6f64..1e6, 1..60)) {
            let s = quintile_scores(&values);
            for i in 0..values.len() {
                for j in 0..values.len() {
                    if values[i] < values[j] {
                        prop_assert!(s[i] <= s[j]);
                    }
                }
                prop_assert!((1..=5).contains(&s[i]));
            }
        }

        #[test]
        fn stage_exists_iff_there_are_orders(mut days in prop::collection::vec(0i64..700, 0..30), now in 700i64..900) {
            days.sort_unstable();
            days.dedup();
            let s = stage_at(&days, now, &LifecycleRules::default(), 1.5, None);
            prop_assert_eq!(s.is_some(), !days.is_empty());
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn demo_planted_cycles_and_churn_are_recovered() {
    use crate::demo::{DEMO_AS_OF, DemoConfig, SEGMENTS, channel_cycle_factor, demo_dataset};
    let ds = demo_dataset(&DemoConfig::default());
    let config = CustomerConfig::new(DEMO_AS_OF);
    let facts = CustomerFacts::build(&ds, config.as_of);
    // Each customer's gaps are Gamma(shape 4, mean = segment cycle × channel factor × a
    // lognormal(0, 0.25) factor); the sample median of a Gamma(4) is ≈ 0.918 × its mean, so the
    // median over customers of (own median gap ÷ planted cycle) should be ≈ 0.92. Checked per
    // customer type on customers with ≥ 8 purchase days, within ±12 %.
    for ty in crate::model::CustomerType::ALL {
        let mut ratios: Vec<f64> = ds
            .customers
            .iter()
            .enumerate()
            .filter(|(i, c)| c.customer_type == Some(*ty) && facts.days(*i).0.len() >= 8)
            .filter_map(|(i, c)| {
                let planted = SEGMENTS[ty.index()].cycle_days * channel_cycle_factor(c.channel?);
                Some(facts.cycle_days(i)? / planted)
            })
            .collect();
        ratios.sort_unstable_by(f64::total_cmp);
        let med = crate::stats::quantile_sorted(&ratios, 0.5).unwrap_or(0.0);
        assert!(ratios.len() > 30, "{ty}: {}", ratios.len());
        assert!((med / 0.918 - 1.0).abs() < 0.12, "{ty}: median ratio {med}");
    }
    // Planted dropout rises from ka to small: the churned share must rise with it.
    let report = customer_report(&ds, &config);
    let share = |ty: &str| {
        report
            .lifecycle
            .by_customer_type
            .iter()
            .find(|k| k.key == ty)
            .map_or(f64::NAN, |k| k.churned_share)
    };
    let shares = ["ka", "large", "medium", "small"].map(share);
    assert!(
        shares.windows(2).all(|w| w[0] < w[1]),
        "churned shares {shares:?}"
    );
    assert!(report.clv.is_some(), "{:?}", report.clv_error);
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn report_does_not_depend_on_the_order_of_orders_and_activities() {
    // The demo lists orders customer by customer (the one-pass grouping); reversed, they take
    // the counting sort. Activities only count through the first one after each reassignment.
    use crate::demo::{DEMO_AS_OF, DemoConfig, demo_dataset};
    let ds = demo_dataset(&DemoConfig::default());
    let config = CustomerConfig::new(DEMO_AS_OF);
    let mut shuffled = ds.clone();
    shuffled.orders.reverse();
    shuffled.activities.reverse();
    let (a, b) = (
        CustomerFacts::build(&ds, DEMO_AS_OF),
        CustomerFacts::build(&shuffled, DEMO_AS_OF),
    );
    assert!(a.days(0).0.len() > 1);
    for i in 0..a.len() {
        assert_eq!(a.days(i), b.days(i), "customer row {i}");
    }
    assert_eq!(a.order_count, b.order_count);
    assert_eq!(
        customer_report(&ds, &config),
        customer_report(&shuffled, &config)
    );
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn a_filter_narrows_the_customer_measures_and_its_cuts_add_up() {
    use crate::demo::{DEMO_AS_OF, DemoConfig, demo_dataset};
    use crate::metrics::{Filter, MeasureConfig};
    let ds = demo_dataset(&DemoConfig::default());
    let config = CustomerConfig::new(DEMO_AS_OF);
    let facts = CustomerFacts::build(&ds, DEMO_AS_OF);
    let clv = clv_basis(&facts, &config);
    let log = ReclaimLog::build(&ds);
    let report = |filter: Filter| {
        let scope = MeasureConfig {
            as_of: Some(DEMO_AS_OF),
            filter,
            ..MeasureConfig::default()
        }
        .scope(&ds);
        customer_report_in(
            &ds,
            &log,
            &facts,
            &config,
            &CustomerScope::of(&ds, &scope),
            clv.as_ref(),
        )
    };
    let all = report(Filter::default());
    assert_eq!(
        all,
        customer_report(&ds, &config),
        "no filter, the whole report"
    );
    let mut regions: Vec<String> = ds
        .customers
        .iter()
        .filter_map(|c| c.region)
        .map(|s| ds.name(s).to_owned())
        .collect();
    regions.sort();
    regions.dedup();
    assert!(regions.len() >= 2, "{regions:?}");
    let cuts: Vec<CustomerReport> = regions
        .iter()
        .map(|r| {
            report(Filter {
                regions: vec![r.clone()],
                ..Filter::default()
            })
        })
        .collect();
    for (r, cut) in regions.iter().zip(&cuts) {
        assert!(cut.customers < all.customers, "{r} narrows");
        assert!(cut.kpis.total.revenue < all.kpis.total.revenue, "{r}");
        // Every customer of the cut is of that region.
        assert_eq!(cut.segments.by_region.len(), 1, "{r}");
        assert_eq!(&cut.segments.by_region[0].key, r);
    }
    let sum = |f: &dyn Fn(&CustomerReport) -> i64| cuts.iter().map(f).sum::<i64>();
    assert_eq!(sum(&|c| c.customers as i64), all.customers as i64);
    assert_eq!(
        sum(&|c| c.customers_with_orders as i64),
        all.customers_with_orders as i64
    );
    assert_eq!(
        sum(&|c| c.kpis.total.revenue),
        all.kpis.total.revenue,
        "revenue cuts add up"
    );
    assert_eq!(
        sum(&|c| c.repurchase.overdue_count as i64),
        all.repurchase.overdue_count as i64
    );
    let staged = |c: &CustomerReport| c.lifecycle.stages.iter().map(|s| s.customers as i64).sum();
    assert_eq!(sum(&staged), staged(&all), "lifecycle stages add up");
    // Customer reclaims add up over regions (customers carry a region, leads too).
    let customer_reclaims = |c: &CustomerReport| {
        c.reclaim
            .by_entity
            .iter()
            .find(|s| s.key == "customer")
            .map_or(0, |s| s.reclaims as i64)
    };
    assert!(customer_reclaims(&all) > 0);
    assert_eq!(sum(&customer_reclaims), customer_reclaims(&all));
    assert!(sum(&|c| c.reclaim.total.reclaims as i64) <= all.reclaim.total.reclaims as i64);
    // The basis' predictions give the same section as predicting the kept customers afresh.
    let basis = clv.as_ref().expect("fitted");
    let east_facts = facts.restrict(
        CustomerScope::of(
            &ds,
            &MeasureConfig {
                as_of: Some(DEMO_AS_OF),
                filter: Filter {
                    regions: vec![regions[0].clone()],
                    ..Filter::default()
                },
                ..MeasureConfig::default()
            }
            .scope(&ds),
        )
        .customers
        .as_ref()
        .expect("filtered"),
    );
    assert_eq!(
        clv_section_from(&ds, &east_facts, &config, basis),
        clv_section_with(&ds, &east_facts, &config, &basis.model)
    );
    // P(alive) comes from the population fit: a customer's value does not move with the filter.
    let clv = all.clv.as_ref().expect("fitted");
    let east = cuts[0].clv.as_ref().expect("fitted");
    assert_eq!(east.bgnbd, clv.bgnbd);
    let i = east
        .p_alive_by_row
        .iter()
        .position(Option::is_some)
        .expect("a customer in the cut");
    assert_eq!(east.p_alive_by_row[i], clv.p_alive_by_row[i]);
    let ka = report(Filter {
        customer_types: vec![crate::model::CustomerType::Ka],
        ..Filter::default()
    });
    assert_eq!(ka.segments.by_customer_type.len(), 1);
    assert!(ka.customers > 0 && ka.customers < all.customers);
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn report_parts_assemble_the_report() {
    // The halves in either order, assembled, serialise as the one-off report (which computes
    // every section itself) and as `customer_report_of`, at the default as-of (a cut that
    // copies nothing) and within the data (each customer's days cut at the as-of day).
    use crate::demo::{DEMO_AS_OF, DemoConfig, demo_dataset};
    let ds = demo_dataset(&DemoConfig::default());
    let columns = CustomerColumns::build(&ds);
    let json = |r: &CustomerReport| serde_json::to_string(r).unwrap_or_default();
    for as_of in [DEMO_AS_OF, ts("2025-07-15 00:00")] {
        let config = CustomerConfig::new(as_of);
        let parts = CustomerReportParts::of(&ds, &columns, &config);
        let others = parts.other_half();
        let clv = parts.clv_half();
        let assembled = parts.assemble(clv, others);
        let one_off = customer_report(&ds, &config);
        assert!(assembled.clv.is_some() && assembled.reclaim.total.reclaims > 0);
        assert_eq!(json(&assembled), json(&one_off));
        assert_eq!(
            json(&assembled),
            json(&customer_report_of(&ds, &columns, &config))
        );
    }
}
