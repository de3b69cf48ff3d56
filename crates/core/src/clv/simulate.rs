//! Draws customer summaries from the BG/NBD and Gamma-Gamma stories, for parameter-recovery
//! tests, benchmarks and what-if demos. Seeded: same seed, same customers, on every target.

use super::{BgNbdParams, CustomerSummary, GammaGammaParams};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Beta, Distribution, Exp, Gamma};

/// `n` customers observed for T drawn uniformly in [`t_max`/4, `t_max`]: λ ~ Gamma(r, α),
/// p ~ Beta(a, b); purchases at Poisson(λ) times after a first purchase at 0, dropping out
/// after each repeat purchase with probability p. With `spend`, each repeat purchase's value is
/// Gamma(p, ν) with ν ~ Gamma(q, γ) per customer, and `monetary` is their mean. Times are
/// rounded to `resolution` (e.g. 1.0 for whole days; 0.0 keeps them continuous). `None` if a
/// parameter is not positive and finite.
pub fn simulate_summaries(
    bg: BgNbdParams,
    spend: Option<GammaGammaParams>,
    n: usize,
    t_max: f64,
    resolution: f64,
    seed: u64,
) -> Option<Vec<CustomerSummary>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let lambda = Gamma::new(bg.r, 1.0 / bg.alpha).ok()?;
    let drop = Beta::new(bg.a, bg.b).ok()?;
    let nu = match spend {
        Some(g) => Some((Gamma::new(g.q, 1.0 / g.gamma).ok()?, g.p)),
        None => None,
    };
    if !(t_max > 0.0 && t_max.is_finite()) {
        return None;
    }
    let round = |t: f64| {
        if resolution > 0.0 {
            (t / resolution).floor() * resolution
        } else {
            t
        }
    };
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let big_t = round(t_max * (0.25 + 0.75 * rng.random::<f64>())).max(resolution);
        let l = lambda.sample(&mut rng).max(1e-300);
        let pd = drop.sample(&mut rng);
        let gap = Exp::new(l).ok()?;
        let (mut x, mut t, mut last) = (0u32, 0.0, 0.0);
        loop {
            t += gap.sample(&mut rng);
            if t > big_t {
                break;
            }
            // Purchases within one time step merge into one, as daily data does.
            if x == 0 || round(t) > round(last) {
                x += 1;
            }
            last = t;
            if rng.random::<f64>() < pd {
                break;
            }
        }
        let monetary = match (&nu, x) {
            (Some(_), 0) => Some(0.0),
            (Some((nu_dist, p)), _) => {
                let scale = 1.0 / nu_dist.sample(&mut rng).max(1e-300);
                let z = Gamma::new(*p, scale).ok()?;
                Some((0..x).map(|_| z.sample(&mut rng)).sum::<f64>() / f64::from(x))
            }
            (None, _) => None,
        };
        let recency = if x == 0 { 0.0 } else { round(last) };
        out.push(CustomerSummary {
            frequency: x,
            recency,
            t: big_t,
            monetary,
        });
    }
    Some(out)
}
