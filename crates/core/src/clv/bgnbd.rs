//! The BG/NBD purchase model (Fader, Hardie & Lee 2005, "Counting your customers the easy
//! way"): log-likelihood in log-space, its analytic gradient, the maximum-likelihood fit on
//! customers grouped into weighted unique (x, tₓ, T) rows, and per-customer predictions.

use super::optimize::{Fitted, fit_positive};
use super::special::{digamma, hyp2f1, ln_gamma};
use super::{ClvError, CustomerSummary};
use serde::{Deserialize, Serialize};

/// BG/NBD parameters: purchase rates λ ~ Gamma(r, α), dropout probability p ~ Beta(a, b).
#[derive(Clone, Copy, PartialEq, Debug, Serialize, Deserialize)]
pub struct BgNbdParams {
    pub r: f64,
    pub alpha: f64,
    pub a: f64,
    pub b: f64,
}

/// A maximum-likelihood BG/NBD fit.
#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct BgNbdFit {
    #[serde(flatten)]
    pub params: BgNbdParams,
    pub log_likelihood: f64,
    /// Asymptotic standard errors from the observed information; `None` if it is singular.
    pub std_errors: Option<BgNbdParams>,
    pub customers: u64,
    /// Distinct (x, tₓ, T) rows the likelihood was evaluated on.
    pub unique_rows: usize,
    pub iterations: usize,
    pub converged: bool,
}

impl BgNbdParams {
    fn from_array(t: [f64; 4]) -> Self {
        Self {
            r: t[0],
            alpha: t[1],
            a: t[2],
            b: t[3],
        }
    }

    /// One customer's log-likelihood (FHL 2005 eq. 6), with the two terms of the likelihood
    /// combined by log-sum-exp so that nothing under- or overflows for large x or T.
    pub fn log_likelihood(&self, x: u32, t_x: f64, t: f64) -> f64 {
        let Self { r, alpha, a, b } = *self;
        let xf = f64::from(x);
        let a1 = ln_gamma(r + xf) - ln_gamma(r) + r * alpha.ln();
        let a2 = ln_gamma(a + b) + ln_gamma(b + xf) - ln_gamma(b) - ln_gamma(a + b + xf);
        let a3 = -(r + xf) * (alpha + t).ln();
        if x == 0 {
            return a1 + a2 + a3;
        }
        let a4 = a.ln() - (b + xf - 1.0).ln() - (r + xf) * (alpha + t_x).ln();
        a1 + a2 + log_sum_exp(a3, a4)
    }

    /// P(alive at T | x, tₓ, T) (FHL 2005 eq. 11), 1 for customers without repeat purchases.
    pub fn p_alive(&self, x: u32, t_x: f64, t: f64) -> f64 {
        if x == 0 {
            return 1.0;
        }
        let xf = f64::from(x);
        let log_odds_dead = self.a.ln() - (self.b + xf - 1.0).ln()
            + (self.r + xf) * ((self.alpha + t).ln() - (self.alpha + t_x).ln());
        1.0 / (1.0 + log_odds_dead.exp())
    }

    /// E[X(t)]: expected purchases of a new customer in (0, t] (FHL 2005 eq. 7).
    pub fn expected_purchases_new(&self, t: f64) -> Option<f64> {
        let Self { r, alpha, a, b } = *self;
        if t <= 0.0 {
            return Some(0.0);
        }
        // Pfaff's transformation turns (α/(α+t))^r ₂F₁(r, b; a+b−1; t/(α+t)) into the bounded
        // ₂F₁(r, a−1; a+b−1; −t/α).
        removable_at_a_one(a, |a| {
            let h = hyp2f1(r, a - 1.0, a + b - 1.0, -t / alpha)?;
            Some((a + b - 1.0) / (a - 1.0) * (1.0 - h))
        })
    }

    /// E[Y(t) | x, tₓ, T]: expected purchases in (T, T+t] of a customer with history
    /// (x, tₓ, T) (FHL 2005 eq. 10). The factor ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x; a+b+x−1;
    /// t/(α+T+t)) is evaluated as ₂F₁(r+x, a−1; a+b+x−1; −t/(α+T)) by Pfaff's
    /// transformation, which stays of order one where the original overflows.
    pub fn expected_purchases(&self, t: f64, x: u32, t_x: f64, big_t: f64) -> Option<f64> {
        let Self { r, alpha, a, b } = *self;
        if t <= 0.0 {
            return Some(0.0);
        }
        let xf = f64::from(x);
        let e = removable_at_a_one(a, |a| {
            let h = hyp2f1(r + xf, a - 1.0, a + b + xf - 1.0, -t / (alpha + big_t))?;
            Some((a + b + xf - 1.0) / (a - 1.0) * (1.0 - h))
        })?;
        Some(e * self.p_alive(x, t_x, big_t))
    }
}

