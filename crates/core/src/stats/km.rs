//! Kaplan–Meier survival curves with Greenwood variance, log-transformed 95 % pointwise
//! intervals and the median with its interval (Brookmeyer–Crowley style, as R's `survfit`
//! with its default `conf.type = "log"`).

use super::Z95;
use serde::Serialize;

/// The curve just after one distinct event time.
#[derive(Clone, Copy, PartialEq, Debug, Serialize)]
pub struct KmPoint {
    pub time: f64,
    pub at_risk: u64,
    pub events: u64,
    pub survival: f64,
    /// Greenwood standard error of `survival`.
    pub std_err: f64,
    pub ci_low: f64,
    pub ci_high: f64,
}

/// A fitted Kaplan–Meier curve.
#[derive(Clone, PartialEq, Debug, Default, Serialize)]
pub struct KaplanMeier {
    pub n: u64,
    pub events: u64,
    /// One point per distinct event time, ascending.
    pub points: Vec<KmPoint>,
    /// The smallest time at which the survival falls to ½ or below (the midpoint to the next
    /// event time when it is exactly ½); `None` when it never does.
    pub median: Option<f64>,
    /// The first event time at which the interval's upper (lower) bound reaches ½.
    pub median_ci_low: Option<f64>,
    pub median_ci_high: Option<f64>,
}

impl KaplanMeier {
    /// Fits a curve to `(time, event)` observations (`event = false`: censored at `time`).
    /// Non-finite times are ignored.
    pub fn fit(obs: &[(f64, bool)]) -> Self {
        let mut v: Vec<(f64, bool)> = obs.iter().copied().filter(|o| o.0.is_finite()).collect();
        v.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut grouped: Vec<(f64, u64, u64)> = Vec::new();
        for (t, e) in v {
            match grouped.last_mut() {
                Some(g) if g.0 == t => {
                    if e {
                        g.1 += 1
                    } else {
                        g.2 += 1
                    }
                }
                _ => grouped.push((t, e as u64, (!e) as u64)),
            }
        }
        Self::from_grouped(&grouped)
    }

    /// Fits a curve to grouped data: `(time, events, censored)` with strictly ascending times.
    /// Censoring at an event time counts as just after it (the usual convention).
    pub fn from_grouped(groups: &[(f64, u64, u64)]) -> Self {
        let n: u64 = groups.iter().map(|g| g.1 + g.2).sum();
        let events: u64 = groups.iter().map(|g| g.1).sum();
        let mut at_risk = n;
        let mut s = 1.0;
        let mut greenwood = 0.0;
        let mut points = Vec::new();
        for &(time, d, c) in groups {
            if d > 0 && at_risk > 0 {
                let r = at_risk as f64;
                let d_f = d.min(at_risk) as f64;
                s *= 1.0 - d_f / r;
                // d / (r (r − d)) is infinite when everyone at risk has the event; the log
                // interval is then degenerate at 0, which the clamps below express.
                greenwood += if r > d_f {
                    d_f / (r * (r - d_f))
                } else {
                    f64::INFINITY
                };
                let se_log = greenwood.sqrt();
                let (lo, hi) = if s > 0.0 && se_log.is_finite() {
                    (
                        (s * (-Z95 * se_log).exp()).clamp(0.0, 1.0),
                        (s * (Z95 * se_log).exp()).clamp(0.0, 1.0),
                    )
                } else {
                    (0.0, if s > 0.0 { 1.0 } else { 0.0 })
                };
                points.push(KmPoint {
                    time,
                    at_risk,
                    events: d,
                    survival: s,
                    std_err: if se_log.is_finite() { s * se_log } else { 0.0 },
                    ci_low: lo,
                    ci_high: hi,
                });
            }
            at_risk = at_risk.saturating_sub(d + c);
        }
        let first_at_or_below = |f: fn(&KmPoint) -> f64| {
            points
                .iter()
                .position(|p| f(p) <= 0.5 + 1e-12)
                .map(|i| (i, points[i].time))
        };
        let median = first_at_or_below(|p| p.survival).map(|(i, t)| {
            // R's convention: a curve flat at exactly ½ has its median midway along the flat.
            match points.get(i + 1) {
                Some(next) if (points[i].survival - 0.5).abs() <= 1e-12 => (t + next.time) / 2.0,
                _ => t,
            }
        });
        Self {
            n,
            events,
            median,
            median_ci_low: first_at_or_below(|p| p.ci_low).map(|x| x.1),
            median_ci_high: first_at_or_below(|p| p.ci_high).map(|x| x.1),
            points,
        }
    }

