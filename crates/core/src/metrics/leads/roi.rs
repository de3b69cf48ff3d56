//! ROI by source, campaign and rep, and campaign effectiveness. Cost = each lead's own cost +
//! its share of its campaign's cost (+ for reps, their monthly cost prorated over the window);
//! ROI = (revenue × margin − cost) ÷ cost.

use super::frame::{Dim, LeadFrame, NONE};
use super::tally::{LeadTally, RoiSums};
use crate::dataset::Dataset;
use crate::metrics::{RateRow, ranked_rates};
use crate::model::{Money, SECS_PER_DAY};
use serde::Serialize;
use std::collections::BTreeMap;

/// Days in an average Gregorian month, for prorating monthly costs.
const DAYS_PER_MONTH: f64 = 365.2425 / 12.0;

#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct RoiRow {
    pub key: String,
    pub leads: u64,
    pub won: u64,
    pub cost: Money,
    pub revenue: Money,
    pub cost_per_lead: Option<Money>,
    pub cost_per_win: Option<Money>,
    /// `None` when the cost is zero.
    pub roi: Option<f64>,
}

#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct RoiReport {
    pub margin: f64,
    pub overall: RoiRow,
    pub by_source: Vec<RoiRow>,
    pub by_campaign: Vec<RoiRow>,
    /// Rep rows include the rep's prorated monthly cost.
    pub by_rep: Vec<RoiRow>,
}

#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct CampaignRow {
    #[serde(flatten)]
    pub conversion: RateRow,
    pub name: Option<String>,
    pub cost: Money,
    pub revenue: Money,
    pub cost_per_win: Option<Money>,
    pub roi: Option<f64>,
}

#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct CampaignReport {
    /// Ranked by shrunk conversion.
    pub campaigns: Vec<CampaignRow>,
    /// Leads from no campaign, for comparison.
    pub no_campaign: Option<RateRow>,
}

#[derive(Clone, Copy, Default)]
pub(super) struct Sums {
    pub(super) leads: u64,
    pub(super) won: u64,
    pub(super) cost: i64,
    pub(super) revenue: i64,
}

fn div_money(total: i64, n: u64) -> Option<Money> {
    (n > 0).then(|| Money((total as f64 / n as f64).round() as i64))
}

fn roi_row(key: String, s: &Sums, extra_cost: i64, margin: f64) -> RoiRow {
    let cost = s.cost + extra_cost;
    RoiRow {
        key,
        leads: s.leads,
        won: s.won,
        cost: Money(cost),
        revenue: Money(s.revenue),
        cost_per_lead: div_money(cost, s.leads),
        cost_per_win: div_money(cost, s.won),
        roi: (cost > 0).then(|| (s.revenue as f64 * margin - cost as f64) / cost as f64),
    }
}

/// A rep's monthly cost prorated over the days of the window they were active.
pub fn prorated_rep_cost(ds: &Dataset, frame: &LeadFrame, rep: u32) -> i64 {
    let Some(r) = frame
        .reps
        .get(rep as usize)
        .and_then(|k| k.row)
        .and_then(|row| ds.reps.get(row))
    else {
        return 0;
    };
    let Some(monthly) = r.monthly_cost else {
        return 0;
    };
    let from = r
        .active_from
        .map_or(frame.start.0, |t| t.0.max(frame.start.0));
    // `active_to` is inclusive of its day.
    let to = r
        .active_to
        .map_or(frame.end.0, |t| t.date().add_days(1).0.min(frame.end.0));
    let days = (to - from).max(0) as f64 / SECS_PER_DAY as f64;
    (monthly.0 as f64 * days / DAYS_PER_MONTH).round() as i64
}

