//! The worker protocol: the page sends a [`Request`] with an id, the worker answers with
//! [`Progress`] events and then one result or failure for that id. Bulk bytes (file contents,
//! the encoded dataset) travel beside the JSON message as transferred buffers, in the order
//! the message describes (see [`crate::wire`]).
//!
//! Jobs run one at a time, synchronously, in the worker, so a job cannot read a cancel message
//! while it runs: the page cancels by terminating the worker and starting a fresh one. A
//! cancelled import therefore stores nothing — storing happens on the page only after the
//! result arrives.

use crate::summary::DatasetSummary;
use reallot_charts::{Chart, Lang as ChartLang};
use reallot_core::import::{
    FileFormat, Finding, ImportError, Mapping, ReadOptions, TableReport, TextEncoding,
};
use reallot_core::metrics::MeasureConfig;
use reallot_core::model::TableKind;
use reallot_core::repview::{RepView, RepViewConfig};
use reallot_core::sim::{Scenario, SimReport};
use serde::{Deserialize, Serialize};

/// The key and seed of the built-in demo dataset, which the worker builds unasked when it is
/// started with the query `?demo` (the page starts it so when the demo will be its first
/// dataset; see `assets/worker-start.js`).
pub const DEMO_KEY: &str = "demo";
pub const DEMO_SEED: u64 = 42;
/// The query that has the worker build the demo at start.
pub const DEMO_QUERY: &str = "?demo";

/// A job for the worker, tagged with the id its answers carry.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Request {
    pub id: u32,
    pub job: Job,
}

#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Job {
    /// Sniff, parse and guess the mapping of one file; bytes: the file.
    Read { name: String, opts: ReadOptions },
    /// Build one dataset from every file as mapped, check it and encode it; bytes: the files,
    /// in order. `as_of` (seconds, naive local) dates the quality check's "future" findings.
    Import { files: Vec<ImportFile>, as_of: i64 },
    /// Make a dataset the worker's own, known as `key`, for the jobs below; bytes: the
    /// dataset in the core's codec format.
    Open { key: String },
    /// Make the dataset the last [`Job::Import`] built the worker's own, known as `key` (the
    /// id the page stored it under), instead of sending it back to be decoded again.
    HoldImported { key: String },
    /// Make the built-in demo dataset (scale s, `seed`) the worker's own, known as `key`.
    OpenDemo { key: String, seed: u64 },
    /// The Overview's numbers of the open dataset `key`: lead KPIs under `config`, customer
    /// KPIs over the `window_days` before the as-of date (no CLV fit: the cards come first).
    Overview {
        key: String,
        config: MeasureConfig,
        window_days: i64,
    },
    /// The Overview's expected number of active customers under `config` over `window_days`,
    /// from the CLV fit.
    ActiveCustomers {
        key: String,
        config: MeasureConfig,
        window_days: i64,
    },
    /// A page's chart models for the open dataset `key`, labelled in `lang` (the page draws
    /// them): Leads from the lead report under `config`; Customers from the customer report
    /// (with the CLV fit) and Pool from reclaim effectiveness, both as of `config`'s as-of
    /// date, Customers over the `window_days` before it.
    Charts {
        key: String,
        page: ChartPage,
        config: MeasureConfig,
        window_days: i64,
        lang: ChartLang,
    },
    /// Runs a simulation scenario (TOML, as `reallot simulate` reads) on the open dataset
    /// `key`, every (strategy, run) job in turn.
    Simulate { key: String, scenario: String },
    /// The rep view of `rep` on the open dataset `key`, with P(alive) and CLV from the
    /// customer report as of the same date over `window_days`.
    RepView {
        key: String,
        rep: String,
        /// Boxed: a reclaim policy and lifecycle rules would make every job as large.
        config: Box<RepViewConfig>,
        window_days: i64,
    },
    /// Runs a scenario given as the core's own type (as the Simulator page's form builds it)
    /// on the open dataset `key`; answered by [`Reply::SimulatedReport`].
    SimulateScenario {
        key: String,
        scenario: Box<Scenario>,
    },
}

/// The pages whose charts the worker computes.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChartPage {
    Leads,
    Customers,
    Pool,
}

/// One file of an import: the overrides it was read with and the mapping the user confirmed.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct ImportFile {
    pub name: String,
    pub opts: ReadOptions,
    /// `None` when the table could not be guessed and was not chosen.
    pub mapping: Option<Mapping>,
}