/// Evaluates `f(a)` = coef(a)·(1 − h(a)), whose two factors are singular and zero at a = 1
/// (coef ∝ 1/(a−1), 1 − h ∝ a−1). Within 1e-7 of a = 1 the product is the mean of a = 1 ± 1e-5,
/// exact to O(1e-10) because the product is analytic in a.
fn removable_at_a_one(a: f64, f: impl Fn(f64) -> Option<f64>) -> Option<f64> {
    let v = if (a - 1.0).abs() > 1e-7 {
        f(a)?
    } else {
        0.5 * (f(1.0 - 1e-5)? + f(1.0 + 1e-5)?)
    };
    v.is_finite().then_some(v)
}

pub(crate) fn log_sum_exp(u: f64, v: f64) -> f64 {
    let (hi, lo) = if u >= v { (u, v) } else { (v, u) };
    if hi == f64::NEG_INFINITY {
        return hi;
    }
    hi + (lo - hi).exp().ln_1p()
}

/// Customers grouped into weighted unique rows, with the distinct x and time values indexed
/// so that each likelihood evaluation computes the gamma-function terms once per distinct x
/// and the logarithms once per distinct time.
struct Grouped {
    xs: Vec<f64>,
    /// Total weight per distinct x.
    x_weight: Vec<f64>,
    times: Vec<f64>,
    /// (x index, tₓ index, T index, weight).
    rows: Vec<(u32, u32, u32, f64)>,
    total: f64,
}

impl Grouped {
    fn new(data: &[CustomerSummary]) -> Self {
        let mut keys: Vec<(u32, u64, u64)> = data
            .iter()
            .map(|c| (c.frequency, c.recency.to_bits(), c.t.to_bits()))
            .collect();
        keys.sort_unstable();
        let mut xs: Vec<u32> = keys.iter().map(|k| k.0).collect();
        xs.dedup();
        let mut times: Vec<u64> = keys.iter().flat_map(|k| [k.1, k.2]).collect();
        times.sort_unstable();
        times.dedup();
        let mut rows: Vec<(u32, u32, u32, f64)> = Vec::new();
        let mut x_weight = vec![0.0; xs.len()];
        let mut prev: Option<(u32, u64, u64)> = None;
        for k in keys {
            if prev == Some(k) {
                if let Some(last) = rows.last_mut() {
                    last.3 += 1.0;
                }
            } else {
                let xi = xs.binary_search(&k.0).unwrap_or(0) as u32;
                let ti = times.binary_search(&k.1).unwrap_or(0) as u32;
                let tt = times.binary_search(&k.2).unwrap_or(0) as u32;
                rows.push((xi, ti, tt, 1.0));
                prev = Some(k);
            }
            if let Some(w) = x_weight.get_mut(rows.last().map_or(0, |r| r.0 as usize)) {
                *w += 1.0;
            }
        }
        Self {
            xs: xs.into_iter().map(f64::from).collect(),
            x_weight,
            times: times.into_iter().map(f64::from_bits).collect(),
            rows,
            total: data.len() as f64,
        }
    }

    /// Total log-likelihood and its gradient in (r, α, a, b).
    fn ll_grad(&self, theta: &[f64; 4]) -> (f64, [f64; 4]) {
        let [r, alpha, a, b] = *theta;
        let (ln_alpha, ln_a) = (alpha.ln(), a.ln());
        let (lg_r, lg_b, lg_ab) = (ln_gamma(r), ln_gamma(b), ln_gamma(a + b));
        let (dg_r, dg_b, dg_ab) = (digamma(r), digamma(b), digamma(a + b));
        let mut ll = 0.0;
        let mut g = [0.0; 4];
        // Per distinct x: A1 + A2 and their gradients, weighted by how many customers have x.
        let per_x: Vec<(f64, f64)> = self
            .xs
            .iter()
            .zip(&self.x_weight)
            .map(|(&x, &w)| {
                let a12 = ln_gamma(r + x) - lg_r + r * ln_alpha + lg_ab + ln_gamma(b + x)
                    - lg_b
                    - ln_gamma(a + b + x);
                let dg_abx = digamma(a + b + x);
                ll += w * a12;
                g[0] += w * (digamma(r + x) - dg_r + ln_alpha);
                g[1] += w * r / alpha;
                g[2] += w * (dg_ab - dg_abx);
                g[3] += w * (dg_ab + digamma(b + x) - dg_b - dg_abx);
                // ln(b + x − 1) and 1/(b + x − 1) for the second term (x > 0 only).
                let bx = b + x - 1.0;
                (bx.ln(), 1.0 / bx)
            })
            .collect();
        let ln_t: Vec<f64> = self.times.iter().map(|t| (alpha + t).ln()).collect();
        let inv_t: Vec<f64> = self.times.iter().map(|t| 1.0 / (alpha + t)).collect();
        for &(xi, txi, ti, w) in &self.rows {
            let (xi, txi, ti) = (xi as usize, txi as usize, ti as usize);
            let (Some(&x), Some(&(ln_bx, inv_bx)), Some(&lt), Some(&it)) =
                (self.xs.get(xi), per_x.get(xi), ln_t.get(ti), inv_t.get(ti))
            else {
                continue;
            };
            let rx = r + x;
            let a3 = -rx * lt;
            if x == 0.0 {
                ll += w * a3;
                g[0] -= w * lt;
                g[1] -= w * rx * it;
                continue;
            }
            let (Some(&ltx), Some(&itx)) = (ln_t.get(txi), inv_t.get(txi)) else {
                continue;
            };
            let a4 = ln_a - ln_bx - rx * ltx;
            // log-sum-exp with one exponential: e = exp(−|a4 − a3|) ≤ 1, and the weight of
            // the second term w4 = exp(a4 − lse) follows from the same e.
            let d = a4 - a3;
            let e = (-d.abs()).exp();
            let (lse, w4) = if d > 0.0 {
                (a4 + e.ln_1p(), 1.0 / (1.0 + e))
            } else {
                (a3 + e.ln_1p(), e / (1.0 + e))
            };
            let w3 = 1.0 - w4;
            ll += w * lse;
            g[0] -= w * (w3 * lt + w4 * ltx);
            g[1] -= w * rx * (w3 * it + w4 * itx);
            g[2] += w * w4 / a;
            g[3] -= w * w4 * inv_bx;
        }
        (ll, g)
    }
}

