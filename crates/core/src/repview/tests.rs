//! The rep view on a hand-computed fixture, and its invariants on the demo.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use super::*;
use crate::customers::{CustomerConfig, clv_section};
use crate::demo::{DemoConfig, demo_dataset};
use crate::fixtures::ts;
use crate::metrics::default_as_of;
use crate::model::TableKind;

const XSS: &str = "<img src=x onerror=alert(1)>";

/// Two reps and a third only named by a lead; four resolved leads train the score, R1 holds
/// three open leads and three customers (see the test for the hand computation).
fn fixture() -> Dataset {
    let mut ds = Dataset::new();
    let mut push = |kind: TableKind, values: &[&str]| crate::fixtures::push(&mut ds, kind, values);
    for (id, name) in [("R1", "Ann"), ("R2", "")] {
        push(
            TableKind::Reps,
            &[id, name, "T1", "east", "field", "", "", "", "", ""],
        );
    }
    // id, source, type, est, rep, assigned, contact, stage, qualified, won, lost, won value
    for l in [
        [
            "H1",
            "web",
            "ka",
            "1000",
            "R2",
            "2025-01-01",
            "2025-01-02",
            "won",
            "",
            "2025-02-01",
            "",
            "1000",
        ],
        [
            "H2",
            "web",
            "ka",
            "",
            "R2",
            "2025-01-01",
            "2025-01-02",
            "lost",
            "",
            "",
            "2025-02-01",
            "",
        ],
        [
            "H3",
            "expo",
            "small",
            "",
            "R2",
            "2025-01-01",
            "2025-01-02",
            "lost",
            "",
            "",
            "2025-02-01",
            "",
        ],
        [
            "H4",
            "expo",
            "small",
            "",
            "R2",
            "2025-01-01",
            "2025-01-02",
            "won",
            "",
            "2025-02-01",
            "",
            "200",
        ],
        [
            "L4",
            "web",
            "ka",
            "",
            "R1",
            "2025-01-01",
            "2025-01-02",
            "lost",
            "",
            "",
            "2025-02-01",
            "",
        ],
        [
            "L1",
            "web",
            "ka",
            "5000",
            "R1",
            "2025-05-30 12:00",
            "",
            "new",
            "",
            "",
            "",
            "",
        ],
        [
            "L2",
            "expo",
            "small",
            "",
            "R1",
            "2025-05-01",
            "2025-05-02",
            "contacted",
            "",
            "",
            "",
            "",
        ],
        [
            "L3",
            "web",
            "medium",
            "300",
            "R1",
            "2025-05-20",
            "2025-05-21",
            "qualified",
            "2025-05-25",
            "",
            "",
            "",
        ],
        [
            "L5",
            "web",
            "ka",
            "",
            "R3",
            "2025-05-20",
            "",
            "new",
            "",
            "",
            "",
            "",
        ],
    ] {
        let customer = if l[0] == "L1" { "C3" } else { "" };
        push(
            TableKind::Leads,
            &[
                l[0],
                "2025-01-01",
                l[1],
                "",
                "east",
                l[2],
                l[3],
                "",
                l[4],
                l[5],
                l[6],
                l[7],
                l[8],
                l[9],
                l[10],
                l[11],
                "",
                customer,
            ],
        );
    }
    for (id, name, owner) in [
        ("C1", "", "R1"),
        ("C2", "", "R1"),
        ("C3", XSS, "R1"),
        ("C4", "", "R2"),
    ] {
        push(
            TableKind::Customers,
            &[
                id,
                name,
                "medium",
                "supermarket",
                "east",
                "",
                "",
                "2024-01-01",
                owner,
                "",
            ],
        );
    }
    for (c, date, amount) in [
        ("C1", "2025-03-01", "100"),
        ("C1", "2025-04-01", "100"),
        ("C1", "2025-05-01", "100"),
        ("C2", "2025-01-01", "500"),
        ("C2", "2025-01-11", "500"),
        ("C2", "2025-01-21", "500"),
        ("C3", "2024-06-01", "1000"),
        ("C3", "2024-08-01", "1000"),
        ("C3", "2024-10-01", "1000"),
        ("C3", "2024-12-01", "1000"),
        ("C3", "2025-02-01", "1000"),
        ("C4", "2025-05-20", "100"),
        ("C4", "2025-05-25", "100"),
    ] {
        push(TableKind::Orders, &["", c, date, amount, "", "", "", ""]);
    }
    ds
}

fn config() -> RepViewConfig {
    RepViewConfig {
        as_of: Some(ts("2025-06-01")),
        ..RepViewConfig::default()
    }
}

