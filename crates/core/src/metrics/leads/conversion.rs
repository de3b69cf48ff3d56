//! Funnel and conversion: how far leads get, and won ÷ assigned leads per cut, with Wilson
//! intervals and empirical-Bayes shrunk rates for ranking.

use super::frame::{Dim, LeadFrame, NONE};
use super::tally::{FunnelCounts, LeadTally};
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

/// One funnel per slot of `counts` (the furthest rank each lead reached, counted per key of
/// `dim`, the last slot "no value"; one slot, "all", without a dimension), largest first.
fn funnel_rows(
    ds: &Dataset,
    frame: &LeadFrame,
    dim: Option<Dim>,
    counts: &[[u64; 5]],
) -> Vec<KeyedFunnel> {
    let last = counts.len().saturating_sub(1);
    let mut out: Vec<KeyedFunnel> = counts
        .iter()
        .enumerate()
        .map(|(k, c)| {
            // Leads that reached stage s or later: suffix sums of the furthest stage reached.
            let mut c = *c;
            for s in (0..4).rev() {
                c[s] += c[s + 1];
            }
            (k, c)
        })
        .filter(|(_, c)| c[0] > 0)
        .map(|(k, c)| KeyedFunnel {
            key: match dim {
                None => "all".into(),
                Some(d) if k == last => frame.key_name(ds, d, NONE),
                Some(d) => frame.key_name(ds, d, k as u32),
            },
            stages: stages(&c),
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
    funnel_from_counts(ds, frame, &LeadTally::of(frame).funnel)
}

/// The funnel from counts already taken by [`LeadTally::of`].
pub(super) fn funnel_from_counts(
    ds: &Dataset,
    frame: &LeadFrame,
    c: &FunnelCounts,
) -> FunnelReport {
    FunnelReport {
        overall: funnel_rows(ds, frame, None, &[c.overall])
            .pop()
            .map_or_else(|| stages(&[0; 5]), |f| f.stages),
        by_source: funnel_rows(ds, frame, Some(Dim::Source), &c.by_source),
        by_customer_type: funnel_rows(ds, frame, Some(Dim::CustomerType), &c.by_type),
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

/// Counts every cut over the assigned leads (in the one pass of [`LeadTally::of`]).
pub fn conversion_counts(frame: &LeadFrame) -> ConversionCounts {
    LeadTally::of(frame).conversion
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
