//! What the Simulator page decides, as plain data and functions (tested natively): the
//! scenario form and the core [`Scenario`] it builds, the backtest verdict in the user's
//! language, and the side-by-side comparison grid. The page (`routes/simulator.rs`) only binds
//! these to the view; the worker runs the scenario and reports the dataset's territories.

pub mod text;

use crate::i18n::{Lang, format_int};
use reallot_charts::Lang as ChartLang;
use reallot_charts::sim::Metric;
use reallot_core::assign::{Filters, Rule, Selector, Strategy, Territory};
use reallot_core::reclaim::ReclaimPolicy;
use reallot_core::sim::{
    BacktestReport, BacktestSpec, Scenario, SimReport, Stream, Summary, SweepParameter, SweepSpec,
};
use serde::{Deserialize, Serialize};
use text::{Text, t};

/// A strategy the form offers: one per selector of the core, plus the organisation's
/// historical rule (what the backtest replays).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Preset {
    Historical,
    RoundRobin,
    WeightedRoundRobin,
    LeastLoaded,
    CapacityQuota,
    Territory,
    Tiered,
    StickyOwner,
    ScoreBased,
    BatchOptimal,
}

impl Preset {
    pub const ALL: [Preset; 10] = [
        Preset::Historical,
        Preset::RoundRobin,
        Preset::WeightedRoundRobin,
        Preset::LeastLoaded,
        Preset::CapacityQuota,
        Preset::Territory,
        Preset::Tiered,
        Preset::StickyOwner,
        Preset::ScoreBased,
        Preset::BatchOptimal,
    ];

    /// A stable identifier (test ids, select values).
    pub const fn key(self) -> &'static str {
        match self {
            Preset::Historical => "historical",
            Preset::RoundRobin => "round_robin",
            Preset::WeightedRoundRobin => "weighted_round_robin",
            Preset::LeastLoaded => "least_loaded",
            Preset::CapacityQuota => "capacity_quota",
            Preset::Territory => "territory",
            Preset::Tiered => "tiered",
            Preset::StickyOwner => "sticky_owner",
            Preset::ScoreBased => "score_based",
            Preset::BatchOptimal => "batch_optimal",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.key() == key)
    }

    /// The strategy's name in `lang` (also its name in the scenario and the report).
    pub const fn label(self, lang: Lang) -> &'static str {
        t(
            lang,
            match self {
                Preset::Historical => Text::Historical,
                Preset::RoundRobin => Text::RoundRobin,
                Preset::WeightedRoundRobin => Text::WeightedRoundRobin,
                Preset::LeastLoaded => Text::LeastLoaded,
                Preset::CapacityQuota => Text::CapacityQuota,
                Preset::Territory => Text::TerritoryRule,
                Preset::Tiered => Text::Tiered,
                Preset::StickyOwner => Text::StickyOwner,
                Preset::ScoreBased => Text::ScoreBased,
                Preset::BatchOptimal => Text::BatchOptimal,
            },
        )
    }
}

/// The organisation's rule as the demo generator (and docs/simulation.md) describe it: least
/// loaded, skill preferred, within the region, capacity not enforced until a rep holds 1.5 ×
/// capacity.
fn historical_filters() -> Filters {
    Filters {
        region: Rule::Require,
        skills: Rule::Prefer,
        active: true,
        capacity: false,
        daily_quota: false,
        max_load_ratio: Some(1.5),
    }
}

/// The scenario form's state: what the user picked. Stored as is with a saved scenario.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct ScenarioForm {
    pub name: String,
    /// The strategies to compare, in [`Preset::ALL`] order.
    pub strategies: Vec<Preset>,
    pub baseline: Preset,
    /// The strategy replayed against history; `None` skips the backtest.
    pub backtest: Option<Preset>,
    /// Eligibility filters of every strategy but the historical rule (which keeps its own).
    pub filters: Filters,
    /// Score-based: discount of a rep's expected value per unit of load ratio.
    pub load_penalty: f64,
    /// Batch-optimal: hours of leads collected per batch.
    pub batch_hours: f64,
    /// The reclaim policy every strategy runs under (the core's own type).
    pub policy: ReclaimPolicy,
    pub runs: u32,
    pub seed: u64,
    /// Replay a synthetic lead stream per run instead of the historical one.
    pub synthetic: bool,
    pub sweep: Option<SweepForm>,
}

