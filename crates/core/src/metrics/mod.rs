//! The measures of SPEC §3, as pure functions of a [`Dataset`] and a [`MeasureConfig`]: the
//! global filter and definitions shared by every measure, the rate row every ranking uses, and
//! the whole report.
//!
//! Every measure reads the same [`MeasureConfig`]; [`MeasureConfig::scope`] resolves it once
//! against a dataset (symbols instead of strings, the default as-of and window) into a
//! [`Scope`] that answers "does this row count?" without allocating.
//!
//! What does not change until the data does (the default as-of, the leads as columns, the
//! orders by customer and the reclaimed entities' log) is found once per dataset as a
//! [`MeasureBase`], which whoever holds the data keeps next to it.

pub mod join;
pub mod leads;

use crate::dataset::Dataset;
use crate::model::{CustomerType, Lead, Rep, Sym, Timestamp};
use crate::stats::Proportion;
use crate::stats::shrink::BetaPrior;
use serde::{Deserialize, Serialize};

/// Which rows count: empty lists mean "all". Values are the dataset's own strings (a region
/// "华东", a source "官网"); a value the dataset does not contain matches nothing.
#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Filter {
    pub regions: Vec<String>,
    /// Teams of the owning rep.
    pub teams: Vec<String>,
    pub customer_types: Vec<CustomerType>,
    pub sources: Vec<String>,
}

/// The period measured: rows dated in `[from, to)`. Missing bounds are open; `to` is then the
/// as-of time.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Window {
    pub from: Option<Timestamp>,
    pub to: Option<Timestamp>,
}

/// The definitions and the global filter every measure shares.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct MeasureConfig {
    /// "Now" for the data: open leads are censored here; later events are ignored. `None`:
    /// [`default_as_of`].
    pub as_of: Option<Timestamp>,
    pub window: Window,
    pub filter: Filter,
    /// First contact within this many hours of assignment meets the SLA.
    pub sla_hours: f64,
    /// Gross margin on revenue used by ROI, in [0, 1].
    pub margin: f64,
}

impl Default for MeasureConfig {
    fn default() -> Self {
        Self {
            as_of: None,
            window: Window::default(),
            filter: Filter::default(),
            sla_hours: 24.0,
            margin: 0.3,
        }
    }
}

/// The day after the latest dated event (a lead's creation or milestone, an order, an
/// activity; midnight), so that everything in the data happened before it; the Unix epoch for
/// an empty dataset.
pub fn default_as_of(ds: &Dataset) -> Timestamp {
    day_after(ds, ds.leads.iter().map(Lead::latest_date).max())
}

/// The day after the latest of `leads_latest` (the latest lead date), every order and every
/// activity.
fn day_after(ds: &Dataset, leads_latest: Option<Timestamp>) -> Timestamp {
    let latest = leads_latest
        .into_iter()
        .chain(ds.orders.iter().map(|o| o.date))
        .chain(ds.activities.iter().map(|a| a.at))
        .max();
    latest.map_or(Timestamp(0), |t| t.date().add_days(1))
}

/// What every measure of one dataset reads that does not change until the data does, found
/// once when the data is loaded and kept next to it (as a column store keeps what it loaded):
/// the default as-of, a scan of every dated table, the leads laid out as columns, and the
/// orders and reclaimed entities as the customer measures read them.
#[derive(Clone, Debug)]
pub struct MeasureBase {
    /// [`default_as_of`] of the dataset.
    pub default_as_of: Timestamp,
    pub leads: leads::LeadColumns,
    /// The orders by customer and the reclaimed entities' log, for the customer measures.
    pub customers: crate::customers::CustomerColumns,
}

impl MeasureBase {
    pub fn new(ds: &Dataset) -> Self {
        let mut leads = leads::LeadColumns::build(ds);
        let default_as_of = day_after(ds, leads.latest());
        leads.prepare_load(ds, default_as_of);
        Self {
            default_as_of,
            leads,
            customers: crate::customers::CustomerColumns::build(ds),
        }
    }

