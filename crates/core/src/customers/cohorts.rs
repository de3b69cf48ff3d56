//! Cohorts by first-order month: the share of each cohort buying in each later month, and
//! month-over-month retention and churn of active customers.

use super::{CustomerConfig, CustomerFacts};
use crate::model::Timestamp;
use crate::stats::Proportion;
use serde::Serialize;

#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct Cohort {
    /// First-order month, `YYYY-MM`.
    pub month: String,
    pub customers: usize,
    /// Share of the cohort with an order in month 0, 1, 2 … after its first month, up to the
    /// month before `as_of`.
    pub retention: Vec<f64>,
}

#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct PeriodRetention {
    pub month: String,
    /// Customers active (≥ 1 order) in the previous month.
    pub active_before: u64,
    /// Of those, active again in this month.
    pub retained: u64,
    pub retention: f64,
    pub churn: f64,
    pub ci_low: f64,
    pub ci_high: f64,
}

#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct CohortReport {
    pub cohorts: Vec<Cohort>,
    pub periods: Vec<PeriodRetention>,
}

fn month_label(mi: i64) -> String {
    let (y, m, _) = Timestamp::from_month_index(mi).ymd();
    format!("{y:04}-{m:02}")
}

pub fn cohort_report(facts: &CustomerFacts, _config: &CustomerConfig) -> CohortReport {
    let Some((lo, hi)) = facts.day_span() else {
        return CohortReport {
            cohorts: Vec::new(),
            periods: Vec::new(),
        };
    };
    // Month index per day over the observed range, so each purchase day costs a lookup.
    let month_of: Vec<i64> = (lo..=hi)
        .map(|d| Timestamp::from_days(d).month_index())
        .collect();
    let m0 = month_of.first().copied().unwrap_or(0);
    let months = (month_of.last().copied().unwrap_or(m0) - m0 + 1) as usize;
    let mut size = vec![0usize; months];
    let mut active = vec![vec![0usize; months]; months];
    let mut period_active = vec![0u64; months];
    let mut period_kept = vec![0u64; months];
    // Each customer's months with a purchase as bits, one word per 64 months: a bit set per
    // purchase day without a branch, where listing the distinct months compared every day
    // with the last month listed (a branch the processor mispredicts at each new month).
    let mut bits = vec![0u64; months.div_ceil(64)];
    for i in 0..facts.len() {
        for &d in facts.days(i).0 {
            let m = month_of
                .get((d - lo) as usize)
                .map_or(0, |&m| (m - m0) as usize);
            if let Some(w) = bits.get_mut(m / 64) {
                *w |= 1 << (m % 64);
            }
        }
        let is_set = |m: usize| bits.get(m / 64).is_some_and(|w| w >> (m % 64) & 1 == 1);
        let mut months_bought = bits.iter().enumerate().flat_map(|(k, &w)| {
            let mut w = w;
            std::iter::from_fn(move || {
                let bit = (w != 0).then(|| w.trailing_zeros() as usize)?;
                w &= w - 1;
                Some(k * 64 + bit)
            })
        });
        let Some(first) = months_bought.next() else {
            continue;
        };
        if let Some(s) = size.get_mut(first) {
            *s += 1;
        }
        let row = active
            .get_mut(first)
            .map_or(&mut [][..], |r| r.as_mut_slice());
        for m in std::iter::once(first).chain(months_bought) {
            if let Some(c) = row.get_mut(m - first) {
                *c += 1;
            }
            if let Some(p) = period_active.get_mut(m) {
                *p += 1;
            }
            if is_set(m + 1)
                && let Some(p) = period_kept.get_mut(m + 1)
            {
                *p += 1;
            }
        }
        bits.fill(0);
    }
    let cohorts = (0..months)
        .filter(|&c| size[c] > 0)
        .map(|c| Cohort {
            month: month_label(m0 + c as i64),
            customers: size[c],
            retention: (0..months - c)
                .map(|k| active[c][k] as f64 / size[c] as f64)
                .collect(),
        })
        .collect();
    let periods = (1..months)
        .map(|m| {
            let p = Proportion::wilson(period_kept[m], period_active[m - 1]);
            PeriodRetention {
                month: month_label(m0 + m as i64),
                active_before: period_active[m - 1],
                retained: period_kept[m],
                retention: p.rate,
                churn: 1.0 - p.rate,
                ci_low: p.ci_low,
                ci_high: p.ci_high,
            }
        })
        .collect();
    CohortReport { cohorts, periods }
}
