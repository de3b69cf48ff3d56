//! The strategy simulator: replays a dataset's lead stream through the engine under each
//! strategy and reclaim policy of a [`Scenario`], Monte Carlo with common random numbers, and
//! reports outcomes with intervals, paired uplift, a backtest and a sensitivity sweep.
//!
//! The core stays single-threaded (it must run in wasm): [`Simulation::job`] runs one
//! (variant, run) pair, so a caller may spread jobs over threads or workers and hand the
//! results back in job order to [`Simulation::report`]; [`run_scenario`] does it all in turn
//! with a progress and cancel hook.

mod history;
mod model;
mod run;
mod synthetic;
mod uptake;

pub use history::{HistoricalOutcome, History, Loads, SimLead, Spell, SpellEnd, spells};
pub use model::{ModelSummary, OutcomeModel, Outcomes, Reassign, SEGMENTS, segment};
pub use run::{RunInput, RunMetrics, simulate, uniform};
pub use synthetic::{poisson, synthetic_leads};
pub use uptake::{PRESSURE_EDGES, Pressure, Uptake, UptakeBin};

use crate::assign::{Roster, Strategy, ValueTable};
use crate::dataset::Dataset;
use crate::reclaim::ReclaimPolicy;
use crate::stats::quantile_sorted;
use serde::{Deserialize, Serialize};

/// What to simulate, as written in a scenario file (TOML or JSON).
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    #[serde(default)]
    pub name: String,
    /// Monte Carlo runs per strategy.
    #[serde(default = "default_runs")]
    pub runs: u32,
    #[serde(default)]
    pub seed: u64,
    /// Gross margin on revenue, for ROI.
    #[serde(default = "default_margin")]
    pub margin: f64,
    /// The strategy the others are compared with (default: the first).
    #[serde(default)]
    pub baseline: Option<String>,
    /// The reclaim policy every strategy runs under.
    #[serde(default)]
    pub policy: ReclaimPolicy,
    pub strategies: Vec<Strategy>,
    #[serde(default)]
    pub backtest: Option<BacktestSpec>,
    #[serde(default)]
    pub sweep: Option<SweepSpec>,
    /// Which leads arrive: the historical stream (default) or a synthetic one per run.
    #[serde(default)]
    pub stream: Stream,
}

/// The lead stream a scenario replays.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stream {
    /// The leads that arrived, as they arrived.
    #[default]
    History,
    /// A fresh stream per run with the history's seasonality and mix (see
    /// [`synthetic_leads`]).
    Synthetic,
}

fn default_runs() -> u32 {
    20
}

fn default_margin() -> f64 {
    0.3
}

/// Which strategy (under the scenario's policy) is the rule actually used.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BacktestSpec {
    pub strategy: String,
}

/// A policy parameter to vary, and the strategy to vary it under.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepSpec {
    pub strategy: String,
    pub parameter: SweepParameter,
    pub values: Vec<f64>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SweepParameter {
    NoFollowUpDays,
    NoDealDays,
    CooldownDays,
    PoolDispatchDays,
    HoldingCap,
    ReminderDays,
}

impl SweepParameter {
    fn apply(self, p: &ReclaimPolicy, v: f64) -> ReclaimPolicy {
        let mut p = p.clone();
        match self {
            SweepParameter::NoFollowUpDays => p.no_follow_up_days = Some(v),
            SweepParameter::NoDealDays => p.no_deal_days = Some(v),
            SweepParameter::CooldownDays => p.cooldown_days = Some(v),
            SweepParameter::PoolDispatchDays => p.pool_dispatch_days = v,
            SweepParameter::HoldingCap => p.holding_cap = Some(v.max(0.0) as u32),
            SweepParameter::ReminderDays => p.reminder_days = Some(v),
        }
        p
    }
}

/// Why a scenario cannot run.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum SimError {
    #[error("scenario: {0}")]
    Parse(String),
    #[error("scenario names no strategy")]
    NoStrategies,
    #[error("scenario: strategy {0:?} is named twice")]
    DuplicateStrategy(String),
    #[error("scenario: {role} names unknown strategy {name:?}")]
    UnknownStrategy { role: &'static str, name: String },
    #[error("the data has no leads to replay")]
    NoLeads,
    #[error("the data has no reps to assign to")]
    NoReps,
    #[error("simulation cancelled")]
    Cancelled,
}

