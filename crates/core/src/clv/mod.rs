//! Customer lifetime value: BG/NBD (purchase count, P(alive)) and Gamma-Gamma (spend) fitted
//! by maximum likelihood, per-customer predictions and discounted CLV over a horizon.
//! See `docs/clv.md` for the models, formulas and validation.

mod bgnbd;
mod gamma_gamma;
mod optimize;
mod simulate;
pub mod special;

pub use bgnbd::{BgNbdFit, BgNbdParams, fit_bgnbd};
pub use gamma_gamma::{GammaGammaFit, GammaGammaParams, fit_gamma_gamma};
pub use simulate::simulate_summaries;

use crate::model::Money;
use serde::{Deserialize, Serialize};

/// One customer's purchase history in the summary form of the literature (and of the Python
/// `lifetimes` package): `frequency` = repeat purchases (purchase periods after the first),
/// `recency` = time of the last purchase since the first, `t` = time from the first purchase
/// to the end of observation, `monetary` = mean value of the repeat purchases.
#[derive(Clone, Copy, PartialEq, Debug, Serialize, Deserialize)]
pub struct CustomerSummary {
    pub frequency: u32,
    pub recency: f64,
    #[serde(rename = "T")]
    pub t: f64,
    pub monetary: Option<f64>,
}

impl CustomerSummary {
    pub fn new(frequency: u32, recency: f64, t: f64) -> Self {
        Self {
            frequency,
            recency,
            t,
            monetary: None,
        }
    }

    /// Why this summary cannot be modelled, if it cannot.
    pub fn problem(&self) -> Option<&'static str> {
        if !(self.t.is_finite() && self.t >= 0.0) {
            return Some("T must be a finite number ≥ 0");
        }
        if !(self.recency.is_finite() && self.recency >= 0.0) {
            return Some("recency must be a finite number ≥ 0");
        }
        if self.recency > self.t {
            return Some("recency must not exceed T");
        }
        if self.frequency == 0 && self.recency != 0.0 {
            return Some("recency must be 0 when frequency is 0");
        }
        if let Some(m) = self.monetary
            && (!m.is_finite() || m < 0.0)
        {
            return Some("monetary must be a finite number ≥ 0");
        }
        None
    }
}

/// The time unit of recency and T.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum TimeUnit {
    #[default]
    Day,
    /// Fractional weeks of 7 days computed from daily dates, as in FHL 2005.
    Week,
}

impl TimeUnit {
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "day" | "days" | "d" => Some(TimeUnit::Day),
            "week" | "weeks" | "w" => Some(TimeUnit::Week),
            _ => None,
        }
    }

    pub fn days(self) -> f64 {
        match self {
            TimeUnit::Day => 1.0,
            TimeUnit::Week => 7.0,
        }
    }

    /// The length of a month (365.25/12 days) in this unit; CLV is discounted monthly.
    pub fn month(self) -> f64 {
        365.25 / 12.0 / self.days()
    }
}

/// One transaction: a customer (dense index chosen by the caller), its day number and amount.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Transaction {
    pub customer: u32,
    pub day: i64,
    pub amount: Money,
}

/// Summarises transactions observed up to and including `period_end_day`: several
/// transactions of one customer on one day are one purchase (their amounts added), frequency
/// counts the purchase days after the first, monetary is the mean over those repeat days
/// (0 with no repeat), in major currency units. Returns `(customer, summary)` in customer
/// order for every customer with a purchase on or before the period end.
pub fn summarise_transactions(
    transactions: &[Transaction],
    period_end_day: i64,
    unit: TimeUnit,
) -> Vec<(u32, CustomerSummary)> {
    let mut tx: Vec<(u32, i64, i64)> = transactions
        .iter()
        .filter(|t| t.day <= period_end_day)
        .map(|t| (t.customer, t.day, t.amount.0))
        .collect();
    tx.sort_unstable();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&(customer, first_day, _)) = tx.get(i) {
        let mut days = 0u32;
        let mut last_day = first_day;
        let mut repeat_minor: i128 = 0;
        while let Some(&(c, day, amount)) = tx.get(i) {
            if c != customer {
                break;
            }
            if day != last_day {
                days += 1;
                last_day = day;
            }
            if day != first_day {
                repeat_minor += i128::from(amount);
            }
            i += 1;
        }
        let u = unit.days();
        let monetary = if days > 0 {
            // Minor units to major, as `Money::as_major` does, without narrowing the i128 sum.
            repeat_minor as f64 / 100.0 / f64::from(days)
        } else {
            0.0
        };
        out.push((
            customer,
            CustomerSummary {
                frequency: days,
                recency: (last_day - first_day) as f64 / u,
                t: (period_end_day - first_day) as f64 / u,
                monetary: Some(monetary),
            },
        ));
    }
    out
}