fn rows(
    ds: &Dataset,
    frame: &LeadFrame,
    dim: Dim,
    sums: &[Sums],
    margin: f64,
    extra: impl Fn(u32) -> i64,
) -> Vec<RoiRow> {
    let last = sums.len().saturating_sub(1);
    let mut rows: Vec<RoiRow> = sums
        .iter()
        .enumerate()
        .filter(|(_, s)| s.leads > 0)
        .map(|(k, s)| {
            let key = if k == last { NONE } else { k as u32 };
            let extra = if key == NONE { 0 } else { extra(key) };
            roi_row(frame.key_name(ds, dim, key), s, extra, margin)
        })
        .collect();
    rows.sort_by(|a, b| {
        b.roi
            .unwrap_or(f64::NEG_INFINITY)
            .total_cmp(&a.roi.unwrap_or(f64::NEG_INFINITY))
            .then_with(|| a.key.cmp(&b.key))
    });
    rows
}

/// `campaign_conversion`: `(won, assigned)` per campaign key (last slot: no campaign), as
/// counted for the conversion cut.
pub fn roi(
    ds: &Dataset,
    frame: &LeadFrame,
    margin: f64,
    campaign_conversion: &[(u64, u64)],
) -> (RoiReport, CampaignReport) {
    roi_from_sums(
        ds,
        frame,
        margin,
        campaign_conversion,
        &LeadTally::of(frame).roi,
    )
}

/// [`roi`] from the sums taken by [`LeadTally::of`].
pub(super) fn roi_from_sums(
    ds: &Dataset,
    frame: &LeadFrame,
    margin: f64,
    campaign_conversion: &[(u64, u64)],
    sums: &RoiSums,
) -> (RoiReport, CampaignReport) {
    let (by_source, by_campaign, by_rep) = (&sums.by_source, &sums.by_campaign, &sums.by_rep);
    let total = by_source.iter().fold(Sums::default(), |a, s| Sums {
        leads: a.leads + s.leads,
        won: a.won + s.won,
        cost: a.cost + s.cost,
        revenue: a.revenue + s.revenue,
    });
    let rep_cost: Vec<i64> = (0..frame.reps.len() as u32)
        .map(|r| {
            if by_rep.get(r as usize).is_some_and(|s| s.leads > 0) {
                prorated_rep_cost(ds, frame, r)
            } else {
                0
            }
        })
        .collect();
    let all_rep_cost: i64 = rep_cost.iter().sum();
    let roi = RoiReport {
        margin,
        overall: roi_row("all".into(), &total, all_rep_cost, margin),
        by_source: rows(ds, frame, Dim::Source, by_source, margin, |_| 0),
        by_campaign: rows(ds, frame, Dim::Campaign, by_campaign, margin, |_| 0),
        by_rep: rows(ds, frame, Dim::Rep, by_rep, margin, |r| {
            rep_cost.get(r as usize).copied().unwrap_or(0)
        }),
    };

    // Campaign effectiveness: conversion over assigned leads, money over all leads.
    let last = by_campaign.len().saturating_sub(1);
    let conv = campaign_conversion;
    let keys: Vec<String> = (0..last)
        .map(|k| frame.key_name(ds, Dim::Campaign, k as u32))
        .collect();
    let index: BTreeMap<&str, usize> = keys
        .iter()
        .enumerate()
        .map(|(k, s)| (s.as_str(), k))
        .collect();
    let (ranked, _) = ranked_rates(
        keys.iter()
            .enumerate()
            .map(|(k, key)| {
                let (w, n) = conv.get(k).copied().unwrap_or((0, 0));
                (key.clone(), w, n)
            })
            .collect(),
    );
    let campaigns = ranked
        .into_iter()
        .filter_map(|row| {
            let k = *index.get(row.key.as_str())?;
            let s = by_campaign[k];
            let money = roi_row(String::new(), &s, 0, margin);
            let name = frame.campaigns[k]
                .1
                .and_then(|r| ds.campaigns.get(r))
                .and_then(|c| c.name)
                .map(|n| ds.name(n).to_owned());
            Some(CampaignRow {
                conversion: row,
                name,
                cost: money.cost,
                revenue: money.revenue,
                cost_per_win: money.cost_per_win,
                roi: money.roi,
            })
        })
        .collect();
    let none = conv.get(last).copied().unwrap_or((0, 0));
    let no_campaign = ranked_rates(vec![("(none)".into(), none.0, none.1)])
        .0
        .pop();
    (
        roi,
        CampaignReport {
            campaigns,
            no_campaign,
        },
    )
}
