//! Statistical primitives shared by the measures: quantiles, intervals, inequality.
//! Submodules add the heavier machinery (shrinkage, survival curves) next to these.

pub mod km;
pub mod normal;
pub mod radix;
pub mod shrink;

use serde::Serialize;

/// A sum whose result does not depend on the order of its terms. Each term is kept as a whole
/// number of 2^-64 in 128 bits (exact for terms of magnitude 2^-11 and more; smaller ones are
/// cut to that grid), the integers add exactly, and the total is rounded to `f64` once, so two
/// loops that add the same terms in different orders get the same bits. Terms must be finite
/// and below 2^63 in magnitude; others are left out.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct OrderFreeSum(i128);

impl OrderFreeSum {
    const SCALE: f64 = 18_446_744_073_709_551_616.0;

    pub fn add(&mut self, x: f64) {
        if x.is_finite() && x.abs() < 9.2e18 {
            self.0 = self.0.saturating_add((x * Self::SCALE) as i128);
        }
    }

    pub fn value(self) -> f64 {
        self.0 as f64 / Self::SCALE
    }
}

/// The normal quantile for a two-sided 95 % interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// A proportion with its count and Wilson score interval.
#[derive(Clone, Copy, PartialEq, Debug, Serialize)]
pub struct Proportion {
    pub successes: u64,
    pub trials: u64,
    /// `successes / trials`; 0 when there are no trials.
    pub rate: f64,
    pub ci_low: f64,
    pub ci_high: f64,
}

impl Proportion {
    /// The 95 % Wilson score interval (Wilson 1927), which stays inside [0, 1] and behaves at
    /// 0 and n successes, unlike the Wald interval.
    pub fn wilson(successes: u64, trials: u64) -> Self {
        let (ci_low, ci_high) = wilson_interval(successes, trials, Z95);
        let rate = if trials == 0 {
            0.0
        } else {
            successes as f64 / trials as f64
        };
        Self {
            successes,
            trials,
            rate,
            ci_low,
            ci_high,
        }
    }
}

/// Wilson score interval for `k` successes in `n` trials at normal quantile `z`;
/// `(0, 1)` when `n` is 0.
pub fn wilson_interval(k: u64, n: u64, z: f64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let n_f = n as f64;
    let p = k.min(n) as f64 / n_f;
    let z2 = z * z;
    let denom = 1.0 + z2 / n_f;
    let centre = (p + z2 / (2.0 * n_f)) / denom;
    let half = z * (p * (1.0 - p) / n_f + z2 / (4.0 * n_f * n_f)).sqrt() / denom;
    // Exact at the bounds: rounding must not push the interval off the observed rate.
    let lo = if k == 0 {
        0.0
    } else {
        (centre - half).clamp(0.0, p)
    };
    let hi = if k >= n {
        1.0
    } else {
        (centre + half).clamp(p, 1.0)
    };
    (lo, hi)
}

pub fn mean(xs: &[f64]) -> Option<f64> {
    (!xs.is_empty()).then(|| xs.iter().sum::<f64>() / xs.len() as f64)
}

/// The `q`-quantile of already sorted data, linearly interpolated (Hyndman–Fan type 7, the
/// default of R and NumPy). `None` for empty data.
pub fn quantile_sorted(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() || !q.is_finite() {
        return None;
    }
    let h = (sorted.len() - 1) as f64 * q.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    Some(sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo]))
}

/// The `q`-quantile of unsorted data (sorts a copy; NaNs are ignored).
pub fn quantile(xs: &[f64], q: f64) -> Option<f64> {
    let mut v: Vec<f64> = xs.iter().copied().filter(|x| !x.is_nan()).collect();
    v.sort_by(f64::total_cmp);
    quantile_sorted(&v, q)
}

pub fn median(xs: &[f64]) -> Option<f64> {
    quantile(xs, 0.5)
}

/// The `q`-quantile of unsorted data like [`quantile`], reordering `xs` in place instead of
/// sorting a copy. NaNs are dropped from `xs` first.
pub fn quantile_select(xs: &mut Vec<f64>, q: f64) -> Option<f64> {
    xs.retain(|x| !x.is_nan());
    quantile_of_order(xs, q)
}

/// What [`quantile_sorted`] gives on `xs` sorted by `f64::total_cmp`, found by two selections
/// (linear on average) that reorder `xs`, for the per-group quartiles of million-row
/// breakdowns. `None` for empty data.
pub fn quantile_of_order(xs: &mut [f64], q: f64) -> Option<f64> {
    if xs.is_empty() || !q.is_finite() {
        return None;
    }
    let h = (xs.len() - 1) as f64 * q.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    let (_, &mut at_lo, above) = xs.select_nth_unstable_by(lo, f64::total_cmp);
    // The next order statistic is the smallest value above the lower one.
    let at_hi = if hi > lo {
        above.iter().copied().min_by(f64::total_cmp)?
    } else {
        at_lo
    };
    Some(at_lo + (h - lo as f64) * (at_hi - at_lo))
}