/// A message from the worker.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reply {
    Progress {
        id: u32,
        progress: Progress,
    },
    /// Answer to [`Job::Read`]; no bytes.
    Read {
        id: u32,
        file: FileInfo,
    },
    /// Answer to [`Job::Import`]; bytes: the dataset in the core's codec format.
    Imported {
        id: u32,
        summary: ImportSummary,
    },
    /// Answer to [`Job::Open`] and [`Job::OpenDemo`]: what the page shows of the dataset, so
    /// that the page needs no copy of its own.
    Opened {
        id: u32,
        key: String,
        summary: DatasetSummary,
    },
    /// Answer to [`Job::Overview`].
    Overview {
        id: u32,
        numbers: OverviewNumbers,
    },
    /// Answer to [`Job::ActiveCustomers`]: the sum of the customers' BG/NBD P(alive); `None`
    /// when the model could not be fitted.
    ActiveCustomers {
        id: u32,
        expected_alive: Option<f64>,
    },
    /// Answer to [`Job::Charts`].
    Charts {
        id: u32,
        charts: Vec<Chart>,
    },
    /// Answer to [`Job::Simulate`]: the core's report as JSON (SPEC §7's `simulate --json`).
    Simulated {
        id: u32,
        report_json: String,
    },
    /// Answer to [`Job::RepView`].
    RepView {
        id: u32,
        view: RepView,
    },
    /// Answer to [`Job::SimulateScenario`]: the core's report itself.
    SimulatedReport {
        id: u32,
        report: Box<SimReport>,
    },
    /// The job could not be run (an unreadable request, or a measure or simulation job
    /// refused); `error` is a message for the user.
    Failed {
        id: u32,
        error: String,
    },
    /// A read or import was refused for a reason the page words in the user's language.
    Refused {
        id: u32,
        error: JobError,
    },
}

impl Reply {
    /// The request this reply answers.
    pub fn id(&self) -> u32 {
        match self {
            Reply::Progress { id, .. }
            | Reply::Read { id, .. }
            | Reply::Imported { id, .. }
            | Reply::Opened { id, .. }
            | Reply::Overview { id, .. }
            | Reply::ActiveCustomers { id, .. }
            | Reply::Charts { id, .. }
            | Reply::Simulated { id, .. }
            | Reply::RepView { id, .. }
            | Reply::SimulatedReport { id, .. }
            | Reply::Failed { id, .. }
            | Reply::Refused { id, .. } => *id,
        }
    }
}

/// How far a job is: `done` of `total` steps, and the step now running.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Progress {
    pub stage: Stage,
    /// The file the step works on, if any.
    pub file: Option<String>,
    pub done: u32,
    pub total: u32,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Parse,
    Load,
    Check,
    Encode,
    /// Computing measures or fitting models.
    Measure,
    /// Running simulation jobs (`done` of `total` (strategy, run) jobs).
    Simulate,
}

/// The Overview's KPI cards.
#[derive(Clone, PartialEq, Debug, Default, Serialize, Deserialize)]
pub struct OverviewNumbers {
    /// Leads created in the scope, assigned ones, and won of those assigned.
    pub leads: usize,
    pub assigned: u64,
    pub won: u64,
    /// Order revenue in the customer window ending at the as-of date and in the window
    /// before, minor units; growth = revenue / previous − 1.
    pub revenue: i64,
    pub revenue_previous: i64,
    pub growth: Option<f64>,
    /// Customers buying in the previous window who bought again in this one.
    pub retention: Option<f64>,
    /// Customers with at least one order.
    pub customers_with_orders: usize,
    /// The period the cards compare with the one before it (dates, both ends included).
    pub period_from: String,
    pub period_to: String,
    /// The months of every card's trend (`YYYY-MM`), oldest first.
    pub months: Vec<String>,
    pub cards: Vec<KpiCard>,
    pub alerts: Vec<Alert>,
}

/// A KPI of the Overview's cards.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KpiKind {
    /// Leads created.
    Leads,
    /// Won ÷ assigned of the leads created.
    Conversion,
    /// Order revenue, minor units.
    Revenue,
    /// Median hours from assignment to first contact of the leads assigned.
    ResponseHours,
    /// Customers with ≥ 2 purchase days among those buying.
    RepeatRate,
    /// Customers buying in the period before who bought again.
    Retention,
    /// Reclaims into the pool.
    Reclaims,
}

impl KpiKind {
    /// Whether the KPI is a share, whose change reads in percentage points.
    pub fn is_share(self) -> bool {
        matches!(
            self,
            KpiKind::Conversion | KpiKind::RepeatRate | KpiKind::Retention
        )
    }
}

