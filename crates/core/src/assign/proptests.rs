//! Property tests of the batch-optimal solver against two independent references (native
//! only): brute force over every assignment of tiny batches, and a plain min-cost flow over
//! the whole batch with a node per lead (the formulation the solver had before it grouped
//! classes, split batches into independent groups and skipped the flow where it can).

use super::{BatchLead, ValueTable, optimal_batch};
use crate::model::CustomerType;
use proptest::prelude::*;

/// (leads served, total value) of an answer, checking that it respects candidates and room.
fn score(
    leads: &[BatchLead],
    caps: &[u32],
    values: &ValueTable,
    max_per_rep: Option<u32>,
    picks: &[Option<usize>],
) -> (usize, f64) {
    assert_eq!(picks.len(), leads.len());
    let mut used = vec![0u32; caps.len()];
    let (mut served, mut value) = (0, 0.0);
    for (l, p) in leads.iter().zip(picks) {
        if let Some(r) = *p {
            assert!(l.candidates.contains(&r), "rep {r} is not a candidate");
            used[r] += 1;
            served += 1;
            value += values.get(r, l.customer_type).max(0.0);
        }
    }
    for (r, u) in used.iter().enumerate() {
        assert!(
            *u <= caps[r].min(max_per_rep.unwrap_or(u32::MAX)),
            "rep {r} over room"
        );
    }
    (served, value)
}

/// The best (served, value) over every assignment, lexicographically.
fn brute_force(
    leads: &[BatchLead],
    caps: &[u32],
    values: &ValueTable,
    max_per_rep: Option<u32>,
) -> (usize, f64) {
    fn go(
        k: usize,
        leads: &[BatchLead],
        room: &mut [u32],
        values: &ValueTable,
        acc: (usize, f64),
        best: &mut (usize, f64),
    ) {
        if k == leads.len() {
            if acc.0 > best.0 || (acc.0 == best.0 && acc.1 > best.1) {
                *best = acc;
            }
            return;
        }
        go(k + 1, leads, room, values, acc, best);
        for &r in &leads[k].candidates {
            if room[r] > 0 {
                room[r] -= 1;
                let v = values.get(r, leads[k].customer_type).max(0.0);
                go(k + 1, leads, room, values, (acc.0 + 1, acc.1 + v), best);
                room[r] += 1;
            }
        }
    }
    let mut room: Vec<u32> = caps
        .iter()
        .map(|&c| c.min(max_per_rep.unwrap_or(u32::MAX)))
        .collect();
    let mut best = (0, 0.0);
    go(0, leads, &mut room, values, (0, 0.0), &mut best);
    best
}

/// One network over the whole batch, a node per lead, unit augmentations found by
/// Bellman–Ford; serving a lead outweighs any value (`big`).
fn single_network(
    leads: &[BatchLead],
    caps: &[u32],
    values: &ValueTable,
    max_per_rep: Option<u32>,
) -> Vec<Option<usize>> {
    struct Edge {
        to: usize,
        cap: i64,
        cost: f64,
    }
    let mut edges: Vec<Edge> = Vec::new();
    let n_rep = caps.len();
    let source = 0;
    let sink = 1 + leads.len() + n_rep;
    let mut adj: Vec<Vec<usize>> = vec![Vec::new(); sink + 1];
    let mut add = |edges: &mut Vec<Edge>, from: usize, to: usize, cap: i64, cost: f64| {
        let id = edges.len();
        edges.push(Edge { to, cap, cost });
        edges.push(Edge {
            to: from,
            cap: 0,
            cost: -cost,
        });
        adj[from].push(id);
        adj[to].push(id + 1);
        id
    };
    for (r, &c) in caps.iter().enumerate() {
        let room = c.min(max_per_rep.unwrap_or(u32::MAX));
        add(&mut edges, 1 + leads.len() + r, sink, i64::from(room), 0.0);
    }
    let big = 1e6;
    let mut lead_edges = Vec::new();
    for (i, l) in leads.iter().enumerate() {
        add(&mut edges, source, 1 + i, 1, 0.0);
        let mut es = Vec::new();
        for &r in &l.candidates {
            let v = values.get(r, l.customer_type).max(0.0);
            es.push((
                add(&mut edges, 1 + i, 1 + leads.len() + r, 1, -(big + v)),
                r,
            ));
        }
        lead_edges.push(es);
    }
    let n = sink + 1;
    loop {
        // Bellman–Ford from the source over edges with room left.
        let mut dist = vec![f64::INFINITY; n];
        let mut prev: Vec<Option<usize>> = vec![None; n];
        dist[source] = 0.0;
        for _ in 0..n {
            for u in 0..n {
                if !dist[u].is_finite() {
                    continue;
                }
                for &e in &adj[u] {
                    let ed = &edges[e];
                    if ed.cap > 0 && dist[u] + ed.cost < dist[ed.to] - 1e-9 {
                        dist[ed.to] = dist[u] + ed.cost;
                        prev[ed.to] = Some(e);
                    }
                }
            }
        }
        if !dist[sink].is_finite() || dist[sink] >= 0.0 {
            break;
        }
        let mut v = sink;
        while let Some(e) = prev[v] {
            edges[e].cap -= 1;
            edges[e ^ 1].cap += 1;
            v = edges[e ^ 1].to;
        }
    }
    lead_edges
        .iter()
        .map(|es| {
            es.iter()
                .find(|&&(e, _)| edges[e ^ 1].cap > 0)
                .map(|&(_, r)| r)
        })
        .collect()
}

