//! Lead scoring: a transparent naive Bayes model of P(win) over a lead's source, region,
//! customer type and campaign, with Laplace smoothing, its per-factor likelihood ratios, a
//! calibration table and a time-split backtest (AUC, Brier score).
//!
//! The model learns from resolved leads (won or lost by as-of): open leads have no label yet.
//! Each factor value v gets the likelihood ratio LR(v) = P(v | won) / P(v | lost), with
//! P(v | class) = (count + 1) / (class total + number of values); P(win) is the logistic of
//! ln(prior odds) + Σ ln LR over the lead's values.

use crate::dataset::Dataset;
use crate::metrics::leads::frame::{Dim, LeadFrame, NO_TIME, NO_TYPE, NONE};
use crate::model::Timestamp;
use crate::stats::Proportion;
use serde::Serialize;

/// The factors the model uses, in order.
pub const FACTORS: [Dim; 4] = [Dim::Source, Dim::Region, Dim::CustomerType, Dim::Campaign];

fn factor_name(d: Dim) -> &'static str {
    match d {
        Dim::Source => "source",
        Dim::Region => "region",
        Dim::CustomerType => "customer_type",
        Dim::Campaign => "campaign",
        Dim::Rep => "rep",
        Dim::Team => "team",
        Dim::Month => "month",
    }
}

/// A fitted model. Factor tables are indexed by the frame's dense keys, the last slot being
/// "no value".
#[derive(Clone, PartialEq, Debug)]
pub struct NaiveBayes {
    pub won: u64,
    pub lost: u64,
    pub log_prior_odds: f64,
    /// Per factor, per key slot: `(won, lost)` counts.
    pub counts: Vec<Vec<(u64, u64)>>,
    /// Per factor, per key slot: ln LR.
    pub log_lr: Vec<Vec<f64>>,
}

/// Whether frame lead `i` has an outcome. Always inlined: it runs several times for every
/// lead, and WebAssembly built for size would otherwise call it.
#[inline(always)]
fn resolved(frame: &LeadFrame, i: usize) -> bool {
    frame.won[i] || frame.closed[i] != NO_TIME
}

/// The slots of a combination of factor values (the frame's keys, in [`FACTORS`] order), in
/// tables of `lens` slots each (a missing value takes the last slot).
#[inline]
fn slots(combo: &[u32; 4], lens: &[usize; 4]) -> [usize; 4] {
    let at = |k: u32, n: usize| match k {
        NONE => n - 1,
        k => (k as usize).min(n - 1),
    };
    let ty = match combo[2] {
        t if t == u32::from(NO_TYPE) => lens[2] - 1,
        t => (t as usize).min(lens[2] - 1),
    };
    [
        at(combo[0], lens[0]),
        at(combo[1], lens[1]),
        ty,
        at(combo[3], lens[3]),
    ]
}

/// Table sizes of the factors: one slot per key plus "no value".
fn slot_counts(frame: &LeadFrame) -> [usize; 4] {
    FACTORS.map(|d| frame.key_count(d) + 1)
}

impl NaiveBayes {
    /// Fits on the resolved leads of the frame for which `train(i)` holds: counts per
    /// combination of factor values (one pass over the leads), then per factor value.
    pub fn fit(frame: &LeadFrame, train: impl Fn(usize) -> bool) -> Self {
        let lens = slot_counts(frame);
        let mut by_combo = vec![(0u64, 0u64); frame.combos.len()];
        for (i, &k) in frame.combo.iter().enumerate() {
            if !resolved(frame, i) || !train(i) {
                continue;
            }
            if let Some(c) = by_combo.get_mut(k as usize) {
                let w = frame.won[i];
                c.0 += w as u64;
                c.1 += (!w) as u64;
            }
        }
        let mut counts: Vec<Vec<(u64, u64)>> = lens.iter().map(|&n| vec![(0, 0); n]).collect();
        let (mut won, mut lost) = (0u64, 0u64);
        for (combo, &(w, l)) in frame.combos.iter().zip(&by_combo) {
            won += w;
            lost += l;
            for (c, k) in counts.iter_mut().zip(slots(combo, &lens)) {
                if let Some(e) = c.get_mut(k) {
                    e.0 += w;
                    e.1 += l;
                }
            }
        }
        let log_lr = counts
            .iter()
            .map(|c| {
                let v = c.len() as f64;
                c.iter()
                    .map(|&(w, l)| {
                        ((w as f64 + 1.0) / (won as f64 + v)).ln()
                            - ((l as f64 + 1.0) / (lost as f64 + v)).ln()
                    })
                    .collect()
            })
            .collect();
        Self {
            won,
            lost,
            log_prior_odds: ((won as f64 + 1.0) / (lost as f64 + 1.0)).ln(),
            counts,
            log_lr,
        }
    }