/// The sensitivity sweep: one policy parameter over a list of values, under one strategy.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct SweepForm {
    pub parameter: SweepParameter,
    pub strategy: Preset,
    pub values: Vec<f64>,
}

/// Monte Carlo runs per strategy by default: enough for a rough 90 % interval, small enough
/// that the demo (scale s) runs in a few seconds in the browser's worker.
pub const DEFAULT_RUNS: u32 = 8;

impl Default for ScenarioForm {
    fn default() -> Self {
        Self {
            name: String::new(),
            strategies: vec![Preset::Historical, Preset::RoundRobin, Preset::ScoreBased],
            baseline: Preset::Historical,
            backtest: Some(Preset::Historical),
            filters: Filters {
                region: Rule::Require,
                skills: Rule::Off,
                active: true,
                capacity: true,
                daily_quota: false,
                max_load_ratio: None,
            },
            load_penalty: 0.0,
            batch_hours: 4.0,
            policy: ReclaimPolicy {
                cooldown_days: Some(30.0),
                ..ReclaimPolicy::default()
            },
            runs: DEFAULT_RUNS,
            seed: 7,
            synthetic: false,
            sweep: Some(SweepForm {
                parameter: SweepParameter::NoFollowUpDays,
                strategy: Preset::Historical,
                values: vec![3.0, 7.0, 14.0, 30.0],
            }),
        }
    }
}

/// Why the form cannot make a scenario yet.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum FormError {
    NoStrategy,
    BaselineNotChosen,
    BacktestNotChosen,
    SweepNotChosen,
    SweepNoValues,
    NoRuns,
}

impl FormError {
    pub const fn text(self, lang: Lang) -> &'static str {
        t(
            lang,
            match self {
                FormError::NoStrategy => Text::ErrNoStrategy,
                FormError::BaselineNotChosen => Text::ErrBaseline,
                FormError::BacktestNotChosen => Text::ErrBacktest,
                FormError::SweepNotChosen => Text::ErrSweepStrategy,
                FormError::SweepNoValues => Text::ErrSweepValues,
                FormError::NoRuns => Text::ErrRuns,
            },
        )
    }
}

impl ScenarioForm {
    /// Adds or removes a strategy, keeping [`Preset::ALL`] order. A removed strategy's roles
    /// move on: the baseline and the sweep to the first strategy left, the backtest to none.
    pub fn toggle(&mut self, p: Preset, on: bool) {
        self.strategies.retain(|&q| q != p);
        if on {
            self.strategies.push(p);
            self.strategies
                .sort_by_key(|q| Preset::ALL.iter().position(|r| r == q));
            return;
        }
        let first = self.strategies.first().copied();
        if self.baseline == p
            && let Some(f) = first
        {
            self.baseline = f;
        }
        if self.backtest == Some(p) {
            self.backtest = None;
        }
        if let Some(sw) = &mut self.sweep
            && sw.strategy == p
            && let Some(f) = first
        {
            sw.strategy = f;
        }
    }

    /// The core strategy a preset stands for under this form's filters and parameters.
    pub fn strategy(&self, p: Preset, lang: Lang, territories: &[Territory]) -> Strategy {
        let selector = match p {
            Preset::Historical | Preset::LeastLoaded => Selector::LeastLoaded,
            Preset::RoundRobin => Selector::RoundRobin,
            Preset::WeightedRoundRobin => Selector::WeightedRoundRobin,
            Preset::CapacityQuota => Selector::CapacityQuota,
            Preset::Territory => Selector::Territory {
                territories: territories.to_vec(),
            },
            Preset::Tiered => Selector::Tiered {
                tiers: reallot_core::assign::default_tiers(),
            },
            Preset::StickyOwner => Selector::StickyOwner {
                fallback: Box::new(Selector::LeastLoaded),
            },
            Preset::ScoreBased => Selector::ScoreBased {
                load_penalty: self.load_penalty,
            },
            Preset::BatchOptimal => Selector::BatchOptimal {
                batch_hours: self.batch_hours,
                max_share: None,
            },
        };
        let filters = match p {
            Preset::Historical => historical_filters(),
            // A capacity quota needs the daily quota to bite.
            Preset::CapacityQuota => Filters {
                daily_quota: true,
                ..self.filters.clone()
            },
            _ => self.filters.clone(),
        };
        Strategy {
            name: p.label(lang).to_owned(),
            filters,
            quota: Default::default(),
            selector,
        }
    }

