//! Maximum-likelihood machinery for models with positive parameters: a damped Newton method
//! on the log-parameters with restarts, and standard errors from the analytic Hessian.

// Small dense matrices read best with explicit indices, and `!(x > 0.0)` is meant to reject
// NaN as well as non-positive values.
#![allow(clippy::needless_range_loop, clippy::neg_cmp_op_on_partial_ord)]

/// A log-likelihood with its gradient and Hessian at one parameter vector.
pub type Derivatives<const N: usize> = (f64, [f64; N], [[f64; N]; N]);

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

/// Largest Newton step in any log-parameter (a factor e² on the parameter): a trust region
/// that keeps early steps, taken where the quadratic model is poor, from leaving the region
/// where the likelihood is finite.
const MAX_STEP: f64 = 2.0;

/// Maximises `ll` (log-likelihood, gradient and Hessian in the natural, positive parameters)
/// over θ > 0. `total_weight` normalises the objective to a per-customer scale so that
/// tolerances do not depend on the sample size. Each start is tried in order until one
/// converges; the others are the restarts for likelihoods on which a start stalls or leaves
/// the feasible box.
pub fn fit_positive<const N: usize>(
    ll: &impl Fn(&[f64; N]) -> Derivatives<N>,
    total_weight: f64,
    starts: &[[f64; N]],
) -> Option<Fitted<N>> {
    let scale = 1.0 / total_weight.max(1.0);
    // In φ = ln θ: ∂f/∂φᵢ = θᵢ ∂f/∂θᵢ and ∂²f/∂φᵢ∂φⱼ = θᵢθⱼ ∂²f/∂θᵢ∂θⱼ + δᵢⱼ θᵢ ∂f/∂θᵢ.
    let objective = |phi: &[f64; N]| -> Option<Derivatives<N>> {
        if phi.iter().any(|p| !p.is_finite() || p.abs() > LOG_BOUND) {
            return None;
        }
        let theta = phi.map(f64::exp);
        let (v, g, h) = ll(&theta);
        let mut grad = [0.0; N];
        let mut hess = [[0.0; N]; N];
        for i in 0..N {
            grad[i] = -g[i] * theta[i] * scale;
            for j in 0..N {
                hess[i][j] = -h[i][j] * theta[i] * theta[j] * scale;
            }
            hess[i][i] += grad[i];
        }
        let finite = v.is_finite()
            && grad.iter().all(|x| x.is_finite())
            && hess.iter().flatten().all(|x| x.is_finite());
        finite.then_some((-v * scale, grad, hess))
    };
    let mut best: Option<Minimum<N>> = None;
    let mut iterations = 0;
    for start in starts {
        if start.iter().any(|t| !(*t > 0.0)) {
            continue;
        }
        let m = newton(&objective, start.map(f64::ln), 200);
        iterations += m.iterations;
        let converged = m.converged;
        if m.f.is_finite() && best.as_ref().is_none_or(|b| m.f < b.f) {
            best = Some(m);
        }
        if converged {
            break;
        }
    }
    let end = best?;
    let theta = end.x.map(f64::exp);
    let (log_likelihood, _, hessian) = ll(&theta);
    Some(Fitted {
        theta,
        log_likelihood,
        iterations,
        converged: end.converged,
        std_errors: std_errors(&hessian),
    })
}

#[derive(Clone, Debug)]
struct Minimum<const N: usize> {
    x: [f64; N],
    f: f64,
    iterations: usize,
    converged: bool,
}

