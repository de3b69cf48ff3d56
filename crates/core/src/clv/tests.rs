//! CLV validation: ₂F₁ against mpmath, the published CDNOW fits, and parameter recovery on
//! data simulated from the models.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use super::special::hyp2f1;
use super::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Gamma};

/// (a, b, c, z, ₂F₁) from mpmath 1.4.1 `hyp2f1` at 40 digits, covering every branch: the
/// series, Pfaff for z < −1/2 and z ≪ −1, the 1−z formula, the ODE continuation for
/// integer c−a−b near z = 1, and BG/NBD-shaped arguments (r+x, a−1; a+b+x−1; −t/(α+T)).
const MPMATH: &[(f64, f64, f64, f64, f64)] = &[
    (0.5, 1.5, 2.5, 0.3, 1.108_062_551_056_932),
    (2.2, 3.3, 5.5, 0.75, 4.826_844_506_217_835),
    (0.243, -0.207, 1.219, -0.9, 1.031_621_449_732_674_8),
    (0.243, -0.207, 1.219, -40.0, 1.393_489_570_891_206_4),
    (10.243, -0.207, 11.219, -2.5, 1.278_530_574_717_572_3),
    (1.5, 2.5, 4.0, 0.95, 7.824_226_341_235_016),
    (1.5, 2.5, 4.0, 0.9999, 37.277_177_715_461_19),
    (1.0, 2.0, 3.0, 0.99, 7.377_145_568_795_206),
    (3.0, 4.0, 7.0, 0.999, 218.078_918_742_293_08),
    (0.5, 0.5, 1.0, 0.9, 1.641_264_414_342_370_8),
    (1.25, 0.75, 2.0, 0.98, 3.732_902_798_254_367_5),
    (2.0, 3.0, 4.0, 0.97, 86.417_208_152_405_11),
    (-2.5, 1.5, 3.0, 0.9, 0.294_215_089_466_473_25),
    (0.3, -0.6, 2.5, -10000.0, 54.425_720_136_296_86),
    (20.0, 30.0, 45.5, 0.8, 70_939_863.029_715_79),
    (1.1, 2.2, 3.3, -0.7, 0.666_001_445_354_220_7),
    (5.0, -0.5, 8.0, -1_000_000.0, 783.217_435_897_132_9),
    (1.6, 0.4, 0.7, 0.85, 7.728_948_757_989_427),
    (-0.5, -0.7, 0.3, 0.96, 2.216_852_107_799_915),
    (50.5, 0.3, 60.0, 0.99, 1.738_360_878_684_157_4),
    (2.0, 3.0, 5.0, 0.999_999, 135.787_025_414_772_57),
    (0.8, 1.2, 2.0, 0.999_999_9, 15.171_497_966_890_63),
];

#[test]
fn hyp2f1_matches_mpmath() {
    for &(a, b, c, z, want) in MPMATH {
        let got = hyp2f1(a, b, c, z).unwrap_or(f64::NAN);
        let rel = ((got - want) / want).abs();
        assert!(
            rel < 1e-10,
            "2F1({a}, {b}; {c}; {z}) = {got}, mpmath {want}, rel {rel:e}"
        );
    }
}

/// A large c against a + b, as the BG/NBD forecast meets when a tiny dataset drives a and b into
/// the millions (Pfaff-transformed, ₂F₁(r + x, b + x; a + b + x − 1; w)). The series converges
/// fast, but its old stopping bound stayed over 1, so each value took seconds of ODE steps.
/// Reference: mpmath 1.3.0 `hyp2f1` at 40 digits.
#[test]
fn hyp2f1_with_a_large_c_sums_its_series() {
    let got = hyp2f1(2.6, 2_820_442.31, 7_428_134.37, 0.73).unwrap_or(f64::NAN);
    let want = 2.325_520_069_841_526;
    assert!(
        ((got - want) / want).abs() < 1e-10,
        "got {got}, mpmath {want}"
    );
}

/// The CDNOW sample of FHL 2005 (2357 customers, 39-week calibration, times in weeks) as
/// shipped in the `lifetimes` package; see `tests/data/clv/README.md`.
fn cdnow() -> Vec<CustomerSummary> {
    let text = include_str!("../../../../tests/data/clv/cdnow_summary.csv");
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            Some(CustomerSummary {
                frequency: f.get(1)?.parse().ok()?,
                recency: f.get(2)?.parse().ok()?,
                t: f.get(3)?.parse().ok()?,
                monetary: f.get(4).and_then(|m| m.parse().ok()),
            })
        })
        .collect()
}

