//! Workload and fairness: leads per rep per active week against capacity, average open load,
//! and the Gini coefficient of lead counts and of expected lead value (est_value × P(win)).

use super::frame::{Dim, LeadFrame, NONE};
use crate::dataset::Dataset;
use crate::metrics::Scope;
use crate::model::{Money, SECS_PER_DAY};
use crate::stats::gini;
use serde::Serialize;

#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct WorkloadRow {
    pub key: String,
    pub leads: u64,
    /// Weeks of the window the rep was active.
    pub active_weeks: f64,
    pub leads_per_week: Option<f64>,
    /// Maximum open leads.
    pub capacity: Option<u32>,
    /// Average open leads over the active days of the window.
    pub mean_open: Option<f64>,
    /// `mean_open ÷ capacity`.
    pub utilisation: Option<f64>,
    /// Σ est_value × P(win) of the rep's leads.
    pub expected_value: Money,
}

#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct WorkloadReport {
    /// Reps active in the window (or holding leads in it).
    pub reps: u64,
    pub gini_leads: Option<f64>,
    pub gini_expected_value: Option<f64>,
    /// Ranked by utilisation, highest first.
    pub by_rep: Vec<WorkloadRow>,
}

/// `p_win`: the lead score's P(win) per combination of factor values (`frame.combos`). Reps
/// count when they hold leads in scope,
/// or are active in the window and pass the team and region filters.
pub fn workload(ds: &Dataset, frame: &LeadFrame, scope: &Scope, p_win: &[f64]) -> WorkloadReport {
    let n = frame.reps.len();
    let mut leads = vec![0u64; n];
    let mut value = vec![0f64; n];
    for i in 0..frame.len() {
        let r = frame.rep[i];
        if r == NONE {
            continue;
        }
        leads[r as usize] += 1;
        let p = p_win.get(frame.combo[i] as usize).copied().unwrap_or(0.0);
        value[r as usize] += frame.est_value[i] as f64 * p;
    }
    let (w0, w1) = (frame.start.0, frame.end.0.max(frame.start.0));
    let mut rows = Vec::new();
    for r in 0..n {
        let rep = frame.reps[r].row.and_then(|row| ds.reps.get(row));
        let from = rep.and_then(|x| x.active_from).map_or(w0, |t| t.0.max(w0));
        let to = rep
            .and_then(|x| x.active_to)
            .map_or(w1, |t| t.date().add_days(1).0.min(w1));
        let days = (to - from).max(0) / SECS_PER_DAY;
        let in_scope =
            rep.is_some_and(|x| scope.keeps_rep(Some(x)) && scope.regions.keeps(x.region));
        if leads[r] == 0 && (days == 0 || !in_scope) {
            continue;
        }
        let weeks = days as f64 / 7.0;
        let capacity = rep.and_then(|x| x.capacity);
        let first_day = from.div_euclid(SECS_PER_DAY);
        let mean_open = (days > 0).then(|| {
            let total: i64 = (0..days)
                .step_by(frame.grid_unit_days.max(1) as usize)
                .map(|d| {
                    frame.open_at(r as u32, first_day + d) as i64
                        * frame.grid_unit_days.min(days - d)
                })
                .sum();
            total as f64 / days as f64
        });
        rows.push(WorkloadRow {
            key: frame.key_name(ds, Dim::Rep, r as u32),
            leads: leads[r],
            active_weeks: weeks,
            leads_per_week: (weeks > 0.0).then(|| leads[r] as f64 / weeks),
            capacity,
            mean_open,
            utilisation: mean_open
                .zip(capacity.filter(|&c| c > 0))
                .map(|(m, c)| m / c as f64),
            expected_value: Money(value[r].round() as i64),
        });
    }
    let counts: Vec<f64> = rows.iter().map(|r| r.leads as f64).collect();
    let values: Vec<f64> = rows.iter().map(|r| r.expected_value.0 as f64).collect();
    rows.sort_by(|a, b| {
        b.utilisation
            .unwrap_or(f64::NEG_INFINITY)
            .total_cmp(&a.utilisation.unwrap_or(f64::NEG_INFINITY))
            .then_with(|| a.key.cmp(&b.key))
    });
    WorkloadReport {
        reps: rows.len() as u64,
        gini_leads: gini(&counts),
        gini_expected_value: gini(&values),
        by_rep: rows,
    }
}