/// A random batch: up to `max_leads` leads over `reps` reps in two regions (reps 0..half and
/// half..), each lead with the reps of its region minus possibly one excluded rep.
fn batch(
    reps: usize,
    max_leads: usize,
) -> impl proptest::strategy::Strategy<Value = (Vec<BatchLead>, Vec<u32>, ValueTable, Option<u32>)>
{
    let lead = (any::<bool>(), 0usize..5, proptest::option::of(0usize..reps));
    (
        proptest::collection::vec(lead, 0..=max_leads),
        proptest::collection::vec(0u32..4, reps),
        // Few distinct values, so that ties are common.
        proptest::collection::vec(proptest::collection::vec(0u8..4, 5), reps),
        proptest::option::of(1u32..3),
    )
        .prop_map(move |(ls, caps, vals, max_per_rep)| {
            let half = reps / 2;
            let leads = ls
                .into_iter()
                .map(|(west, ty, exclude)| BatchLead {
                    candidates: (0..reps)
                        .filter(|&r| (r < half) == west && Some(r) != exclude)
                        .collect(),
                    customer_type: CustomerType::ALL.get(ty).copied(),
                })
                .collect();
            let values = ValueTable {
                values: vals
                    .iter()
                    .map(|v| [v[0], v[1], v[2], v[3]].map(|x| f64::from(x) * 1.5))
                    .collect(),
                untyped: vals.iter().map(|v| f64::from(v[4])).collect(),
            };
            (leads, caps, values, max_per_rep)
        })
}

proptest! {
    #[test]
    fn batch_matches_brute_force((leads, caps, values, max_per_rep) in batch(4, 6)) {
        let picks = optimal_batch(&leads, &caps, &values, max_per_rep);
        let got = score(&leads, &caps, &values, max_per_rep, &picks);
        let want = brute_force(&leads, &caps, &values, max_per_rep);
        prop_assert_eq!(got.0, want.0);
        prop_assert!((got.1 - want.1).abs() < 1e-9, "value {} against {}", got.1, want.1);
    }

    #[test]
    fn batch_matches_the_single_network_flow((leads, caps, values, max_per_rep) in batch(10, 40)) {
        let picks = optimal_batch(&leads, &caps, &values, max_per_rep);
        let got = score(&leads, &caps, &values, max_per_rep, &picks);
        let old = single_network(&leads, &caps, &values, max_per_rep);
        let want = score(&leads, &caps, &values, max_per_rep, &old);
        prop_assert_eq!(got.0, want.0);
        prop_assert!((got.1 - want.1).abs() < 1e-9, "value {} against {}", got.1, want.1);
    }
}

mod one_pass {
    use super::super::{
        Ask, Assigner, Filters, Gate, Quota, RepState, Roster, RosterRep, Rule, Selector, Strategy,
        ValueTable, default_tiers,
    };
    use crate::model::{CustomerType, CustomerTypeSet, RepId, Role, Sym, Timestamp};
    use proptest::prelude::*;

