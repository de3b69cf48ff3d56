//! The standard normal distribution: density, distribution function and its inverse.

/// Density φ(x).
pub fn pdf(x: f64) -> f64 {
    (-0.5 * x * x).exp() / (2.0 * std::f64::consts::PI).sqrt()
}

/// Φ(x), via the complementary error function (W. J. Cody's rational approximation as given
/// in Numerical Recipes §6.2, `erfcc`, relative error < 1.2e-7).
pub fn cdf(x: f64) -> f64 {
    let z = x.abs() / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.5 * z);
    let r = t
        * (-z * z - 1.265_512_23
            + t * (1.000_023_68
                + t * (0.374_091_96
                    + t * (0.096_784_18
                        + t * (-0.186_288_06
                            + t * (0.278_868_07
                                + t * (-1.135_203_98
                                    + t * (1.488_515_87
                                        + t * (-0.822_152_23 + t * 0.170_872_77)))))))))
            .exp();
    if x >= 0.0 { 1.0 - 0.5 * r } else { 0.5 * r }
}

/// Φ⁻¹(p) by P. J. Acklam's rational approximation (relative error < 1.15e-9); clamps p to
/// (1e-12, 1 − 1e-12) so that it is finite for every input.
pub fn inverse_cdf(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    let p = if p.is_nan() {
        0.5
    } else {
        p.clamp(1e-12, 1.0 - 1e-12)
    };
    let low = 0.024_25;
    if p < low {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - low {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        let q = (-2.0 * (1.0 - p).ln()).sqrt();
        -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    }
}

/// The mean of a normal(m, s) variable given that it exceeds `c` (inverse Mills ratio), and
/// the expected squared deviation from `m` under the same condition.
pub fn truncated_above(m: f64, s: f64, c: f64) -> (f64, f64) {
    let a = (c - m) / s;
    let tail = (1.0 - cdf(a)).max(1e-300);
    let lambda = pdf(a) / tail;
    // For very large a the ratio tends to a; keep it at least that.
    let lambda = if a > 8.0 { lambda.max(a) } else { lambda };
    (m + s * lambda, s * s * (1.0 + a * lambda))
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn matches_published_values() {
        // Φ(1.959964) = 0.975, Φ(1) = 0.841345, Φ(-2.326348) = 0.01 (standard tables).
        assert!((cdf(1.959_964) - 0.975).abs() < 1e-6);
        assert!((cdf(1.0) - 0.841_344_746).abs() < 1e-6);
        assert!((cdf(-2.326_348) - 0.01).abs() < 1e-6);
        assert!((inverse_cdf(0.975) - 1.959_964).abs() < 1e-5);
        assert!((inverse_cdf(0.01) + 2.326_348).abs() < 1e-5);
        assert_eq!(inverse_cdf(0.5), 0.0);
        assert!(inverse_cdf(0.0).is_finite() && inverse_cdf(1.0).is_finite());
        // E[Z | Z > 0] = φ(0)/0.5 = 0.797885; E[Z² | Z > 0] = 1.
        let (m, v) = truncated_above(0.0, 1.0, 0.0);
        assert!((m - 0.797_885).abs() < 1e-5);
        assert!((v - 1.0).abs() < 1e-6);
    }
}
