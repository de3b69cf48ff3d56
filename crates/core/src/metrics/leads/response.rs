//! Response time (first contact − assignment): median, p90, share within the SLA and
//! never-contacted leads, by rep and by rep load; and whether faster reps convert better.

use super::frame::{Dim, LeadFrame, NO_TIME, NONE};
use crate::dataset::Dataset;
use crate::metrics::{RateRow, ranked_rates};
use crate::model::SECS_PER_HOUR;
use crate::stats::Proportion;
use serde::Serialize;

#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct ResponseRow {
    pub key: String,
    pub assigned: u64,
    pub contacted: u64,
    /// Assigned leads without a first contact by as-of.
    pub never_contacted: u64,
    pub median_hours: Option<f64>,
    pub p90_hours: Option<f64>,
    /// Contacted within the SLA, over the leads whose SLA has been decided (contacted, or
    /// assigned longer than the SLA before as-of).
    pub within_sla: Proportion,
}

/// Conversion of the faster and the slower half of reps (by median response), and by whether
/// each lead met the SLA.
#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct SpeedVsConversion {
    /// Spearman rank correlation across reps between median response hours and conversion
    /// (negative: faster reps convert better). Reps with fewer than 10 contacted leads are
    /// left out.
    pub spearman: Option<f64>,
    pub reps: u64,
    pub fast_reps: RateRow,
    pub slow_reps: RateRow,
    pub within_sla: RateRow,
    pub late: RateRow,
    pub never_contacted: RateRow,
}

#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct ResponseReport {
    pub sla_hours: f64,
    pub overall: ResponseRow,
    pub by_rep: Vec<ResponseRow>,
    /// By the rep's load at assignment (open leads ÷ capacity).
    pub by_load: Vec<ResponseRow>,
    pub speed_vs_conversion: SpeedVsConversion,
}

/// Load buckets: upper bounds of open ÷ capacity (the last is open-ended).
pub const LOAD_BUCKETS: [(&str, f32); 5] = [
    ("<0.5", 0.5),
    ("0.5-0.7", 0.7),
    ("0.7-1.0", 1.0),
    ("1.0-1.5", 1.5),
    (">=1.5", f32::INFINITY),
];

/// Always inlined: it runs twice per lead, and WebAssembly built for size would call it.
#[inline(always)]
fn load_bucket(load: f32) -> usize {
    if load.is_nan() {
        return LOAD_BUCKETS.len();
    }
    LOAD_BUCKETS
        .iter()
        .position(|b| load < b.1)
        .unwrap_or(LOAD_BUCKETS.len() - 1)
}

#[derive(Clone, Copy, Default)]
struct Tally {
    assigned: u64,
    contacted: u64,
    decided: u64,
    in_sla: u64,
}

impl Tally {
    fn add(&mut self, t: &Tally) {
        self.assigned += t.assigned;
        self.contacted += t.contacted;
        self.decided += t.decided;
        self.in_sla += t.in_sla;
    }
}

/// A group's row; `hours` are its response times as the bits of non-negative `f32`s (which
/// order as the numbers do), in any order (reordered here).
fn summarise(key: String, t: &Tally, hours: &mut [u32]) -> ResponseRow {
    let (median_hours, p90_hours) = median_and_p90(hours);
    ResponseRow {
        key,
        assigned: t.assigned,
        contacted: t.contacted,
        never_contacted: t.assigned - t.contacted,
        median_hours,
        p90_hours,
        within_sla: Proportion::wilson(t.in_sla, t.decided),
    }
}

/// The median and p90 ([`crate::stats::quantile_of_order`]'s interpolation) of `f32` bits
/// as above: integer comparisons, and the p90 selected among the values above the median
/// only.
fn median_and_p90(bits: &mut [u32]) -> (Option<f64>, Option<f64>) {
    if bits.is_empty() {
        return (None, None);
    }
    let value = |b: u32| f64::from(f32::from_bits(b));
    let last = bits.len() - 1;
    let rank = |q: f64| {
        let h = last as f64 * q;
        (h, h.floor() as usize, h.ceil() as usize)
    };
    let (h5, lo5, hi5) = rank(0.5);
    let (h9, lo9, hi9) = rank(0.9);
    let at5 = *bits.select_nth_unstable(lo5).1;
    // The next order statistic is the smallest value above the lower one.
    let next5 = smallest_from(bits, lo5 + 1).unwrap_or(at5);
    let (at9, next9) = if lo9 == lo5 {
        (at5, next5)
    } else {
        let at9 = bits
            .get_mut(lo5 + 1..)
            .map_or(at5, |above| *above.select_nth_unstable(lo9 - lo5 - 1).1);
        (at9, smallest_from(bits, lo9 + 1).unwrap_or(at9))
    };
    let interpolate = |h: f64, lo: usize, hi: usize, at: u32, next: u32| {
        let (a, b) = (value(at), value(if hi > lo { next } else { at }));
        a + (h - lo as f64) * (b - a)
    };
    (
        Some(interpolate(h5, lo5, hi5, at5, next5)),
        Some(interpolate(h9, lo9, hi9, at9, next9)),
    )
}

