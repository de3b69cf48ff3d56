//! Batch-optimal assignment: the most leads possible, and among those the most expected value,
//! under rep capacities — a min-cost flow solved by successive shortest paths.
//!
//! Leads with the same candidate reps and customer type are interchangeable, so they are
//! grouped into classes first: the network has one node per class, not per lead, and stays
//! small (a few dozen classes × the reps of their regions) however large the batch.

use super::ValueTable;
use crate::model::CustomerType;

/// One lead of a batch: who may take it, and its customer type.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct BatchLead {
    pub candidates: Vec<usize>,
    pub customer_type: Option<CustomerType>,
}

struct Edge {
    to: usize,
    cap: i64,
    cost: f64,
}

struct Graph {
    edges: Vec<Edge>,
    adj: Vec<Vec<usize>>,
}

impl Graph {
    fn add(&mut self, from: usize, to: usize, cap: i64, cost: f64) -> usize {
        let id = self.edges.len();
        self.edges.push(Edge { to, cap, cost });
        self.edges.push(Edge {
            to: from,
            cap: 0,
            cost: -cost,
        });
        self.adj[from].push(id);
        self.adj[to].push(id + 1);
        id
    }
}

/// Assigns a batch: `caps[rep]` is how many more leads each rep may take. Returns the rep of
/// each lead, `None` where capacity ran out. Deterministic: ties go to the earlier class and rep.
pub fn optimal_batch(
    leads: &[BatchLead],
    caps: &[u32],
    values: &ValueTable,
    max_per_rep: Option<u32>,
) -> Vec<Option<usize>> {
    let mut out = vec![None; leads.len()];
    // Classes: leads sorted by (candidates, type), equal keys grouped.
    let mut order: Vec<usize> = (0..leads.len()).collect();
    let key = |i: &usize| {
        (
            leads[*i].candidates.as_slice(),
            leads[*i].customer_type.map(|t| t.index()),
        )
    };
    order.sort_by(|a, b| key(a).cmp(&key(b)).then(a.cmp(b)));
    let mut classes: Vec<(usize, usize)> = Vec::new(); // ranges in `order`
    for (pos, i) in order.iter().enumerate() {
        match classes.last_mut() {
            Some((start, end)) if key(&order[*start]) == key(i) => *end = pos + 1,
            _ => classes.push((pos, pos + 1)),
        }
    }
    // Rep nodes only for reps some class can use.
    let mut rep_node: Vec<Option<usize>> = vec![None; caps.len()];
    let mut reps: Vec<usize> = Vec::new();
    for l in leads {
        for &r in &l.candidates {
            if let Some(slot) = rep_node.get_mut(r)
                && slot.is_none()
            {
                *slot = Some(0);
                reps.push(r);
            }
        }
    }
    reps.sort_unstable();
    let n_class = classes.len();
    let source = 0;
    let sink = 1 + n_class + reps.len();
    let mut g = Graph {
        edges: Vec::new(),
        adj: vec![Vec::new(); sink + 1],
    };
    for (k, &r) in reps.iter().enumerate() {
        rep_node[r] = Some(1 + n_class + k);
        let cap = caps[r].min(max_per_rep.unwrap_or(u32::MAX));
        g.add(1 + n_class + k, sink, cap as i64, 0.0);
    }
    // Serving a lead at all outweighs any difference in value.
    let max_value = leads
        .iter()
        .flat_map(|l| l.candidates.iter().map(|&r| values.get(r, l.customer_type)))
        .fold(0.0f64, f64::max);
    let big = 1.0 + 2.0 * max_value.max(0.0) * 1e3;
    let mut class_edges: Vec<Vec<(usize, usize)>> = Vec::with_capacity(n_class);
    for (c, &(start, end)) in classes.iter().enumerate() {
        g.add(source, 1 + c, (end - start) as i64, 0.0);
        let lead = &leads[order[start]];
        let mut es = Vec::new();
        for &r in &lead.candidates {
            if let Some(Some(node)) = rep_node.get(r) {
                let v = values.get(r, lead.customer_type).max(0.0);
                es.push((g.add(1 + c, *node, i64::MAX / 4, -(big + v)), r));
            }
        }
        class_edges.push(es);
    }
    // Successive shortest paths with Bellman-Ford (costs are negative), augmenting the
    // bottleneck each time.
    let n = sink + 1;
    let mut dist = vec![f64::INFINITY; n];
    let mut prev: Vec<Option<usize>> = vec![None; n];
    let mut in_queue = vec![false; n];
    let mut queue = std::collections::VecDeque::new();
    loop {
        dist.iter_mut().for_each(|d| *d = f64::INFINITY);
        prev.iter_mut().for_each(|p| *p = None);
        dist[source] = 0.0;
        queue.push_back(source);
        in_queue[source] = true;
        while let Some(u) = queue.pop_front() {
            in_queue[u] = false;
            for &e in &g.adj[u] {
                let edge = &g.edges[e];
                if edge.cap > 0 && dist[u] + edge.cost < dist[edge.to] - 1e-9 {
                    dist[edge.to] = dist[u] + edge.cost;
                    prev[edge.to] = Some(e);
                    if !in_queue[edge.to] {
                        in_queue[edge.to] = true;
                        queue.push_back(edge.to);
                    }
                }
            }
        }
        if !dist[sink].is_finite() || dist[sink] >= 0.0 {
            break;
        }
        let mut bottleneck = i64::MAX;
        let mut v = sink;
        while let Some(e) = prev[v] {
            bottleneck = bottleneck.min(g.edges[e].cap);
            v = g.edges[e ^ 1].to;
        }
        let mut v = sink;
        while let Some(e) = prev[v] {
            g.edges[e].cap -= bottleneck;
            g.edges[e ^ 1].cap += bottleneck;
            v = g.edges[e ^ 1].to;
        }
    }
    for (c, &(start, end)) in classes.iter().enumerate() {
        let mut next = start;
        for &(e, r) in &class_edges[c] {
            let flow = g.edges[e ^ 1].cap;
            for _ in 0..flow {
                if next < end {
                    out[order[next]] = Some(r);
                    next += 1;
                }
            }
        }
    }
    out
}
