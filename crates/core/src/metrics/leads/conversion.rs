//! Funnel and conversion: how far leads get, and won ÷ assigned leads per cut, with Wilson
//! intervals and empirical-Bayes shrunk rates for ranking.

use super::frame::{Dim, LeadFrame, NONE};
use crate::dataset::Dataset;
use crate::metrics::{RateRow, ranked_rates};
use crate::model::{CustomerType, Stage};
use crate::stats::Proportion;
use crate::stats::shrink::BetaPrior;
use serde::Serialize;

/// The funnel stages in order (`lost` is an exit, not a stage).
pub const FUNNEL: [Stage; 5] = [
    Stage::New,
    Stage::Contacted,
    Stage::Qualified,
    Stage::Proposal,
    Stage::Won,
];

#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct FunnelStage {
    pub stage: Stage,
    /// Leads that reached this stage or a later one.
    pub reached: u64,
    /// Share of the previous stage's leads that reached this one (1 for `new`).
    pub from_previous: Proportion,
    /// Share of all leads that reached this stage.
    pub cumulative: Proportion,
}

#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct KeyedFunnel {
    pub key: String,
    pub stages: Vec<FunnelStage>,
}

#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct FunnelReport {
    pub overall: Vec<FunnelStage>,
    pub by_source: Vec<KeyedFunnel>,
    pub by_customer_type: Vec<KeyedFunnel>,
}

fn stages(reached_at_least: &[u64; 5]) -> Vec<FunnelStage> {
    let total = reached_at_least[0];
    (0..FUNNEL.len())
        .map(|s| FunnelStage {
            stage: FUNNEL[s],
            reached: reached_at_least[s],
            from_previous: Proportion::wilson(
                reached_at_least[s],
                if s == 0 {
                    total
                } else {
                    reached_at_least[s - 1]
                },
            ),
            cumulative: Proportion::wilson(reached_at_least[s], total),
        })
        .collect()
}

/// The funnel of all leads in the frame, or one funnel per key of `dim` (largest first).
pub fn funnel_by(ds: &Dataset, frame: &LeadFrame, dim: Option<Dim>) -> Vec<KeyedFunnel> {
    let n_keys = dim.map_or(1, |d| frame.key_count(d) + 1);
    let mut counts = vec![[0u64; 5]; n_keys];
    for i in 0..frame.len() {
        let slot = match dim {
            None => 0,
            Some(d) => match frame.key(d, i) {
                NONE => n_keys - 1,
                k => k as usize,
            },
        };
        counts[slot][(frame.reached[i] as usize).min(4)] += 1;
    }
    // Leads that reached stage s or later: suffix sums of the furthest stage reached.
    for c in &mut counts {
        for s in (0..4).rev() {
            c[s] += c[s + 1];
        }
    }
    let mut out: Vec<KeyedFunnel> = counts
        .iter()
        .enumerate()
        .filter(|(_, c)| c[0] > 0)
        .map(|(k, c)| KeyedFunnel {
            key: match dim {
                None => "all".into(),
                Some(d) if k == n_keys - 1 => frame.key_name(ds, d, NONE),
                Some(d) => frame.key_name(ds, d, k as u32),
            },
            stages: stages(c),
        })
        .collect();
    out.sort_by(|a, b| {
        b.stages[0]
            .reached
            .cmp(&a.stages[0].reached)
            .then_with(|| a.key.cmp(&b.key))
    });
    out
}

pub fn funnel(ds: &Dataset, frame: &LeadFrame) -> FunnelReport {
    FunnelReport {
        overall: funnel_by(ds, frame, None)
            .pop()
            .map_or_else(|| stages(&[0; 5]), |f| f.stages),
        by_source: funnel_by(ds, frame, Some(Dim::Source)),
        by_customer_type: funnel_by(ds, frame, Some(Dim::CustomerType)),
    }
}

/// The prior fitted for one cut, so a reader can see how strongly it shrinks.
#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct CutPrior {
    pub cut: String,
    pub prior: BetaPrior,
}

/// Reps ranked within one customer type ("for whom does allocation work").
#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct SegmentRanking {
    pub customer_type: CustomerType,
    pub by_rep: Vec<RateRow>,
}

/// Conversion = won ÷ assigned leads created in the window.
#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct ConversionReport {
    pub overall: RateRow,
    pub by_rep: Vec<RateRow>,
    pub by_team: Vec<RateRow>,
    pub by_region: Vec<RateRow>,
    pub by_source: Vec<RateRow>,
    pub by_campaign: Vec<RateRow>,
    pub by_customer_type: Vec<RateRow>,
    /// Chronological, not ranked.
    pub by_month: Vec<RateRow>,
    pub by_customer_type_rep: Vec<SegmentRanking>,
    pub priors: Vec<CutPrior>,
}

/// `(won, assigned)` per key of every dimension (last slot: no value), plus rep × type.
pub struct ConversionCounts {
    pub by_dim: Vec<Vec<(u64, u64)>>,
    pub rep_type: Vec<[(u64, u64); 4]>,
    pub total: (u64, u64),
}