    /// The core scenario the form describes, named in `lang`, with ROI at gross `margin`.
    pub fn to_scenario(
        &self,
        lang: Lang,
        territories: &[Territory],
        margin: f64,
    ) -> Result<Scenario, FormError> {
        if self.strategies.is_empty() {
            return Err(FormError::NoStrategy);
        }
        if !self.strategies.contains(&self.baseline) {
            return Err(FormError::BaselineNotChosen);
        }
        if self.backtest.is_some_and(|b| !self.strategies.contains(&b)) {
            return Err(FormError::BacktestNotChosen);
        }
        if self.runs == 0 {
            return Err(FormError::NoRuns);
        }
        let sweep = match &self.sweep {
            None => None,
            Some(s) if !self.strategies.contains(&s.strategy) => {
                return Err(FormError::SweepNotChosen);
            }
            Some(s) if s.values.is_empty() => return Err(FormError::SweepNoValues),
            Some(s) => Some(SweepSpec {
                strategy: s.strategy.label(lang).to_owned(),
                parameter: s.parameter,
                values: s.values.clone(),
            }),
        };
        let name = match self.name.trim() {
            "" => t(lang, Text::Untitled).to_owned(),
            n => n.to_owned(),
        };
        Ok(Scenario {
            name,
            runs: self.runs,
            seed: self.seed,
            margin,
            baseline: Some(self.baseline.label(lang).to_owned()),
            policy: self.policy.clone(),
            strategies: self
                .strategies
                .iter()
                .map(|&p| self.strategy(p, lang, territories))
                .collect(),
            backtest: self.backtest.map(|b| BacktestSpec {
                strategy: b.label(lang).to_owned(),
            }),
            sweep,
            stream: if self.synthetic {
                Stream::Synthetic
            } else {
                Stream::History
            },
        })
    }
}

/// A typed value that is not a finite number ≥ 0.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct NotANumber;

/// A day count or limit typed by the user: empty switches the rule off (`None`); anything
/// else must be a finite number ≥ 0.
pub fn parse_optional(text: &str) -> Result<Option<f64>, NotANumber> {
    let s = text.trim();
    if s.is_empty() {
        return Ok(None);
    }
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(Some(v)),
        _ => Err(NotANumber),
    }
}

/// The sweep's values typed as a list ("3, 7, 14" or "3 7 14", also with `，`), sorted and
/// without repeats; every value must be a finite number ≥ 0.
pub fn parse_values(text: &str) -> Result<Vec<f64>, NotANumber> {
    let mut values = text
        .split(|c: char| c == ',' || c == '，' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(|s| match s.parse::<f64>() {
            Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
            _ => Err(NotANumber),
        })
        .collect::<Result<Vec<f64>, NotANumber>>()?;
    values.sort_by(f64::total_cmp);
    values.dedup();
    Ok(values)
}

/// The policy parameters a sweep may vary.
pub const SWEEP_PARAMETERS: [SweepParameter; 6] = [
    SweepParameter::NoFollowUpDays,
    SweepParameter::NoDealDays,
    SweepParameter::CooldownDays,
    SweepParameter::PoolDispatchDays,
    SweepParameter::HoldingCap,
    SweepParameter::ReminderDays,
];

/// A sweep parameter's stable identifier (select values), as in scenario files.
pub const fn parameter_key(p: SweepParameter) -> &'static str {
    match p {
        SweepParameter::NoFollowUpDays => "no_follow_up_days",
        SweepParameter::NoDealDays => "no_deal_days",
        SweepParameter::CooldownDays => "cooldown_days",
        SweepParameter::PoolDispatchDays => "pool_dispatch_days",
        SweepParameter::HoldingCap => "holding_cap",
        SweepParameter::ReminderDays => "reminder_days",
    }
}