    /// `config` resolved against `ds` (see [`MeasureConfig::scope`]), with the default as-of
    /// found when the data was loaded.
    pub fn scope(&self, ds: &Dataset, config: &MeasureConfig) -> Scope {
        config.scope_at(ds, config.as_of.unwrap_or(self.default_as_of))
    }
}

/// A [`Filter`] list resolved to symbols: `None` = no restriction.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct SymSet(Option<Vec<Sym>>);

impl SymSet {
    fn resolve(ds: &Dataset, values: &[String]) -> Self {
        if values.is_empty() {
            return Self(None);
        }
        Self(Some(
            values
                .iter()
                .filter_map(|v| ds.names.get(v.trim()))
                .collect(),
        ))
    }

    /// Whether a row with this value counts (a missing value counts only without restriction).
    pub fn keeps(&self, v: Option<Sym>) -> bool {
        match &self.0 {
            None => true,
            Some(set) => v.is_some_and(|v| set.contains(&v)),
        }
    }

    pub fn is_all(&self) -> bool {
        self.0.is_none()
    }
}

/// A [`MeasureConfig`] resolved against one dataset.
#[derive(Clone, PartialEq, Debug)]
pub struct Scope {
    pub as_of: Timestamp,
    /// Inclusive start (`None`: from the beginning of the data).
    pub from: Option<Timestamp>,
    /// Exclusive end, never after `as_of`.
    pub to: Timestamp,
    pub regions: SymSet,
    pub teams: SymSet,
    pub sources: SymSet,
    pub customer_types: Vec<CustomerType>,
    pub sla_hours: f64,
    pub margin: f64,
}

impl MeasureConfig {
    pub fn scope(&self, ds: &Dataset) -> Scope {
        self.scope_at(ds, self.as_of.unwrap_or_else(|| default_as_of(ds)))
    }

    fn scope_at(&self, ds: &Dataset, as_of: Timestamp) -> Scope {
        Scope {
            as_of,
            from: self.window.from,
            to: self.window.to.map_or(as_of, |t| t.min(as_of)),
            regions: SymSet::resolve(ds, &self.filter.regions),
            teams: SymSet::resolve(ds, &self.filter.teams),
            sources: SymSet::resolve(ds, &self.filter.sources),
            customer_types: self.filter.customer_types.clone(),
            sla_hours: if self.sla_hours.is_finite() && self.sla_hours > 0.0 {
                self.sla_hours
            } else {
                24.0
            },
            margin: if self.margin.is_finite() {
                self.margin.clamp(0.0, 1.0)
            } else {
                0.3
            },
        }
    }
}

impl Scope {
    /// Whether a time falls in the window.
    pub fn in_window(&self, t: Timestamp) -> bool {
        self.from.is_none_or(|f| f <= t) && t < self.to
    }

    pub fn keeps_type(&self, t: Option<CustomerType>) -> bool {
        self.customer_types.is_empty() || t.is_some_and(|t| self.customer_types.contains(&t))
    }

    /// Whether a row owned by `rep` passes the team filter.
    pub fn keeps_rep(&self, rep: Option<&Rep>) -> bool {
        self.teams.is_all() || self.teams.keeps(rep.and_then(|r| r.team))
    }

    /// The window's start for prorating: `from`, or `earliest` when the window is open.
    pub fn start_or(&self, earliest: Timestamp) -> Timestamp {
        self.from.unwrap_or(earliest)
    }
}

/// One group of a cut: a proportion with its Wilson interval and its empirical-Bayes shrunk
/// rate (the one rankings use). The SPEC §7 shape `{key, leads, won, rate, ci_low, ci_high,
/// shrunk_rate}`.
#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct RateRow {
    pub key: String,
    pub leads: u64,
    pub won: u64,
    pub rate: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    pub shrunk_rate: f64,
}

