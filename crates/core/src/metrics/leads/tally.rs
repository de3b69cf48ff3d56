//! One pass over a frame counting what conversion, the funnel, ROI and the sales cycle read,
//! instead of a pass (and a read of the same columns) for each.

use super::conversion::ConversionCounts;
use super::cycle::{DayCounts, days};
use super::frame::{Dim, LeadFrame, NO_TIME, NO_TYPE, NONE};
use super::roi::Sums;

/// Furthest funnel rank reached, counted per group (rank 4 and above share the last slot).
pub(super) struct FunnelCounts {
    pub(super) overall: [u64; 5],
    /// Per source key, the last slot "no source".
    pub(super) by_source: Vec<[u64; 5]>,
    /// Per customer type, the last slot "no type".
    pub(super) by_type: Vec<[u64; 5]>,
}

/// Leads, wins, cost and revenue of every lead per group (the last slot: no value).
pub(super) struct RoiSums {
    pub(super) by_source: Vec<Sums>,
    pub(super) by_campaign: Vec<Sums>,
    pub(super) by_rep: Vec<Sums>,
}

/// Cycle days of the assigned leads won or still open, overall and per customer type.
pub(super) struct CycleCounts {
    pub(super) all: DayCounts,
    pub(super) by_type: [DayCounts; 4],
}

/// The table slot of key `k` among `n` keys (the last slot, `n`: no value). Always inlined,
/// as it runs several times per lead and WebAssembly built for size would call it.
#[inline(always)]
fn slot(k: u32, n: usize) -> usize {
    if k == NONE { n } else { (k as usize).min(n) }
}

/// Everything the pass counts.
pub(super) struct LeadTally {
    pub(super) conversion: ConversionCounts,
    pub(super) funnel: FunnelCounts,
    pub(super) roi: RoiSums,
    pub(super) cycle: CycleCounts,
}