    /// Survival just after `t` (1 before the first event).
    pub fn survival_at(&self, t: f64) -> f64 {
        self.points
            .iter()
            .take_while(|p| p.time <= t)
            .last()
            .map_or(1.0, |p| p.survival)
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    /// Freireich et al. (1963), 6-MP arm, remission times in weeks (false = censored), as in
    /// Klein & Moeschberger, *Survival Analysis* (2003), table 1.1 and example 4.1.
    const SIX_MP: [(f64, bool); 21] = [
        (6.0, true),
        (6.0, true),
        (6.0, true),
        (6.0, false),
        (7.0, true),
        (9.0, false),
        (10.0, true),
        (10.0, false),
        (11.0, false),
        (13.0, true),
        (16.0, true),
        (17.0, false),
        (19.0, false),
        (20.0, false),
        (22.0, true),
        (23.0, true),
        (25.0, false),
        (32.0, false),
        (32.0, false),
        (34.0, false),
        (35.0, false),
    ];

    #[test]
    fn freireich_six_mp_matches_published_curve() {
        let km = KaplanMeier::fit(&SIX_MP);
        // Klein & Moeschberger table 4.1A: Ŝ and Greenwood standard errors.
        let expected = [
            (6.0, 21, 0.857, 0.0764),
            (7.0, 17, 0.807, 0.0869),
            (10.0, 15, 0.753, 0.0963),
            (13.0, 12, 0.690, 0.1068),
            (16.0, 11, 0.627, 0.1141),
            (22.0, 7, 0.538, 0.1282),
            (23.0, 6, 0.448, 0.1346),
        ];
        assert_eq!(km.points.len(), expected.len());
        for (p, (t, r, s, se)) in km.points.iter().zip(expected) {
            assert_eq!((p.time, p.at_risk), (t, r));
            assert!((p.survival - s).abs() < 5e-4, "{p:?}");
            assert!((p.std_err - se).abs() < 5e-4, "{p:?}");
        }
        assert_eq!((km.n, km.events), (21, 9));
        // R: survfit(Surv(time, status) ~ 1) gives median 23, 0.95LCL 16, 0.95UCL NA.
        assert_eq!(km.median, Some(23.0));
        assert_eq!(km.median_ci_low, Some(16.0));
        assert_eq!(km.median_ci_high, None);
        assert_eq!(km.survival_at(12.0), km.points[2].survival);
        assert_eq!(km.survival_at(1.0), 1.0);
    }

    #[test]
    fn no_censoring_gives_the_empirical_survival() {
        let km = KaplanMeier::fit(&[(1.0, true), (2.0, true), (3.0, true), (4.0, true)]);
        let s: Vec<f64> = km.points.iter().map(|p| p.survival).collect();
        assert_eq!(s, vec![0.75, 0.5, 0.25, 0.0]);
        // Flat at exactly ½ between 2 and 3: the median is the midpoint.
        assert_eq!(km.median, Some(2.5));
        assert_eq!(km.points[3].ci_low, 0.0);
    }

    #[test]
    fn grouped_input_equals_raw_input() {
        let raw = KaplanMeier::fit(&SIX_MP);
        let grouped = KaplanMeier::from_grouped(&[
            (6.0, 3, 1),
            (7.0, 1, 0),
            (9.0, 0, 1),
            (10.0, 1, 1),
            (11.0, 0, 1),
            (13.0, 1, 0),
            (16.0, 1, 0),
            (17.0, 0, 1),
            (19.0, 0, 1),
            (20.0, 0, 1),
            (22.0, 1, 0),
            (23.0, 1, 0),
            (25.0, 0, 1),
            (32.0, 0, 2),
            (34.0, 0, 1),
            (35.0, 0, 1),
        ]);
        assert_eq!(raw, grouped);
        assert_eq!(KaplanMeier::fit(&[]), KaplanMeier::default());
    }
}