#[test]
fn ranks_leads_counts_down_to_reclaim_and_suggests_visits() {
    let ds = fixture();
    let v = rep_view(&ds, "R1", &config(), None);
    assert!(v.known);
    let reps: Vec<(&str, Option<&str>)> = v
        .reps
        .iter()
        .map(|r| (r.rep_id.as_str(), r.name.as_deref()))
        .collect();
    assert_eq!(reps, [("R1", Some("Ann")), ("R2", None), ("R3", None)]);

    // Naive Bayes on the 5 resolved leads (2 won, 3 lost), Laplace smoothing, prior odds
    // (2+1)/(3+1) = 3/4. Region (one value, 2 slots): LR (3/4)/(4/5) = 15/16 for every lead.
    // L1 web/ka: LR web (2/5)/(3/6) = 4/5, ka (2/7)/(3/8) = 16/21 (5 type slots) →
    //   odds 3/4 · 4/5 · 15/16 · 16/21 = 3/7, P = 0.3; value ¥5000 → EV ¥1500.
    // L3 web/medium: medium (1/7)/(1/8) = 8/7 → odds 9/14, P = 9/23; EV ¥300 · 9/23.
    // L2 expo/small: expo (2/5)/(2/6) = 6/5, small (2/7)/(2/8) = 8/7 → odds 27/28, P = 27/55;
    //   no estimate: the mean won value of won small leads (H4: ¥200).
    let ids: Vec<&str> = v.leads.iter().map(|l| l.lead_id.as_str()).collect();
    assert_eq!(ids, ["L1", "L3", "L2"]);
    assert_eq!(v.open_leads, 3);
    let [l1, l3, l2] = [&v.leads[0], &v.leads[1], &v.leads[2]];
    for (l, p) in [(l1, 0.3), (l3, 9.0 / 23.0), (l2, 27.0 / 55.0)] {
        assert!(
            (l.p_win - p).abs() < 1e-12,
            "{}: {} vs {p}",
            l.lead_id,
            l.p_win
        );
    }
    assert_eq!(
        (l1.value, l1.expected_value, l1.value_imputed),
        (500_000, 150_000, false)
    );
    assert_eq!((l3.value, l3.expected_value), (30_000, 11_739));
    assert_eq!(
        (l2.value, l2.expected_value, l2.value_imputed),
        (20_000, 9_818, true)
    );
    // Not contacted: back to the pool 3 days after assignment (36 h left); contacted: 60
    // days without a deal (29 days left); an open opportunity is exempt.
    assert_eq!(l1.reclaim_at, Some(ts("2025-06-02 12:00")));
    assert_eq!(l1.reclaim_reason, Some(ReclaimReason::NoFollowUp));
    assert_eq!(l1.reclaim_in_secs, Some(36 * 3600));
    assert_eq!(l2.reclaim_reason, Some(ReclaimReason::NoDeal));
    assert_eq!(l2.reclaim_in_secs, Some(29 * 86_400));
    assert_eq!((l3.reclaim_at, l3.stage.as_str()), (None, "qualified"));
    assert_eq!(
        l1.customer.as_deref(),
        Some(XSS),
        "the customer's name, as data"
    );

    // C1: gaps 31, 30 → cycle 30.5, next 05-01 + 31 = 06-01 (due today), not overdue
    // (31 ≤ 1.5 · 30.5). C3: cycle 61, 120 days since 02-01 > 91.5 → overdue, and in
    // decline. C2: 131 days after a 10-day cycle > 4 cycles → churned, in neither list.
    let reorder: Vec<(&str, i64, bool, i64)> = v
        .reorder
        .iter()
        .map(|c| {
            (
                c.customer_id.as_str(),
                c.days_until,
                c.overdue,
                c.average_order,
            )
        })
        .collect();
    assert_eq!(
        reorder,
        [("C3", -59, true, 100_000), ("C1", 0, false, 10_000)]
    );
    assert_eq!(v.reorder[1].cycle_days, 30.5);
    assert_eq!(v.reorder[0].next_expected, "2025-04-03");
    assert_eq!(v.at_risk.len(), 1);
    let c3 = &v.at_risk[0];
    assert_eq!(
        (
            c3.customer_id.as_str(),
            c3.days_since_last,
            c3.revenue_last_year,
            c3.clv
        ),
        ("C3", 120, 500_000, None)
    );

    // Visits by money at stake: C3 (last year's ¥5000 at risk, also overdue), L1 (reclaim
    // in 36 h < 48 h, EV ¥1500), C1 (due, average order ¥100). L2's reclaim is weeks away.
    let visits: Vec<(&str, i64, &[VisitReason])> = v
        .visits
        .iter()
        .map(|x| (x.id.as_str(), x.at_stake, x.reasons.as_slice()))
        .collect();
    assert_eq!(
        visits,
        [
            (
                "C3",
                500_000,
                &[VisitReason::ReorderOverdue, VisitReason::AtRisk][..]
            ),
            ("L1", 150_000, &[VisitReason::ReclaimSoon][..]),
            ("C1", 10_000, &[VisitReason::ReorderDue][..]),
        ]
    );
    assert_eq!(v.visits[1].kind, VisitKind::Lead);
}

