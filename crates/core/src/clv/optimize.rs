//! Maximum-likelihood machinery for models with positive parameters: L-BFGS on the
//! log-parameters with restarts, and standard errors from a numerically differentiated
//! Hessian of the log-likelihood.

// Small dense matrices read best with explicit indices, and `!(x > 0.0)` is meant to reject
// NaN as well as non-positive values.
#![allow(clippy::needless_range_loop, clippy::neg_cmp_op_on_partial_ord)]

/// A fitted parameter vector.
#[derive(Clone, Debug)]
pub struct Fitted<const N: usize> {
    pub theta: [f64; N],
    pub log_likelihood: f64,
    pub iterations: usize,
    pub converged: bool,
    /// Asymptotic standard errors, `None` when the observed information is not positive
    /// definite (a flat or degenerate likelihood).
    pub std_errors: Option<[f64; N]>,
}

/// Log-parameters beyond this are treated as outside the feasible box: e^±30 covers every
/// sensible scale and keeps the likelihood's arithmetic finite.
const LOG_BOUND: f64 = 30.0;

/// Maximises `ll` (log-likelihood and its gradient in the natural, positive parameters) over
/// θ > 0. `total_weight` normalises the objective to a per-customer scale so that tolerances
/// do not depend on the sample size. The best end point is polished by a fresh restart (which
/// discards the curvature memory and so guards against a stale quasi-Newton model stopping
/// early).
pub fn fit_positive<const N: usize>(
    ll: &impl Fn(&[f64; N]) -> (f64, [f64; N]),
    total_weight: f64,
    starts: &[[f64; N]],
) -> Option<Fitted<N>> {
    let scale = 1.0 / total_weight.max(1.0);
    let objective = |phi: &[f64; N]| -> (f64, [f64; N]) {
        if phi.iter().any(|p| !p.is_finite() || p.abs() > LOG_BOUND) {
            return (f64::INFINITY, [0.0; N]);
        }
        let theta = phi.map(f64::exp);
        let (v, g) = ll(&theta);
        if !v.is_finite() || g.iter().any(|x| !x.is_finite()) {
            return (f64::INFINITY, [0.0; N]);
        }
        let mut grad = [0.0; N];
        for i in 0..N {
            grad[i] = -g[i] * theta[i] * scale;
        }
        (-v * scale, grad)
    };
    // Starts are tried in order until one converges; the others are the restarts for
    // likelihoods on which the first start stalls or leaves the feasible box.
    let mut best: Option<Minimum<N>> = None;
    let mut iterations = 0;
    for start in starts {
        if start.iter().any(|t| !(*t > 0.0)) {
            continue;
        }
        let m = lbfgs(&objective, start.map(f64::ln), 500);
        iterations += m.iterations;
        let converged = m.converged;
        if m.f.is_finite() && best.as_ref().is_none_or(|b| m.f < b.f) {
            best = Some(m);
        }
        if converged {
            break;
        }
    }
    let first = best?;
    let polished = lbfgs(&objective, first.x, 500);
    iterations += polished.iterations;
    let end = if polished.f <= first.f {
        polished
    } else {
        first
    };
    let theta = end.x.map(f64::exp);
    let (log_likelihood, _) = ll(&theta);
    Some(Fitted {
        theta,
        log_likelihood,
        iterations,
        converged: end.converged,
        std_errors: std_errors(ll, &theta),
    })
}

#[derive(Clone, Debug)]
struct Minimum<const N: usize> {
    x: [f64; N],
    f: f64,
    iterations: usize,
    converged: bool,
}

