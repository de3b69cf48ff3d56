//! Empirical-Bayes shrinkage of proportions: a beta prior fitted to many groups' (wins, trials)
//! by maximum likelihood of the beta-binomial, so that a rep with 3 leads and 3 wins is pulled
//! towards the organisation's typical rate instead of topping a ranking.
//!
//! Fit: maximise ℓ(α, β) = Σᵢ [ln B(kᵢ + α, nᵢ − kᵢ + β) − ln B(α, β)] over μ = α/(α+β) and
//! s = α + β (Nelder–Mead on logit μ, ln s), started from the method of moments. Fallbacks, in
//! order: when the optimiser does not improve on the moment estimate, the moment estimate is
//! used; when the data show no overdispersion (moment ρ̂ ≤ 0, fewer than two groups with
//! trials, or a pooled rate of exactly 0 or 1), every group is shrunk fully to the pooled rate
//! (`s` = [`MAX_STRENGTH`]), which is the limit the likelihood itself tends to in that case.

use serde::Serialize;

/// Largest prior strength α + β used: beyond it the prior is the pooled rate for any real
/// group size.
pub const MAX_STRENGTH: f64 = 1e7;
const MIN_STRENGTH: f64 = 1e-3;

/// How a [`BetaPrior`] was obtained.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PriorFit {
    MaximumLikelihood,
    MethodOfMoments,
    /// No overdispersion to estimate: full pooling.
    Pooled,
    /// No trials at all: a flat Beta(1, 1).
    Flat,
}

/// A beta prior for group rates.
#[derive(Clone, Copy, PartialEq, Debug, Serialize)]
pub struct BetaPrior {
    pub alpha: f64,
    pub beta: f64,
    pub fit: PriorFit,
    /// ℓ(α, β) at the fitted prior (0 for `Flat`).
    pub log_likelihood: f64,
}

impl BetaPrior {
    /// Prior mean α / (α + β).
    pub fn mean(&self) -> f64 {
        self.alpha / (self.alpha + self.beta)
    }

    /// Posterior mean of a group with `k` successes in `n` trials.
    pub fn shrink(&self, k: u64, n: u64) -> f64 {
        (k as f64 + self.alpha) / (n as f64 + self.alpha + self.beta)
    }

    /// Fits the prior to groups given as `(successes, trials)`; groups without trials are
    /// ignored, successes above trials are capped.
    pub fn fit(groups: &[(u64, u64)]) -> Self {
        let groups: Vec<(f64, f64)> = groups
            .iter()
            .filter(|g| g.1 > 0)
            .map(|&(k, n)| (k.min(n) as f64, n as f64))
            .collect();
        let total_n: f64 = groups.iter().map(|g| g.1).sum();
        let total_k: f64 = groups.iter().map(|g| g.0).sum();
        if total_n <= 0.0 {
            return Self {
                alpha: 1.0,
                beta: 1.0,
                fit: PriorFit::Flat,
                log_likelihood: 0.0,
            };
        }
        let p = total_k / total_n;
        let pooled = |p: f64| {
            let s = MAX_STRENGTH;
            let (a, b) = (p * s, (1.0 - p) * s);
            Self {
                alpha: a,
                beta: b,
                fit: PriorFit::Pooled,
                log_likelihood: log_likelihood(&groups, a, b),
            }
        };
        if groups.len() < 2 || p <= 0.0 || p >= 1.0 {
            return pooled(p);
        }
        let Some(s_mom) = moment_strength(&groups, p) else {
            return pooled(p);
        };
        let start = [logit(p), s_mom.ln()];
        let f = |x: &[f64; 2]| {
            let (mu, s) = (
                logistic(x[0]),
                x[1].clamp(MIN_STRENGTH.ln(), MAX_STRENGTH.ln()).exp(),
            );
            let ll = log_likelihood(&groups, mu * s, (1.0 - mu) * s);
            if ll.is_finite() { -ll } else { f64::INFINITY }
        };
        let f_start = f(&start);
        let (best, f_best) = nelder_mead(f, start, [0.3, 0.5], 400);
        let (x, fit, nll) = if f_best.is_finite() && f_best <= f_start {
            (best, PriorFit::MaximumLikelihood, f_best)
        } else {
            (start, PriorFit::MethodOfMoments, f_start)
        };
        let (mu, s) = (
            logistic(x[0]),
            x[1].clamp(MIN_STRENGTH.ln(), MAX_STRENGTH.ln()).exp(),
        );
        Self {
            alpha: mu * s,
            beta: (1.0 - mu) * s,
            fit,
            log_likelihood: -nll,
        }
    }
}