impl Scenario {
    pub fn from_toml(text: &str) -> Result<Self, SimError> {
        let s: Scenario = toml::from_str(text).map_err(|e| SimError::Parse(e.to_string()))?;
        s.check()?;
        Ok(s)
    }

    pub fn from_json(text: &str) -> Result<Self, SimError> {
        let s: Scenario = serde_json::from_str(text).map_err(|e| SimError::Parse(e.to_string()))?;
        s.check()?;
        Ok(s)
    }

    fn index(&self, role: &'static str, name: &str) -> Result<usize, SimError> {
        self.strategies
            .iter()
            .position(|s| s.name == name)
            .ok_or_else(|| SimError::UnknownStrategy {
                role,
                name: name.to_string(),
            })
    }

    /// Checks names: strategies unique, baseline/backtest/sweep naming existing ones.
    pub fn check(&self) -> Result<(), SimError> {
        if self.strategies.is_empty() {
            return Err(SimError::NoStrategies);
        }
        for (i, s) in self.strategies.iter().enumerate() {
            if self.strategies[..i].iter().any(|t| t.name == s.name) {
                return Err(SimError::DuplicateStrategy(s.name.clone()));
            }
        }
        if let Some(b) = &self.baseline {
            self.index("baseline", b)?;
        }
        if let Some(b) = &self.backtest {
            self.index("backtest", &b.strategy)?;
        }
        if let Some(s) = &self.sweep {
            self.index("sweep", &s.strategy)?;
        }
        Ok(())
    }

    /// The (strategy, policy) pairs to run: each strategy, then each sweep point.
    pub fn variants(&self) -> Vec<(Strategy, ReclaimPolicy)> {
        let mut v: Vec<(Strategy, ReclaimPolicy)> = self
            .strategies
            .iter()
            .map(|s| (s.clone(), self.policy.clone()))
            .collect();
        if let Some(sw) = &self.sweep
            && let Ok(k) = self.index("sweep", &sw.strategy)
        {
            for &x in &sw.values {
                v.push((
                    self.strategies[k].clone(),
                    sw.parameter.apply(&self.policy, x),
                ));
            }
        }
        v
    }
}

/// Mean and 90 % interval over runs.
#[derive(Clone, Copy, PartialEq, Debug, Default, Serialize, Deserialize)]
pub struct Summary {
    pub mean: f64,
    pub p05: f64,
    pub p95: f64,
}

impl Summary {
    pub fn of(xs: &[f64]) -> Self {
        let mut v: Vec<f64> = xs.iter().copied().filter(|x| x.is_finite()).collect();
        v.sort_by(f64::total_cmp);
        Self {
            mean: crate::stats::mean(&v).unwrap_or(0.0),
            p05: quantile_sorted(&v, 0.05).unwrap_or(0.0),
            p95: quantile_sorted(&v, 0.95).unwrap_or(0.0),
        }
    }

    pub fn contains(&self, x: f64) -> bool {
        self.p05 <= x && x <= self.p95
    }
}

/// One [`Summary`] per simulated outcome: of the runs' values (a strategy's outcomes), or of
/// the paired run-by-run differences against the baseline (its uplift).
#[derive(Clone, Copy, PartialEq, Debug, Default, Serialize, Deserialize)]
pub struct OutcomeSummaries {
    pub conversions: Summary,
    pub expected_conversions: Summary,
    pub revenue: Summary,
    pub roi: Summary,
    pub response_hours: Summary,
    pub sales_cycle_days: Summary,
    pub utilisation: Summary,
    pub unassigned: Summary,
    pub reclaims: Summary,
    pub fairness_gini: Summary,
}

impl OutcomeSummaries {
    /// Every outcome summarised by `summary`, given how to read that outcome off a run.
    fn by(summary: impl Fn(fn(&RunMetrics) -> f64) -> Summary) -> Self {
        Self {
            conversions: summary(|m| m.conversions),
            expected_conversions: summary(|m| m.expected_conversions),
            revenue: summary(|m| m.revenue),
            roi: summary(|m| m.roi),
            response_hours: summary(|m| m.response_hours),
            sales_cycle_days: summary(|m| m.sales_cycle_days),
            utilisation: summary(|m| m.utilisation),
            unassigned: summary(|m| m.unassigned),
            reclaims: summary(|m| m.reclaims),
            fairness_gini: summary(|m| m.fairness_gini),
        }
    }
}

