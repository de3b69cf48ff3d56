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
        Self::of_counts(frame, &by_combo)
    }

    /// The model of `(won, lost)` counts per combination of factor values of the frame.
    fn of_counts(frame: &LeadFrame, by_combo: &[(u64, u64)]) -> Self {
        let lens = slot_counts(frame);
        let mut counts: Vec<Vec<(u64, u64)>> = lens.iter().map(|&n| vec![(0, 0); n]).collect();
        let (mut won, mut lost) = (0u64, 0u64);
        for (combo, &(w, l)) in frame.combos.iter().zip(by_combo) {
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

/// Test leads sharing one predicted P(win) (given by its [`order_key`]): how many were won
/// and lost.
#[derive(Clone, Copy, Debug)]
struct Group {
    key: i64,
    won: u64,
    lost: u64,
}

/// AUC (Mann–Whitney, ties count ½), Brier score and decile calibration of test leads
/// grouped by predicted P(win). Leads with equal predictions cannot be ranked against each
/// other, so a decile never splits them: each group falls whole in the decile of its middle
/// rank (deciles then differ in size, and one may be empty and left out).
fn evaluate(groups: &mut Vec<Group>) -> (Option<f64>, Option<f64>, Vec<CalibrationRow>) {
    // The same comparisons as `total_cmp` on the probabilities, hence the same order; then
    // equal predictions merged.
    groups.sort_unstable_by_key(|g| g.key);
    groups.dedup_by(|g, kept| {
        let same = g.key == kept.key;
        if same {
            kept.won += g.won;
            kept.lost += g.lost;
        }
        same
    });
    let n: u64 = groups.iter().map(|g| g.won + g.lost).sum();
    if n == 0 {
        return (None, None, Vec::new());
    }
    let p = |g: &Group| from_order_key(g.key);
    let brier = groups
        .iter()
        .map(|g| g.won as f64 * (p(g) - 1.0).powi(2) + g.lost as f64 * p(g).powi(2))
        .sum::<f64>()
        / n as f64;
    let (mut neg_below, mut pos, mut auc_sum) = (0u64, 0u64, 0.0);
    for g in groups.iter() {
        auc_sum += g.won as f64 * (neg_below as f64 + g.lost as f64 / 2.0);
        neg_below += g.lost;
        pos += g.won;
    }
    let auc = (pos > 0 && neg_below > 0).then(|| auc_sum / (pos as f64 * neg_below as f64));
    // Per decile: leads, won, and the sum of their predictions.
    let mut deciles = [(0u64, 0u64, 0.0f64); 10];
    let mut start = 0u64;
    for g in groups.iter() {
        let size = g.won + g.lost;
        // The middle rank start + (size − 1)/2, times ten, over n, in integers.
        let d = ((2 * start + size - 1) * 10 / (2 * n)).min(9) as usize;
        if let Some(dec) = deciles.get_mut(d) {
            dec.0 += size;
            dec.1 += g.won;
            dec.2 += size as f64 * p(g);
        }
        start += size;
    }
    let calibration = deciles
        .iter()
        .enumerate()
        .filter(|(_, d)| d.0 > 0)
        .map(|(d, &(leads, won, sum_p))| CalibrationRow {
            decile: d as u32 + 1,
            leads,
            mean_predicted: sum_p / leads as f64,
            observed: Proportion::wilson(won, leads),
        })
        .collect();
    (auc, Some(brier), calibration)
}

/// The columns the score's passes read (creation, close, won, combination of factor values),
/// cut to the frame's length so that the checks of a pass's index leave its loop.
fn outcome_columns(frame: &LeadFrame) -> (&[i64], &[i64], &[bool], &[u32]) {
    let n = frame.len();
    (
        &frame.created[..n],
        &frame.closed[..n],
        &frame.won[..n],
        &frame.combo[..n],
    )
}

/// Frame leads per block in [`Resolved::per_block`].
const BLOCK: usize = 4096;

/// What one pass over the frame finds of its resolved leads: their `(won, lost)` counts per
/// combination of factor values (the full model's counts), how many fall in each block of
/// [`BLOCK`] consecutive leads, and whether creation times are in order.
struct Resolved {
    by_combo: Vec<(u64, u64)>,
    per_block: Vec<u32>,
    sorted: bool,
}

impl Resolved {
    fn of(frame: &LeadFrame) -> Self {
        let mut by_combo = vec![(0u64, 0u64); frame.combos.len()];
        let mut per_block = vec![0u32; frame.len().div_ceil(BLOCK)];
        let (mut sorted, mut prev) = (true, i64::MIN);
        let (created_c, closed_c, won_c, combo_c) = outcome_columns(frame);
        for i in 0..created_c.len() {
            let created = created_c[i];
            sorted &= created >= prev;
            prev = created;
            if !(won_c[i] || closed_c[i] != NO_TIME) {
                continue;
            }
            if let Some(b) = per_block.get_mut(i / BLOCK) {
                *b += 1;
            }
            if let Some(c) = by_combo.get_mut(combo_c[i] as usize) {
                let w = won_c[i];
                c.0 += w as u64;
                c.1 += (!w) as u64;
            }
        }
        Self {
            by_combo,
            per_block,
            sorted,
        }
    }
}

/// The split time: the 70th percentile of creation times of resolved leads. Leads are
/// usually laid out in order of creation, and then it is the creation of the resolved lead of
/// that rank, found through the resolved counts per block without gathering and selecting
/// the times.
fn split_time(frame: &LeadFrame, r: &Resolved) -> Option<i64> {
    let created = &frame.created;
    if r.sorted {
        let resolved_n: usize = r.per_block.iter().map(|&c| c as usize).sum();
        let mut k = (resolved_n * 7 / 10).min(resolved_n.checked_sub(1)?);
        let (block, _) = r.per_block.iter().enumerate().find(|&(_, &c)| {
            let inside = k < c as usize;
            if !inside {
                k -= c as usize;
            }
            inside
        })?;
        let end = ((block + 1) * BLOCK).min(frame.len());
        return (block * BLOCK..end)
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
    let counted = Resolved::of(frame);
    let model = NaiveBayes::of_counts(frame, &counted.by_combo);
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

    let split = split_time(frame, &counted).unwrap_or(frame.as_of.0);
    // Only outcomes known at the split train the backtest model (no peeking at the future),
    // and it is tested on the resolved leads created from the split: one pass counts both
    // per combination of factor values, the test's last slot for a lead without one.
    let mut train = vec![(0u64, 0u64); frame.combos.len()];
    let mut tested = vec![(0u64, 0u64); frame.combos.len() + 1];
    let last = tested.len() - 1;
    let (created_c, closed_c, won_c, combo_c) = outcome_columns(frame);
    for i in 0..created_c.len() {
        let (created, closed, won) = (created_c[i], closed_c[i], won_c[i]);
        let (t, k) = if created >= split && (won || closed != NO_TIME) {
            (&mut tested, (combo_c[i] as usize).min(last))
        } else if created < split && closed != NO_TIME && closed < split {
            (&mut train, combo_c[i] as usize)
        } else {
            continue;
        };
        if let Some(t) = t.get_mut(k) {
            t.0 += u64::from(won);
            t.1 += u64::from(!won);
        }
    }
    let trained = NaiveBayes::of_counts(frame, &train);
    let p_trained = trained.predict_combos(frame);
    let mut groups: Vec<Group> = tested
        .iter()
        .enumerate()
        .filter(|(_, t)| t.0 + t.1 > 0)
        .map(|(k, &(won, lost))| Group {
            key: order_key(p_trained.get(k).copied().unwrap_or(0.5)),
            won,
            lost,
        })
        .collect();
    let (won_n, lost_n) = tested
        .iter()
        .fold((0u64, 0u64), |a, t| (a.0 + t.0, a.1 + t.1));
    let test_leads = won_n + lost_n;
    let base = (trained.won as f64) / ((trained.won + trained.lost).max(1) as f64);
    let brier_base_rate = (test_leads > 0).then(|| {
        (won_n as f64 * (base - 1.0).powi(2) + lost_n as f64 * base.powi(2)) / test_leads as f64
    });
    let (auc, brier, calibration) = evaluate(&mut groups);
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

    /// The pairs grouped by P(win), as the backtest groups its test leads.
    fn grouped(pairs: &[(f64, bool)]) -> Vec<Group> {
        pairs
            .iter()
            .map(|&(p, y)| Group {
                key: order_key(p),
                won: u64::from(y),
                lost: u64::from(!y),
            })
            .collect()
    }

    #[test]
    fn auc_and_brier_of_known_pairs() {
        // Perfect separation.
        let mut p = grouped(&[(0.9, true), (0.8, true), (0.2, false), (0.1, false)]);
        let (auc, brier, cal) = evaluate(&mut p);
        assert_eq!(auc, Some(1.0));
        assert!((brier.expect("four pairs") - (0.01 + 0.04 + 0.04 + 0.01) / 4.0).abs() < 1e-12);
        assert_eq!(cal.iter().map(|c| c.leads).sum::<u64>(), 4);
        // All tied: ½. One pair reversed out of four: 0.75.
        let mut t = grouped(&[(0.5, true), (0.5, false)]);
        assert_eq!(evaluate(&mut t).0, Some(0.5));
        let mut r = grouped(&[(0.9, true), (0.3, true), (0.4, false), (0.1, false)]);
        assert_eq!(evaluate(&mut r).0, Some(0.75));
        assert_eq!(evaluate(&mut Vec::new()).0, None);
    }

    #[test]
    fn calibration_keeps_ties_in_one_decile() {
        // Twenty leads: ten at 0.2 (four won, ranks 0–9, middle 4.5: decile 3), one at 0.4
        // (rank 10: decile 6), nine at 0.6 (seven won, ranks 11–19, middle 15: decile 8).
        let mut g = vec![
            Group {
                key: order_key(0.6),
                won: 7,
                lost: 2,
            },
            Group {
                key: order_key(0.4),
                won: 0,
                lost: 1,
            },
            Group {
                key: order_key(0.2),
                won: 4,
                lost: 6,
            },
        ];
        let (auc, brier, cal) = evaluate(&mut g);
        let rows: Vec<(u32, u64, u64)> = cal
            .iter()
            .map(|c| (c.decile, c.leads, c.observed.successes))
            .collect();
        assert_eq!(rows, [(3, 10, 4), (6, 1, 0), (8, 9, 7)]);
        assert!((cal[0].mean_predicted - 0.2).abs() < 1e-15);
        assert!((cal[2].mean_predicted - 0.6).abs() < 1e-15);
        // Mann–Whitney: 7 won at 0.6 beat 6 + 1 lost and tie 2; 4 won at 0.2 tie 6.
        let u = 7.0 * (7.0 + 1.0) + 4.0 * 3.0;
        assert_eq!(auc, Some(u / (11.0 * 9.0)));
        let b = (4.0 * 0.64 + 6.0 * 0.04 + 0.16 + 7.0 * 0.16 + 2.0 * 0.36) / 20.0;
        assert!((brier.unwrap_or(0.0) - b).abs() < 1e-12);
    }

    #[test]
    fn split_found_by_blocks_is_the_selected_percentile() {
        use crate::demo::{DemoConfig, Scale, demo_dataset};
        let ds = demo_dataset(&DemoConfig {
            scale: Scale::S,
            seed: 7,
        });
        let frame = LeadFrame::build(&ds, &crate::metrics::MeasureConfig::default().scope(&ds));
        let by_blocks = Resolved::of(&frame);
        assert!(by_blocks.sorted && by_blocks.per_block.len() > 2);
        let selected = Resolved {
            sorted: false,
            ..Resolved::of(&frame)
        };
        let split = split_time(&frame, &by_blocks);
        assert!(split.is_some());
        assert_eq!(split, split_time(&frame, &selected));
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
