//! Lead-allocation measures (SPEC §3): funnel, conversion, response time, sales cycle, ROI,
//! campaigns, satisfaction, workload and fairness, and the lead score, gathered in one
//! [`LeadReport`] computed from one [`LeadFrame`] of the leads in scope, itself a filter over
//! the [`LeadColumns`] laid out once per dataset.

pub mod columns;
pub mod conversion;
pub mod cycle;
pub mod frame;
pub mod response;
pub mod roi;
pub mod satisfaction;
mod tally;
pub mod workload;

pub use columns::LeadColumns;
pub use frame::{Dim, FrameColumns, LeadFrame};

use crate::dataset::Dataset;
use crate::metrics::Scope;
use crate::score::{ScoreReport, score};
use serde::Serialize;

/// Every lead measure; the JSON keys are those of SPEC §7.
#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct LeadReport {
    pub funnel: conversion::FunnelReport,
    pub conversion: conversion::ConversionReport,
    pub response_time: response::ResponseReport,
    pub sales_cycle: cycle::SalesCycleReport,
    pub roi: roi::RoiReport,
    pub campaigns: roi::CampaignReport,
    pub satisfaction: satisfaction::SatisfactionReport,
    pub workload: workload::WorkloadReport,
    pub score: ScoreReport,
}

/// Computes every lead measure under one scope, laying the leads out first (see
/// [`lead_report_of`] for data measured more than once).
pub fn lead_report(ds: &Dataset, scope: &Scope) -> LeadReport {
    lead_report_of(ds, &LeadColumns::build(ds), scope)
}

/// Computes every lead measure under one scope from the leads of `ds` laid out as `columns`.
pub fn lead_report_of(ds: &Dataset, columns: &LeadColumns, scope: &Scope) -> LeadReport {
    let frame = LeadFrame::of(ds, columns, scope);
    let tally = tally::LeadTally::of(&frame);
    let counts = &tally.conversion;
    let rep_counts = dim_counts(counts, Dim::Rep);
    let campaign_counts = dim_counts(counts, Dim::Campaign);
    let (roi, campaigns) =
        roi::roi_from_sums(ds, &frame, scope.margin, campaign_counts, &tally.roi);
    let (score, p_win) = score(ds, &frame);
    LeadReport {
        funnel: conversion::funnel_from_counts(ds, &frame, &tally.funnel),
        conversion: conversion::conversion_from_counts(ds, &frame, counts),
        response_time: response::response_time(ds, &frame, scope.sla_hours, rep_counts),
        sales_cycle: cycle::sales_cycle_from_counts(&tally.cycle),
        roi,
        campaigns,
        satisfaction: satisfaction::satisfaction(ds, &frame, scope),
        workload: workload::workload(ds, &frame, scope, &p_win),
        score,
    }
}

fn dim_counts(c: &conversion::ConversionCounts, d: Dim) -> &[(u64, u64)] {
    Dim::ALL
        .iter()
        .position(|x| *x == d)
        .and_then(|i| c.by_dim.get(i))
        .map_or(&[], |v| v.as_slice())
}

#[cfg(test)]
mod tests;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod proptests;