/// A hash-map key for a time or other f64: its bits with the bytes swapped. The Fx hash
/// (rustc-hash 2) takes its bucket from bits 38 and up of key × K, and a whole number of days
/// has 40 or more trailing zero bits, so keyed by the raw bits the days of a short history
/// shared a handful of buckets and every look-up probed long runs of them; swapped, the
/// varying bits come first. A bijection: [`from_key`] undoes it.
fn float_key(t: f64) -> u64 {
    t.to_bits().swap_bytes()
}

/// The f64 of a [`float_key`].
fn from_key(k: u64) -> f64 {
    f64::from_bits(k.swap_bytes())
}

/// `(x, key)` pairs grouped by x and then by key, for the weighted unique rows of the fits:
/// a counting sort on the rank of x (few distinct values) and a sort of each bucket's keys,
/// much cheaper than sorting the pairs.
struct ByX {
    /// Distinct x, ascending.
    xs: Vec<u32>,
    /// `keys[start[k]..start[k + 1]]`: the sorted keys of the pairs with x = `xs[k]`.
    start: Vec<usize>,
    keys: Vec<u64>,
}

impl ByX {
    fn new(pairs: impl Iterator<Item = (u32, u64)> + Clone) -> Self {
        let mut rank: rustc_hash::FxHashMap<u32, usize> = rustc_hash::FxHashMap::default();
        for (x, _) in pairs.clone() {
            *rank.entry(x).or_default() += 1;
        }
        let mut xs: Vec<(u32, usize)> = rank.iter().map(|(&x, &n)| (x, n)).collect();
        xs.sort_unstable();
        let mut start = Vec::with_capacity(xs.len() + 1);
        let mut total = 0;
        for (k, &(x, n)) in xs.iter().enumerate() {
            start.push(total);
            total += n;
            rank.insert(x, k);
        }
        start.push(total);
        let mut fill = start.clone();
        let mut keys = vec![0u64; total];
        for (x, key) in pairs {
            if let Some(pos) = rank.get(&x).and_then(|&k| fill.get_mut(k))
                && let Some(slot) = keys.get_mut(*pos)
            {
                *slot = key;
                *pos += 1;
            }
        }
        for w in start.windows(2) {
            if let Some(bucket) = keys.get_mut(w[0]..w[1]) {
                bucket.sort_unstable();
            }
        }
        Self {
            xs: xs.into_iter().map(|(x, _)| x).collect(),
            start,
            keys,
        }
    }

    /// The runs of equal keys with x = `xs[k]`, as (key, count).
    fn runs(&self, k: usize) -> impl Iterator<Item = (u64, usize)> + '_ {
        let bucket = self
            .start
            .get(k..k + 2)
            .and_then(|s| self.keys.get(s[0]..s[1]))
            .unwrap_or_default();
        bucket
            .chunk_by(|a, b| a == b)
            .filter_map(|run| Some((*run.first()?, run.len())))
    }
}