/// Counts every cut over the assigned leads, one tight loop per column.
pub fn conversion_counts(frame: &LeadFrame) -> ConversionCounts {
    let n_reps = frame.reps.len();
    let mut rep_type = vec![[(0u64, 0u64); 5]; n_reps];
    let mut total = (0, 0);
    for ((&rep, &won), &ty) in frame.rep.iter().zip(&frame.won).zip(&frame.ty) {
        if rep == NONE {
            continue;
        }
        let c = &mut rep_type[rep as usize][(ty as usize).min(4)];
        c.0 += won as u64;
        c.1 += 1;
        total.0 += won as u64;
        total.1 += 1;
    }
    let tally = |col: &dyn Fn(usize) -> u32, n_keys: usize| {
        let mut out = vec![(0u64, 0u64); n_keys + 1];
        for i in 0..frame.len() {
            if frame.rep[i] == NONE {
                continue;
            }
            let k = col(i);
            let c = &mut out[if k == NONE {
                n_keys
            } else {
                (k as usize).min(n_keys)
            }];
            c.0 += frame.won[i] as u64;
            c.1 += 1;
        }
        out
    };
    let by_dim = Dim::ALL
        .iter()
        .map(|&d| {
            let n = frame.key_count(d);
            match d {
                // Reps and types come from the rep × type table already counted.
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
                    let mut v = vec![(0u64, 0u64); n + 1];
                    for (r, t) in rep_type.iter().enumerate() {
                        let team = frame.reps[r].team;
                        let slot = if team == NONE {
                            n
                        } else {
                            (team as usize).min(n)
                        };
                        for c in t {
                            v[slot].0 += c.0;
                            v[slot].1 += c.1;
                        }
                    }
                    v
                }
                Dim::Region => tally(&|i| frame.region[i], n),
                Dim::Source => tally(&|i| frame.source[i], n),
                Dim::Campaign => tally(&|i| frame.campaign[i], n),
                Dim::Month => tally(&|i| frame.month[i], n),
            }
        })
        .collect();
    ConversionCounts {
        by_dim,
        rep_type: rep_type
            .into_iter()
            .map(|t| [t[0], t[1], t[2], t[3]])
            .collect(),
        total,
    }
}

fn rows(
    ds: &Dataset,
    frame: &LeadFrame,
    dim: Dim,
    counts: &[(u64, u64)],
) -> (Vec<RateRow>, BetaPrior) {
    let last = counts.len().saturating_sub(1);
    ranked_rates(
        counts
            .iter()
            .enumerate()
            .map(|(k, &(w, n))| {
                let key = if k == last { NONE } else { k as u32 };
                (frame.key_name(ds, dim, key), w, n)
            })
            .collect(),
    )
}

pub fn conversion(ds: &Dataset, frame: &LeadFrame) -> ConversionReport {
    conversion_from_counts(ds, frame, &conversion_counts(frame))
}

/// The report from counts already taken by [`conversion_counts`].
pub fn conversion_from_counts(
    ds: &Dataset,
    frame: &LeadFrame,
    c: &ConversionCounts,
) -> ConversionReport {
    let mut priors = Vec::new();
    let mut cut = |dim: Dim, name: &str| {
        let idx = Dim::ALL.iter().position(|d| *d == dim).unwrap_or(0);
        let (r, prior) = rows(ds, frame, dim, &c.by_dim[idx]);
        priors.push(CutPrior {
            cut: name.into(),
            prior,
        });
        r
    };
    let by_rep = cut(Dim::Rep, "rep");
    let by_team = cut(Dim::Team, "team");
    let by_region = cut(Dim::Region, "region");
    let by_source = cut(Dim::Source, "source");
    let by_campaign = cut(Dim::Campaign, "campaign");
    let by_customer_type = cut(Dim::CustomerType, "customer_type");
    let mut by_month = cut(Dim::Month, "month");
    by_month.sort_by(|a, b| a.key.cmp(&b.key));
    let by_customer_type_rep = CustomerType::ALL
        .iter()
        .map(|&ty| {
            let (by_rep, prior) = ranked_rates(
                c.rep_type
                    .iter()
                    .enumerate()
                    .map(|(r, counts)| {
                        let (w, n) = counts[ty.index()];
                        (frame.key_name(ds, Dim::Rep, r as u32), w, n)
                    })
                    .collect(),
            );
            priors.push(CutPrior {
                cut: format!("rep within {}", ty.as_str()),
                prior,
            });
            SegmentRanking {
                customer_type: ty,
                by_rep,
            }
        })
        .collect();
    let p = Proportion::wilson(c.total.0, c.total.1);
    ConversionReport {
        overall: RateRow {
            key: "all".into(),
            leads: p.trials,
            won: p.successes,
            rate: p.rate,
            ci_low: p.ci_low,
            ci_high: p.ci_high,
            shrunk_rate: p.rate,
        },
        by_rep,
        by_team,
        by_region,
        by_source,
        by_campaign,
        by_customer_type,
        by_month,
        by_customer_type_rep,
        priors,
    }
}
