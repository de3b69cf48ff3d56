//! Batch-optimal assignment: the most leads possible, and among those the most expected value,
//! under rep capacities.
//!
//! Leads with the same candidate reps and customer type are interchangeable, so they are
//! grouped into classes first. Classes that share no rep (leads of other regions) cannot
//! compete, so each connected group of classes and reps is solved on its own. Within a group,
//! when every class's best rep has room for the whole class, sending each class there is
//! optimal — every lead is served, each at the highest value any rep offers it — and nothing
//! more is needed; that is the usual case for a batch of a few hours' leads. A group of one
//! class fills its reps best first. Only the rest is solved as a min-cost flow, by successive
//! shortest paths on that group's small dense class × rep network.

use super::ValueTable;
use crate::model::CustomerType;

/// One lead of a batch: who may take it, and its customer type.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct BatchLead {
    pub candidates: Vec<usize>,
    pub customer_type: Option<CustomerType>,
}

/// Interchangeable leads of a batch: `leads` of them, all of one customer type and with the
/// same candidate reps.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct BatchClass {
    pub candidates: Vec<usize>,
    pub customer_type: Option<CustomerType>,
    pub leads: usize,
}

/// A class by its index in the batch.
type Class = usize;

/// The batch's classes, with what every group solver reads.
struct Batch<'a> {
    classes: &'a [BatchClass],
    /// How many more leads each rep may take in this batch.
    room: &'a [u32],
    values: &'a ValueTable,
}

/// Path costs closer than this are equal (values are money in major units).
const EPS: f64 = 1e-9;