    /// The log-odds of winning a lead with a combination of factor values: the prior's plus
    /// each factor's log likelihood ratio.
    fn log_odds(&self, combo: &[u32; 4]) -> f64 {
        // The fitted tables have one slot per key plus "no value", as `slot_counts` gave.
        let lens: [usize; 4] = std::array::from_fn(|k| self.log_lr.get(k).map_or(1, Vec::len));
        let mut z = self.log_prior_odds;
        for (t, k) in self.log_lr.iter().zip(slots(combo, &lens)) {
            z += t.get(k).copied().unwrap_or(0.0);
        }
        z
    }

    /// P(win) of each combination of factor values of the frame (a naive Bayes score depends
    /// on nothing else, and there are few combinations among many leads).
    fn predict_combos(&self, frame: &LeadFrame) -> Vec<f64> {
        frame
            .combos
            .iter()
            .map(|c| logistic(self.log_odds(c)))
            .collect()
    }

    /// P(win) of frame lead `i`.
    pub fn predict(&self, frame: &LeadFrame, i: usize) -> f64 {
        let combo = frame
            .combo
            .get(i)
            .and_then(|&k| frame.combos.get(k as usize));
        logistic(combo.map_or(self.log_prior_odds, |c| self.log_odds(c)))
    }
}

fn logistic(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// One factor value's evidence.
#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct FactorRow {
    pub factor: &'static str,
    pub value: String,
    pub won: u64,
    pub lost: u64,
    pub likelihood_ratio: f64,
}

/// Predicted against observed in one decile of predicted P(win).
#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct CalibrationRow {
    pub decile: u32,
    pub leads: u64,
    pub mean_predicted: f64,
    pub observed: Proportion,
}

#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct Backtest {
    /// Trained on leads resolved before this time, tested on leads created from it.
    #[serde(serialize_with = "crate::metrics::serialize_date")]
    pub split_at: Timestamp,
    pub train_leads: u64,
    pub test_leads: u64,
    /// Area under the ROC curve (0.5 = no better than chance).
    pub auc: Option<f64>,
    pub brier: Option<f64>,
    /// Brier score of predicting the training base rate for everyone.
    pub brier_base_rate: Option<f64>,
    /// Calibration on the test leads.
    pub calibration: Vec<CalibrationRow>,
}

#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct ScoreReport {
    pub model: &'static str,
    pub factors_used: Vec<&'static str>,
    pub training_leads: u64,
    pub base_rate: f64,
    /// Per factor, values by likelihood ratio (highest first).
    pub factors: Vec<FactorRow>,
    pub backtest: Backtest,
}

/// `p` as an integer that orders as [`f64::total_cmp`] orders `p` (the transform it makes),
/// so that a sort compares integers; its own inverse.
fn order_key(p: f64) -> i64 {
    let k = p.to_bits() as i64;
    k ^ (((k >> 63) as u64) >> 1) as i64
}

fn from_order_key(k: i64) -> f64 {
    f64::from_bits((k ^ (((k >> 63) as u64) >> 1) as i64) as u64)
}