/// One KPI card: this period, the period before, and the monthly trend (`None`: no value).
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct KpiCard {
    pub kind: KpiKind,
    pub value: Option<f64>,
    pub previous: Option<f64>,
    pub trend: Vec<Option<f64>>,
}

impl KpiCard {
    /// The change on the period before: a difference for shares, else a relative change.
    pub fn change(&self) -> Option<f64> {
        let (v, p) = (self.value?, self.previous?);
        if self.kind.is_share() {
            Some(v - p)
        } else {
            (p != 0.0).then(|| v / p - 1.0)
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    /// Reps holding more open leads than their capacity.
    OverCapacity,
    /// Open assigned leads never contacted, assigned longer ago than the SLA.
    Uncontacted,
    /// Key customers (KA or value tier A) overdue to reorder.
    OverdueKey,
}

/// One alert: how many, and the worst few.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Alert {
    pub kind: AlertKind,
    pub count: usize,
    pub top: Vec<AlertItem>,
}

/// A rep, lead or customer of an alert: open leads against capacity, hours waiting against
/// the SLA, or days since the last order against k × its cycle.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct AlertItem {
    pub id: String,
    pub value: f64,
    pub limit: f64,
}

impl OverviewNumbers {
    /// Won ÷ assigned, `None` without assigned leads.
    pub fn conversion(&self) -> Option<f64> {
        (self.assigned > 0).then(|| self.won as f64 / self.assigned as f64)
    }
}

/// What the Data page shows of a read file (everything of a parsed file but its rows).
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct FileInfo {
    pub format: FileFormat,
    pub encoding: Option<TextEncoding>,
    pub delimiter: Option<char>,
    pub header_row: usize,
    pub rows: usize,
    pub headers: Vec<String>,
    /// Signature of the normalised headers, to remember a mapping by.
    pub shape: String,
    pub mapping: Option<Mapping>,
    /// Why the file cannot be imported until its table is named, when no table fits it.
    pub unknown_table: Option<ImportError>,
    /// The first data rows.
    pub preview: Vec<Vec<String>>,
    pub findings: Vec<Finding>,
}

/// What an import did, beside the encoded dataset.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct ImportSummary {
    pub reports: Vec<TableReport>,
    /// Cross-table quality findings.
    pub quality: Vec<Finding>,
}

/// Why a read or import job was refused, with everything needed to say so in any language;
/// its `Display` is the English message.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobError {
    /// A file could not be read at all.
    File(ImportError),
    NoFiles,
    /// The request described a different number of files than it carried.
    FileCount {
        described: usize,
        sent: usize,
    },
    /// A file's mapping no longer fits its columns.
    MappingWidth {
        file: String,
        mapping: usize,
        columns: usize,
    },
    /// A required field has no column.
    MissingField {
        file: String,
        table: TableKind,
        field: String,
    },
    /// A read request came without the file's bytes.
    NoBytes {
        file: String,
    },
}

impl std::fmt::Display for JobError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            JobError::File(e) => write!(f, "{e}"),
            JobError::NoFiles => f.write_str("no files chosen"),
            JobError::FileCount { described, sent } => {
                write!(f, "{described} files described but {sent} sent")
            }
            JobError::MappingWidth {
                file,
                mapping,
                columns,
            } => write!(
                f,
                "{file}: the mapping has {mapping} columns but the file has {columns}; read the file again"
            ),
            JobError::MissingField { file, table, field } => write!(
                f,
                "{file}: no column is mapped to the required {table} field {field}"
            ),
            JobError::NoBytes { file } => write!(f, "{file}: no bytes sent"),
        }
    }
}

impl From<ImportError> for JobError {
    fn from(e: ImportError) -> Self {
        JobError::File(e)
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn a_refusal_crosses_as_structure_and_reads_as_before_in_english() {
        let reply = Reply::Refused {
            id: 7,
            error: JobError::File(ImportError::Encoding {
                file: "g.csv".into(),
                byte: 1,
                detail: "not valid utf-8".into(),
            }),
        };
        let json = serde_json::to_string(&reply).expect("serialises");
        let back: Reply = serde_json::from_str(&json).expect("parses");
        assert_eq!(back, reply);
        assert_eq!(back.id(), 7);
        let Reply::Refused { error, .. } = back else {
            panic!("not a refusal: {json}");
        };
        assert_eq!(error.to_string(), "g.csv: byte 1: not valid utf-8");
        let missing = JobError::MissingField {
            file: "o.csv".into(),
            table: TableKind::Orders,
            field: "customer_id".into(),
        };
        assert_eq!(
            missing.to_string(),
            "o.csv: no column is mapped to the required orders field customer_id"
        );
    }
}
