//! Sales cycle (won − created, in whole days rounded up) as a Kaplan–Meier curve over the
//! assigned leads that were won or are still open: open leads are censored at as-of; lost
//! leads never have a cycle and are left out (the choice and its alternative are discussed in
//! `docs/measures.md`).

use super::frame::LeadFrame;
use super::tally::{CycleCounts, LeadTally};
use crate::model::{CustomerType, SECS_PER_DAY};
use crate::stats::km::{KaplanMeier, KmPoint};
use serde::Serialize;

#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct CycleSummary {
    pub key: String,
    pub leads: u64,
    pub won: u64,
    pub median_days: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    /// Median over won leads only (descriptive: ignores the leads still open).
    pub median_days_won_only: Option<f64>,
}

#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct SalesCycleReport {
    pub overall: CycleSummary,
    pub curve: Vec<KmPoint>,
    pub by_customer_type: Vec<CycleSummary>,
}

/// Events and censorings per whole day for one group.
#[derive(Default)]
pub(super) struct DayCounts {
    events: Vec<u64>,
    censored: Vec<u64>,
}

impl DayCounts {
    pub(super) fn add(&mut self, day: usize, event: bool) {
        if day >= self.events.len() {
            self.events.resize(day + 1, 0);
            self.censored.resize(day + 1, 0);
        }
        if event {
            self.events[day] += 1;
        } else {
            self.censored[day] += 1;
        }
    }

    fn fit(&self) -> KaplanMeier {
        let grouped: Vec<(f64, u64, u64)> = self
            .events
            .iter()
            .zip(&self.censored)
            .enumerate()
            .filter(|(_, (e, c))| **e + **c > 0)
            .map(|(d, (&e, &c))| (d as f64, e, c))
            .collect();
        KaplanMeier::from_grouped(&grouped)
    }

    /// Median day of the events alone.
    fn median_event(&self) -> Option<f64> {
        let total: u64 = self.events.iter().sum();
        if total == 0 {
            return None;
        }
        // The type-7 median of the event days from the histogram.
        let at = |rank: u64| {
            let mut acc = 0;
            self.events
                .iter()
                .position(|&e| {
                    acc += e;
                    acc > rank
                })
                .unwrap_or(0) as f64
        };
        let h = (total - 1) as f64 / 2.0;
        let lo = at(h.floor() as u64);
        let hi = at(h.ceil() as u64);
        Some((lo + hi) / 2.0)
    }
}

fn summary(key: String, d: &DayCounts) -> (CycleSummary, KaplanMeier) {
    let km = d.fit();
    (
        CycleSummary {
            key,
            leads: km.n,
            won: km.events,
            median_days: km.median,
            ci_low: km.median_ci_low,
            ci_high: km.median_ci_high,
            median_days_won_only: d.median_event(),
        },
        km,
    )
}

/// Longest cycle kept apart; longer ones share its bin (bounds the histograms on bad dates).
const MAX_DAYS: i64 = 36_600;

/// Days from creation to an end time, rounded up, never negative. Always inlined: it runs
/// for most leads, and WebAssembly built for size would call it.
#[inline(always)]
pub(super) fn days(created: i64, end: i64) -> usize {
    let secs = end.saturating_sub(created).max(0);
    (secs.div_euclid(SECS_PER_DAY) + (secs % SECS_PER_DAY != 0) as i64).min(MAX_DAYS) as usize
}

pub fn sales_cycle(frame: &LeadFrame) -> SalesCycleReport {
    sales_cycle_from_counts(&LeadTally::of(frame).cycle)
}

/// The report from the day counts taken by [`LeadTally::of`]: only assigned leads are in a
/// sales process (pool leads would sit in the risk set for ever and stretch the curve).
pub(super) fn sales_cycle_from_counts(c: &CycleCounts) -> SalesCycleReport {
    let (overall, km) = summary("all".into(), &c.all);
    SalesCycleReport {
        overall,
        curve: km.points,
        by_customer_type: CustomerType::ALL
            .iter()
            .zip(&c.by_type)
            .filter(|(_, d)| !d.events.is_empty())
            .map(|(t, d)| summary(t.as_str().into(), d).0)
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn whole_days_round_up() {
        assert_eq!(days(0, 0), 0);
        assert_eq!(days(0, 1), 1);
        assert_eq!(days(0, SECS_PER_DAY), 1);
        assert_eq!(days(0, SECS_PER_DAY + 1), 2);
        assert_eq!(days(10, 0), 0);
    }

    #[test]
    fn event_median_from_histogram() {
        let mut d = DayCounts::default();
        for (day, ev) in [(3, true), (5, true), (9, true), (10, true), (2, false)] {
            d.add(day, ev);
        }
        assert_eq!(d.median_event(), Some(7.0));
        assert_eq!(DayCounts::default().median_event(), None);
    }
}