/// AUC (Mann–Whitney, ties count ½), Brier score and decile calibration of `(p, won)` pairs,
/// each `p` given by its [`order_key`].
fn evaluate(keyed: &mut [(i64, bool)]) -> (Option<f64>, Option<f64>, Vec<CalibrationRow>) {
    if keyed.is_empty() {
        return (None, None, Vec::new());
    }
    // The same comparisons as `total_cmp` on the probabilities, hence the same order.
    keyed.sort_unstable_by_key(|a| a.0);
    let pairs: Vec<(f64, bool)> = keyed.iter().map(|&(k, y)| (from_order_key(k), y)).collect();
    let n = pairs.len();
    let brier = pairs
        .iter()
        .map(|&(p, y)| (p - y as u8 as f64).powi(2))
        .sum::<f64>()
        / n as f64;
    let (mut neg_below, mut pos, mut auc_sum) = (0u64, 0u64, 0.0);
    let mut i = 0;
    while i < n {
        let mut j = i;
        let (mut gp, mut gn) = (0u64, 0u64);
        while j < n && pairs[j].0 == pairs[i].0 {
            if pairs[j].1 {
                gp += 1
            } else {
                gn += 1
            }
            j += 1;
        }
        auc_sum += gp as f64 * (neg_below as f64 + gn as f64 / 2.0);
        neg_below += gn;
        pos += gp;
        i = j;
    }
    let auc = (pos > 0 && neg_below > 0).then(|| auc_sum / (pos as f64 * neg_below as f64));
    let calibration = (0..10)
        .filter_map(|d| {
            let (a, b) = (d * n / 10, (d + 1) * n / 10);
            let part = pairs.get(a..b).filter(|p| !p.is_empty())?;
            let won = part.iter().filter(|p| p.1).count() as u64;
            Some(CalibrationRow {
                decile: d as u32 + 1,
                leads: part.len() as u64,
                mean_predicted: part.iter().map(|p| p.0).sum::<f64>() / part.len() as f64,
                observed: Proportion::wilson(won, part.len() as u64),
            })
        })
        .collect();
    (auc, Some(brier), calibration)
}

/// The split time: the 70th percentile of creation times of resolved leads. Leads are
/// usually laid out in order of creation, and then it is the creation of the resolved lead of
/// that rank, found without gathering and selecting the times.
fn split_time(frame: &LeadFrame) -> Option<i64> {
    let created = &frame.created;
    if created.windows(2).all(|w| w[0] <= w[1]) {
        let resolved_n = (0..frame.len()).filter(|&i| resolved(frame, i)).count();
        if resolved_n == 0 {
            return None;
        }
        let k = (resolved_n * 7 / 10).min(resolved_n - 1);
        return (0..frame.len())
            .filter(|&i| resolved(frame, i))
            .nth(k)
            .and_then(|i| created.get(i).copied());
    }
    let mut t: Vec<i64> = (0..frame.len())
        .filter(|&i| resolved(frame, i))
        .map(|i| frame.created[i])
        .collect();
    if t.is_empty() {
        return None;
    }
    let k = (t.len() * 7 / 10).min(t.len() - 1);
    let (_, x, _) = t.select_nth_unstable(k);
    Some(*x)
}

