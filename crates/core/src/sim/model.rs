//! The outcome model the simulator draws from, estimated from a dataset: P(win | rep, segment,
//! source, campaign, response delay, reassignment) as a logistic model with hierarchical
//! shrinkage, response delay per rep and load as a censored log-normal, deal value per
//! segment, and the timing of wins and losses. See `docs/simulation.md`.

use super::history::{History, SimLead, SpellEnd, spells};
use super::uptake::{Uptake, UptakeBin};
use crate::assign::Roster;
use crate::assign::ValueTable;
use crate::dataset::Dataset;
use crate::model::CustomerType;
use crate::stats::normal;
use serde::{Deserialize, Serialize};

/// Segments: the four customer types, then "unknown".
pub const SEGMENTS: usize = 5;

pub fn segment(ty: Option<CustomerType>) -> usize {
    ty.map_or(4, |t| t.index())
}

/// Whose hands a lead is in, as far as its odds go.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reassign {
    /// The first owner.
    First,
    /// Handed on after a no-follow-up reclaim (still fresh).
    AfterNoFollowUp,
    /// Handed on after a no-deal reclaim (a stale deal).
    AfterNoDeal,
}

/// What the simulator needs to know about outcomes. The fitted [`OutcomeModel`] implements it;
/// so does the demo generator's true model in the validation test, which is how the simulator
/// is checked against the truth.
pub trait Outcomes {
    /// Hours from hand-over to first contact, for a uniform `u` (infinite: never contacted).
    fn delay_hours(&self, rep: usize, lead: &SimLead, load_ratio: f64, u: f64) -> f64;
    /// Probability of a win once contacted after `delay_hours`.
    fn p_win(&self, rep: usize, lead: &SimLead, delay_hours: f64, reassign: Reassign) -> f64;
    /// Days from contact to a won deal, for a uniform `u`.
    fn win_days(&self, lead: &SimLead, u: f64) -> f64;
    /// Days from contact to a lost deal, for a uniform `u`.
    fn loss_days(&self, lead: &SimLead, u: f64) -> f64;
    /// Share of contacted, not-won leads that stall (neither won nor lost) until reclaimed.
    fn p_stall(&self, lead: &SimLead) -> f64;
    /// Value of a won deal in major units.
    fn deal_value(&self, lead: &SimLead) -> f64;
    /// Probability that a lead arriving under capacity `pressure` (see [`super::uptake`]) is
    /// never taken up by anyone.
    fn p_not_taken_up(&self, pressure: f64) -> f64;
    /// The lowest and highest [`Outcomes::p_not_taken_up`] over every pressure: a draw
    /// outside them needs no pressure, which saves working it out for most leads.
    fn p_not_taken_up_range(&self) -> (f64, f64) {
        (0.0, 1.0)
    }
}

/// Fitted coefficients worth showing.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct ModelSummary {
    pub win_observations: usize,
    pub delay_observations: usize,
    pub delay_censored: usize,
    pub intercept: f64,
    /// Win log-odds per unit of ln(1 + delay hours / 24).
    pub delay_effect: f64,
    pub after_no_follow_up: f64,
    pub after_no_deal: f64,
    pub segment_effects: [f64; SEGMENTS],
    /// Prior standard deviations of the shrunk effects (empirical Bayes).
    pub sd_rep: f64,
    pub sd_rep_segment: f64,
    pub sd_campaign: f64,
    /// Log-normal delay: residual sd, and log-delay added per unit of load above 0.7.
    pub delay_sigma: f64,
    pub delay_load_slope: f64,
    pub p_stall: f64,
    /// P(never taken up) by capacity pressure at arrival.
    pub uptake: Vec<UptakeBin>,
}