/// The smallest of `v` from position `from` on.
fn smallest_from(v: &[u32], from: usize) -> Option<u32> {
    v.get(from..)?.iter().copied().min()
}

fn spearman(xs: &[f64], ys: &[f64]) -> Option<f64> {
    fn ranks(v: &[f64]) -> Vec<f64> {
        let mut idx: Vec<usize> = (0..v.len()).collect();
        idx.sort_by(|&a, &b| v[a].total_cmp(&v[b]));
        let mut r = vec![0.0; v.len()];
        let mut i = 0;
        while i < idx.len() {
            let mut j = i;
            while j + 1 < idx.len() && v[idx[j + 1]] == v[idx[i]] {
                j += 1;
            }
            for &k in &idx[i..=j] {
                r[k] = (i + j) as f64 / 2.0;
            }
            i = j + 1;
        }
        r
    }
    if xs.len() < 3 {
        return None;
    }
    let (rx, ry) = (ranks(xs), ranks(ys));
    let n = xs.len() as f64;
    let (mx, my) = (rx.iter().sum::<f64>() / n, ry.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in rx.iter().zip(&ry) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx).powi(2);
        syy += (b - my).powi(2);
    }
    (sxx > 0.0 && syy > 0.0).then(|| sxy / (sxx * syy).sqrt())
}

