#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use super::*;
use crate::demo::{
    DemoConfig, DemoWorld, REASSIGN_FRESH_LOG_ODDS, REASSIGN_STALE_LOG_ODDS, SEGMENTS as TRUE,
    SOURCES, demo_dataset, world,
};
use crate::stats::normal;
use std::sync::OnceLock;

const COMPARE: &str = include_str!("../../../../examples/compare-strategies.toml");
const SWEEP: &str = include_str!("../../../../examples/reclaim-sweep.toml");

/// The demo (scale S, seed 42) prepared once for all tests here.
fn demo() -> &'static (Dataset, Simulation) {
    static DEMO: OnceLock<(Dataset, Simulation)> = OnceLock::new();
    DEMO.get_or_init(|| {
        let ds = demo_dataset(&DemoConfig::default());
        let sim = Simulation::prepare(&ds).expect("demo prepares");
        (ds, sim)
    })
}

fn scenario(runs: u32) -> Scenario {
    let mut s = Scenario::from_toml(COMPARE).expect("example parses");
    s.runs = runs;
    s
}

/// The demo generator's true outcome model, read straight from its world: the independent
/// replay the simulator is checked against.
struct Truth {
    world: DemoWorld,
    /// World source index of each history source.
    source: Vec<Option<usize>>,
    /// World campaign index of each history campaign.
    campaign: Vec<Option<usize>>,
}

impl Truth {
    fn new(h: &History) -> Self {
        let world = world(&DemoConfig::default());
        let source = h
            .sources
            .iter()
            .map(|n| SOURCES.iter().position(|s| s.name == n.as_str()))
            .collect();
        let campaign = h
            .campaigns
            .iter()
            .map(|n| world.campaigns.iter().position(|c| c.id == *n))
            .collect();
        Self {
            world,
            source,
            campaign,
        }
    }
}

