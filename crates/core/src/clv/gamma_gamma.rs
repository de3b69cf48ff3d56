//! The Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV: using iso-value
//! curves for customer base analysis"; Fader & Hardie 2013 note "The Gamma-Gamma model of
//! monetary value"): fitted on customers with at least one repeat purchase, from their number
//! of repeat purchases x and the mean value m̄ of those purchases.

use super::optimize::{Derivatives, Fitted, fit_positive, symmetrise};
use super::special::{digamma, ln_gamma, trigamma};
use super::{ByX, ClvError, CustomerSummary};
use serde::{Deserialize, Serialize};

/// Gamma-Gamma parameters: transaction values ~ Gamma(p, ν), ν ~ Gamma(q, γ).
#[derive(Clone, Copy, PartialEq, Debug, Serialize, Deserialize)]
pub struct GammaGammaParams {
    pub p: f64,
    pub q: f64,
    pub gamma: f64,
}

#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct GammaGammaFit {
    #[serde(flatten)]
    pub params: GammaGammaParams,
    pub log_likelihood: f64,
    pub std_errors: Option<GammaGammaParams>,
    /// Customers the model was fitted on (frequency > 0 and positive monetary value).
    pub customers: u64,
    pub iterations: usize,
    pub converged: bool,
}

impl GammaGammaParams {
    fn from_array(t: [f64; 3]) -> Self {
        Self {
            p: t[0],
            q: t[1],
            gamma: t[2],
        }
    }

    /// One customer's log-likelihood of the mean value `m` of `x` repeat transactions
    /// (the density of m̄ given x; same form as the `lifetimes` package).
    pub fn log_likelihood(&self, x: u32, m: f64) -> f64 {
        let Self { p, q, gamma } = *self;
        let x = f64::from(x);
        let px = p * x;
        ln_gamma(px + q) - ln_gamma(px) - ln_gamma(q)
            + q * gamma.ln()
            + (px - 1.0) * m.ln()
            + px * x.ln()
            - (px + q) * (gamma + m * x).ln()
    }

    /// E[M | x, m̄] = (γ + x m̄) p / (p x + q − 1): the posterior mean spend per transaction,
    /// a weighted average of the population mean pγ/(q−1) and the customer's own m̄.
    /// `None` when q ≤ 1 and x = 0 (the population mean does not exist).
    pub fn expected_spend(&self, x: u32, m: f64) -> Option<f64> {
        let Self { p, q, gamma } = *self;
        let x = f64::from(x);
        let m = if x > 0.0 { m } else { 0.0 };
        let den = p * x + q - 1.0;
        (den > 0.0).then(|| p * (gamma + x * m) / den)
    }
}

/// Repeat customers grouped by x, each row (m̄·x, weight), with the parameter-free sums
/// per x precomputed so that a likelihood evaluation costs one logarithm per row.
struct Grouped {
    xs: Vec<f64>,
    x_weight: Vec<f64>,
    /// `rows[x_start[k]..x_start[k + 1]]`: the rows with x = `xs[k]`.
    x_start: Vec<usize>,
    rows: Vec<(f64, f64)>,
    /// Σ w ln m̄ per x index.
    ln_m_by_x: Vec<f64>,
    total: f64,
}

impl Grouped {
    fn new(data: &[(u32, f64)]) -> Self {
        let by_x = ByX::new(data.iter().map(|&(x, m)| (x, m.to_bits())));
        let mut x_weight = Vec::with_capacity(by_x.xs.len());
        let mut ln_m_by_x = Vec::with_capacity(by_x.xs.len());
        let mut x_start = Vec::with_capacity(by_x.xs.len() + 1);
        let mut rows: Vec<(f64, f64)> = Vec::new();
        for (k, &x) in by_x.xs.iter().enumerate() {
            x_start.push(rows.len());
            let (mut weight, mut ln_m) = (0.0, 0.0);
            for (key, n) in by_x.runs(k) {
                let (m, w) = (f64::from_bits(key), n as f64);
                weight += w;
                ln_m += w * m.ln();
                rows.push((m * f64::from(x), w));
            }
            x_weight.push(weight);
            ln_m_by_x.push(ln_m);
        }
        x_start.push(rows.len());
        Self {
            xs: by_x.xs.iter().map(|&x| f64::from(x)).collect(),
            x_weight,
            x_start,
            rows,
            ln_m_by_x,
            total: data.len() as f64,
        }
    }

