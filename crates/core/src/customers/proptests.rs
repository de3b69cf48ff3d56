//! Properties of the held customer columns on random small datasets: the facts cut from them
//! equal a one-off grouping at any as-of instant, the whole report from them equals the
//! one-off report with and without a filter, and reclaim effectiveness equals a direct reading
//! of the ownership log, the orders and the activities.

use super::*;
use crate::fixtures::push;
use crate::metrics::{Filter, MeasureConfig};
use crate::model::{EntityKind, TableKind};
use proptest::prelude::*;

/// 2025-01-01 as days since the epoch.
const DAY0: i64 = 20_089;

const TYPES: [&str; 4] = ["ka", "large", "medium", "small"];
const REASONS: [&str; 5] = [
    "assign",
    "claim",
    "reclaim_no_follow_up",
    "reclaim_no_deal",
    "reclaim_other",
];

/// A time `day` days and `hour` hours after 2025-01-01, as the importer reads it.
fn at(day: i64, hour: i64) -> String {
    Timestamp(DAY0 * 86_400 + day * 86_400 + hour * 3_600).to_string()
}

#[derive(Clone, Debug)]
struct Data {
    /// Customer type and region (0 or 1) per customer C0…; C9 is in no table.
    customers: Vec<(usize, usize)>,
    /// Lead won day (if any) and region per lead L0…; L9 is in no table.
    leads: Vec<(Option<i64>, usize)>,
    /// (customer, day, hour, amount).
    orders: Vec<(usize, i64, i64, u32)>,
    /// (is customer, entity, rep (2: none), day, hour, reason).
    ownership: Vec<(bool, usize, usize, i64, i64, usize)>,
    /// (customer, lead, day): an index past the table is no id.
    activities: Vec<(usize, usize, i64)>,
}

fn entity_id(is_customer: bool, i: usize, n: usize) -> String {
    let prefix = if is_customer { "C" } else { "L" };
    if i < n {
        format!("{prefix}{i}")
    } else {
        format!("{prefix}9")
    }
}

fn dataset(d: &Data) -> Dataset {
    let mut ds = Dataset::new();
    for (id, team) in [("R0", "T0"), ("R1", "T1")] {
        push(
            &mut ds,
            TableKind::Reps,
            &[id, "", team, "east", "field", "", "", "", "", ""],
        );
    }
    let regions = ["east", "west"];
    for (i, &(ty, region)) in d.customers.iter().enumerate() {
        let id = format!("C{i}");
        push(
            &mut ds,
            TableKind::Customers,
            &[
                &id,
                "",
                TYPES[ty % 4],
                "",
                regions[region % 2],
                "",
                "",
                "",
                "R0",
                "web",
            ],
        );
    }
    for (i, &(won, region)) in d.leads.iter().enumerate() {
        let id = format!("L{i}");
        let created = at(0, 0);
        let won_at = won.map(|w| at(w, 9)).unwrap_or_default();
        let (stage, value) = if won.is_some() {
            ("won", "500")
        } else {
            ("", "")
        };
        push(
            &mut ds,
            TableKind::Leads,
            &[
                &id,
                &created,
                "web",
                "",
                regions[region % 2],
                "small",
                "",
                "",
                "R1",
                &created,
                "",
                stage,
                "",
                &won_at,
                "",
                value,
                "",
                "",
            ],
        );
    }
    let nc = d.customers.len();
    let nl = d.leads.len();
    for &(c, day, hour, amount) in &d.orders {
        let (id, date, amount) = (entity_id(true, c, nc), at(day, hour), amount.to_string());
        push(
            &mut ds,
            TableKind::Orders,
            &["", &id, &date, &amount, "", "", "", ""],
        );
    }
    for &(is_customer, e, rep, day, hour, reason) in &d.ownership {
        let kind = if is_customer { "customer" } else { "lead" };
        let id = entity_id(is_customer, e, if is_customer { nc } else { nl });
        let rep = ["R0", "R1", ""][rep % 3];
        push(
            &mut ds,
            TableKind::Ownership,
            &[kind, &id, rep, &at(day, hour), REASONS[reason % 5]],
        );
    }
    for &(c, l, day) in &d.activities {
        let customer = if c <= nc {
            entity_id(true, c, nc)
        } else {
            String::new()
        };
        let lead = if l <= nl {
            entity_id(false, l, nl)
        } else {
            String::new()
        };
        push(
            &mut ds,
            TableKind::Activities,
            &["", "R0", &lead, &customer, &at(day, 10), "visit", ""],
        );
    }
    ds
}