/// Method-of-moments prior strength s = 1/ρ − 1, from E[Σ nᵢ(p̂ᵢ − p̄)²] =
/// p̄(1 − p̄)[(m − 1) + ρ(N − Σnᵢ²/N)] with ρ = 1/(s + 1) (the intra-class correlation).
/// `None` when ρ̂ ≤ 0 (no overdispersion) or the design carries no information on it.
fn moment_strength(groups: &[(f64, f64)], p: f64) -> Option<f64> {
    let total_n: f64 = groups.iter().map(|g| g.1).sum();
    let m = groups.len() as f64;
    let ss: f64 = groups.iter().map(|&(k, n)| n * (k / n - p).powi(2)).sum();
    let sum_n2: f64 = groups.iter().map(|g| g.1 * g.1).sum();
    let denom = total_n - sum_n2 / total_n;
    let rho = (ss / (p * (1.0 - p)) - (m - 1.0)) / denom;
    (denom > 0.0 && rho.is_finite() && rho > 0.0)
        .then(|| (1.0 / rho.min(1.0) - 1.0).clamp(MIN_STRENGTH, MAX_STRENGTH))
}

/// The beta-binomial log-likelihood without the binomial coefficients (constant in α, β).
pub fn log_likelihood(groups: &[(f64, f64)], a: f64, b: f64) -> f64 {
    let base = ln_beta(a, b);
    groups
        .iter()
        .map(|&(k, n)| ln_beta(k + a, n - k + b) - base)
        .sum()
}

fn ln_beta(a: f64, b: f64) -> f64 {
    libm::lgamma(a) + libm::lgamma(b) - libm::lgamma(a + b)
}

fn logit(p: f64) -> f64 {
    (p / (1.0 - p)).ln()
}

fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Minimises `f` over ℝ² by Nelder–Mead (standard coefficients 1, 2, ½, ½) from `start` with
/// initial steps `step`, for at most `max_iter` iterations. Returns the best point and value.
fn nelder_mead(
    f: impl Fn(&[f64; 2]) -> f64,
    start: [f64; 2],
    step: [f64; 2],
    max_iter: usize,
) -> ([f64; 2], f64) {
    let mut pts = [
        start,
        [start[0] + step[0], start[1]],
        [start[0], start[1] + step[1]],
    ];
    let mut vals = pts.map(|p| f(&p));
    let lerp =
        |a: &[f64; 2], b: &[f64; 2], t: f64| [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
    for _ in 0..max_iter {
        let mut idx = [0usize, 1, 2];
        idx.sort_by(|&i, &j| vals[i].total_cmp(&vals[j]));
        pts = idx.map(|i| pts[i]);
        vals = idx.map(|i| vals[i]);
        if (vals[2] - vals[0]).abs() <= 1e-10 * (1.0 + vals[0].abs()) {
            break;
        }
        let centroid = lerp(&pts[0], &pts[1], 0.5);
        let reflected = lerp(&centroid, &pts[2], -1.0);
        let fr = f(&reflected);
        if fr < vals[0] {
            let expanded = lerp(&centroid, &pts[2], -2.0);
            let fe = f(&expanded);
            (pts[2], vals[2]) = if fe < fr {
                (expanded, fe)
            } else {
                (reflected, fr)
            };
        } else if fr < vals[1] {
            (pts[2], vals[2]) = (reflected, fr);
        } else {
            let contracted = if fr < vals[2] {
                lerp(&centroid, &reflected, 0.5)
            } else {
                lerp(&centroid, &pts[2], 0.5)
            };
            let fc = f(&contracted);
            if fc < vals[2].min(fr) {
                (pts[2], vals[2]) = (contracted, fc);
            } else {
                for i in 1..3 {
                    pts[i] = lerp(&pts[0], &pts[i], 0.5);
                    vals[i] = f(&pts[i]);
                }
            }
        }
    }
    let best = (0..3)
        .min_by(|&i, &j| vals[i].total_cmp(&vals[j]))
        .unwrap_or(0);
    (pts[best], vals[best])
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    /// ℓ by direct products, Σ_{j<k} ln(α+j) + Σ_{j<n−k} ln(β+j) − Σ_{j<n} ln(α+β+j): an
    /// independent computation that uses no gamma function.
    fn ll_direct(groups: &[(u64, u64)], a: f64, b: f64) -> f64 {
        groups
            .iter()
            .map(|&(k, n)| {
                (0..k).map(|j| (a + j as f64).ln()).sum::<f64>()
                    + (0..n - k).map(|j| (b + j as f64).ln()).sum::<f64>()
                    - (0..n).map(|j| (a + b + j as f64).ln()).sum::<f64>()
            })
            .sum()
    }

    // Groups with clear overdispersion: rates from 10 % to 60 %.
    const GROUPS: [(u64, u64); 8] = [
        (2, 20),
        (5, 25),
        (9, 30),
        (3, 10),
        (12, 20),
        (1, 15),
        (18, 40),
        (7, 12),
    ];

    #[test]
    fn likelihood_matches_direct_products() {
        let g: Vec<(f64, f64)> = GROUPS.iter().map(|&(k, n)| (k as f64, n as f64)).collect();
        for (a, b) in [(1.0, 1.0), (2.5, 7.0), (30.0, 45.0)] {
            let lhs = log_likelihood(&g, a, b);
            let rhs = ll_direct(&GROUPS, a, b);
            assert!((lhs - rhs).abs() < 1e-9 * rhs.abs().max(1.0), "{lhs} {rhs}");
        }
    }

    #[test]
    fn maximum_likelihood_matches_a_grid_search() {
        let prior = BetaPrior::fit(&GROUPS);
        assert_eq!(prior.fit, PriorFit::MaximumLikelihood);
        // Independent maximiser: a fine grid over (μ, ln s) of the direct likelihood.
        let mut best = (f64::NEG_INFINITY, 0.0, 0.0);
        for i in 1..200 {
            let mu = i as f64 / 200.0;
            for j in 0..400 {
                let s = (j as f64 / 400.0 * 8.0 - 1.0).exp();
                let ll = ll_direct(&GROUPS, mu * s, (1.0 - mu) * s);
                if ll > best.0 {
                    best = (ll, mu, s);
                }
            }
        }
        let s = prior.alpha + prior.beta;
        assert!(
            (prior.mean() - best.1).abs() < 0.01,
            "{} {}",
            prior.mean(),
            best.1
        );
        assert!((s.ln() - best.2.ln()).abs() < 0.05, "{s} {}", best.2);
        assert!(prior.log_likelihood >= best.0 - 1e-6);
        // Shrinkage pulls the 7/12 group towards the mean, never past it.
        let shrunk = prior.shrink(7, 12);
        assert!(shrunk < 7.0 / 12.0 && shrunk > prior.mean());
    }

    #[test]
    fn small_perfect_groups_do_not_top_the_ranking() {
        let mut groups = vec![(3, 3)];
        groups.extend((0..20).map(|i| (30 + i % 7, 100)));
        let prior = BetaPrior::fit(&groups);
        let small = prior.shrink(3, 3);
        let big = prior.shrink(36, 100);
        assert!(small < big, "{small} {big} {prior:?}");
    }

    #[test]
    fn fallbacks_are_documented_values() {
        assert_eq!(BetaPrior::fit(&[]).fit, PriorFit::Flat);
        assert_eq!(BetaPrior::fit(&[(0, 0)]).fit, PriorFit::Flat);
        let one = BetaPrior::fit(&[(3, 10)]);
        assert_eq!(one.fit, PriorFit::Pooled);
        assert!((one.mean() - 0.3).abs() < 1e-12);
        // Identical rates: no overdispersion, full pooling.
        let same = BetaPrior::fit(&[(10, 100), (20, 200), (5, 50)]);
        assert_eq!(same.fit, PriorFit::Pooled);
        assert!((same.shrink(10, 100) - 0.1).abs() < 1e-6);
        let none = BetaPrior::fit(&[(0, 10), (0, 5)]);
        assert_eq!((none.fit, none.shrink(0, 10)), (PriorFit::Pooled, 0.0));
    }
}