    /// Total log-likelihood, gradient and Hessian in (p, q, γ).
    fn ll_derivs(&self, theta: &[f64; 3]) -> Derivatives<3> {
        let [p, q, gamma] = *theta;
        let (lg_q, dg_q, tg_q, ln_g) = (ln_gamma(q), digamma(q), trigamma(q), gamma.ln());
        let mut ll = 0.0;
        let mut g = [0.0; 3];
        let mut h = [[0.0; 3]; 3];
        for (k, ((&x, &w), &lm)) in self
            .xs
            .iter()
            .zip(&self.x_weight)
            .zip(&self.ln_m_by_x)
            .enumerate()
        {
            let px = p * x;
            let (dg_pxq, tg_pxq) = (digamma(px + q), trigamma(px + q));
            let ln_x = x.ln();
            // Per row: ln(γ + m̄x) and 1/(γ + m̄x), summed with weights.
            let (mut sl, mut si, mut si2) = (0.0, 0.0, 0.0);
            let rows = self
                .x_start
                .get(k..k + 2)
                .and_then(|s| self.rows.get(s[0]..s[1]))
                .unwrap_or_default();
            for &(mx, rw) in rows {
                let den = gamma + mx;
                let inv = 1.0 / den;
                sl += rw * den.ln();
                si += rw * inv;
                si2 += rw * inv * inv;
            }
            ll += w * (ln_gamma(px + q) - ln_gamma(px) - lg_q + q * ln_g + px * ln_x)
                + (px - 1.0) * lm
                - (px + q) * sl;
            g[0] += x * (w * (dg_pxq - digamma(px) + ln_x) + lm - sl);
            g[1] += w * (dg_pxq - dg_q + ln_g) - sl;
            g[2] += w * q / gamma - (px + q) * si;
            h[0][0] += w * x * x * (tg_pxq - trigamma(px));
            h[0][1] += w * x * tg_pxq;
            h[0][2] -= x * si;
            h[1][1] += w * (tg_pxq - tg_q);
            h[1][2] += w / gamma - si;
            h[2][2] += (px + q) * si2 - w * q / (gamma * gamma);
        }
        symmetrise(&mut h);
        (ll, g, h)
    }
}

/// Fits Gamma-Gamma on the customers with frequency > 0 and a positive monetary value;
/// `Ok(None)` when there are fewer than two such customers or no monetary values at all.
pub fn fit_gamma_gamma(data: &[CustomerSummary]) -> Result<Option<GammaGammaFit>, ClvError> {
    let repeat: Vec<(u32, f64)> = data
        .iter()
        .filter_map(|c| match c.monetary {
            Some(m) if c.frequency > 0 && m > 0.0 && m.is_finite() => Some((c.frequency, m)),
            _ => None,
        })
        .collect();
    if repeat.len() < 2 {
        return Ok(None);
    }
    let grouped = Grouped::new(&repeat);
    let mean_m = repeat.iter().map(|r| r.1).sum::<f64>() / grouped.total;
    // Start at moderate shapes with γ matching the mean spend: E[M] = pγ/(q−1).
    let starts = [
        [1.0, 2.0, mean_m],
        [5.0, 3.0, 0.4 * mean_m],
        [0.5, 1.5, 0.25 * mean_m],
        [10.0, 10.0, mean_m],
    ];
    let fit: Fitted<3> = fit_positive(&|t| grouped.ll_derivs(t), grouped.total, &starts).ok_or(
        ClvError::FitFailed("gamma-gamma likelihood is not finite at any start"),
    )?;
    Ok(Some(GammaGammaFit {
        params: GammaGammaParams::from_array(fit.theta),
        log_likelihood: fit.log_likelihood,
        std_errors: fit.std_errors.map(GammaGammaParams::from_array),
        customers: repeat.len() as u64,
        iterations: fit.iterations,
        converged: fit.converged,
    }))
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn derivatives_match_finite_differences() {
        let data = [(1, 20.0), (3, 35.5), (3, 12.0), (7, 50.0), (1, 20.0)];
        let g = Grouped::new(&data);
        assert_eq!(g.rows.len(), 4);
        for theta in [[4.0, 3.0, 12.0], [0.6, 9.0, 0.8]] {
            let (ll, _, _) = g.ll_derivs(&theta);
            let p = GammaGammaParams::from_array(theta);
            let direct: f64 = data.iter().map(|&(x, m)| p.log_likelihood(x, m)).sum();
            assert!((ll - direct).abs() < 1e-10, "{ll} {direct}");
            crate::clv::assert_derivatives_match(|t| g.ll_derivs(t), theta);
        }
    }

    #[test]
    fn expected_spend_shrinks_towards_the_population_mean() {
        // Published CDNOW fit (FHL 2005 RFM/CLV): p = 6.25, q = 3.74, γ = 15.44; population mean
        // pγ/(q−1) = 35.22.
        let p = GammaGammaParams {
            p: 6.25,
            q: 3.74,
            gamma: 15.44,
        };
        let pop = p.expected_spend(0, 0.0).expect("q > 1");
        assert!((pop - 6.25 * 15.44 / 2.74).abs() < 1e-12);
        let one = p.expected_spend(1, 100.0).expect("defined");
        // (15.44 + 100)·6.25 / (6.25 + 2.74)
        assert!((one - 115.44 * 6.25 / 8.99).abs() < 1e-12);
        assert!(one > pop && one < 100.0);
        let none = GammaGammaParams { q: 0.5, ..p };
        assert_eq!(none.expected_spend(0, 0.0), None);
    }
}
