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