/// The fitted model.
#[derive(Clone, Debug)]
pub struct OutcomeModel {
    reps: usize,
    intercept: f64,
    seg: [f64; SEGMENTS],
    src: Vec<f64>,
    camp: Vec<f64>,
    rep: Vec<f64>,
    rep_seg: Vec<[f64; SEGMENTS]>,
    delay_effect: f64,
    reassign: [f64; 2],
    delay_mu: Vec<f64>,
    delay_mu_all: f64,
    delay_sigma: f64,
    load_slope: f64,
    win_days: [Vec<f64>; SEGMENTS],
    win_days_all: Vec<f64>,
    loss_days: Vec<f64>,
    stall: f64,
    value_ratio: [f64; SEGMENTS],
    value_mean: [f64; SEGMENTS],
    source_share: Vec<f64>,
    uptake: Uptake,
    /// Fixed win effects and a square root (lower Cholesky factor) of their covariance.
    beta: Vec<f64>,
    beta_chol: Vec<Vec<f64>>,
    /// Posterior sd of each rep, rep × segment and campaign effect.
    post_sd: [Vec<f64>; 3],
    summary: ModelSummary,
}

/// Load above which reps slow down (documented modelling choice).
pub const LOAD_KNOT: f64 = 0.7;

fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

fn delay_feature(h: f64) -> f64 {
    (1.0 + h.max(0.0) / 24.0).ln()
}

struct WinObs {
    rep: usize,
    seg: usize,
    src: Option<usize>,
    camp: Option<usize>,
    x: f64,
    flag: Option<usize>,
    y: bool,
}

/// The current coefficients, for the linear predictor of an observation.
struct Params<'a> {
    beta: &'a [f64],
    rep: &'a [f64],
    rep_seg: &'a [[f64; SEGMENTS]],
    camp: &'a [f64],
}

impl Params<'_> {
    fn eta(&self, o: &WinObs, fixed: &[(usize, f64)]) -> f64 {
        fixed
            .iter()
            .map(|(k, v)| self.beta.get(*k).copied().unwrap_or(0.0) * v)
            .sum::<f64>()
            + self.rep.get(o.rep).copied().unwrap_or(0.0)
            + self.rep_seg.get(o.rep).map_or(0.0, |r| r[o.seg])
            + o.camp
                .and_then(|c| self.camp.get(c))
                .copied()
                .unwrap_or(0.0)
    }
}

/// Solves `a x = b` (small, dense, symmetric positive definite) by Gaussian elimination with
/// partial pivoting; leaves `b` unchanged where a pivot vanishes.
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Vec<f64> {
    let n = b.len();
    for c in 0..n {
        let Some(p) = (c..n).max_by(|&i, &j| a[i][c].abs().total_cmp(&a[j][c].abs())) else {
            continue;
        };
        if a[p][c].abs() < 1e-12 {
            continue;
        }
        a.swap(c, p);
        b.swap(c, p);
        let pivot = a[c].clone();
        for r in c + 1..n {
            let f = a[r][c] / pivot[c];
            for (x, p) in a[r][c..].iter_mut().zip(&pivot[c..]) {
                *x -= f * p;
            }
            b[r] -= f * b[c];
        }
    }
    let mut x = vec![0.0; n];
    for c in (0..n).rev() {
        if a[c][c].abs() < 1e-12 {
            continue;
        }
        let s: f64 = (c + 1..n).map(|k| a[c][k] * x[k]).sum();
        x[c] = (b[c] - s) / a[c][c];
    }
    x
}