/// Errors of the CLV family.
#[derive(Clone, PartialEq, Debug, thiserror::Error)]
pub enum ClvError {
    #[error("no customers to fit")]
    NoCustomers,
    #[error("customer {index}: {problem}")]
    InvalidSummary { index: usize, problem: &'static str },
    #[error("{0}")]
    FitFailed(&'static str),
    #[error("invalid clv setting {name} = {value}: {expected}")]
    InvalidConfig {
        name: &'static str,
        value: f64,
        expected: &'static str,
    },
}

/// CLV settings.
#[derive(Clone, Copy, PartialEq, Debug, Serialize, Deserialize)]
pub struct ClvConfig {
    /// Horizon in months (of 365.25/12 days).
    pub horizon_months: u32,
    /// Profit margin applied to revenue, in [0, 1] typically.
    pub margin: f64,
    /// Discount rate per month.
    pub discount_monthly: f64,
    pub unit: TimeUnit,
}

impl Default for ClvConfig {
    fn default() -> Self {
        Self {
            horizon_months: 12,
            margin: 1.0,
            discount_monthly: 0.01,
            unit: TimeUnit::Day,
        }
    }
}

/// Per-customer predictions.
#[derive(Clone, Copy, PartialEq, Debug, Serialize)]
pub struct CustomerValue {
    pub p_alive: f64,
    /// Expected purchases over the horizon.
    pub expected_purchases: f64,
    /// Gamma-Gamma posterior mean spend per purchase; `None` without a spend model.
    pub expected_spend: Option<f64>,
    /// Σ (E[Y(i·L)] − E[Y((i−1)·L)]) / (1+d)^i over the horizon: CLV per unit of margin·E[M].
    pub discounted_purchases: f64,
    /// Discounted margin over the horizon; `None` without a spend model.
    pub clv: Option<f64>,
}

/// Expected and discounted purchases over the horizon, given alive at T, and the terms of
/// P(alive) that depend on (x, T) only.
#[derive(Clone, Copy, Debug)]
struct AliveForecast {
    expected: f64,
    discounted: f64,
    odds: bgnbd::AliveOdds,
}

/// A fitted CLV model with everything needed to predict.
#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct ClvModel {
    pub bgnbd: BgNbdFit,
    pub gamma_gamma: Option<GammaGammaFit>,
    pub config: ClvConfig,
}

/// Fits both models on validated summaries.
pub fn fit_clv(data: &[CustomerSummary], config: ClvConfig) -> Result<ClvModel, ClvError> {
    check_config(&config)?;
    if let Some((index, problem)) = data
        .iter()
        .enumerate()
        .find_map(|(i, c)| c.problem().map(|p| (i, p)))
    {
        return Err(ClvError::InvalidSummary { index, problem });
    }
    let bgnbd = fit_bgnbd(data)?;
    let gamma_gamma = fit_gamma_gamma(data)?;
    Ok(ClvModel {
        bgnbd,
        gamma_gamma,
        config,
    })
}

fn check_config(c: &ClvConfig) -> Result<(), ClvError> {
    if !(c.margin.is_finite() && c.margin >= 0.0) {
        return Err(ClvError::InvalidConfig {
            name: "margin",
            value: c.margin,
            expected: "a number ≥ 0",
        });
    }
    if !(c.discount_monthly.is_finite() && c.discount_monthly > -1.0) {
        return Err(ClvError::InvalidConfig {
            name: "discount",
            value: c.discount_monthly,
            expected: "a rate > −1 per month",
        });
    }
    Ok(())
}

impl ClvModel {
    /// Predictions for one customer. CLV is the discounted expected-transactions sum (the
    /// approach of the `lifetimes` package): margin · E[M] · Σ_{i=1..H} (E[Y(i·L)] − E[Y((i−1)·L)])
    /// / (1+d)^i, with L one month in the data's time unit, H the horizon in months and d the
    /// monthly discount rate.
    pub fn predict(&self, c: &CustomerSummary) -> CustomerValue {
        let forecast = self.forecast_if_alive(c.frequency, c.t);
        self.with_spend(self.with_p_alive(forecast, c), c)
    }

    /// Predictions for many customers. Every E[Y(t)] is P(alive) times a factor that depends
    /// on (x, T) only, so the H hypergeometric evaluations of the horizon are done once per
    /// distinct (x, T) (with daily data, tens of thousands for a million customers) and each
    /// customer then costs one P(alive).
    pub fn predict_all(&self, data: &[CustomerSummary]) -> Vec<CustomerValue> {
        let mut cache: rustc_hash::FxHashMap<(u32, u64), AliveForecast> =
            rustc_hash::FxHashMap::default();
        data.iter()
            .map(|c| {
                let forecast = *cache
                    .entry((c.frequency, float_key(c.t)))
                    .or_insert_with(|| self.forecast_if_alive(c.frequency, c.t));
                self.with_spend(self.with_p_alive(forecast, c), c)
            })
            .collect()
    }

    /// The horizon's expected and discounted purchases of a customer alive at T with x repeat
    /// purchases (NaN where the hypergeometric function is not finite).
    fn forecast_if_alive(&self, x: u32, t: f64) -> AliveForecast {
        let p = &self.bgnbd.params;
        let month = self.config.unit.month();
        let mut previous = 0.0;
        let mut discounted = 0.0;
        let mut factor = 1.0;
        for i in 1..=self.config.horizon_months {
            let e = p
                .expected_purchases_if_alive(f64::from(i) * month, x, t)
                .unwrap_or(f64::NAN);
            factor /= 1.0 + self.config.discount_monthly;
            discounted += (e - previous) * factor;
            previous = e;
        }
        AliveForecast {
            expected: previous,
            discounted,
            odds: p.alive_odds(x, t),
        }
    }

    fn with_p_alive(&self, f: AliveForecast, c: &CustomerSummary) -> CustomerValue {
        let p_alive = self
            .bgnbd
            .params
            .p_alive_given(f.odds, c.frequency, c.recency);
        CustomerValue {
            p_alive,
            expected_purchases: f.expected * p_alive,
            expected_spend: None,
            discounted_purchases: f.discounted * p_alive,
            clv: None,
        }
    }