impl Batch<'_> {
    fn size(&self, c: Class) -> usize {
        self.classes[c].leads
    }

    /// The class's candidates that are reps of the roster.
    fn candidates(&self, c: Class) -> impl Iterator<Item = usize> + '_ {
        let n = self.room.len();
        self.classes[c]
            .candidates
            .iter()
            .copied()
            .filter(move |&r| r < n)
    }

    fn value(&self, c: Class, rep: usize) -> f64 {
        self.values.get(rep, self.classes[c].customer_type).max(0.0)
    }

    /// Each class to its best rep (ties to the first candidate), if every best rep has room
    /// for all it is sent; `false` (and nothing given) otherwise.
    fn solve_greedy(
        &self,
        classes: &[Class],
        demand: &mut [usize],
        out: &mut [Vec<(usize, usize)>],
    ) -> bool {
        let best = |c: Class| {
            let mut pick: Option<(f64, usize)> = None;
            for r in self.candidates(c) {
                let v = self.value(c, r);
                if pick.is_none_or(|(b, _)| v > b) {
                    pick = Some((v, r));
                }
            }
            pick.map(|(_, r)| r)
        };
        let mut fits = true;
        for &c in classes {
            if let Some(r) = best(c) {
                demand[r] += self.size(c);
                fits &= demand[r] <= self.room[r] as usize;
            }
        }
        for &c in classes {
            if let Some(r) = best(c) {
                demand[r] = 0;
                if fits {
                    out[c].push((r, self.size(c)));
                }
            }
        }
        fits
    }

    /// The class's reps with room, best first (ties to the earlier candidate), at most as
    /// many as `leads`: an optimal answer never needs a rep below them, since with every rep
    /// having room for one, a lead sent lower could move to one of these left empty, at no
    /// loss of value.
    fn ranked(&self, c: Class, leads: usize, ranked: &mut Vec<(f64, usize)>) {
        let from = ranked.len();
        ranked.extend(
            self.candidates(c)
                .filter(|&r| self.room[r] > 0)
                .map(|r| (self.value(c, r), r)),
        );
        // Stable: equal values keep candidate order.
        ranked[from..].sort_by(|a, b| b.0.total_cmp(&a.0));
        ranked.truncate(from + leads.min(ranked.len() - from));
    }

    fn solve_one(&self, c: Class, scratch: &mut Scratch, out: &mut [Vec<(usize, usize)>]) {
        let mut left = self.size(c);
        scratch.ranked.clear();
        self.ranked(c, left, &mut scratch.ranked);
        let counts = &mut out[c];
        counts.clear();
        for &(_, r) in &scratch.ranked {
            if left == 0 {
                break;
            }
            let n = left.min(self.room[r] as usize);
            counts.push((r, n));
            left -= n;
        }
        // Reps in roster order, as everywhere else.
        counts.sort_unstable();
    }

    fn solve_flow(&self, classes: &[Class], sc: &mut Scratch, out: &mut [Vec<(usize, usize)>]) {
        let leads: usize = classes.iter().map(|&c| self.size(c)).sum();
        // Each class's ranked reps, one after another: class c's are `ranked[at[c]..at[c + 1]]`.
        sc.ranked.clear();
        sc.at.clear();
        for &c in classes {
            sc.at.push(sc.ranked.len());
            self.ranked(c, leads, &mut sc.ranked);
        }
        sc.at.push(sc.ranked.len());
        let reps = &mut sc.reps;
        reps.clear();
        reps.extend(sc.ranked.iter().map(|&(_, r)| r));
        reps.sort_unstable();
        reps.dedup();
        let (k, m) = (classes.len(), reps.len());
        // value[c * m + j]: NaN where rep j may not take class c.
        let value = refill(&mut sc.value, k * m, f64::NAN);
        for c in 0..k {
            for &(v, r) in &sc.ranked[sc.at[c]..sc.at[c + 1]] {
                if let Ok(j) = reps.binary_search(&r) {
                    value[c * m + j] = v;
                }
            }
        }
        let flow = refill(&mut sc.flow, k * m, 0usize);
        let supply = &mut sc.supply;
        supply.clear();
        supply.extend(classes.iter().map(|&c| self.size(c)));
        let room = &mut sc.room_flow;
        room.clear();
        room.extend(reps.iter().map(|&r| self.room[r] as usize));
        // Cost (negated value) of the cheapest path found to each class and rep, and the step
        // that reached it: a class through a backward arc from a rep, a rep from a class.
        let dist_c = refill(&mut sc.dist_c, k, f64::INFINITY);
        let dist_r = refill(&mut sc.dist_r, m, f64::INFINITY);
        let via_c = refill(&mut sc.via_c, k, None);
        let via_r = refill(&mut sc.via_r, m, 0usize);
        loop {
            for ((d, via), &left) in dist_c.iter_mut().zip(via_c.iter_mut()).zip(supply.iter()) {
                *d = if left > 0 { 0.0 } else { f64::INFINITY };
                *via = None;
            }
            dist_r.iter_mut().for_each(|d| *d = f64::INFINITY);
            // No negative cycles (successive shortest paths keep none), so k + m rounds settle.
            for _ in 0..=k + m {
                let mut changed = false;
                for c in 0..k {
                    if !dist_c[c].is_finite() {
                        continue;
                    }
                    for j in 0..m {
                        let v = value[c * m + j];
                        if v.is_nan() {
                            continue;
                        }
                        let d = dist_c[c] - v;
                        if d < dist_r[j] - EPS {
                            dist_r[j] = d;
                            via_r[j] = c;
                            changed = true;
                        }
                    }
                }
                for j in 0..m {
                    if !dist_r[j].is_finite() {
                        continue;
                    }
                    for c in 0..k {
                        if flow[c * m + j] == 0 {
                            continue;
                        }
                        let d = dist_r[j] + value[c * m + j];
                        if d < dist_c[c] - EPS {
                            dist_c[c] = d;
                            via_c[c] = Some(j);
                            changed = true;
                        }
                    }
                }
                if !changed {
                    break;
                }
            }
            // The cheapest rep with room ends the path (ties to the earlier rep).
            let mut end: Option<usize> = None;
            for j in 0..m {
                if room[j] > 0
                    && dist_r[j].is_finite()
                    && end.is_none_or(|e| dist_r[j] < dist_r[e] - EPS)
                {
                    end = Some(j);
                }
            }
            let Some(end) = end else {
                break;
            };
            // Walk back to the class the path starts from, then push its bottleneck.
            let mut bottleneck = room[end];
            let mut j = end;
            let start = loop {
                let c = via_r[j];
                match via_c[c] {
                    Some(prev) => {
                        bottleneck = bottleneck.min(flow[c * m + prev]);
                        j = prev;
                    }
                    None => break c,
                }
            };
            bottleneck = bottleneck.min(supply[start]);
            if bottleneck == 0 {
                break;
            }
            supply[start] -= bottleneck;
            room[end] -= bottleneck;
            let mut j = end;
            loop {
                let c = via_r[j];
                flow[c * m + j] += bottleneck;
                match via_c[c] {
                    Some(prev) => {
                        flow[c * m + prev] -= bottleneck;
                        j = prev;
                    }
                    None => break,
                }
            }
        }
        for (c, &class) in classes.iter().enumerate() {
            let counts = &mut out[class];
            counts.clear();
            counts.extend(
                (0..m)
                    .filter(|&j| flow[c * m + j] > 0)
                    .map(|j| (reps[j], flow[c * m + j])),
            );
        }
    }
}