/// Fits the model on every resolved lead of the frame, reports it with a backtest, and
/// returns P(win) for each combination of factor values of the frame (`frame.combos`; a
/// lead's is that of its `frame.combo`).
pub fn score(ds: &Dataset, frame: &LeadFrame) -> (ScoreReport, Vec<f64>) {
    let model = NaiveBayes::fit(frame, |_| true);
    let p_win = model.predict_combos(frame);
    let mut factors = Vec::new();
    for ((d, c), lr) in FACTORS.iter().zip(&model.counts).zip(&model.log_lr) {
        let last = c.len() - 1;
        let mut rows: Vec<FactorRow> = c
            .iter()
            .zip(lr)
            .enumerate()
            .filter(|(_, (c, _))| c.0 + c.1 > 0)
            .map(|(k, (&(w, l), &lr))| FactorRow {
                factor: factor_name(*d),
                value: frame.key_name(ds, *d, if k == last { NONE } else { k as u32 }),
                won: w,
                lost: l,
                likelihood_ratio: lr.exp(),
            })
            .collect();
        rows.sort_by(|a, b| b.likelihood_ratio.total_cmp(&a.likelihood_ratio));
        factors.extend(rows);
    }

    let split = split_time(frame).unwrap_or(frame.as_of.0);
    // Only outcomes known at the split train the backtest model: no peeking at the future.
    let trained = NaiveBayes::fit(frame, |i| {
        frame.closed[i] != NO_TIME && frame.closed[i] < split && frame.created[i] < split
    });
    let p_trained = trained.predict_combos(frame);
    let mut pairs: Vec<(i64, bool)> = (0..frame.len())
        .filter(|&i| frame.created[i] >= split && resolved(frame, i))
        .map(|i| {
            let p = p_trained.get(frame.combo[i] as usize).copied();
            (order_key(p.unwrap_or(0.5)), frame.won[i])
        })
        .collect();
    let base = (trained.won as f64) / ((trained.won + trained.lost).max(1) as f64);
    let brier_base_rate = (!pairs.is_empty()).then(|| {
        pairs
            .iter()
            .map(|&(_, y)| (base - y as u8 as f64).powi(2))
            .sum::<f64>()
            / pairs.len() as f64
    });
    let test_leads = pairs.len() as u64;
    let (auc, brier, calibration) = evaluate(&mut pairs);
    let resolved_n = model.won + model.lost;
    (
        ScoreReport {
            model: "naive_bayes",
            factors_used: FACTORS.iter().map(|d| factor_name(*d)).collect(),
            training_leads: resolved_n,
            base_rate: model.won as f64 / resolved_n.max(1) as f64,
            factors,
            backtest: Backtest {
                split_at: Timestamp(split),
                train_leads: trained.won + trained.lost,
                test_leads,
                auc,
                brier,
                brier_base_rate,
                calibration,
            },
        },
        p_win,
    )
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn auc_and_brier_of_known_pairs() {
        // Perfect separation.
        let keyed = |pairs: &[(f64, bool)]| -> Vec<(i64, bool)> {
            pairs.iter().map(|&(p, y)| (order_key(p), y)).collect()
        };
        let mut p = keyed(&[(0.9, true), (0.8, true), (0.2, false), (0.1, false)]);
        let (auc, brier, cal) = evaluate(&mut p);
        assert_eq!(auc, Some(1.0));
        assert!((brier.expect("four pairs") - (0.01 + 0.04 + 0.04 + 0.01) / 4.0).abs() < 1e-12);
        assert_eq!(cal.iter().map(|c| c.leads).sum::<u64>(), 4);
        // All tied: ½. One pair reversed out of four: 0.75.
        let mut t = keyed(&[(0.5, true), (0.5, false)]);
        assert_eq!(evaluate(&mut t).0, Some(0.5));
        let mut r = keyed(&[(0.9, true), (0.3, true), (0.4, false), (0.1, false)]);
        assert_eq!(evaluate(&mut r).0, Some(0.75));
        assert_eq!(evaluate(&mut []).0, None);
    }

    #[test]
    fn order_keys_order_as_total_cmp_and_invert() {
        let xs = [
            -1.5,
            -0.0,
            0.0,
            1e-300,
            0.25,
            0.5,
            1.0,
            f64::INFINITY,
            f64::NAN,
        ];
        for a in xs {
            assert_eq!(from_order_key(order_key(a)).to_bits(), a.to_bits());
            for b in xs {
                assert_eq!(order_key(a).cmp(&order_key(b)), a.total_cmp(&b), "{a} {b}");
            }
        }
    }
}