/// Sweep values as the form shows them.
pub fn format_values(values: &[f64]) -> String {
    values
        .iter()
        .map(|v| v.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The language of chart labels for a UI language.
pub const fn chart_lang(lang: Lang) -> ChartLang {
    match lang {
        Lang::En => ChartLang::En,
        Lang::ZhCn => ChartLang::Zh,
    }
}

/// Replaces a leading hyphen with a minus sign, which a line never breaks after before a
/// digit; before a currency symbol a word joiner keeps them together.
fn minus(text: String) -> String {
    match text.strip_prefix('-') {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => format!("\u{2212}{rest}"),
        Some(rest) => format!("\u{2212}\u{2060}{rest}"),
        None => text,
    }
}

/// A simulated amount of money (major units, a mean over runs) in whole currency units: the
/// cents of a Monte Carlo mean are noise.
fn money_whole(currency: &str, x: f64) -> String {
    let whole = x.round() as i64;
    let sign = if whole < 0 { "-" } else { "" };
    format!(
        "{sign}{currency}{}",
        format_int(i64::try_from(whole.unsigned_abs()).unwrap_or(i64::MAX))
    )
}

/// A metric's value as the comparison shows it (revenue is in major units), negative values
/// with a minus sign.
pub fn format_metric(m: Metric, x: f64, currency: &str) -> String {
    minus(match m {
        Metric::Revenue => money_whole(currency, x),
        Metric::Conversions
        | Metric::ExpectedConversions
        | Metric::Unassigned
        | Metric::Reclaims => format_int(x.round() as i64),
        Metric::Roi => format!("{x:.2}"),
        Metric::ResponseHours | Metric::SalesCycleDays => format!("{x:.1}"),
        Metric::Utilisation => format!("{:.1}%", x * 100.0),
        Metric::FairnessGini => format!("{x:.3}"),
    })
}

/// A difference with its sign (`+40`, `-1.5`).
fn signed(m: Metric, x: f64, currency: &str) -> String {
    let text = format_metric(m, x, currency);
    if x > 0.0 && !text.starts_with('\u{2212}') {
        format!("+{text}")
    } else {
        text
    }
}

/// One cell of the comparison: a strategy's mean, its interval, and its paired uplift against
/// the baseline (none for the baseline itself).
#[derive(Clone, PartialEq, Debug)]
pub struct Cell {
    pub mean: String,
    pub interval: String,
    pub uplift: Option<String>,
    /// `Some(true)` when the uplift's interval lies wholly on the better side of zero,
    /// `Some(false)` when wholly on the worse side, `None` when it straddles zero.
    pub better: Option<bool>,
}

/// One outcome across the strategies.
#[derive(Clone, PartialEq, Debug)]
pub struct GridRow {
    pub metric: Metric,
    pub cells: Vec<Cell>,
}

fn interval(m: Metric, s: Summary, currency: &str) -> String {
    format!(
        "[{}, {}]",
        format_metric(m, s.p05, currency),
        format_metric(m, s.p95, currency)
    )
}

/// The side-by-side comparison: one row per outcome, one cell per strategy (report order).
pub fn comparison_grid(r: &SimReport, currency: &str) -> Vec<GridRow> {
    Metric::ALL
        .into_iter()
        .map(|m| GridRow {
            metric: m,
            cells: r
                .strategies
                .iter()
                .map(|s| {
                    let v = m.of(&s.outcomes);
                    let u = s.uplift_vs_baseline.map(|u| m.of(&u));
                    Cell {
                        mean: format_metric(m, v.mean, currency),
                        interval: interval(m, v, currency),
                        uplift: u.map(|u| {
                            format!(
                                "{} [{}, {}]",
                                signed(m, u.mean, currency),
                                signed(m, u.p05, currency),
                                signed(m, u.p95, currency)
                            )
                        }),
                        better: u.and_then(|u| {
                            let up = if u.p05 > 0.0 {
                                Some(true)
                            } else if u.p95 < 0.0 {
                                Some(false)
                            } else {
                                None
                            };
                            up.map(|up| up == m.higher_is_better())
                        }),
                    }
                })
                .collect(),
        })
        .collect()
}

/// Whether the backtest passed: both the conversions and the revenue of history lie in the
/// simulated 90 % intervals.
pub fn backtest_passed(b: &BacktestReport) -> bool {
    b.conversions_within && b.revenue_within
}

/// The backtest's verdict in `lang`, from the report's numbers.
pub fn backtest_text(b: &BacktestReport, lang: Lang, currency: &str) -> String {
    let within = |ok: bool| t(lang, if ok { Text::Within } else { Text::Outside });
    let conv = |x: f64| format_int(x.round() as i64);
    let money = |x: f64| minus(money_whole(currency, x));
    let name = &b.strategy;
    let (mean, lo, hi) = (
        conv(b.conversions.mean),
        conv(b.conversions.p05),
        conv(b.conversions.p95),
    );
    let hist = format_int(i64::try_from(b.historical.conversions).unwrap_or(i64::MAX));
    let ok = within(b.conversions_within);
    let (rev, rev_lo, rev_hi) = (
        money(b.revenue.mean),
        money(b.revenue.p05),
        money(b.revenue.p95),
    );
    let rev_hist = money(b.historical.revenue);
    let rev_ok = within(b.revenue_within);
    match lang {
        Lang::En => format!(
            "Simulating \"{name}\" gives {mean} conversions (90% interval {lo}–{hi}) against {hist} in the data: {ok}. Revenue {rev} ({rev_lo}–{rev_hi}) against {rev_hist}: {rev_ok}."
        ),
        Lang::ZhCn => format!(
            "模拟“{name}”得到 {mean} 个成交（90% 区间 {lo}–{hi}），历史数据为 {hist}：{ok}。销售额 {rev}（{rev_lo}–{rev_hi}），历史为 {rev_hist}：{rev_ok}。"
        ),
    }
}

/// A scenario kept in IndexedDB (store `scenarios`, keyed by its name).
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct SavedScenario {
    /// The name, which is also the key: saving under the same name replaces it.
    pub id: String,
    /// Milliseconds since the Unix epoch, when it was saved.
    pub saved_ms: f64,
    pub form: ScenarioForm,
}

/// The name a scenario is saved under: the form's name, or the untitled label.
pub fn saved_name(form: &ScenarioForm, lang: Lang) -> String {
    match form.name.trim() {
        "" => t(lang, Text::Untitled).to_owned(),
        n => n.chars().take(80).collect(),
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;
    use reallot_core::sim::{HistoricalOutcome, OutcomeSummaries};

    #[test]
    fn the_default_form_builds_a_checked_scenario_that_reads_back() {
        let form = ScenarioForm::default();
        let terr = vec![Territory {
            region: "east".into(),
            team: "east-a".into(),
        }];
        let sc = form.to_scenario(Lang::En, &terr, 0.25).expect("builds");
        sc.check().expect("names are consistent");
        assert_eq!(sc.name, "untitled");
        assert_eq!(
            sc.strategies
                .iter()
                .map(|s| s.name.as_str())
                .collect::<Vec<_>>(),
            ["historical rule", "round robin", "score based"]
        );
        assert_eq!(sc.baseline.as_deref(), Some("historical rule"));
        assert_eq!(sc.margin, 0.25);
        assert_eq!(sc.strategies[0].filters.max_load_ratio, Some(1.5));
        assert!(!sc.strategies[0].filters.capacity && sc.strategies[1].filters.capacity);
        let sweep = sc.sweep.as_ref().expect("sweep");
        assert_eq!(sweep.values, vec![3.0, 7.0, 14.0, 30.0]);
        // What the worker receives reads back as the same scenario through the core.
        let json = serde_json::to_string(&sc).expect("json");
        assert_eq!(Scenario::from_json(&json).expect("reads"), sc);
        let zh = form.to_scenario(Lang::ZhCn, &terr, 0.3).expect("builds");
        assert_eq!(zh.strategies[2].name, "按期望价值");
        zh.check().expect("names are consistent in Chinese too");
        assert_eq!(sc.stream, Stream::History);
        let synthetic = ScenarioForm {
            synthetic: true,
            ..form.clone()
        };
        let sc = synthetic
            .to_scenario(Lang::En, &terr, 0.25)
            .expect("builds");
        assert_eq!(sc.stream, Stream::Synthetic);
    }

    #[test]
    fn every_preset_makes_its_selector_and_the_form_refuses_what_cannot_run() {
        let mut form = ScenarioForm::default();
        for p in Preset::ALL {
            form.toggle(p, true);
        }
        assert_eq!(form.strategies, Preset::ALL.to_vec());
        let sc = form.to_scenario(Lang::En, &[], 0.3).expect("builds");
        let kinds: Vec<String> = sc
            .strategies
            .iter()
            .map(|s| {
                let v = serde_json::to_value(&s.selector).expect("json");
                v["kind"].as_str().unwrap_or("").to_owned()
            })
            .collect();
        assert_eq!(
            kinds,
            [
                "least_loaded",
                "round_robin",
                "weighted_round_robin",
                "least_loaded",
                "capacity_quota",
                "territory",
                "tiered",
                "sticky_owner",
                "score_based",
                "batch_optimal"
            ]
        );
        assert!(sc.strategies[4].filters.daily_quota);
        assert_eq!(
            Preset::from_key("batch_optimal"),
            Some(Preset::BatchOptimal)
        );
        let err = |f: &ScenarioForm| f.to_scenario(Lang::En, &[], 0.3).err();
        let mut f = ScenarioForm::default();
        f.toggle(Preset::Historical, false);
        // The removed strategy's roles moved on, so the form still builds.
        assert_eq!(
            (f.baseline, f.backtest, f.sweep.as_ref().map(|s| s.strategy)),
            (Preset::RoundRobin, None, Some(Preset::RoundRobin))
        );
        assert!(err(&f).is_none());
        // A record edited by hand may still name strategies that are not chosen.
        f.baseline = Preset::Tiered;
        assert_eq!(err(&f), Some(FormError::BaselineNotChosen));
        f.baseline = Preset::RoundRobin;
        f.backtest = Some(Preset::Historical);
        assert_eq!(err(&f), Some(FormError::BacktestNotChosen));
        f.backtest = None;
        if let Some(sw) = f.sweep.as_mut() {
            sw.strategy = Preset::Historical;
        }
        assert_eq!(err(&f), Some(FormError::SweepNotChosen));
        f.sweep = Some(SweepForm {
            parameter: SweepParameter::NoDealDays,
            strategy: Preset::RoundRobin,
            values: vec![],
        });
        assert_eq!(err(&f), Some(FormError::SweepNoValues));
        f.sweep = None;
        f.runs = 0;
        assert_eq!(err(&f), Some(FormError::NoRuns));
        f.strategies.clear();
        assert_eq!(err(&f), Some(FormError::NoStrategy));
        assert_eq!(FormError::NoRuns.text(Lang::En), "runs must be at least 1");
    }

    #[test]
    fn typed_numbers_and_lists_are_checked() {
        assert_eq!(parse_optional(""), Ok(None));
        assert_eq!(parse_optional(" 2.5 "), Ok(Some(2.5)));
        assert_eq!(parse_optional("-1"), Err(NotANumber));
        assert_eq!(parse_optional("inf"), Err(NotANumber));
        assert_eq!(parse_optional("three"), Err(NotANumber));
        assert_eq!(parse_values("14, 3 7，3"), Ok(vec![3.0, 7.0, 14.0]));
        assert_eq!(parse_values(""), Ok(vec![]));
        assert_eq!(parse_values("3, x"), Err(NotANumber));
        assert_eq!(format_values(&[3.0, 7.5]), "3, 7.5");
        for p in SWEEP_PARAMETERS {
            // The keys are the scenario file's spelling.
            assert_eq!(
                serde_json::to_value(p).expect("json"),
                serde_json::json!(parameter_key(p))
            );
        }
    }

    fn s(mean: f64, p05: f64, p95: f64) -> Summary {
        Summary { mean, p05, p95 }
    }

    #[test]
    fn the_grid_and_the_verdict_read_in_both_languages() {
        let base = reallot_core::sim::StrategyReport {
            name: "a".into(),
            outcomes: OutcomeSummaries {
                conversions: s(2750.4, 2700.0, 2790.0),
                expected_conversions: s(1.0, 1.0, 1.0),
                revenue: s(1234.5, 1000.0, 1500.0),
                roi: s(1.234, 1.0, 1.5),
                response_hours: s(16.66, 16.0, 17.0),
                sales_cycle_days: s(24.0, 23.0, 25.0),
                utilisation: s(0.695, 0.69, 0.7),
                unassigned: s(100.0, 90.0, 110.0),
                reclaims: s(3800.0, 3700.0, 3900.0),
                fairness_gini: s(0.2468, 0.24, 0.25),
            },
            uplift_vs_baseline: None,
        };
        let rival = reallot_core::sim::StrategyReport {
            name: "b".into(),
            uplift_vs_baseline: Some(OutcomeSummaries {
                conversions: s(150.0, 120.0, 180.0),
                reclaims: s(40.0, 10.0, 70.0),
                roi: s(0.1, -0.05, 0.2),
                ..OutcomeSummaries::default()
            }),
            ..base.clone()
        };
        let report = SimReport {
            scenario: "x".into(),
            runs: 2,
            seed: 1,
            stream: Stream::History,
            leads: 10,
            reps: 2,
            baseline: "a".into(),
            strategies: vec![base, rival],
            backtest: None,
            sweep: None,
            model: serde_json::from_value(serde_json::json!({
                "win_observations": 0, "delay_observations": 0, "delay_censored": 0,
                "intercept": 0.0, "delay_effect": 0.0, "after_no_follow_up": 0.0,
                "after_no_deal": 0.0, "segment_effects": [0.0, 0.0, 0.0, 0.0, 0.0],
                "sd_rep": 0.0, "sd_rep_segment": 0.0, "sd_campaign": 0.0,
                "delay_sigma": 0.0, "delay_load_slope": 0.0, "p_stall": 0.0, "uptake": []
            }))
            .expect("model summary"),
        };
        let grid = comparison_grid(&report, "¥");
        assert_eq!(grid.len(), Metric::ALL.len());
        let conv = &grid[0].cells;
        assert_eq!(
            (conv[0].mean.as_str(), conv[0].interval.as_str()),
            ("2,750", "[2,700, 2,790]")
        );
        assert_eq!(conv[0].uplift, None);
        assert_eq!(conv[1].uplift.as_deref(), Some("+150 [+120, +180]"));
        assert_eq!(conv[1].better, Some(true));
        assert_eq!(grid[2].cells[0].mean, "¥1,235");
        assert_eq!(
            format_metric(Metric::Revenue, -1234.4, "¥"),
            "\u{2212}\u{2060}¥1,234"
        );
        assert_eq!(format_metric(Metric::Reclaims, -12.0, "¥"), "\u{2212}12");
        assert_eq!(
            grid[4].cells[1].uplift.as_deref(),
            Some("0.0 [0.0, 0.0]"),
            "no difference, no sign"
        );
        assert_eq!(grid[3].cells[1].better, None, "roi straddles zero");
        assert_eq!(grid[6].cells[0].mean, "69.5%");
        let reclaims = &grid[8].cells[1];
        assert_eq!(reclaims.better, Some(false), "more reclaims is worse");
        let bt = BacktestReport {
            strategy: "historical rule".into(),
            historical: HistoricalOutcome {
                leads: 10,
                conversions: 2630,
                revenue: 1100.0,
            },
            conversions: s(2750.4, 2700.0, 2790.0),
            revenue: s(1234.5, 1000.0, 1500.0),
            conversions_within: false,
            revenue_within: true,
            verdict: String::new(),
        };
        assert!(!backtest_passed(&bt));
        assert_eq!(
            backtest_text(&bt, Lang::En, "¥"),
            "Simulating \"historical rule\" gives 2,750 conversions (90% interval 2,700–2,790) against 2,630 in the data: outside the interval. Revenue ¥1,235 (¥1,000–¥1,500) against ¥1,100: within the interval."
        );
        assert_eq!(
            backtest_text(&bt, Lang::ZhCn, "¥"),
            "模拟“historical rule”得到 2,750 个成交（90% 区间 2,700–2,790），历史数据为 2,630：落在区间外。销售额 ¥1,235（¥1,000–¥1,500），历史为 ¥1,100：落在区间内。"
        );
    }

    #[test]
    fn a_saved_scenario_round_trips_and_old_records_fill_defaults() {
        let saved = SavedScenario {
            id: "q3".into(),
            saved_ms: 1.0,
            form: ScenarioForm {
                name: "q3".into(),
                ..ScenarioForm::default()
            },
        };
        let json = serde_json::to_string(&saved).expect("json");
        assert_eq!(
            serde_json::from_str::<SavedScenario>(&json).expect("reads"),
            saved
        );
        let partial: SavedScenario =
            serde_json::from_str(r#"{"id":"p","saved_ms":2,"form":{"runs":3}}"#).expect("reads");
        assert_eq!(partial.form.runs, 3);
        assert_eq!(partial.form.strategies, ScenarioForm::default().strategies);
        let mut untitled = ScenarioForm::default();
        assert_eq!(saved_name(&untitled, Lang::ZhCn), "未命名");
        untitled.name = "  spring  ".into();
        assert_eq!(saved_name(&untitled, Lang::En), "spring");
    }
}