fn data() -> impl Strategy<Value = Data> {
    (
        prop::collection::vec((0usize..4, 0usize..2), 1..6),
        prop::collection::vec((prop::option::of(0i64..200), 0usize..2), 0..5),
        prop::collection::vec((0usize..7, 0i64..200, 0i64..24, 1u32..1000), 0..40),
        prop::collection::vec(
            (
                any::<bool>(),
                0usize..7,
                0usize..3,
                0i64..200,
                0i64..24,
                0usize..5,
            ),
            0..40,
        ),
        prop::collection::vec((0usize..8, 0usize..8, 0i64..220), 0..30),
    )
        .prop_map(|(customers, leads, orders, ownership, activities)| Data {
            customers,
            leads,
            orders,
            ownership,
            activities,
        })
}

/// An as-of instant: a midnight (cut from the columns) or within a day (grouped again).
fn as_of() -> impl Strategy<Value = Timestamp> {
    (-5i64..230, prop::sample::select(vec![0i64, 0, 7]))
        .prop_map(|(d, h)| Timestamp(DAY0 * 86_400 + d * 86_400 + h * 3_600))
}

fn json(r: &CustomerReport) -> String {
    serde_json::to_string(r).unwrap_or_default()
}

/// The reclaim counts read directly from the log: (reclaims, reassigned, re-activated
/// 30/60/90, revenue recovered, lost for good, owner comparison, entities reclaimed once,
/// twice, three or more times).
type Naive = (u64, u64, [u64; 3], i64, u64, (u64, i64, i64, u64), [u64; 3]);

