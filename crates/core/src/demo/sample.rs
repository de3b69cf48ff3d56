//! Small samplers over a seeded ChaCha stream (the caller owns the seed).

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Gamma, StandardNormal};

pub fn rng_f64(rng: &mut ChaCha8Rng) -> f64 {
    rng.random::<f64>()
}

/// Uniform in `0..n` (0 when `n` is 0).
pub fn rng_below(rng: &mut ChaCha8Rng, n: u64) -> u64 {
    if n == 0 { 0 } else { rng.random_range(0..n) }
}

pub fn normal(rng: &mut ChaCha8Rng) -> f64 {
    StandardNormal.sample(rng)
}

pub fn lognormal(rng: &mut ChaCha8Rng, mu: f64, sigma: f64) -> f64 {
    (mu + sigma * normal(rng)).exp()
}

/// Exponential with the given mean.
pub fn exponential(rng: &mut ChaCha8Rng, mean: f64) -> f64 {
    -mean * (1.0 - rng_f64(rng)).ln()
}

/// Gamma with the given shape and mean.
pub fn gamma(rng: &mut ChaCha8Rng, shape: f64, mean: f64) -> f64 {
    Gamma::new(shape, mean / shape).map_or(mean, |g| g.sample(rng))
}

/// Poisson by inversion for small means, normal approximation above 30.
pub fn poisson(rng: &mut ChaCha8Rng, mean: f64) -> u64 {
    if mean <= 0.0 {
        return 0;
    }
    if mean > 30.0 {
        return (mean + mean.sqrt() * normal(rng)).round().max(0.0) as u64;
    }
    let l = (-mean).exp();
    let mut k = 0;
    let mut p = rng_f64(rng);
    while p > l {
        k += 1;
        p *= rng_f64(rng);
    }
    k
}

pub fn bernoulli(rng: &mut ChaCha8Rng, p: f64) -> bool {
    rng_f64(rng) < p
}

/// An index drawn with the given (non-negative, not all zero) weights.
pub fn pick_weighted(rng: &mut ChaCha8Rng, w: &[f64]) -> usize {
    let total: f64 = w.iter().sum();
    let mut u = rng_f64(rng) * total;
    for (i, x) in w.iter().enumerate() {
        if u < *x {
            return i;
        }
        u -= x;
    }
    w.len().saturating_sub(1)
}

pub fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}