#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct StrategyReport {
    pub name: String,
    #[serde(flatten)]
    pub outcomes: OutcomeSummaries,
    /// `None` for the baseline itself.
    pub uplift_vs_baseline: Option<OutcomeSummaries>,
}

#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct BacktestReport {
    pub strategy: String,
    pub historical: HistoricalOutcome,
    pub conversions: Summary,
    pub revenue: Summary,
    pub conversions_within: bool,
    pub revenue_within: bool,
    /// A sentence stating the result.
    pub verdict: String,
}

#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct SweepPoint {
    pub value: f64,
    pub conversions: Summary,
    pub revenue: Summary,
    pub reclaims: Summary,
    pub response_hours: Summary,
    pub unassigned: Summary,
}

#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct SweepReport {
    pub strategy: String,
    pub parameter: SweepParameter,
    pub points: Vec<SweepPoint>,
}

/// The whole answer.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct SimReport {
    pub scenario: String,
    pub runs: u32,
    pub seed: u64,
    pub stream: Stream,
    pub leads: usize,
    pub reps: usize,
    pub baseline: String,
    pub strategies: Vec<StrategyReport>,
    pub backtest: Option<BacktestReport>,
    pub sweep: Option<SweepReport>,
    pub model: ModelSummary,
}

/// A dataset made ready to simulate: the lead stream, the roster and the fitted model.
#[derive(Clone, Debug)]
pub struct Simulation {
    pub history: History,
    pub roster: Roster,
    pub model: OutcomeModel,
    pub values: ValueTable,
}

/// One unit of work: run `run` of variant `variant` (see [`Scenario::variants`]).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Job {
    pub variant: usize,
    pub run: u32,
}

impl Simulation {
    /// Reads the lead stream and roster and fits the outcome model.
    pub fn prepare(ds: &Dataset) -> Result<Self, SimError> {
        if ds.leads.is_empty() {
            return Err(SimError::NoLeads);
        }
        if ds.reps.is_empty() {
            return Err(SimError::NoReps);
        }
        let history = History::from_dataset(ds);
        let roster = Roster::from_dataset(ds);
        let model = OutcomeModel::fit(ds, &history, &roster);
        let values = model.value_table();
        Ok(Self {
            history,
            roster,
            model,
            values,
        })
    }

    /// Every job of a scenario, in the order [`Simulation::report`] expects their results.
    pub fn jobs(&self, scenario: &Scenario) -> Vec<Job> {
        let n = scenario.variants().len();
        (0..n)
            .flat_map(|variant| (0..scenario.runs.max(1)).map(move |run| Job { variant, run }))
            .collect()
    }

    /// Runs one job with the fitted model, its coefficients drawn for this run (see
    /// [`OutcomeModel::perturbed`]).
    pub fn job(
        &self,
        scenario: &Scenario,
        variants: &[(Strategy, ReclaimPolicy)],
        job: Job,
    ) -> RunMetrics {
        let model = self.model.perturbed(scenario.seed, job.run);
        self.job_with(scenario, variants, job, &model)
    }

    /// Runs one job with any outcome model (the validation test passes the demo's truth).
    pub fn job_with(
        &self,
        scenario: &Scenario,
        variants: &[(Strategy, ReclaimPolicy)],
        job: Job,
        outcomes: &dyn Outcomes,
    ) -> RunMetrics {
        let Some((strategy, policy)) = variants.get(job.variant) else {
            return RunMetrics::default();
        };
        let synthetic;
        let history = match scenario.stream {
            Stream::History => &self.history,
            Stream::Synthetic => {
                synthetic = History {
                    leads: synthetic_leads(&self.history, scenario.seed, job.run),
                    rows: Vec::new(),
                    sources: Vec::new(),
                    campaigns: Vec::new(),
                    horizon: self.history.horizon,
                    outcome: self.history.outcome,
                };
                &synthetic
            }
        };
        let input = RunInput {
            history,
            roster: &self.roster,
            outcomes,
            values: &self.values,
            pressure: &self.model.uptake().pressure,
            margin: scenario.margin,
            seed: scenario.seed,
        };
        simulate(input, strategy, policy, job.run)
    }