impl OutcomeModel {
    /// Estimates the model from a dataset's leads, ownership log and activities.
    pub fn fit(ds: &Dataset, hist: &History, roster: &Roster) -> Self {
        let reps = ds.reps.len();
        let n_src = hist.sources.len();
        let n_camp = hist.campaigns.len();
        let (sp, loads) = spells(ds, hist);
        let uptake = Uptake::fit(hist, &sp, &loads, roster);
        // Outcomes need time to resolve: spells started in the last 90 days are left out.
        let cutoff = hist.horizon.add_days(-90);

        let mut win = Vec::new();
        let mut delays: Vec<(usize, f64, f64, bool)> = Vec::new(); // rep, load, log h, censored
        let mut win_days: [Vec<f64>; SEGMENTS] = Default::default();
        let mut loss_days = Vec::new();
        let (mut stalled, mut lost) = (0usize, 0usize);
        for s in &sp {
            let Some(lead) = hist.leads.get(s.lead) else {
                continue;
            };
            let seg = segment(lead.customer_type);
            match s.contact {
                Some(c) => {
                    let h = c.hours_since(s.start).max(0.0);
                    delays.push((s.rep, s.load, h.max(0.05).ln(), false));
                    if s.start < cutoff {
                        let y = match s.end {
                            SpellEnd::Won(t) => {
                                win_days[seg].push(t.days_since(c).max(0.0));
                                Some(true)
                            }
                            SpellEnd::Lost(t) => {
                                loss_days.push(t.days_since(c).max(0.0));
                                lost += 1;
                                Some(false)
                            }
                            SpellEnd::NoDeal(_) => {
                                stalled += 1;
                                Some(false)
                            }
                            _ => None,
                        };
                        if let Some(y) = y {
                            win.push(WinObs {
                                rep: s.rep,
                                seg,
                                src: lead.source.map(usize::from),
                                camp: lead.campaign.map(usize::from),
                                x: delay_feature(h),
                                flag: match s.reassign {
                                    Reassign::First => None,
                                    Reassign::AfterNoFollowUp => Some(0),
                                    Reassign::AfterNoDeal => Some(1),
                                },
                                y,
                            });
                        }
                    }
                }
                None => {
                    let censor = match s.end {
                        SpellEnd::NoFollowUp(t) => Some(t),
                        SpellEnd::Open if s.start < hist.horizon.add_days(-7) => Some(hist.horizon),
                        _ => None,
                    };
                    if let Some(t) = censor {
                        delays.push((s.rep, s.load, t.hours_since(s.start).max(0.05).ln(), true));
                    }
                }
            }
        }

        // Win model: fixed effects [intercept, seg 1..5, src 1..n, delay, fresh, stale] by
        // Newton; rep, rep × segment and campaign effects shrunk to zero with variances
        // re-estimated each round (Laplace-approximate empirical Bayes).
        let n_fixed = 1 + (SEGMENTS - 1) + n_src.saturating_sub(1) + 3;
        let fixed_of = |o: &WinObs| {
            let mut f: Vec<(usize, f64)> = vec![(0, 1.0)];
            if o.seg > 0 {
                f.push((o.seg, 1.0));
            }
            if let Some(k) = o.src.filter(|k| *k > 0 && *k < n_src) {
                f.push((SEGMENTS - 1 + k, 1.0));
            }
            let d = SEGMENTS + n_src.saturating_sub(1);
            f.push((d, o.x));
            if let Some(fl) = o.flag {
                f.push((d + 1 + fl, 1.0));
            }
            f
        };
        let feats: Vec<Vec<(usize, f64)>> = win.iter().map(fixed_of).collect();
        let mut beta = vec![0.0; n_fixed];
        let mut b_rep = vec![0.0; reps];
        let mut b_rs = vec![[0.0; SEGMENTS]; reps];
        let mut b_camp = vec![0.0; n_camp];
        let (mut t_rep, mut t_rs, mut t_camp) = (0.25f64, 0.25f64, 0.25f64);
        // The last fixed-block curvature and per-level weights, for the standard errors the
        // runs draw parameters from.
        let mut curvature: Vec<Vec<f64>> = Vec::new();
        let mut weights: [Vec<f64>; 3] = Default::default();
        for _round in 0..12 {
            // Fixed block: two Newton steps.
            for _ in 0..2 {
                let mut g = vec![0.0; n_fixed];
                let mut h = vec![vec![0.0; n_fixed]; n_fixed];
                for (o, f) in win.iter().zip(&feats) {
                    let p = logistic(
                        Params {
                            beta: &beta,
                            rep: &b_rep,
                            rep_seg: &b_rs,
                            camp: &b_camp,
                        }
                        .eta(o, f),
                    );
                    let r = if o.y { 1.0 } else { 0.0 } - p;
                    let w = p * (1.0 - p);
                    for &(a, va) in f {
                        g[a] += r * va;
                        for &(b, vb) in f {
                            h[a][b] += w * va * vb;
                        }
                    }
                }
                for (k, row) in h.iter_mut().enumerate() {
                    row[k] += 1e-3;
                    g[k] -= 1e-3 * beta[k];
                }
                curvature.clone_from(&h);
                let step = solve(h, g);
                for (b, s) in beta.iter_mut().zip(step) {
                    *b += s.clamp(-5.0, 5.0);
                }
            }
            // Random blocks: per level, one penalised Newton step (residual / curvature).
            let p = Params {
                beta: &beta,
                rep: &b_rep,
                rep_seg: &b_rs,
                camp: &b_camp,
            };
            let sums = |level: &dyn Fn(&WinObs) -> Option<usize>, n: usize| {
                let mut r = vec![0.0; n];
                let mut w = vec![0.0; n];
                for (o, f) in win.iter().zip(&feats) {
                    if let Some(l) = level(o).filter(|l| *l < n) {
                        let p = logistic(p.eta(o, f));
                        r[l] += if o.y { 1.0 } else { 0.0 } - p;
                        w[l] += p * (1.0 - p);
                    }
                }
                (r, w)
            };
            let rep_sums = sums(&|o| Some(o.rep), reps);
            let rs_sums = sums(&|o| Some(o.rep * SEGMENTS + o.seg), reps * SEGMENTS);
            let camp_sums = sums(&|o| o.camp, n_camp);
            t_rep = update(&mut b_rep, &rep_sums.0, &rep_sums.1, t_rep);
            let (r, w) = rs_sums;
            let mut flat: Vec<f64> = b_rs.iter().flatten().copied().collect();
            t_rs = update(&mut flat, &r, &w, t_rs);
            for (i, row) in b_rs.iter_mut().enumerate() {
                for (s, v) in row.iter_mut().enumerate() {
                    *v = flat.get(i * SEGMENTS + s).copied().unwrap_or(0.0);
                }
            }
            t_camp = update(&mut b_camp, &camp_sums.0, &camp_sums.1, t_camp);
            weights = [rep_sums.1, w, camp_sums.1];
        }
        let d = SEGMENTS + n_src.saturating_sub(1);
        let mut seg = [0.0; SEGMENTS];
        seg[1..SEGMENTS].copy_from_slice(&beta[1..SEGMENTS]);
        let mut src = vec![0.0; n_src];
        for k in 1..n_src {
            src[k] = beta[SEGMENTS - 1 + k];
        }

        // Delay: log h = mu_rep + slope × max(0, load − knot) + sigma × z, right-censored
        // where the lead was reclaimed (or is still) uncontacted; fitted by EM.
        let n_obs = delays.iter().filter(|d| !d.3).count();
        let all_mu = if n_obs > 0 {
            delays.iter().filter(|d| !d.3).map(|d| d.2).sum::<f64>() / n_obs as f64
        } else {
            (6.0f64).ln()
        };
        let mut mu = vec![all_mu; reps];
        let mut sigma = 1.0f64;
        let mut slope = 0.0f64;
        let excess = |l: f64| (l - LOAD_KNOT).max(0.0);
        for _ in 0..25 {
            let mut filled = Vec::with_capacity(delays.len());
            let mut sq = 0.0;
            for &(r, l, x, censored) in &delays {
                let m = mu.get(r).copied().unwrap_or(all_mu) + slope * excess(l);
                if censored {
                    let (e, v) = normal::truncated_above(m, sigma, x);
                    filled.push((r, l, e));
                    sq += v;
                } else {
                    filled.push((r, l, x));
                    sq += (x - m) * (x - m);
                }
            }
            if filled.is_empty() {
                break;
            }
            sigma = (sq / filled.len() as f64).sqrt().clamp(0.05, 5.0);
            // Slope from residuals after the rep means.
            let (mut sxy, mut sxx) = (0.0, 0.0);
            for &(r, l, x) in &filled {
                let e = excess(l);
                sxy += e * (x - mu.get(r).copied().unwrap_or(all_mu));
                sxx += e * e;
            }
            if sxx > 1e-9 {
                slope = (sxy / sxx).clamp(-2.0, 10.0);
            }
            // Rep means, shrunk toward the overall mean with the weight of five observations.
            let mut s = vec![0.0; reps];
            let mut n = vec![0.0; reps];
            for &(r, l, x) in &filled {
                if r < reps {
                    s[r] += x - slope * excess(l);
                    n[r] += 1.0;
                }
            }
            let overall = s.iter().sum::<f64>() / n.iter().sum::<f64>().max(1.0);
            for r in 0..reps {
                mu[r] = (s[r] + 5.0 * overall) / (n[r] + 5.0);
            }
        }

        // Deal value per segment: won value relative to the lead's estimate.
        let mut num = [0.0; SEGMENTS];
        let mut den = [0.0; SEGMENTS];
        let mut tot = [0.0; SEGMENTS];
        let mut cnt = [0.0; SEGMENTS];
        for (l, &row) in hist.leads.iter().zip(&hist.rows) {
            let Some(dl) = ds.leads.get(row) else {
                continue;
            };
            if let Some(v) = dl.won_value {
                let s = segment(l.customer_type);
                tot[s] += v.as_major();
                cnt[s] += 1.0;
                if l.est_value > 0.0 {
                    num[s] += v.as_major();
                    den[s] += l.est_value;
                }
            }
        }
        let mut value_ratio = [1.0; SEGMENTS];
        let mut value_mean = [0.0; SEGMENTS];
        for s in 0..SEGMENTS {
            if den[s] > 0.0 {
                value_ratio[s] = num[s] / den[s];
            }
            if cnt[s] > 0.0 {
                value_mean[s] = tot[s] / cnt[s];
            }
        }
        let mut win_days_all: Vec<f64> = win_days.iter().flatten().copied().collect();
        win_days_all.sort_by(f64::total_cmp);
        for v in win_days.iter_mut() {
            v.sort_by(f64::total_cmp);
        }
        loss_days.sort_by(f64::total_cmp);
        let stall = if stalled + lost > 0 {
            stalled as f64 / (stalled + lost) as f64
        } else {
            0.0
        };
        let mut source_share = vec![0.0; n_src];
        for l in &hist.leads {
            if let Some(s) = l.source.and_then(|s| source_share.get_mut(usize::from(s))) {
                *s += 1.0;
            }
        }
        let total: f64 = source_share.iter().sum();
        if total > 0.0 {
            source_share.iter_mut().for_each(|s| *s /= total);
        }
        let summary = ModelSummary {
            win_observations: win.len(),
            delay_observations: n_obs,
            delay_censored: delays.len() - n_obs,
            intercept: beta[0],
            delay_effect: beta.get(d).copied().unwrap_or(0.0),
            after_no_follow_up: beta.get(d + 1).copied().unwrap_or(0.0),
            after_no_deal: beta.get(d + 2).copied().unwrap_or(0.0),
            segment_effects: seg,
            sd_rep: t_rep.sqrt(),
            sd_rep_segment: t_rs.sqrt(),
            sd_campaign: t_camp.sqrt(),
            delay_sigma: sigma,
            delay_load_slope: slope,
            p_stall: stall,
            uptake: uptake.bins.clone(),
        };
        Self {
            reps,
            intercept: beta[0],
            seg,
            src,
            camp: b_camp,
            rep: b_rep,
            rep_seg: b_rs,
            delay_effect: summary.delay_effect,
            reassign: [summary.after_no_follow_up, summary.after_no_deal],
            delay_mu: mu,
            delay_mu_all: all_mu,
            delay_sigma: sigma,
            load_slope: slope,
            win_days,
            win_days_all,
            loss_days,
            stall,
            value_ratio,
            value_mean,
            source_share,
            uptake,
            beta_chol: covariance_root(&curvature),
            beta,
            post_sd: [
                posterior_sd(&weights[0], t_rep),
                posterior_sd(&weights[1], t_rs),
                posterior_sd(&weights[2], t_camp),
            ],
            summary,
        }
    }