impl LeadTally {
    pub(super) fn of(frame: &LeadFrame) -> Self {
        let n_reps = frame.reps.len();
        let n_source = frame.key_count(Dim::Source);
        let n_region = frame.key_count(Dim::Region);
        let n_campaign = frame.key_count(Dim::Campaign);
        let n_month = frame.key_count(Dim::Month);
        let mut rep_type = vec![[(0u64, 0u64); 5]; n_reps];
        let mut total = (0u64, 0u64);
        let mut conv_region = vec![(0u64, 0u64); n_region + 1];
        let mut conv_source = vec![(0u64, 0u64); n_source + 1];
        let mut conv_campaign = vec![(0u64, 0u64); n_campaign + 1];
        let mut conv_month = vec![(0u64, 0u64); n_month + 1];
        let mut funnel = FunnelCounts {
            overall: [0; 5],
            by_source: vec![[0; 5]; n_source + 1],
            by_type: vec![[0; 5]; 5],
        };
        let mut roi = RoiSums {
            by_source: vec![Sums::default(); n_source + 1],
            by_campaign: vec![Sums::default(); n_campaign + 1],
            by_rep: vec![Sums::default(); n_reps + 1],
        };
        let mut cycle = CycleCounts {
            all: DayCounts::default(),
            by_type: Default::default(),
        };
        let as_of = frame.as_of.0;
        // The tables as slices: indexing a `Vec` is a call in WebAssembly built for size.
        let (f_source, f_type) = (&mut funnel.by_source[..], &mut funnel.by_type[..]);
        let (r_source, r_campaign, r_rep) = (
            &mut roi.by_source[..],
            &mut roi.by_campaign[..],
            &mut roi.by_rep[..],
        );
        let (c_rep_type, c_region, c_source, c_campaign, c_month) = (
            &mut rep_type[..],
            &mut conv_region[..],
            &mut conv_source[..],
            &mut conv_campaign[..],
            &mut conv_month[..],
        );
        // Every column cut to the frame's length, so that the loop's index is known to be in
        // bounds of each and the checks leave the loop.
        let n = frame.len();
        let f = &**frame;
        let (rep_c, won_c, ty_c, source_c, campaign_c, reached_c) = (
            &f.rep[..n],
            &f.won[..n],
            &f.ty[..n],
            &f.source[..n],
            &f.campaign[..n],
            &f.reached[..n],
        );
        let (cost_c, won_value_c, region_c, month_c, closed_c, created_c) = (
            &f.cost[..n],
            &f.won_value[..n],
            &f.region[..n],
            &f.month[..n],
            &f.closed[..n],
            &f.created[..n],
        );
        for i in 0..n {
            let rep = rep_c[i];
            let won = won_c[i];
            let ty_k = ty_c[i];
            let ty = usize::from(ty_k).min(4);
            let source = slot(source_c[i], n_source);
            let campaign = slot(campaign_c[i], n_campaign);
            let reached = usize::from(reached_c[i]).min(4);
            funnel.overall[reached] += 1;
            f_source[source][reached] += 1;
            f_type[ty][reached] += 1;
            let (cost, revenue) = (cost_c[i], won_value_c[i]);
            for s in [
                &mut r_source[source],
                &mut r_campaign[campaign],
                &mut r_rep[slot(rep, n_reps)],
            ] {
                s.leads += 1;
                s.won += u64::from(won);
                s.cost += cost;
                s.revenue += revenue;
            }
            if rep == NONE {
                continue;
            }
            // Assigned leads: conversion, and the cycle of those won or still open.
            let w = u64::from(won);
            if let Some(c) = c_rep_type.get_mut(rep as usize) {
                c[ty].0 += w;
                c[ty].1 += 1;
            }
            for c in [
                &mut c_region[slot(region_c[i], n_region)],
                &mut c_source[source],
                &mut c_campaign[campaign],
                &mut c_month[slot(month_c[i], n_month)],
            ] {
                c.0 += w;
                c.1 += 1;
            }
            total.0 += w;
            total.1 += 1;
            let closed = closed_c[i];
            if closed != NO_TIME && !won {
                continue;
            }
            let end = if closed == NO_TIME { as_of } else { closed };
            let d = days(created_c[i], end);
            let event = won && closed != NO_TIME;
            cycle.all.add(d, event);
            if ty_k != NO_TYPE
                && let Some(t) = cycle.by_type.get_mut(usize::from(ty_k))
            {
                t.add(d, event);
            }
        }
        let by_dim = Dim::ALL
            .iter()
            .map(|&d| match d {
                // Reps, teams and types from the rep × type table.
                Dim::Rep => {
                    let mut v: Vec<(u64, u64)> = rep_type
                        .iter()
                        .map(|t| t.iter().fold((0, 0), |a, c| (a.0 + c.0, a.1 + c.1)))
                        .collect();
                    v.push((0, 0));
                    v
                }
                Dim::CustomerType => {
                    let mut v = vec![(0u64, 0u64); 5];
                    for t in &rep_type {
                        for (acc, c) in v.iter_mut().zip(t) {
                            acc.0 += c.0;
                            acc.1 += c.1;
                        }
                    }
                    v
                }
                Dim::Team => {
                    let n = frame.key_count(Dim::Team);
                    let mut v = vec![(0u64, 0u64); n + 1];
                    for (k, t) in frame.reps.iter().zip(&rep_type) {
                        let s = &mut v[slot(k.team, n)];
                        for c in t {
                            s.0 += c.0;
                            s.1 += c.1;
                        }
                    }
                    v
                }
                Dim::Region => std::mem::take(&mut conv_region),
                Dim::Source => std::mem::take(&mut conv_source),
                Dim::Campaign => std::mem::take(&mut conv_campaign),
                Dim::Month => std::mem::take(&mut conv_month),
            })
            .collect();
        LeadTally {
            conversion: ConversionCounts {
                by_dim,
                rep_type: rep_type
                    .into_iter()
                    .map(|t| [t[0], t[1], t[2], t[3]])
                    .collect(),
                total,
            },
            funnel,
            roi,
            cycle,
        }
    }
}