/// Rows for groups `(key, successes, trials)` with a beta prior fitted to all of them, ranked
/// by shrunk rate (descending; ties by trials, then key). Groups without trials are dropped.
pub fn ranked_rates(groups: Vec<(String, u64, u64)>) -> (Vec<RateRow>, BetaPrior) {
    let counts: Vec<(u64, u64)> = groups.iter().map(|g| (g.1, g.2)).collect();
    let prior = BetaPrior::fit(&counts);
    let mut rows: Vec<RateRow> = groups
        .into_iter()
        .filter(|g| g.2 > 0)
        .map(|(key, k, n)| {
            let p = Proportion::wilson(k, n);
            RateRow {
                key,
                leads: n,
                won: p.successes,
                rate: p.rate,
                ci_low: p.ci_low,
                ci_high: p.ci_high,
                shrunk_rate: prior.shrink(p.successes.min(n), n),
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        b.shrunk_rate
            .total_cmp(&a.shrunk_rate)
            .then(b.leads.cmp(&a.leads))
            .then_with(|| a.key.cmp(&b.key))
    });
    (rows, prior)
}

/// A mean with its normal-approximation 95 % interval.
#[derive(Clone, Copy, PartialEq, Debug, Serialize)]
pub struct MeanCi {
    pub n: u64,
    pub mean: f64,
    pub ci_low: f64,
    pub ci_high: f64,
}

impl MeanCi {
    /// From a count, sum and sum of squares; `None` for no observations.
    pub fn from_sums(n: u64, sum: f64, sum_sq: f64) -> Option<Self> {
        if n == 0 {
            return None;
        }
        let nf = n as f64;
        let mean = sum / nf;
        let var = if n > 1 {
            ((sum_sq - nf * mean * mean) / (nf - 1.0)).max(0.0)
        } else {
            0.0
        };
        let half = crate::stats::Z95 * (var / nf).sqrt();
        Some(Self {
            n,
            mean,
            ci_low: mean - half,
            ci_high: mean + half,
        })
    }
}

/// The whole `reallot report`: each section is one family of measures, flattened into one
/// JSON object with the keys of SPEC §7.
#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct Report {
    #[serde(serialize_with = "serialize_date")]
    pub as_of: Timestamp,
    pub data_quality: DataQuality,
    #[serde(flatten)]
    pub leads: leads::LeadReport,
    #[serde(flatten)]
    pub customers: crate::customers::CustomerReport,
}

/// What the data was like: per-file import outcomes (filled by whoever read the files) and
/// the cross-table checks over the dataset.
#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct DataQuality {
    pub files: Vec<crate::import::TableReport>,
    #[serde(flatten)]
    pub checks: crate::quality::QualityReport,
}

/// Writes a timestamp as its `YYYY-MM-DD` date in reports (times there are day-precise).
pub fn serialize_date<S: serde::Serializer>(t: &Timestamp, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&t.date_string())
}

/// Computes every measure of the report.
pub fn report(ds: &Dataset, config: &MeasureConfig) -> Report {
    report_of(ds, &MeasureBase::new(ds), config)
}

/// Computes every measure of the report from the dataset's [`MeasureBase`].
pub fn report_of(ds: &Dataset, base: &MeasureBase, config: &MeasureConfig) -> Report {
    report_with(ds, base, config, |c| {
        crate::customers::customer_report_of(ds, &base.customers, c)
    })
}

/// [`report_of`] with the customer measures computed by `customers` from their settings: a
/// native caller passes one that spreads [`crate::customers::CustomerReportParts`] over two
/// threads and assembles the same report as [`crate::customers::customer_report_of`].
pub fn report_with(
    ds: &Dataset,
    base: &MeasureBase,
    config: &MeasureConfig,
    customers: impl FnOnce(&crate::customers::CustomerConfig) -> crate::customers::CustomerReport,
) -> Report {
    let scope = base.scope(ds, config);
    let customer_config = crate::customers::CustomerConfig::new(scope.as_of);
    Report {
        as_of: scope.as_of,
        data_quality: DataQuality {
            files: Vec::new(),
            checks: crate::quality::check(ds, scope.as_of),
        },
        leads: leads::lead_report_of(ds, &base.leads, &scope),
        customers: customers(&customer_config),
    }
}