    /// The model with its win coefficients drawn from their approximate posterior: fixed
    /// effects from a normal with the inverse curvature as covariance, each shrunk effect from
    /// its Laplace posterior. Every strategy's run `run` draws the same coefficients, so the
    /// spread over runs carries the estimation uncertainty while comparisons stay paired.
    pub fn perturbed(&self, seed: u64, run: u32) -> Self {
        let mut k = 0usize;
        let mut z = || {
            k += 1;
            normal::inverse_cdf(super::run::uniform(seed, run, usize::MAX - k, 0, 9))
        };
        let mut m = self.clone();
        let zs: Vec<f64> = (0..self.beta.len()).map(|_| z()).collect();
        let mut beta = self.beta.clone();
        for (i, row) in self.beta_chol.iter().enumerate() {
            if let Some(b) = beta.get_mut(i) {
                *b += row.iter().zip(&zs).map(|(l, z)| l * z).sum::<f64>();
            }
        }
        m.set_fixed(&beta);
        for (b, sd) in m.rep.iter_mut().zip(&self.post_sd[0]) {
            *b += sd * z();
        }
        for (row, sds) in m.rep_seg.iter_mut().zip(self.post_sd[1].chunks(SEGMENTS)) {
            for (b, sd) in row.iter_mut().zip(sds) {
                *b += sd * z();
            }
        }
        for (b, sd) in m.camp.iter_mut().zip(&self.post_sd[2]) {
            *b += sd * z();
        }
        m
    }