    const ROLES: [Role; 4] = [Role::KeyAccount, Role::Field, Role::Inside, Role::Telesales];

    fn rule(k: u8) -> Rule {
        [Rule::Off, Rule::Require, Rule::Prefer][usize::from(k % 3)]
    }

    proptest! {
        /// The pick made during the eligibility scan is the pick of the candidate list, for
        /// every selector it covers, over a sequence of leads (round robin's cursor included).
        #[test]
        fn the_one_pass_pick_is_the_two_pass_pick(
            reps in proptest::collection::vec(
                (0u32..4, 0u8..16, 0usize..5, 0u32..6, 0u32..9, any::<bool>(), 0i64..3, 0u32..4),
                1..14),
            rules in (0u8..3, 0u8..3, any::<bool>(), any::<bool>(), any::<bool>(), 0u8..4),
            selector in 0u8..5,
            penalty in 0.0f64..1.0,
            asks in proptest::collection::vec((0u32..4, 0usize..5, 0usize..16, 0i64..3), 1..30),
        ) {
            let roster = Roster {
                reps: reps
                    .iter()
                    .enumerate()
                    .map(|(i, &(region, skills, role, cap, _, _, from, _))| RosterRep {
                        id: RepId(Sym(100 + i as u32)),
                        region: (region > 0).then_some(Sym(region)),
                        team: None,
                        role: ROLES.get(role).copied(),
                        capacity: if cap == 5 { u32::MAX } else { cap },
                        skills: CustomerTypeSet(skills & 15),
                        active_from: (from > 0).then(|| Timestamp::from_days(from)),
                        active_to: None,
                        weight: 1.0,
                        monthly_cost: 0,
                    })
                    .collect(),
                names: Vec::new(),
            };
            let states: Vec<RepState> = reps
                .iter()
                .map(|&(_, _, _, _, load, away, _, today)| RepState {
                    load,
                    away,
                    day: 1,
                    today,
                    ..RepState::default()
                })
                .collect();
            let strategy = Strategy {
                name: "p".into(),
                filters: Filters {
                    region: rule(rules.0),
                    skills: rule(rules.1),
                    active: rules.2,
                    capacity: rules.3,
                    daily_quota: rules.4,
                    max_load_ratio: [None, Some(0.5), Some(1.0), Some(1.5)][usize::from(rules.5)],
                },
                quota: Quota { turnover_per_month: 4.0, working_days: 10.0 },
                selector: match selector {
                    0 => Selector::RoundRobin,
                    1 => Selector::LeastLoaded,
                    2 => Selector::Tiered { tiers: default_tiers() },
                    3 => Selector::ScoreBased { load_penalty: penalty },
                    _ => Selector::BatchOptimal { batch_hours: 4.0, max_share: None },
                },
            };
            let values = ValueTable {
                values: (0..reps.len())
                    .map(|i| [(i % 3) as f64, (i % 2) as f64, 1.0, (i % 4) as f64 * 0.5])
                    .collect(),
                untyped: (0..reps.len()).map(|i| (i % 3) as f64).collect(),
            };
            let mut fused = Assigner::new(strategy.clone(), &roster);
            let mut reference = Assigner::new(strategy, &roster);
            let allow = |i: usize| i % 7 != 6;
            for (region, ty, exclude, day) in asks {
                let g = Gate {
                    reps: &roster.reps,
                    states: &states,
                    now: Timestamp::from_days(day),
                    allow: (exclude % 2 == 0).then_some(&allow as &dyn Fn(usize) -> bool),
                };
                let ask = Ask {
                    region: (region > 0).then_some(Sym(region)),
                    customer_type: [
                        CustomerType::Ka,
                        CustomerType::Large,
                        CustomerType::Medium,
                        CustomerType::Small,
                    ]
                    .get(ty)
                    .copied(),
                    owner: None,
                    exclude: (exclude < reps.len()).then_some(exclude),
                };
                prop_assert_eq!(
                    fused.pick(&g, &ask, &values),
                    reference.pick_two_pass(&g, &ask, &values)
                );
                prop_assert_eq!(fused.cursor, reference.cursor);
            }
        }
    }
}