/// Limited-memory BFGS (Nocedal & Wright, Alg. 7.4/7.5) with a backtracking Armijo line
/// search; curvature pairs with sᵀy ≤ 0 are skipped so the inverse-Hessian model stays
/// positive definite.
fn lbfgs<const N: usize>(
    f: &impl Fn(&[f64; N]) -> (f64, [f64; N]),
    x0: [f64; N],
    max_iter: usize,
) -> Minimum<N> {
    const MEMORY: usize = 8;
    let dot = |u: &[f64; N], v: &[f64; N]| u.iter().zip(v).map(|(a, b)| a * b).sum::<f64>();
    let norm_inf = |u: &[f64; N]| u.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let mut x = x0;
    let (mut fx, mut g) = f(&x);
    let mut hist: Vec<([f64; N], [f64; N], f64)> = Vec::with_capacity(MEMORY);
    let mut stalls = 0;
    for it in 0..max_iter {
        if !fx.is_finite() {
            return Minimum {
                x,
                f: fx,
                iterations: it,
                converged: false,
            };
        }
        if norm_inf(&g) <= 1e-10 {
            return Minimum {
                x,
                f: fx,
                iterations: it,
                converged: true,
            };
        }
        // Two-loop recursion for d = −H g.
        let mut q = g;
        let mut alphas = [0.0; MEMORY];
        for (k, (s, y, rho)) in hist.iter().enumerate().rev() {
            let a = rho * dot(s, &q);
            alphas[k] = a;
            for i in 0..N {
                q[i] -= a * y[i];
            }
        }
        let gamma = hist
            .last()
            .map_or(1.0 / norm_inf(&g).max(1.0), |(s, y, _)| {
                dot(s, y) / dot(y, y)
            });
        for v in q.iter_mut() {
            *v *= gamma;
        }
        for (k, (s, y, rho)) in hist.iter().enumerate() {
            let b = rho * dot(y, &q);
            for i in 0..N {
                q[i] += s[i] * (alphas[k] - b);
            }
        }
        let mut d = q.map(|v| -v);
        let mut slope = dot(&g, &d);
        if slope >= 0.0 {
            // Not a descent direction: fall back to steepest descent and forget the model.
            hist.clear();
            d = g.map(|v| -v / norm_inf(&g).max(1.0));
            slope = dot(&g, &d);
        }
        let mut step = 1.0;
        let mut accepted = None;
        for _ in 0..60 {
            let mut xn = x;
            for i in 0..N {
                xn[i] += step * d[i];
            }
            let (fxn, gn) = f(&xn);
            if fxn.is_finite() && fxn <= fx + 1e-4 * step * slope {
                accepted = Some((xn, fxn, gn));
                break;
            }
            // Minimiser of the quadratic through f(x), f'(x) and f(x + step·d), kept within
            // [0.1, 0.5]·step; plain halving when the trial value is not finite.
            step = if fxn.is_finite() {
                let q = -slope * step * step / (2.0 * (fxn - fx - slope * step));
                q.clamp(0.1 * step, 0.5 * step)
            } else {
                0.5 * step
            };
        }
        let Some((xn, fxn, gn)) = accepted else {
            return Minimum {
                x,
                f: fx,
                iterations: it,
                converged: norm_inf(&g) <= 1e-6,
            };
        };
        let mut s = [0.0; N];
        let mut y = [0.0; N];
        for i in 0..N {
            s[i] = xn[i] - x[i];
            y[i] = gn[i] - g[i];
        }
        let sy = dot(&s, &y);
        if sy > 1e-12 * dot(&s, &s).sqrt() * dot(&y, &y).sqrt() {
            if hist.len() == MEMORY {
                hist.remove(0);
            }
            hist.push((s, y, 1.0 / sy));
        }
        stalls = if fx - fxn <= 1e-15 * (1.0 + fx.abs()) {
            stalls + 1
        } else {
            0
        };
        x = xn;
        fx = fxn;
        g = gn;
        if stalls >= 3 {
            return Minimum {
                x,
                f: fx,
                iterations: it + 1,
                converged: norm_inf(&g) <= 1e-6,
            };
        }
    }
    Minimum {
        x,
        f: fx,
        iterations: max_iter,
        converged: norm_inf(&g) <= 1e-6,
    }
}

/// Standard errors √diag((−H)⁻¹), with H the Hessian of the log-likelihood at θ obtained by
/// central differences of the analytic gradient (step 1e-5 relative), symmetrised.
pub fn std_errors<const N: usize>(
    ll: &impl Fn(&[f64; N]) -> (f64, [f64; N]),
    theta: &[f64; N],
) -> Option<[f64; N]> {
    let mut info = [[0.0f64; N]; N];
    for j in 0..N {
        let h = 1e-5 * theta[j].abs().max(1e-8);
        let mut up = *theta;
        let mut down = *theta;
        up[j] += h;
        down[j] -= h;
        if down[j] <= 0.0 {
            return None;
        }
        let (_, gu) = ll(&up);
        let (_, gd) = ll(&down);
        for i in 0..N {
            info[i][j] = -(gu[i] - gd[i]) / (2.0 * h);
        }
    }
    for i in 0..N {
        for j in 0..i {
            let m = 0.5 * (info[i][j] + info[j][i]);
            info[i][j] = m;
            info[j][i] = m;
        }
    }
    let cov = invert_spd(info)?;
    let mut se = [0.0; N];
    for i in 0..N {
        se[i] = cov[i][i].sqrt();
    }
    se.iter().all(|v| v.is_finite()).then_some(se)
}