    /// Reads the fixed effects [intercept, segments 1.., sources 1.., delay, fresh, stale].
    fn set_fixed(&mut self, beta: &[f64]) {
        let at = |i: usize| beta.get(i).copied().unwrap_or(0.0);
        self.intercept = at(0);
        for s in 1..SEGMENTS {
            self.seg[s] = at(s);
        }
        let n_src = self.src.len();
        for k in 1..n_src {
            self.src[k] = at(SEGMENTS - 1 + k);
        }
        let d = SEGMENTS + n_src.saturating_sub(1);
        self.delay_effect = at(d);
        self.reassign = [at(d + 1), at(d + 2)];
    }

    /// The fitted never-taken-up rates and the reps each lead could go to.
    pub fn uptake(&self) -> &Uptake {
        &self.uptake
    }

    pub fn summary(&self) -> &ModelSummary {
        &self.summary
    }

    /// The rep's median response hours at a load ratio.
    pub fn median_delay_hours(&self, rep: usize, load_ratio: f64) -> f64 {
        (self.delay_mu.get(rep).copied().unwrap_or(self.delay_mu_all)
            + self.load_slope * (load_ratio - LOAD_KNOT).max(0.0))
        .exp()
    }

    /// Win probability of a typical lead of a segment for a rep at its usual speed.
    pub fn typical_p_win(&self, rep: usize, seg: usize) -> f64 {
        let src: f64 = self
            .src
            .iter()
            .zip(&self.source_share)
            .map(|(e, w)| e * w)
            .sum();
        logistic(
            self.intercept
                + self.seg.get(seg).copied().unwrap_or(0.0)
                + src
                + self.rep.get(rep).copied().unwrap_or(0.0)
                + self
                    .rep_seg
                    .get(rep)
                    .map_or(0.0, |r| r[seg.min(SEGMENTS - 1)])
                + self.delay_effect * delay_feature(self.median_delay_hours(rep, 0.5)),
        )
    }