fn sig3(got: f64, want: f64) -> bool {
    // Agreement to three significant digits: within half a unit of the third digit.
    let mag = 10f64.powf(want.abs().log10().floor() - 2.0);
    (got - want).abs() <= 0.5 * mag + 1e-12
}

#[test]
fn bgnbd_reproduces_the_published_cdnow_fit() {
    let data = cdnow();
    assert_eq!(data.len(), 2357);
    let fit = fit_bgnbd(&data).expect("fit");
    let p = fit.params;
    // FHL 2005 §5: r = 0.243, α = 4.414, a = 0.793, b = 2.426, LL = −9582.4.
    assert!(sig3(p.r, 0.243), "r {}", p.r);
    assert!(sig3(p.alpha, 4.414), "alpha {}", p.alpha);
    assert!(sig3(p.a, 0.793), "a {}", p.a);
    assert!(sig3(p.b, 2.426), "b {}", p.b);
    assert!(
        (fit.log_likelihood - -9582.4).abs() < 0.05,
        "{}",
        fit.log_likelihood
    );
    assert!(fit.converged);
    let se = fit.std_errors.expect("standard errors");
    // Standard errors as reported by lifetimes 0.11.3 on the same data (r 0.0125,
    // α 0.3785, a 0.1855, b 0.7053), which also differentiates the Hessian numerically.
    for (got, want) in [
        (se.r, 0.0125),
        (se.alpha, 0.3785),
        (se.a, 0.1855),
        (se.b, 0.7053),
    ] {
        assert!((got - want).abs() < 0.02 * want, "se {got} vs {want}");
    }
}

#[test]
fn gamma_gamma_reproduces_the_published_cdnow_fit() {
    let data = cdnow();
    let fit = fit_gamma_gamma(&data)
        .expect("fit")
        .expect("repeat customers");
    // The 946 customers with repeat purchases; FHL (RFM and CLV) and the lifetimes docs report
    // p = 6.25, q = 3.74, γ = 15.44.
    assert_eq!(fit.customers, 946);
    assert!(sig3(fit.params.p, 6.25), "p {}", fit.params.p);
    assert!(sig3(fit.params.q, 3.74), "q {}", fit.params.q);
    assert!(sig3(fit.params.gamma, 15.44), "gamma {}", fit.params.gamma);
}

#[test]
fn bgnbd_recovers_simulated_parameters() {
    let truth = BgNbdParams {
        r: 0.5,
        alpha: 6.0,
        a: 0.8,
        b: 2.5,
    };
    let data = simulate_summaries(truth, None, 20_000, 52.0, 0.0, 7).expect("valid");
    let fit = fit_bgnbd(&data).expect("fit");
    let se = fit.std_errors.expect("se");
    let pairs = [
        (fit.params.r, truth.r, se.r),
        (fit.params.alpha, truth.alpha, se.alpha),
        (fit.params.a, truth.a, se.a),
        (fit.params.b, truth.b, se.b),
    ];
    for (got, want, s) in pairs {
        // Within 3.5 standard errors (the SEs themselves are checked for sanity: < 25 %).
        assert!((got - want).abs() < 3.5 * s, "{got} vs {want} (se {s})");
        assert!(s < 0.25 * want, "se {s} for {want}");
    }
}

#[test]
fn gamma_gamma_recovers_simulated_parameters() {
    let (p, q, gamma) = (6.0, 4.0, 15.0);
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let nu_dist = Gamma::new(q, 1.0 / gamma).expect("valid");
    let data: Vec<CustomerSummary> = (0..20_000)
        .map(|i| {
            let x = 1 + (i % 6) as u32;
            let nu = nu_dist.sample(&mut rng);
            let z = Gamma::new(p, 1.0 / nu).expect("valid");
            let mean = (0..x).map(|_| z.sample(&mut rng)).sum::<f64>() / f64::from(x);
            CustomerSummary {
                monetary: Some(mean),
                ..CustomerSummary::new(x, 1.0, 2.0)
            }
        })
        .collect();
    let fit = fit_gamma_gamma(&data)
        .expect("fit")
        .expect("repeat customers");
    let se = fit.std_errors.expect("se");
    for (got, want, s) in [
        (fit.params.p, p, se.p),
        (fit.params.q, q, se.q),
        (fit.params.gamma, gamma, se.gamma),
    ] {
        assert!((got - want).abs() < 3.5 * s, "{got} vs {want} (se {s})");
    }
}