fn find(parent: &mut [usize], mut x: usize) -> usize {
    while parent[x] != x {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    x
}

/// Assigns a batch given as classes: `caps[rep]` is how many more leads each rep may take,
/// `max_per_rep` caps any rep's share of this batch. Returns, per class, how many of its
/// leads go to which reps (in roster order); leads left over found no room. Deterministic:
/// among equally good answers, earlier reps are preferred.
pub fn optimal_classes(
    classes: &[BatchClass],
    caps: &[u32],
    values: &ValueTable,
    max_per_rep: Option<u32>,
) -> Vec<Vec<(usize, usize)>> {
    let mut out = Vec::new();
    optimal_classes_into(
        classes,
        caps,
        values,
        max_per_rep,
        &mut Scratch::default(),
        &mut out,
    );
    out
}

/// [`optimal_classes`] into `out` (one list per class; lists beyond `classes.len()` are left
/// as they are), with its working space in `scratch`: a caller solving batch after batch
/// (the engine) keeps both, so a batch allocates nothing once they have grown.
pub fn optimal_classes_into(
    classes: &[BatchClass],
    caps: &[u32],
    values: &ValueTable,
    max_per_rep: Option<u32>,
    scratch: &mut Scratch,
    out: &mut Vec<Vec<(usize, usize)>>,
) {
    if out.len() < classes.len() {
        out.resize_with(classes.len(), Vec::new);
    }
    for counts in &mut out[..classes.len()] {
        counts.clear();
    }
    let out = &mut out[..classes.len()];
    let mut room = std::mem::take(&mut scratch.room);
    room.clear();
    room.extend(caps.iter().map(|&c| c.min(max_per_rep.unwrap_or(u32::MAX))));
    let batch = Batch {
        classes,
        room: &room,
        values,
    };
    // Groups: reps joined whenever a class may go to both; a class belongs to the group of
    // its reps. Classes with no rep get nothing.
    let parent = &mut scratch.parent;
    parent.clear();
    parent.extend(0..caps.len());
    for c in 0..classes.len() {
        let mut first = None;
        for r in batch.candidates(c) {
            let root = find(parent, r);
            match first {
                None => first = Some(root),
                Some(f) if root != f => parent[root] = f,
                Some(_) => {}
            }
        }
    }
    let mut grouped = std::mem::take(&mut scratch.grouped);
    grouped.clear();
    grouped.extend((0..classes.len()).filter_map(|c| {
        let r = batch.candidates(c).next()?;
        Some((find(parent, r), c))
    }));
    // Stable: classes keep their order within a group.
    grouped.sort_by_key(|(root, _)| *root);
    let mut demand = std::mem::take(&mut scratch.demand);
    refill(&mut demand, caps.len(), 0usize);
    let mut group = std::mem::take(&mut scratch.group);
    for chunk in grouped.chunk_by(|a, b| a.0 == b.0) {
        group.clear();
        group.extend(chunk.iter().map(|(_, c)| *c));
        if batch.solve_greedy(&group, &mut demand, out) {
            continue;
        }
        match group[..] {
            [c] => batch.solve_one(c, scratch, out),
            _ => batch.solve_flow(&group, scratch, out),
        }
    }
    scratch.room = room;
    scratch.grouped = grouped;
    scratch.demand = demand;
    scratch.group = group;
}

/// Working space of [`optimal_classes_into`], kept between batches.
#[derive(Clone, Debug, Default)]
pub struct Scratch {
    room: Vec<u32>,
    parent: Vec<usize>,
    grouped: Vec<(usize, Class)>,
    demand: Vec<usize>,
    group: Vec<Class>,
    ranked: Vec<(f64, usize)>,
    at: Vec<usize>,
    reps: Vec<usize>,
    value: Vec<f64>,
    flow: Vec<usize>,
    supply: Vec<usize>,
    room_flow: Vec<usize>,
    dist_c: Vec<f64>,
    dist_r: Vec<f64>,
    via_c: Vec<Option<usize>>,
    via_r: Vec<usize>,
}

/// `v` cleared and refilled with `n` copies of `x`, keeping its allocation.
fn refill<T: Clone>(v: &mut Vec<T>, n: usize, x: T) -> &mut Vec<T> {
    v.clear();
    v.resize(n, x);
    v
}

/// [`optimal_classes`] for a batch of single leads: leads with the same candidates and
/// customer type form a class, whose leads go to its reps in lead order. Returns the rep of
/// each lead, `None` where capacity ran out.
pub fn optimal_batch(
    leads: &[BatchLead],
    caps: &[u32],
    values: &ValueTable,
    max_per_rep: Option<u32>,
) -> Vec<Option<usize>> {
    let mut classes: Vec<BatchClass> = Vec::new();
    let mut members: Vec<Vec<usize>> = Vec::new();
    for (i, l) in leads.iter().enumerate() {
        let k = match classes
            .iter()
            .position(|c| c.customer_type == l.customer_type && c.candidates == l.candidates)
        {
            Some(k) => k,
            None => {
                classes.push(BatchClass {
                    candidates: l.candidates.clone(),
                    customer_type: l.customer_type,
                    leads: 0,
                });
                members.push(Vec::new());
                classes.len() - 1
            }
        };
        classes[k].leads += 1;
        members[k].push(i);
    }
    let mut out = vec![None; leads.len()];
    for (counts, members) in optimal_classes(&classes, caps, values, max_per_rep)
        .iter()
        .zip(&members)
    {
        let reps = counts.iter().flat_map(|&(r, n)| std::iter::repeat_n(r, n));
        for (&i, r) in members.iter().zip(reps) {
            out[i] = Some(r);
        }
    }
    out
}