fn naive_reclaims(ds: &Dataset, facts: &CustomerFacts) -> Naive {
    let now = facts.as_of_day;
    let mut out: Naive = (0, 0, [0; 3], 0, 0, (0, 0, 0, 0), [0; 3]);
    let mut entities: Vec<(EntityKind, crate::model::Sym)> = ds
        .ownership
        .iter()
        .map(|e| (e.entity_kind, e.entity))
        .collect();
    entities.sort_by_key(|(k, s)| (k.index(), s.index()));
    entities.dedup();
    for (kind, sym) in entities {
        let mut evs: Vec<&crate::model::OwnershipEvent> = ds
            .ownership
            .iter()
            .filter(|e| e.entity_kind == kind && e.entity == sym && e.at.day() < now)
            .collect();
        evs.sort_by_key(|e| e.at);
        let reclaim = |e: &crate::model::OwnershipEvent| e.reason.is_some_and(|r| r.is_reclaim());
        let count = evs.iter().filter(|e| reclaim(e)).count();
        if count == 0 {
            continue;
        }
        out.6[(count - 1).min(2)] += 1;
        let customer = (kind == EntityKind::Customer)
            .then(|| ds.customers.iter().rposition(|c| c.id.0 == sym))
            .flatten();
        let lead = (kind == EntityKind::Lead)
            .then(|| ds.leads.iter().rposition(|l| l.id.0 == sym))
            .flatten()
            .and_then(|i| ds.leads.get(i));
        let won = lead.and_then(|l| Some((l.won_at?.day(), l.won_value.map_or(0, |v| v.0))));
        let known = customer.is_some() || lead.is_some();
        let revenue = |from: i64, to: i64| match (customer, won) {
            (Some(r), _) => facts.revenue_between(r, from, to),
            (_, Some((w, v))) if w >= from && w < to => v,
            _ => 0,
        };
        let first_from = |from: i64| match (customer, won) {
            (Some(r), _) => facts
                .days(r)
                .0
                .iter()
                .copied()
                .find(|&d| d >= from)
                .unwrap_or(i64::MAX),
            (_, Some((w, _))) if w >= from => w,
            _ => i64::MAX,
        };
        let first_activity = |from: i64| {
            ds.activities
                .iter()
                .filter(|a| match kind {
                    EntityKind::Customer => a.customer.map(|c| c.0) == Some(sym),
                    EntityKind::Lead => a.lead.map(|l| l.0) == Some(sym),
                })
                .map(|a| a.at.day())
                .filter(|&d| known && d >= from)
                .min()
                .unwrap_or(i64::MAX)
        };
        for (j, e) in evs.iter().enumerate() {
            if !reclaim(e) {
                continue;
            }
            out.0 += 1;
            let day = e.at.day();
            out.4 += u64::from(now - day >= 90 && first_from(day) >= now);
            let Some(w) = (j + 1..evs.len()).find(|&w| evs[w].rep.is_some()) else {
                continue;
            };
            let rd = evs[w].at.day();
            let next = (w + 1..evs.len())
                .find(|&p| evs[p].rep.is_none())
                .map_or(now, |p| evs[p].at.day());
            out.1 += 1;
            out.3 += revenue(rd, next.max(rd));
            let (first, second) = (revenue(day - 90, day), revenue(rd, rd + 90));
            out.5.0 += 1;
            out.5.1 += first;
            out.5.2 += second;
            out.5.3 += u64::from(second > first);
            let sign = first_from(rd).min(first_activity(rd));
            for (x, n) in out.2.iter_mut().zip([30, 60, 90]) {
                *x += u64::from(sign < rd + n);
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn facts_cut_from_the_columns_equal_a_one_off_grouping(d in data(), as_of in as_of()) {
        let ds = dataset(&d);
        let columns = CustomerColumns::build(&ds);
        let (held, once) = (columns.facts(&ds, as_of), CustomerFacts::build(&ds, as_of));
        prop_assert_eq!(held.len(), once.len());
        prop_assert_eq!(held.as_of_day, once.as_of_day);
        prop_assert_eq!(held.orphan_orders, once.orphan_orders);
        prop_assert_eq!(&held.order_count, &once.order_count);
        prop_assert_eq!(held.day_span(), once.day_span());
        for i in 0..held.len() {
            prop_assert_eq!(held.days(i), once.days(i), "customer {}", i);
            prop_assert_eq!(held.cycle_days(i), once.cycle_days(i));
        }
        // Restricted facts too.
        let keep: Vec<bool> = (0..held.len()).map(|i| i % 2 == 0).collect();
        let (held, once) = (held.restrict(&keep), once.restrict(&keep));
        prop_assert_eq!(held.day_span(), once.day_span());
        prop_assert_eq!(&held.order_count, &once.order_count);
        for i in 0..held.len() {
            prop_assert_eq!(held.days(i), once.days(i), "customer {}", i);
        }
    }

}

proptest! {
    // Each case fits the CLV models twice on a tiny dataset, so fewer cases here than for the
    // properties above.
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn the_report_from_held_columns_is_the_one_off_report(d in data(), as_of in as_of(), region in 0usize..3) {
        let ds = dataset(&d);
        let config = CustomerConfig::new(as_of);
        let columns = CustomerColumns::build(&ds);
        prop_assert_eq!(
            json(&customer_report_of(&ds, &columns, &config)),
            json(&customer_report(&ds, &config))
        );
        // Under a filter, as the worker computes it.
        let filter = Filter {
            regions: ["east", "west"].iter().take(region).map(|r| r.to_string()).collect(),
            ..Filter::default()
        };
        let scope = MeasureConfig { as_of: Some(as_of), filter, ..MeasureConfig::default() }.scope(&ds);
        let scope = CustomerScope::of(&ds, &scope);
        let filtered = |facts: CustomerFacts, log: &ReclaimLog| {
            let clv = clv_basis(&facts, &config);
            let facts = match &scope.customers {
                Some(keep) => facts.restrict(keep),
                None => facts,
            };
            let leads = CustomerScope { customers: None, leads: scope.leads.clone() };
            json(&customer_report_in(&ds, log, &facts, &config, &leads, clv.as_ref()))
        };
        prop_assert_eq!(
            filtered(columns.facts(&ds, as_of), columns.reclaims(&ds)),
            filtered(CustomerFacts::build(&ds, as_of), &ReclaimLog::build(&ds))
        );
    }

}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn reclaim_effectiveness_reads_the_log_as_of_its_date(d in data(), as_of in as_of()) {
        let ds = dataset(&d);
        let config = CustomerConfig::new(as_of);
        let columns = CustomerColumns::build(&ds);
        let facts = columns.facts(&ds, as_of);
        let r = reclaim_report_in(&ds, columns.reclaims(&ds), &facts, &config, &CustomerScope::all());
        let t = &r.total;
        let got: Naive = (
            t.reclaims,
            t.reassigned,
            [t.reactivated_30, t.reactivated_60, t.reactivated_90],
            t.revenue_recovered,
            t.lost_for_good,
            (
                r.owners.reclaims,
                r.owners.first_owner_revenue_90d,
                r.owners.second_owner_revenue_90d,
                r.owners.second_owner_better,
            ),
            r.entities_reclaimed,
        );
        prop_assert_eq!(got, naive_reclaims(&ds, &facts));
    }
}