#[test]
fn summarise_merges_same_day_orders_and_uses_weeks() {
    let tx = |customer, day, minor| Transaction {
        customer,
        day,
        amount: crate::model::Money(minor),
    };
    // Customer 0: days 0 (two orders), 7 (two orders), 21; customer 1: day 14 only; customer 2
    // only after the period end.
    let rows = [
        tx(0, 0, 1000),
        tx(0, 0, 500),
        tx(0, 7, 2000),
        tx(0, 7, 1000),
        tx(0, 21, 1000),
        tx(1, 14, 700),
        tx(2, 40, 100),
    ];
    let out = summarise_transactions(&rows, 28, TimeUnit::Week);
    assert_eq!(out.len(), 2);
    let (c, s) = out[0];
    assert_eq!(c, 0);
    assert_eq!(s.frequency, 2);
    assert!((s.recency - 3.0).abs() < 1e-12);
    assert!((s.t - 4.0).abs() < 1e-12);
    // Repeat days: 30.00 and 10.00 → mean 20.00.
    assert_eq!(s.monetary, Some(20.0));
    assert_eq!(
        out[1].1,
        CustomerSummary {
            monetary: Some(0.0),
            ..CustomerSummary::new(0, 0.0, 2.0)
        }
    );
}

#[test]
fn clv_discounts_expected_transactions_monthly() {
    let data = cdnow();
    let config = ClvConfig {
        horizon_months: 12,
        margin: 0.5,
        discount_monthly: 0.01,
        unit: TimeUnit::Week,
    };
    let model = fit_clv(&data, config).expect("fit");
    let c = CustomerSummary {
        monetary: Some(22.35),
        ..CustomerSummary::new(2, 30.43, 38.86)
    };
    let v = model.predict(&c);
    let spend = v.expected_spend.expect("spend");
    let clv = v.clv.expect("clv");
    // Undiscounted CLV would be margin · spend · E[Y(12 months)]; discounting at 1 %/month
    // lowers it by between (1.01)^−12 and (1.01)^−1.
    let undiscounted = 0.5 * spend * v.expected_purchases;
    assert!(clv < undiscounted / 1.01 && clv > undiscounted / 1.01f64.powi(12));
    let zero = ClvModel {
        config: ClvConfig {
            discount_monthly: 0.0,
            ..config
        },
        ..model.clone()
    };
    let z = zero.predict(&c).clv.expect("clv");
    assert!((z - undiscounted).abs() < 1e-9 * undiscounted);
    assert!(matches!(
        fit_clv(&[CustomerSummary::new(1, 5.0, 3.0)], config),
        Err(ClvError::InvalidSummary { index: 0, .. })
    ));
}

#[test]
fn predict_all_matches_one_by_one_predictions() {
    let data = cdnow();
    let model = fit_clv(&data, ClvConfig::default()).expect("fit");
    let all = model.predict_all(&data);
    assert_eq!(all.len(), data.len());
    for (c, v) in data.iter().zip(&all).step_by(97) {
        assert_eq!(*v, model.predict(c));
    }
    let stats = ClvStats::of(&data, &all);
    assert_eq!(stats.repeat_customers, 946);
    let p = stats.p_alive.expect("p_alive");
    assert!(p.p10 > 0.0 && p.max <= 1.0);
    assert_eq!(p.counts.iter().sum::<u64>(), 2357);
}

#[test]
fn by_x_groups_pairs_by_x_then_key() {
    // Against the definition: the sorted, counted (x, key) pairs.
    let pairs = [
        (3, 7u64),
        (0, 1),
        (3, 2),
        (1, 9),
        (3, 7),
        (0, 1),
        (250, 4),
        (1, 9),
        (3, 2),
    ];
    let g = ByX::new(pairs.iter().copied());
    assert_eq!(g.xs, vec![0, 1, 3, 250]);
    let runs: Vec<Vec<(u64, usize)>> = (0..g.xs.len()).map(|k| g.runs(k).collect()).collect();
    assert_eq!(
        runs,
        vec![
            vec![(1, 2)],
            vec![(9, 2)],
            vec![(2, 2), (7, 2)],
            vec![(4, 1)]
        ]
    );
    assert_eq!(g.runs(4).count(), 0);
    assert!(ByX::new(std::iter::empty()).xs.is_empty());
}

#[test]
fn float_keys_round_trip_and_spread_whole_days() {
    for t in [0.0, -0.0, 1.0, 37.5, 730.0, 1e-300, -2.5, f64::INFINITY] {
        assert_eq!(from_key(float_key(t)).to_bits(), t.to_bits(), "{t}");
    }
    // Whole days have the low 32 bits of their raw bits all zero; in the key they are distinct.
    let days = 0..10_000u32;
    assert!(days.clone().all(|d| f64::from(d).to_bits() as u32 == 0));
    let low: std::collections::BTreeSet<u32> =
        days.map(|d| float_key(f64::from(d)) as u32).collect();
    assert_eq!(low.len(), 10_000);
}