/// The Gini coefficient of non-negative values (0 = equal, → 1 = one holds all).
/// `None` when empty or when all values are zero.
pub fn gini(values: &[f64]) -> Option<f64> {
    let mut v: Vec<f64> = values
        .iter()
        .map(|x| x.max(0.0))
        .filter(|x| x.is_finite())
        .collect();
    let total: f64 = v.iter().sum();
    if v.is_empty() || total <= 0.0 {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len() as f64;
    let weighted: f64 = v
        .iter()
        .enumerate()
        .map(|(i, x)| (i as f64 + 1.0) * x)
        .sum();
    Some((2.0 * weighted) / (n * total) - (n + 1.0) / n)
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn an_order_free_sum_is_exact_and_ignores_order() {
        // 0.1 + 0.2 + 0.3 in f64 depends on the order; the exact sum rounds once.
        let xs = [0.1, 0.2, 0.3, 1e10, -1e10, 2.5e-3, 7.0];
        let mut a = OrderFreeSum::default();
        xs.iter().for_each(|x| a.add(*x));
        let mut b = OrderFreeSum::default();
        xs.iter().rev().for_each(|x| b.add(*x));
        assert_eq!(a, b);
        assert_eq!(a.value(), 7.6025);
        assert_ne!((0.1 + 0.2) + 0.3, 0.1 + (0.2 + 0.3));
        let mut c = OrderFreeSum::default();
        c.add(f64::NAN);
        c.add(f64::INFINITY);
        c.add(1e30);
        c.add(-3.5);
        assert_eq!(c.value(), -3.5);
    }

    #[test]
    fn wilson_matches_published_values() {
        // Newcombe (1998), Statistics in Medicine 17:857, table I: 81/263 → 0.2553–0.3662.
        let (lo, hi) = wilson_interval(81, 263, Z95);
        assert!(
            close(lo, 0.2553, 5e-4) && close(hi, 0.3662, 5e-4),
            "{lo} {hi}"
        );
        // 15/148 → 0.0624–0.1605 (same table).
        let (lo, hi) = wilson_interval(15, 148, Z95);
        assert!(
            close(lo, 0.0624, 5e-4) && close(hi, 0.1605, 5e-4),
            "{lo} {hi}"
        );
        // 0/20 → 0–0.1611.
        let (lo, hi) = wilson_interval(0, 20, Z95);
        assert!(lo == 0.0 && close(hi, 0.1611, 5e-4), "{hi}");
        assert_eq!(wilson_interval(0, 0, Z95), (0.0, 1.0));
        let p = Proportion::wilson(3, 3);
        assert_eq!((p.rate, p.ci_high), (1.0, 1.0));
        assert!(p.ci_low < 0.5);
    }

    #[test]
    fn quantiles_interpolate_like_numpy() {
        let xs = [4.0, 1.0, 3.0, 2.0];
        assert_eq!(median(&xs), Some(2.5));
        // numpy.percentile([1,2,3,4], 90) == 3.7
        assert!(close(quantile(&xs, 0.9).unwrap(), 3.7, 1e-12));
        assert_eq!(quantile(&[], 0.5), None);
        // The selecting variant gives the sorting one's values, NaNs dropped alike.
        let many: Vec<f64> = (0..101).map(|i| f64::from((i * 37) % 101) / 7.0).collect();
        for q in [0.0, 0.1, 0.25, 0.5, 0.9, 0.999, 1.0] {
            assert_eq!(quantile_select(&mut many.clone(), q), quantile(&many, q));
        }
        assert_eq!(quantile_select(&mut xs.to_vec(), 0.9), quantile(&xs, 0.9));
        assert_eq!(
            quantile_select(&mut vec![f64::NAN, 2.0, 1.0], 0.5),
            Some(1.5)
        );
        assert_eq!(quantile_select(&mut vec![f64::NAN], 0.5), None);
        // Without dropping: NaN sorts last under total order, as in a sorted slice.
        let mut with_nan = [3.0, f64::NAN, 1.0, 2.0];
        let mut sorted = with_nan;
        sorted.sort_by(f64::total_cmp);
        for q in [0.0, 0.5, 0.6] {
            assert_eq!(
                quantile_of_order(&mut with_nan, q),
                quantile_sorted(&sorted, q)
            );
        }
        assert!(quantile_of_order(&mut with_nan, 1.0).is_some_and(f64::is_nan));
        assert_eq!(mean(&xs), Some(2.5));
    }

    #[test]
    fn gini_of_known_distributions() {
        assert_eq!(gini(&[5.0, 5.0, 5.0, 5.0]), Some(0.0));
        // One of four holds everything: (n-1)/n.
        assert!(close(gini(&[0.0, 0.0, 0.0, 8.0]).unwrap(), 0.75, 1e-12));
        // [1,2,3,4]: G = 0.25.
        assert!(close(gini(&[1.0, 2.0, 3.0, 4.0]).unwrap(), 0.25, 1e-12));
        assert_eq!(gini(&[0.0, 0.0]), None);
    }
}
