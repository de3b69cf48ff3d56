//! A synthetic lead stream with the history's mix, for scenarios that should not hinge on the
//! exact leads that happened to arrive. Each run draws its own stream: the number of leads of
//! each day is Poisson with the history's mean for that day's month and weekday, and each lead
//! copies a lead of the same month drawn at random (its region, customer type, source,
//! campaign, estimate, cost, customer and time of day). Seasonality, weekly rhythm and mix are
//! kept; which leads arrive, and how many, vary from run to run. Every strategy of a run sees
//! the same stream (the draws depend on the seed and run only), so comparisons stay paired.

use super::history::{History, SimLead};
use super::run::uniform;
use crate::model::Timestamp;
use crate::stats::normal;

/// Namespaces of the common random numbers, far from lead indices and from the coefficient
/// draws of `OutcomeModel::perturbed` (which count down from `usize::MAX`).
const DAY_DRAWS: usize = usize::MAX / 2;
const PICK_DRAWS: usize = usize::MAX / 4;

/// A Poisson draw with mean `lambda` from one uniform: inversion of the distribution function
/// below a mean of 30, the normal approximation (continuity-corrected) above.
pub fn poisson(lambda: f64, u: f64) -> usize {
    if lambda.is_nan() || lambda <= 0.0 || lambda.is_infinite() {
        return 0;
    }
    if lambda >= 30.0 {
        let x = lambda + lambda.sqrt() * normal::inverse_cdf(u) + 0.5;
        return x.max(0.0) as usize;
    }
    let mut p = (-lambda).exp();
    let mut cdf = p;
    let mut k = 0usize;
    while u > cdf && k < 200 {
        k += 1;
        p *= lambda / k as f64;
        cdf += p;
    }
    k
}

/// The stream of run `run`, sorted by creation time, over the days of the history.
pub fn synthetic_leads(hist: &History, seed: u64, run: u32) -> Vec<SimLead> {
    let past: Vec<&SimLead> = hist
        .leads
        .iter()
        .filter(|l| l.created < hist.horizon)
        .collect();
    let (Some(first), Some(last)) = (past.first(), past.last()) else {
        return Vec::new();
    };
    let (first_day, last_day) = (first.created.day(), last.created.day());
    let first_month = first.created.month_index();
    let months = (last.created.month_index() - first_month + 1).max(1) as usize;
    // Leads and days per (month, weekday); the leads of each month (contiguous: sorted).
    let mut leads_mw = vec![[0usize; 7]; months];
    let mut days_mw = vec![[0usize; 7]; months];
    let mut month_range = vec![(usize::MAX, 0usize); months];
    let slot = |t: Timestamp| (t.month_index() - first_month) as usize;
    for (i, l) in past.iter().enumerate() {
        let m = slot(l.created);
        if let Some(c) = leads_mw.get_mut(m) {
            c[l.created.weekday() as usize] += 1;
        }
        if let Some(r) = month_range.get_mut(m) {
            r.0 = r.0.min(i);
            r.1 = r.1.max(i + 1);
        }
    }
    for d in first_day..=last_day {
        let t = Timestamp::from_days(d);
        if let Some(c) = days_mw.get_mut(slot(t)) {
            c[t.weekday() as usize] += 1;
        }
    }
    let mut out = Vec::with_capacity(past.len());
    let mut pick = 0usize;
    for d in first_day..=last_day {
        let start = Timestamp::from_days(d);
        let m = slot(start);
        let w = start.weekday() as usize;
        let (Some(lm), Some(dm), Some(&(lo, hi))) =
            (leads_mw.get(m), days_mw.get(m), month_range.get(m))
        else {
            continue;
        };
        if hi <= lo || dm[w] == 0 {
            continue;
        }
        let lambda = lm[w] as f64 / dm[w] as f64;
        let n = poisson(
            lambda,
            uniform(seed, run, DAY_DRAWS + (d - first_day) as usize, 0, 10),
        );
        for _ in 0..n {
            let u = uniform(seed, run, PICK_DRAWS + pick, 0, 11);
            pick += 1;
            let k = lo + ((u * (hi - lo) as f64) as usize).min(hi - lo - 1);
            let Some(donor) = past.get(k) else {
                continue;
            };
            let time_of_day = donor.created.0 - donor.created.date().0;
            let mut lead = (*donor).clone();
            lead.created = Timestamp(start.0 + time_of_day);
            out.push(lead);
        }
    }
    out.sort_by_key(|l| l.created);
    out
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn poisson_draws_have_the_right_mean_and_spread() {
        for lambda in [0.5, 4.0, 25.0, 120.0] {
            let n = 20_000;
            let xs: Vec<f64> = (0..n)
                .map(|i| poisson(lambda, uniform(3, 0, i, 0, 0)) as f64)
                .collect();
            let mean = xs.iter().sum::<f64>() / n as f64;
            let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
            // Poisson: variance = mean. Standard error of the mean is sqrt(λ / n).
            assert!(
                (mean - lambda).abs() < 4.0 * (lambda / n as f64).sqrt() + 0.01,
                "{lambda}: {mean}"
            );
            assert!((var / lambda - 1.0).abs() < 0.08, "{lambda}: {var}");
        }
        assert_eq!(poisson(0.0, 0.5), 0);
        assert_eq!(poisson(f64::NAN, 0.5), 0);
        assert_eq!(poisson(2.0, 0.01), 0);
    }
}