/// Inverse of a symmetric positive-definite matrix by Cholesky; `None` if it is not SPD.
pub fn invert_spd<const N: usize>(m: [[f64; N]; N]) -> Option<[[f64; N]; N]> {
    let mut l = [[0.0f64; N]; N];
    for i in 0..N {
        for j in 0..=i {
            let mut sum = m[i][j];
            for k in 0..j {
                sum -= l[i][k] * l[j][k];
            }
            if i == j {
                if !(sum > 0.0) {
                    return None;
                }
                l[i][i] = sum.sqrt();
            } else {
                l[i][j] = sum / l[j][j];
            }
        }
    }
    // Solve L Lᵀ X = I column by column.
    let mut inv = [[0.0f64; N]; N];
    for col in 0..N {
        let mut y = [0.0f64; N];
        for i in 0..N {
            let mut sum = if i == col { 1.0 } else { 0.0 };
            for k in 0..i {
                sum -= l[i][k] * y[k];
            }
            y[i] = sum / l[i][i];
        }
        for i in (0..N).rev() {
            let mut sum = y[i];
            for k in i + 1..N {
                sum -= l[k][i] * inv[k][col];
            }
            inv[i][col] = sum / l[i][i];
        }
    }
    Some(inv)
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn fits_a_gamma_sample_by_maximum_likelihood() {
        // Exponential data with rate λ: the MLE is n / Σx with SE λ̂/√n.
        let xs = [0.5, 1.2, 0.3, 2.2, 0.9, 1.4, 0.7];
        let sum: f64 = xs.iter().sum();
        let n = xs.len() as f64;
        let ll = |t: &[f64; 1]| {
            let lambda = t[0];
            (n * lambda.ln() - lambda * sum, [n / lambda - sum])
        };
        let fit = fit_positive(&ll, n, &[[0.01], [10.0]]).expect("fit");
        let want = n / sum;
        assert!((fit.theta[0] - want).abs() < 1e-9 * want);
        let se = fit.std_errors.expect("se")[0];
        assert!((se - want / n.sqrt()).abs() < 1e-5 * se);
        assert!(fit.converged);
    }

    #[test]
    fn minimises_rosenbrock_in_log_space() {
        // Rosenbrock's banana valley in (ln θ₀, ln θ₁): minimum at ln θ = (1, 1).
        let ll = |t: &[f64; 2]| {
            let (u, v) = (t[0].ln(), t[1].ln());
            let f = (1.0 - u).powi(2) + 100.0 * (v - u * u).powi(2);
            let du = -2.0 * (1.0 - u) - 400.0 * u * (v - u * u);
            let dv = 200.0 * (v - u * u);
            (-f, [-du / t[0], -dv / t[1]])
        };
        let fit = fit_positive(&ll, 1.0, &[[0.3, 5.0]]).expect("fit");
        assert!((fit.theta[0].ln() - 1.0).abs() < 1e-5, "{:?}", fit.theta);
        assert!((fit.theta[1].ln() - 1.0).abs() < 1e-5, "{:?}", fit.theta);
    }

    #[test]
    fn inverts_spd_and_rejects_indefinite() {
        let inv = invert_spd([[4.0, 2.0], [2.0, 3.0]]).expect("spd");
        // det = 8; inverse = [[3, −2], [−2, 4]] / 8.
        assert!((inv[0][0] - 0.375).abs() < 1e-15);
        assert!((inv[0][1] + 0.25).abs() < 1e-15);
        assert!((inv[1][1] - 0.5).abs() < 1e-15);
        assert!(invert_spd([[1.0, 2.0], [2.0, 1.0]]).is_none());
    }
}