    /// Adds the spend model to purchase-only predictions: CLV is linear in E[M], so
    /// `predict` with E[M] = 1 gives the discounted transactions, scaled here.
    fn with_spend(&self, base: CustomerValue, c: &CustomerSummary) -> CustomerValue {
        let expected_spend = self.gamma_gamma.as_ref().and_then(|g| {
            g.params
                .expected_spend(c.frequency, c.monetary.unwrap_or(0.0))
        });
        CustomerValue {
            expected_spend,
            clv: expected_spend.map(|s| s * base.discounted_purchases * self.config.margin),
            ..base
        }
    }
}

/// Headline numbers of a CLV run.
#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct ClvStats {
    pub customers: usize,
    pub repeat_customers: usize,
    pub p_alive: Option<Distribution>,
    pub expected_purchases: Option<Distribution>,
    pub expected_spend: Option<Distribution>,
    pub clv: Option<Distribution>,
}

impl ClvStats {
    pub fn of(data: &[CustomerSummary], values: &[CustomerValue]) -> Self {
        Self {
            customers: data.len(),
            repeat_customers: data.iter().filter(|c| c.frequency > 0).count(),
            p_alive: Distribution::of(values.iter().map(|v| v.p_alive), 10),
            expected_purchases: Distribution::of(values.iter().map(|v| v.expected_purchases), 20),
            expected_spend: Distribution::of(values.iter().filter_map(|v| v.expected_spend), 20),
            clv: Distribution::of(values.iter().filter_map(|v| v.clv), 20),
        }
    }
}

/// Distribution summary of a per-customer quantity.
#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct Distribution {
    pub count: usize,
    pub mean: f64,
    pub total: f64,
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
    pub max: f64,
    /// Equal-width histogram over [0, max]: bin edges (bins + 1 values) and counts.
    pub edges: Vec<f64>,
    pub counts: Vec<u64>,
}

impl Distribution {
    /// `None` when no finite values are given.
    pub fn of(values: impl Iterator<Item = f64>, bins: usize) -> Option<Self> {
        let mut v: Vec<f64> = values.filter(|x| x.is_finite()).collect();
        if v.is_empty() {
            return None;
        }
        // Quantiles by selection (linear on average) rather than a sort: this runs over every
        // customer's P(alive) and CLV. The total is summed in input order.
        let total: f64 = v.iter().sum();
        let (min, max) = v.iter().fold((0.0f64, f64::NEG_INFINITY), |(lo, hi), &x| {
            (lo.min(x), hi.max(x))
        });
        let mut q = |p| crate::stats::quantile_of_order(&mut v, p).unwrap_or(0.0);
        let (p10, p50, p90) = (q(0.1), q(0.5), q(0.9));
        let bins = bins.max(1);
        let width = (max - min) / bins as f64;
        let edges: Vec<f64> = (0..=bins).map(|i| min + width * i as f64).collect();
        let mut counts = vec![0u64; bins];
        for x in &v {
            let i = if width > 0.0 {
                (((x - min) / width) as usize).min(bins - 1)
            } else {
                0
            };
            if let Some(c) = counts.get_mut(i) {
                *c += 1;
            }
        }
        Some(Self {
            count: v.len(),
            mean: total / v.len() as f64,
            total,
            p10,
            p50,
            p90,
            max,
            edges,
            counts,
        })
    }
}

#[cfg(test)]
mod tests;

/// Checks an analytic gradient against central finite differences of the value, and the
/// analytic Hessian against central differences of the gradient, at `theta`.
#[cfg(test)]
fn assert_derivatives_match<const N: usize>(
    ll: impl Fn(&[f64; N]) -> optimize::Derivatives<N>,
    theta: [f64; N],
) {
    let (_, grad, hess) = ll(&theta);
    for i in 0..N {
        let h = 1e-6 * theta[i].abs().max(1.0);
        let mut up = theta;
        let mut dn = theta;
        up[i] += h;
        dn[i] -= h;
        let (fu, gu, _) = ll(&up);
        let (fd, gd, _) = ll(&dn);
        let want = (fu - fd) / (2.0 * h);
        assert!(
            (want - grad[i]).abs() < 1e-6 * (1.0 + want.abs()),
            "gradient {i}: {want} {}",
            grad[i]
        );
        for j in 0..N {
            let want = (gu[j] - gd[j]) / (2.0 * h);
            assert!(
                (want - hess[j][i]).abs() < 1e-5 * (1.0 + want.abs()),
                "hessian {j},{i}: {want} {}",
                hess[j][i]
            );
            assert_eq!(hess[i][j], hess[j][i]);
        }
    }
}