    /// Expected value (P(win) × mean deal value) of a typical lead of each segment, per rep:
    /// what the score-based and batch-optimal selectors maximise.
    pub fn value_table(&self) -> ValueTable {
        let mut values = Vec::with_capacity(self.reps);
        let mut untyped = Vec::with_capacity(self.reps);
        for r in 0..self.reps {
            let mut v = [0.0; 4];
            for (s, slot) in v.iter_mut().enumerate() {
                *slot = self.typical_p_win(r, s) * self.value_mean[s];
            }
            values.push(v);
            untyped.push(self.typical_p_win(r, 4) * self.value_mean[4]);
        }
        ValueTable { values, untyped }
    }
}

/// One round of the per-level Newton step and the variance update; returns the new variance.
fn update(b: &mut [f64], resid: &[f64], weight: &[f64], tau2: f64) -> f64 {
    let mut acc = 0.0;
    let mut n = 0.0;
    for ((b, r), w) in b.iter_mut().zip(resid).zip(weight) {
        if *w <= 0.0 {
            *b = 0.0;
            continue;
        }
        let h = w + 1.0 / tau2;
        *b += (r - *b / tau2) / h;
        acc += *b * *b + 1.0 / h;
        n += 1.0;
    }
    if n > 0.0 {
        (acc / n).clamp(1e-4, 4.0)
    } else {
        tau2
    }
}