/// Newton's method with Levenberg damping (Nocedal & Wright §3.4): the Hessian plus μI, with
/// the smallest μ of a geometric ladder that makes it positive definite, gives a descent
/// direction everywhere and the pure Newton step (quadratic convergence) near the minimum;
/// the step is capped at `MAX_STEP` and backtracked until it decreases f (Armijo).
fn newton<const N: usize>(
    f: &impl Fn(&[f64; N]) -> Option<Derivatives<N>>,
    x0: [f64; N],
    max_iter: usize,
) -> Minimum<N> {
    let dot = |u: &[f64; N], v: &[f64; N]| u.iter().zip(v).map(|(a, b)| a * b).sum::<f64>();
    let norm_inf = |u: &[f64; N]| u.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let fail = |x, iterations| Minimum {
        x,
        f: f64::INFINITY,
        iterations,
        converged: false,
    };
    let mut x = x0;
    let Some((mut fx, mut g, mut h)) = f(&x) else {
        return fail(x, 0);
    };
    let mut stalls = 0;
    for it in 0..max_iter {
        if norm_inf(&g) <= 1e-10 {
            return Minimum {
                x,
                f: fx,
                iterations: it,
                converged: true,
            };
        }
        let Some((mut d, damped)) = damped_newton_direction(&h, &g) else {
            return fail(x, it);
        };
        let longest = norm_inf(&d);
        if longest > MAX_STEP {
            for v in d.iter_mut() {
                *v *= MAX_STEP / longest;
            }
        }
        let slope = dot(&g, &d);
        // An undamped Newton step whose predicted decrease (half the Newton decrement −slope)
        // is below the rounding of f: the line search can no longer tell better from worse,
        // but the quadratic model is exact to that order, so the step is taken as long as it
        // shrinks the gradient.
        if !damped && longest <= MAX_STEP && -slope <= 1e-12 * (1.0 + fx.abs()) {
            let mut xn = x;
            for i in 0..N {
                xn[i] += d[i];
            }
            match f(&xn) {
                Some((fxn, gn, hn)) if norm_inf(&gn) < norm_inf(&g) => {
                    (x, fx, g, h) = (xn, fxn, gn, hn);
                    continue;
                }
                _ => {
                    return Minimum {
                        x,
                        f: fx,
                        iterations: it + 1,
                        converged: norm_inf(&g) <= 1e-6,
                    };
                }
            }
        }
        let mut step = 1.0;
        let mut accepted = None;
        for _ in 0..60 {
            let mut xn = x;
            for i in 0..N {
                xn[i] += step * d[i];
            }
            let trial = f(&xn);
            if let Some((fxn, gn, hn)) = trial
                && fxn <= fx + 1e-4 * step * slope
            {
                accepted = Some((xn, fxn, gn, hn));
                break;
            }
            // Minimiser of the quadratic through f(x), f'(x) and f(x + step·d), kept within
            // [0.1, 0.5]·step; plain halving when the trial value is not finite.
            step = match trial {
                Some((fxn, _, _)) => {
                    let q = -slope * step * step / (2.0 * (fxn - fx - slope * step));
                    q.clamp(0.1 * step, 0.5 * step)
                }
                None => 0.5 * step,
            };
        }
        let Some((xn, fxn, gn, hn)) = accepted else {
            return Minimum {
                x,
                f: fx,
                iterations: it,
                converged: norm_inf(&g) <= 1e-6,
            };
        };
        stalls = if fx - fxn <= 1e-15 * (1.0 + fx.abs()) {
            stalls + 1
        } else {
            0
        };
        (x, fx, g, h) = (xn, fxn, gn, hn);
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

/// −(H + μI)⁻¹ g for the smallest μ in {0, 1e-8·s, 1e-7·s, …} (s the largest diagonal
/// magnitude) that makes H + μI positive definite, and whether μ > 0; `None` if none does
/// within 1e12·s.
fn damped_newton_direction<const N: usize>(
    h: &[[f64; N]; N],
    g: &[f64; N],
) -> Option<([f64; N], bool)> {
    let s = (0..N).fold(1e-12f64, |m, i| m.max(h[i][i].abs()));
    let mut mu = 0.0;
    loop {
        let mut m = *h;
        for i in 0..N {
            m[i][i] += mu;
        }
        if let Some(inv) = invert_spd(m) {
            let mut d = [0.0; N];
            for i in 0..N {
                d[i] = -(0..N).map(|j| inv[i][j] * g[j]).sum::<f64>();
            }
            return d.iter().all(|v| v.is_finite()).then_some((d, mu > 0.0));
        }
        mu = if mu == 0.0 { 1e-8 * s } else { 10.0 * mu };
        if mu > 1e12 * s {
            return None;
        }
    }
}

/// Copies the upper triangle of `h` onto the lower one (the fits accumulate only the upper).
pub fn symmetrise<const N: usize>(h: &mut [[f64; N]; N]) {
    for i in 0..N {
        for j in 0..i {
            h[i][j] = h[j][i];
        }
    }
}

/// Standard errors √diag((−H)⁻¹) from the Hessian H of the log-likelihood at the maximum.
pub fn std_errors<const N: usize>(hessian: &[[f64; N]; N]) -> Option<[f64; N]> {
    let info = hessian.map(|row| row.map(|v| -v));
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
            (
                n * lambda.ln() - lambda * sum,
                [n / lambda - sum],
                [[-n / (lambda * lambda)]],
            )
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
            // Second derivatives in (u, v), then to θ = e^(u, v):
            // ∂²/∂θᵢ∂θⱼ = (∂²/∂uᵢ∂uⱼ − δᵢⱼ ∂/∂uᵢ) / (θᵢθⱼ).
            let duu = 2.0 - 400.0 * (v - 3.0 * u * u);
            let duv = -400.0 * u;
            let dvv = 200.0;
            let (a, b) = (t[0], t[1]);
            (
                -f,
                [-du / a, -dv / b],
                [
                    [-(duu - du) / (a * a), -duv / (a * b)],
                    [-duv / (a * b), -(dvv - dv) / (b * b)],
                ],
            )
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