/// Inverts a continuous distribution function on [0, hi] by bisection.
fn invert(f: impl Fn(f64) -> f64, u: f64, hi: f64) -> f64 {
    let (mut lo, mut hi) = (0.0, hi);
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        if f(mid) < u {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

impl Outcomes for Truth {
    fn delay_hours(&self, rep: usize, _lead: &SimLead, load: f64, u: f64) -> f64 {
        // The generator: never contacted with p(load), else log-normal(median(rep, load), 0.9).
        let never = DemoWorld::p_never_contacted(load);
        if u < never {
            return f64::INFINITY;
        }
        let z = normal::inverse_cdf((u - never) / (1.0 - never));
        self.world.response_median_hours(rep, load) * (0.9 * z).exp()
    }

    fn p_win(&self, rep: usize, lead: &SimLead, h: f64, reassign: Reassign) -> f64 {
        let (Some(ty), Some(src)) = (
            lead.customer_type,
            lead.source
                .and_then(|s| self.source.get(usize::from(s)).copied().flatten()),
        ) else {
            return 0.0;
        };
        let camp = lead
            .campaign
            .and_then(|c| self.campaign.get(usize::from(c)).copied().flatten());
        let p = self.world.p_win(rep, ty, src, camp, Some(h));
        let extra = match reassign {
            Reassign::First => 0.0,
            Reassign::AfterNoFollowUp => REASSIGN_FRESH_LOG_ODDS,
            Reassign::AfterNoDeal => REASSIGN_STALE_LOG_ODDS,
        };
        1.0 / (1.0 + (-((p / (1.0 - p)).ln() + extra)).exp())
    }

    fn win_days(&self, lead: &SimLead, u: f64) -> f64 {
        // Gamma(shape 2, mean = the segment's sales cycle): F(x) = 1 − e^(−x/θ)(1 + x/θ).
        let mean = lead
            .customer_type
            .map_or(20.0, |t| TRUE[t.index()].sales_cycle_days);
        let theta = mean / 2.0;
        invert(
            |x| 1.0 - (-x / theta).exp() * (1.0 + x / theta),
            u,
            mean * 40.0,
        )
    }

    fn loss_days(&self, _lead: &SimLead, u: f64) -> f64 {
        // Gamma(shape 1.5, mean 15): P(1.5, y) = erf(√y) − 2√(y/π)·e^(−y), y = x/10.
        let erf = |x: f64| 2.0 * normal::cdf(x * std::f64::consts::SQRT_2) - 1.0;
        invert(
            |x| {
                let y = x / 10.0;
                erf(y.sqrt()) - 2.0 * (y / std::f64::consts::PI).sqrt() * (-y).exp()
            },
            u,
            600.0,
        )
    }

    fn p_stall(&self, _lead: &SimLead) -> f64 {
        0.28
    }

    fn deal_value(&self, lead: &SimLead) -> f64 {
        // won_value = est_value × log-normal(0, 0.3), whose mean is e^(0.045).
        lead.est_value * (0.045f64).exp()
    }
}

fn run_with(sim: &Simulation, sc: &Scenario, outcomes: &dyn Outcomes) -> SimReport {
    let variants = sc.variants();
    let results: Vec<RunMetrics> = sim
        .jobs(sc)
        .into_iter()
        .map(|j| sim.job_with(sc, &variants, j, outcomes))
        .collect();
    sim.report(sc, &results)
}

#[test]
fn the_model_recovers_the_demo_truth() {
    let (_, sim) = demo();
    let m = sim.model.summary();
    // The generator: delay effect −0.55, no-deal reassignment −0.9, stall share 0.28,
    // campaign lift sd 0.6 (crates/core/src/demo/world.rs, demo/mod.rs).
    assert!((m.delay_effect + 0.55).abs() < 0.2, "{m:?}");
    assert!(m.after_no_deal < -0.5 && m.after_no_deal > -1.4, "{m:?}");
    assert!((m.p_stall - 0.28).abs() < 0.03, "{m:?}");
    assert!((m.sd_campaign - 0.6).abs() < 0.25, "{m:?}");
    assert!(m.delay_load_slope > 0.0, "{m:?}");
}

#[test]
fn score_based_and_optimal_beat_round_robin_and_agree_with_the_truth() {
    let (_, sim) = demo();
    let sc = scenario(6);
    let fitted = run_scenario(sim, &sc, &mut |_| true).expect("runs");
    let truth = run_with(sim, &sc, &Truth::new(&sim.history));
    for report in [&fitted, &truth] {
        assert_eq!(report.baseline, "round robin");
        for name in ["score based", "batch optimal"] {
            let s = report
                .strategies
                .iter()
                .find(|s| s.name == name)
                .expect("strategy reported");
            let up = s.uplift_vs_baseline.expect("paired uplift");
            assert!(
                up.expected_conversions.p05 > 0.0 && up.conversions.mean > 0.0,
                "{name}: {up:?}"
            );
        }
    }
    // Agreement, as documented in docs/simulation.md: each strategy's simulated conversions
    // within 8 % of the true replay's; the paired uplift against round robin has the true
    // sign and is conservative (shrinkage pulls rep differences toward zero), never above
    // the true replay's 95th percentile.
    for (f, t) in fitted.strategies.iter().zip(&truth.strategies) {
        let rel = (f.conversions.mean - t.conversions.mean).abs() / t.conversions.mean;
        assert!(
            rel < 0.08,
            "{}: {:?} vs {:?}",
            f.name,
            f.conversions,
            t.conversions
        );
        if let (Some(fu), Some(tu)) = (f.uplift_vs_baseline, t.uplift_vs_baseline) {
            assert!(
                (fu.conversions.p05 > 0.0) == (tu.conversions.mean > 0.0)
                    && fu.conversions.mean <= tu.conversions.p95,
                "{}: simulated uplift {:?}, true {:?}",
                f.name,
                fu.conversions,
                tu.conversions
            );
        }
    }
}

#[test]
fn same_seed_same_report_and_cancel_stops() {
    let (_, sim) = demo();
    let mut sc = scenario(2);
    sc.strategies.truncate(2);
    let a = run_scenario(sim, &sc, &mut |_| true).expect("runs");
    let b = run_scenario(sim, &sc, &mut |_| true).expect("runs");
    assert_eq!(
        serde_json::to_string(&a).expect("json"),
        serde_json::to_string(&b).expect("json")
    );
    sc.seed += 1;
    let c = run_scenario(sim, &sc, &mut |_| true).expect("runs");
    assert_ne!(a.strategies[0].conversions, c.strategies[0].conversions);
    let mut seen = Vec::new();
    let r = run_scenario(sim, &sc, &mut |p| {
        seen.push(p);
        p.done < 2
    });
    assert_eq!(r, Err(SimError::Cancelled));
    assert_eq!(seen.last().map(|p| (p.done, p.total)), Some((2, 4)));
}

#[test]
fn sweep_gives_one_point_per_value_and_states_the_backtest() {
    let (_, sim) = demo();
    let mut sc = Scenario::from_toml(SWEEP).expect("example parses");
    sc.runs = 2;
    if let Some(sw) = sc.sweep.as_mut() {
        sw.values = vec![1.0, 30.0];
    }
    let r = run_scenario(sim, &sc, &mut |_| true).expect("runs");
    let sweep = r.sweep.expect("sweep reported");
    assert_eq!(sweep.points.len(), 2);
    // A 1-day no-follow-up limit reclaims far more than a 30-day one.
    assert!(sweep.points[0].reclaims.mean > sweep.points[1].reclaims.mean);
    let bt = r.backtest.expect("backtest reported");
    assert_eq!(bt.historical.conversions, sim.history.outcome.conversions);
    assert!(bt.verdict.contains("historical"));
}

#[test]
fn scenario_errors_name_the_problem() {
    assert_eq!(
        Scenario::from_toml("strategies = []"),
        Err(SimError::NoStrategies)
    );
    let bad = "baseline = \"nope\"\n[[strategies]]\nname = \"a\"\nselector = { kind = \"round_robin\" }\n";
    assert_eq!(
        Scenario::from_toml(bad),
        Err(SimError::UnknownStrategy {
            role: "baseline",
            name: "nope".into()
        })
    );
    assert!(matches!(
        Scenario::from_toml("runs = \"many\""),
        Err(SimError::Parse(_))
    ));
    assert_eq!(
        Simulation::prepare(&Dataset::new()).map(|_| ()),
        Err(SimError::NoLeads)
    );
}

#[test]
fn uniforms_are_in_range_and_keyed() {
    let a = uniform(1, 0, 5, 0, 0);
    assert!(a > 0.0 && a < 1.0);
    assert_eq!(a, uniform(1, 0, 5, 0, 0));
    assert_ne!(a, uniform(1, 0, 5, 0, 1));
    assert_ne!(a, uniform(1, 1, 5, 0, 0));
    let mean: f64 = (0..10_000).map(|i| uniform(9, 0, i, 0, 0)).sum::<f64>() / 10_000.0;
    assert!((mean - 0.5).abs() < 0.01);
}

#[test]
fn uplift_pairs_every_outcome_run_by_run_and_the_report_reads_back_from_json() {
    let (_, sim) = demo();
    let mut sc = scenario(2);
    sc.strategies.truncate(2);
    sc.baseline = None;
    // Hand-made results: the second strategy beats the first by 1, 2, 3, … per outcome in run
    // 0 and by twice that in run 1, so each paired uplift is known exactly.
    let metrics = |k: f64| RunMetrics {
        conversions: 100.0 + k,
        expected_conversions: 90.0 + 2.0 * k,
        revenue: 1000.0 + 3.0 * k,
        roi: 1.0 + 4.0 * k,
        response_hours: 10.0 + 5.0 * k,
        sales_cycle_days: 20.0 + 6.0 * k,
        utilisation: 0.5 + 7.0 * k,
        unassigned: 30.0 + 8.0 * k,
        reclaims: 40.0 + 9.0 * k,
        fairness_gini: 0.2 + 10.0 * k,
        ..RunMetrics::default()
    };
    let results = [metrics(0.0), metrics(0.0), metrics(1.0), metrics(2.0)];
    let r = sim.report(&sc, &results);
    assert_eq!(r.baseline, r.strategies[0].name);
    assert_eq!(r.strategies[0].uplift_vs_baseline, None);
    let up = r.strategies[1].uplift_vs_baseline.expect("paired");
    let means = [
        up.conversions.mean,
        up.expected_conversions.mean,
        up.revenue.mean,
        up.roi.mean,
        up.response_hours.mean,
        up.sales_cycle_days.mean,
        up.utilisation.mean,
        up.unassigned.mean,
        up.reclaims.mean,
        up.fairness_gini.mean,
    ];
    for (i, m) in means.iter().enumerate() {
        // Differences i+1 and 2(i+1): mean 1.5(i+1).
        assert!((m - 1.5 * (i + 1) as f64).abs() < 1e-9, "outcome {i}: {m}");
    }
    assert!((up.reclaims.p05 - 9.0).abs() < 1.0 && (up.reclaims.p95 - 18.0).abs() < 1.0);
    let json = serde_json::to_string(&r).expect("json");
    let back: SimReport = serde_json::from_str(&json).expect("reads back");
    // serde_json may round a float's last bit differently, so compare within a tolerance.
    assert_eq!((back.baseline, back.strategies.len()), (r.baseline, 2));
    let again = back.strategies[1].uplift_vs_baseline.expect("paired");
    assert!((again.fairness_gini.mean - up.fairness_gini.mean).abs() < 1e-9);
    assert_eq!(back.model.win_observations, r.model.win_observations);
}