/// Laplace posterior sd of shrunk effects: 1 / sqrt(curvature + 1 / prior variance).
fn posterior_sd(weight: &[f64], tau2: f64) -> Vec<f64> {
    weight
        .iter()
        .map(|w| (w.max(0.0) + 1.0 / tau2.max(1e-9)).recip().sqrt())
        .collect()
}

/// The lower Cholesky factor of the inverse of a symmetric positive definite matrix (the
/// covariance of the fixed effects from the curvature of the log-likelihood); rows or columns
/// that are not positive definite get zeros, so their coefficients are not perturbed.
fn covariance_root(h: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let n = h.len();
    let cov: Vec<Vec<f64>> = (0..n)
        .map(|j| {
            let mut e = vec![0.0; n];
            e[j] = 1.0;
            solve(h.to_vec(), e)
        })
        .collect();
    let mut l = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..=i {
            let s: f64 = (0..j).map(|k| l[i][k] * l[j][k]).sum();
            let c = 0.5 * (cov[i][j] + cov[j][i]);
            if i == j {
                let d = c - s;
                l[i][j] = if d > 0.0 && d.is_finite() {
                    d.sqrt()
                } else {
                    0.0
                };
            } else if l[j][j] > 0.0 {
                l[i][j] = (c - s) / l[j][j];
            }
        }
    }
    l
}

fn empirical(sorted: &[f64], u: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let i = ((u.clamp(0.0, 1.0) * sorted.len() as f64) as usize).min(sorted.len() - 1);
    sorted.get(i).copied()
}

impl Outcomes for OutcomeModel {
    fn delay_hours(&self, rep: usize, _lead: &SimLead, load_ratio: f64, u: f64) -> f64 {
        let m = self.median_delay_hours(rep, load_ratio).ln();
        (m + self.delay_sigma * normal::inverse_cdf(u)).exp()
    }

    fn p_win(&self, rep: usize, lead: &SimLead, delay_hours: f64, reassign: Reassign) -> f64 {
        let seg = segment(lead.customer_type);
        let flag = match reassign {
            Reassign::First => 0.0,
            Reassign::AfterNoFollowUp => self.reassign[0],
            Reassign::AfterNoDeal => self.reassign[1],
        };
        logistic(
            self.intercept
                + self.seg[seg]
                + lead
                    .source
                    .and_then(|s| self.src.get(usize::from(s)))
                    .copied()
                    .unwrap_or(0.0)
                + lead
                    .campaign
                    .and_then(|c| self.camp.get(usize::from(c)))
                    .copied()
                    .unwrap_or(0.0)
                + self.rep.get(rep).copied().unwrap_or(0.0)
                + self.rep_seg.get(rep).map_or(0.0, |r| r[seg])
                + self.delay_effect * delay_feature(delay_hours)
                + flag,
        )
    }

    fn win_days(&self, lead: &SimLead, u: f64) -> f64 {
        let seg = segment(lead.customer_type);
        empirical(&self.win_days[seg], u)
            .or_else(|| empirical(&self.win_days_all, u))
            .unwrap_or(30.0)
    }

    fn loss_days(&self, _lead: &SimLead, u: f64) -> f64 {
        empirical(&self.loss_days, u).unwrap_or(20.0)
    }

    fn p_stall(&self, _lead: &SimLead) -> f64 {
        self.stall
    }

    fn deal_value(&self, lead: &SimLead) -> f64 {
        let seg = segment(lead.customer_type);
        if lead.est_value > 0.0 {
            lead.est_value * self.value_ratio[seg]
        } else {
            self.value_mean[seg]
        }
    }

    fn p_not_taken_up(&self, pressure: f64) -> f64 {
        self.uptake.rate(pressure)
    }

    fn p_not_taken_up_range(&self) -> (f64, f64) {
        self.uptake.rate_range()
    }
}