/// Fits BG/NBD by maximum likelihood.
pub fn fit_bgnbd(data: &[CustomerSummary]) -> Result<BgNbdFit, ClvError> {
    if data.is_empty() {
        return Err(ClvError::NoCustomers);
    }
    let grouped = Grouped::new(data);
    let mean_t = data.iter().map(|c| c.t).sum::<f64>() / grouped.total;
    let mean_x = data.iter().map(|c| f64::from(c.frequency)).sum::<f64>() / grouped.total;
    // Starts spread over the plausible range; α scales with time, so it starts near the
    // ratio of observation length to purchases.
    let alpha0 = (mean_t / mean_x.max(0.1)).max(1e-3);
    let starts = [
        [1.0, alpha0, 1.0, 1.0],
        [0.3, alpha0, 0.5, 2.0],
        [3.0, 3.0 * alpha0, 2.0, 5.0],
        [0.1, 0.3 * alpha0, 0.2, 0.5],
    ];
    let fit: Fitted<4> = fit_positive(&|t| grouped.ll_grad(t), grouped.total, &starts).ok_or(
        ClvError::FitFailed("bg/nbd likelihood is not finite at any start"),
    )?;
    Ok(BgNbdFit {
        params: BgNbdParams::from_array(fit.theta),
        log_likelihood: fit.log_likelihood,
        std_errors: fit.std_errors.map(BgNbdParams::from_array),
        customers: data.len() as u64,
        unique_rows: grouped.rows.len(),
        iterations: fit.iterations,
        converged: fit.converged,
    })
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    fn cdnow() -> BgNbdParams {
        // FHL 2005, table/section 5: the CDNOW estimates.
        BgNbdParams {
            r: 0.243,
            alpha: 4.414,
            a: 0.793,
            b: 2.426,
        }
    }

    #[test]
    fn gradient_matches_finite_differences() {
        let data = [
            CustomerSummary::new(0, 0.0, 30.0),
            CustomerSummary::new(3, 20.0, 38.0),
            CustomerSummary::new(1, 2.5, 10.0),
            CustomerSummary::new(12, 37.5, 39.0),
        ];
        let g = Grouped::new(&data);
        let theta = [0.5, 3.0, 0.8, 2.5];
        let (ll, _) = g.ll_grad(&theta);
        let direct: f64 = data
            .iter()
            .map(|c| BgNbdParams::from_array(theta).log_likelihood(c.frequency, c.recency, c.t))
            .sum();
        assert!((ll - direct).abs() < 1e-10);
        crate::clv::assert_gradient_matches(|t| g.ll_grad(t), theta);
    }

    #[test]
    fn predictions_for_the_published_cdnow_customer() {
        // FHL 2005 §5: with the CDNOW estimates, a customer with x = 2, tₓ = 30.43, T = 38.86
        // expects 1.226 purchases in the next 39 weeks.
        let p = cdnow();
        let e = p.expected_purchases(39.0, 2, 30.43, 38.86).expect("finite");
        assert!((e - 1.226).abs() < 5e-4, "{e}");
        // P(alive) checked against lifetimes 0.11.3 (scipy) with the same parameters.
        let alive = p.p_alive(2, 30.43, 38.86);
        assert!((alive - 0.726_578_57).abs() < 1e-6, "{alive}");
        assert_eq!(p.p_alive(0, 0.0, 38.86), 1.0);
    }

    #[test]
    fn log_sum_exp_is_stable() {
        assert_eq!(log_sum_exp(-1e308, f64::NEG_INFINITY), -1e308);
        assert!((log_sum_exp(1000.0, 1000.0) - (1000.0 + std::f64::consts::LN_2)).abs() < 1e-12);
        assert!((log_sum_exp(-800.0, -801.0) - (-800.0 + (-1.0f64).exp().ln_1p())).abs() < 1e-12);
    }
}