#[test]
fn an_unknown_rep_or_an_empty_dataset_gives_an_empty_view() {
    let ds = fixture();
    let v = rep_view(&ds, "R9", &config(), None);
    assert!(!v.known && v.leads.is_empty() && v.visits.is_empty());
    assert_eq!(v.reps.len(), 3);
    let none = rep_view(&Dataset::new(), "R1", &RepViewConfig::default(), None);
    assert!(!none.known && none.reps.is_empty());
    // A rep only named by a lead has that lead, and no customers.
    let r3 = rep_view(&ds, "R3", &config(), None);
    assert_eq!(r3.leads.len(), 1);
    assert!(r3.reorder.is_empty() && r3.at_risk.is_empty());
}

#[test]
fn the_policy_and_limits_are_the_callers() {
    let ds = fixture();
    let strict = RepViewConfig {
        policy: ReclaimPolicy {
            no_follow_up_days: Some(1.0),
            ..ReclaimPolicy::default()
        },
        visits: 2,
        list_limit: 1,
        ..config()
    };
    let v = rep_view(&ds, "R1", &strict, None);
    assert_eq!(v.leads.len(), 1);
    assert_eq!(v.open_leads, 3);
    assert_eq!(v.leads[0].reclaim_in_secs, Some(-12 * 3600), "past due");
    assert_eq!(v.visits.len(), 2);
}

#[test]
fn a_pessimistic_p_alive_moves_customers_out_of_risk_but_not_out_of_reorder() {
    let ds = fixture();
    // a ≫ b: nearly every purchase is the last. C1 (x = 2, tₓ = 61, T = 92):
    // P(alive) = 1 / (1 + 100/1.01 · (93/62)³) ≈ 0.003 < 0.1 → churned by the model.
    let model = ClvModel {
        bgnbd: crate::clv::BgNbdFit {
            params: crate::clv::BgNbdParams {
                r: 1.0,
                alpha: 1.0,
                a: 100.0,
                b: 0.01,
            },
            log_likelihood: 0.0,
            std_errors: None,
            customers: 4,
            unique_rows: 4,
            iterations: 0,
            converged: true,
        },
        gamma_gamma: None,
        config: crate::clv::ClvConfig::default(),
    };
    let v = rep_view(&ds, "R1", &config(), Some(&model));
    let reorder: Vec<&str> = v.reorder.iter().map(|c| c.customer_id.as_str()).collect();
    assert_eq!(reorder, ["C3", "C1"]);
    assert!(v.at_risk.is_empty(), "{:?}", v.at_risk);
}

#[test]
fn the_demo_rep_view_is_consistent() {
    let ds = demo_dataset(&DemoConfig::default());
    let config = RepViewConfig::default();
    let as_of = default_as_of(&ds);
    let customer_config = CustomerConfig::new(as_of);
    let facts = CustomerFacts::build(&ds, as_of);
    let section = clv_section(&ds, &facts, &customer_config).expect("the demo fits");
    let model = ClvModel {
        bgnbd: section.bgnbd,
        gamma_gamma: section.gamma_gamma,
        config: section.settings,
    };
    let rep = ds.name(ds.reps[0].id.sym()).to_owned();
    let v = rep_view(&ds, &rep, &config, Some(&model));
    assert_eq!(v.reps.len(), ds.reps.len());
    assert!(!v.leads.is_empty(), "demo reps hold open leads");
    assert!(!v.visits.is_empty());
    assert!(!v.reorder.is_empty());
    assert!(
        v.leads
            .windows(2)
            .all(|w| w[0].expected_value >= w[1].expected_value)
    );
    assert!(v.visits.windows(2).all(|w| w[0].at_stake >= w[1].at_stake));
    assert!(
        v.reorder
            .windows(2)
            .all(|w| w[0].overdue_ratio >= w[1].overdue_ratio)
    );
    for l in &v.leads {
        assert!(l.p_win > 0.0 && l.p_win < 1.0);
        assert_eq!(l.reclaim_in_secs, l.reclaim_at.map(|t| t.0 - as_of.0));
    }
    for c in &v.at_risk {
        assert!(c.p_alive.is_some_and(|p| (0.0..=1.0).contains(&p)));
    }
}