/// `rep_conversion`: `(won, assigned)` per dense rep, as counted for the conversion cut.
pub fn response_time(
    ds: &Dataset,
    frame: &LeadFrame,
    sla_hours: f64,
    rep_conversion: &[(u64, u64)],
) -> ResponseReport {
    let n_reps = frame.reps.len();
    let n_load = LOAD_BUCKETS.len() + 1;
    // Counted per (rep, load bucket), one table slot a lead; reps, buckets and the whole
    // are sums of it.
    let mut by_rep_load = vec![Tally::default(); n_reps * n_load];
    // Conversion by SLA outcome: within, late, never contacted.
    let mut sla_conv = [(0u64, 0u64); 3];
    let sla_secs = sla_hours * SECS_PER_HOUR as f64;
    let as_of = frame.as_of.0;
    // The columns cut to the frame's length: the loops' indices are then known to be in
    // bounds of each, and the checks leave the loops.
    let n = frame.len();
    let (rep_c, assigned_c, contact_c, load_c, won_c) = (
        &frame.rep[..n],
        &frame.assigned[..n],
        &frame.contact[..n],
        &frame.load[..n],
        &frame.won[..n],
    );
    let delay = |i: usize| (contact_c[i] - assigned_c[i]).max(0) as f64;
    for i in 0..n {
        let rep = rep_c[i];
        let a = assigned_c[i];
        if rep == NONE || a == NO_TIME {
            continue;
        }
        let lb = load_bucket(load_c[i]);
        let contacted = contact_c[i] != NO_TIME;
        let decided = contacted || (as_of - a) as f64 > sla_secs;
        let in_sla = contacted && delay(i) <= sla_secs;
        if let Some(t) = by_rep_load.get_mut(rep as usize * n_load + lb) {
            t.assigned += 1;
            t.contacted += contacted as u64;
            t.decided += decided as u64;
            t.in_sla += in_sla as u64;
        }
        // 0 within the SLA, 1 late, 2 never contacted.
        let s = usize::from(!in_sla) + usize::from(!contacted);
        sla_conv[s].0 += won_c[i] as u64;
        sla_conv[s].1 += 1;
    }
    let mut by_rep = vec![Tally::default(); n_reps];
    let mut by_load = vec![Tally::default(); n_load];
    let mut overall = Tally::default();
    for (r, row) in by_rep.iter_mut().zip(by_rep_load.chunks_exact(n_load)) {
        for (l, t) in by_load.iter_mut().zip(row) {
            for acc in [&mut *r, l, &mut overall] {
                acc.add(t);
            }
        }
    }
    // The contacted leads' response hours laid out rep after rep, and load bucket after
    // bucket (each group's size is its count above), for each group's median and p90 by
    // selection within its slice (linear, no sort).
    let starts = |t: &[Tally]| {
        let mut acc = 0;
        let mut v: Vec<usize> = t
            .iter()
            .map(|t| {
                acc += t.contacted as usize;
                acc - t.contacted as usize
            })
            .collect();
        v.push(acc);
        v
    };
    let (rep_start, load_start) = (starts(&by_rep), starts(&by_load));
    let mut rep_hours = vec![0u32; overall.contacted as usize];
    let mut load_hours = rep_hours.clone();
    let (mut rep_next, mut load_next) = (rep_start.clone(), load_start.clone());
    for i in 0..n {
        let rep = rep_c[i];
        if rep == NONE || assigned_c[i] == NO_TIME || contact_c[i] == NO_TIME {
            continue;
        }
        // Hours kept at f32 precision (a tenth of a second over a year), as reported.
        let h = ((delay(i) / SECS_PER_HOUR as f64) as f32).to_bits();
        for (next, hours, g) in [
            (&mut rep_next, &mut rep_hours, rep as usize),
            (&mut load_next, &mut load_hours, load_bucket(load_c[i])),
        ] {
            if let Some(at) = next.get_mut(g)
                && let Some(slot) = hours.get_mut(*at)
            {
                *slot = h;
                *at += 1;
            }
        }
    }
    let mut rep_rows = Vec::new();
    let mut rep_medians = Vec::new();
    for (r, t) in by_rep.iter().enumerate() {
        if t.assigned == 0 {
            continue;
        }
        let row = summarise(
            frame.key_name(ds, Dim::Rep, r as u32),
            t,
            rep_hours
                .get_mut(rep_start[r]..rep_start[r + 1])
                .unwrap_or_default(),
        );
        if let Some(m) = row.median_hours.filter(|_| t.contacted >= 10) {
            rep_medians.push((r, m));
        }
        rep_rows.push(row);
    }
    // Every group is done with its slice: the whole of it is every contacted lead's hours.
    let overall_row = summarise("all".into(), &overall, &mut rep_hours);
    rep_rows.sort_by(|a, b| {
        a.median_hours
            .unwrap_or(f64::INFINITY)
            .total_cmp(&b.median_hours.unwrap_or(f64::INFINITY))
            .then_with(|| a.key.cmp(&b.key))
    });
    let load_rows = (0..n_load)
        .filter(|&b| by_load[b].assigned > 0)
        .map(|b| {
            let key = LOAD_BUCKETS.get(b).map_or("unknown", |x| x.0).to_owned();
            summarise(
                key,
                &by_load[b],
                load_hours
                    .get_mut(load_start[b]..load_start[b + 1])
                    .unwrap_or_default(),
            )
        })
        .collect();

    let rep_counts = rep_conversion;
    let conv: Vec<f64> = rep_medians
        .iter()
        .map(|&(r, _)| {
            let (w, n) = rep_counts.get(r).copied().unwrap_or((0, 0));
            w as f64 / n.max(1) as f64
        })
        .collect();
    let med: Vec<f64> = rep_medians.iter().map(|x| x.1).collect();
    let mut order: Vec<usize> = (0..rep_medians.len()).collect();
    order.sort_by(|&a, &b| med[a].total_cmp(&med[b]));
    let half = order.len() / 2;
    let pool = |idx: &[usize], key: &str| {
        let (w, n) = idx.iter().fold((0, 0), |acc, &i| {
            let c = rep_counts.get(rep_medians[i].0).copied().unwrap_or((0, 0));
            (acc.0 + c.0, acc.1 + c.1)
        });
        (key.to_owned(), w, n)
    };
    let fast_slow = ranked_rates(vec![
        pool(&order[..half], "fast_reps"),
        pool(&order[half..], "slow_reps"),
    ])
    .0;
    let sla_rows = ranked_rates(vec![
        ("within_sla".into(), sla_conv[0].0, sla_conv[0].1),
        ("late".into(), sla_conv[1].0, sla_conv[1].1),
        ("never_contacted".into(), sla_conv[2].0, sla_conv[2].1),
    ])
    .0;
    let pick = |rows: &[RateRow], key: &str| {
        rows.iter()
            .find(|r| r.key == key)
            .cloned()
            .unwrap_or(RateRow {
                key: key.into(),
                leads: 0,
                won: 0,
                rate: 0.0,
                ci_low: 0.0,
                ci_high: 1.0,
                shrunk_rate: 0.0,
            })
    };
    ResponseReport {
        sla_hours,
        overall: overall_row,
        by_rep: rep_rows,
        by_load: load_rows,
        speed_vs_conversion: SpeedVsConversion {
            spearman: spearman(&med, &conv),
            reps: med.len() as u64,
            fast_reps: pick(&fast_slow, "fast_reps"),
            slow_reps: pick(&fast_slow, "slow_reps"),
            within_sla: pick(&sla_rows, "within_sla"),
            late: pick(&sla_rows, "late"),
            never_contacted: pick(&sla_rows, "never_contacted"),
        },
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn spearman_of_monotone_and_tied_data() {
        assert_eq!(spearman(&[1.0, 2.0, 3.0], &[10.0, 20.0, 30.0]), Some(1.0));
        assert_eq!(spearman(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]), Some(-1.0));
        assert_eq!(spearman(&[1.0, 1.0, 1.0], &[3.0, 2.0, 1.0]), None);
        // scipy.stats.spearmanr([1,2,3,4], [1,3,2,4]) = 0.8
        let r = spearman(&[1.0, 2.0, 3.0, 4.0], &[1.0, 3.0, 2.0, 4.0]).unwrap_or(0.0);
        assert!((r - 0.8).abs() < 1e-12);
    }
}