    /// Summarises the results of [`Simulation::jobs`], given in the same order.
    pub fn report(&self, scenario: &Scenario, results: &[RunMetrics]) -> SimReport {
        let runs = scenario.runs.max(1) as usize;
        let of = |variant: usize| -> &[RunMetrics] {
            results
                .get(variant * runs..(variant + 1) * runs)
                .unwrap_or(&[])
        };
        let col = |rs: &[RunMetrics], f: fn(&RunMetrics) -> f64| -> Summary {
            Summary::of(&rs.iter().map(f).collect::<Vec<_>>())
        };
        let base_ix = scenario
            .baseline
            .as_ref()
            .and_then(|b| scenario.index("baseline", b).ok())
            .unwrap_or(0);
        let base = of(base_ix);
        let paired = |rs: &[RunMetrics], f: fn(&RunMetrics) -> f64| -> Summary {
            Summary::of(
                &rs.iter()
                    .zip(base)
                    .map(|(a, b)| f(a) - f(b))
                    .collect::<Vec<_>>(),
            )
        };
        let strategies = scenario
            .strategies
            .iter()
            .enumerate()
            .map(|(k, s)| {
                let rs = of(k);
                StrategyReport {
                    name: s.name.clone(),
                    outcomes: OutcomeSummaries::by(|f| col(rs, f)),
                    uplift_vs_baseline: (k != base_ix)
                        .then(|| OutcomeSummaries::by(|f| paired(rs, f))),
                }
            })
            .collect::<Vec<_>>();
        let backtest = scenario.backtest.as_ref().and_then(|b| {
            let k = scenario.index("backtest", &b.strategy).ok()?;
            let s = strategies.get(k)?;
            let h = self.history.outcome;
            let conversions_within = s.outcomes.conversions.contains(h.conversions as f64);
            let revenue_within = s.outcomes.revenue.contains(h.revenue);
            let verdict = format!(
                "simulating {:?} gives {:.0} conversions (90% interval {:.0}–{:.0}) against {} \
                 historical: {}; revenue {:.0} ({:.0}–{:.0}) against {:.0}: {}",
                b.strategy,
                s.outcomes.conversions.mean,
                s.outcomes.conversions.p05,
                s.outcomes.conversions.p95,
                h.conversions,
                if conversions_within {
                    "within"
                } else {
                    "outside"
                },
                s.outcomes.revenue.mean,
                s.outcomes.revenue.p05,
                s.outcomes.revenue.p95,
                h.revenue,
                if revenue_within { "within" } else { "outside" },
            );
            Some(BacktestReport {
                strategy: b.strategy.clone(),
                historical: h,
                conversions: s.outcomes.conversions,
                revenue: s.outcomes.revenue,
                conversions_within,
                revenue_within,
                verdict,
            })
        });
        let sweep = scenario.sweep.as_ref().map(|sw| SweepReport {
            strategy: sw.strategy.clone(),
            parameter: sw.parameter,
            points: sw
                .values
                .iter()
                .enumerate()
                .map(|(i, &value)| {
                    let rs = of(scenario.strategies.len() + i);
                    SweepPoint {
                        value,
                        conversions: col(rs, |m| m.conversions),
                        revenue: col(rs, |m| m.revenue),
                        reclaims: col(rs, |m| m.reclaims),
                        response_hours: col(rs, |m| m.response_hours),
                        unassigned: col(rs, |m| m.unassigned),
                    }
                })
                .collect(),
        });
        SimReport {
            scenario: scenario.name.clone(),
            runs: scenario.runs.max(1),
            seed: scenario.seed,
            stream: scenario.stream,
            leads: self.history.leads.len(),
            reps: self.roster.reps.len(),
            baseline: scenario
                .strategies
                .get(base_ix)
                .map(|s| s.name.clone())
                .unwrap_or_default(),
            strategies,
            backtest,
            sweep,
            model: self.model.summary().clone(),
        }
    }
}

/// Progress of [`run_scenario`]: jobs done out of total.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
}

/// Runs a whole scenario in turn. `progress` is called after each job; returning `false`
/// cancels the run.
pub fn run_scenario(
    sim: &Simulation,
    scenario: &Scenario,
    progress: &mut dyn FnMut(Progress) -> bool,
) -> Result<SimReport, SimError> {
    scenario.check()?;
    let variants = scenario.variants();
    let jobs = sim.jobs(scenario);
    let mut results = Vec::with_capacity(jobs.len());
    for (done, job) in jobs.iter().enumerate() {
        results.push(sim.job(scenario, &variants, *job));
        if !progress(Progress {
            done: done + 1,
            total: jobs.len(),
        }) {
            return Err(SimError::Cancelled);
        }
    }
    Ok(sim.report(scenario, &results))
}

#[cfg(test)]
mod tests;
