//! `reallot clv`: fits BG/NBD and Gamma-Gamma on a transaction or summary CSV and prints the
//! parameters, the CLV distribution and the most valuable customers, as a table or JSON.

use crate::error::CliError;
use reallot_core::clv::{
    ClvConfig, ClvModel, ClvStats, CustomerSummary, CustomerValue, TimeUnit, Transaction, fit_clv,
    summarise_transactions,
};
use reallot_core::model::{Money, Timestamp};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// What `clv` was asked to read and how to value it.
#[derive(clap::Args)]
pub struct ClvArgs {
    /// CSV with customer_id, date, amount (one row per order).
    #[arg(long)]
    pub transactions: Option<PathBuf>,
    /// CSV with customer_id, frequency, recency, T and optionally monetary.
    #[arg(long)]
    pub summary: Option<PathBuf>,
    /// Last day observed (default: the last transaction date).
    #[arg(long)]
    pub period_end: Option<String>,
    /// Time unit of recency and T: day, or week (fractional weeks of 7 days).
    #[arg(long, default_value = "day")]
    pub unit: String,
    /// Horizon in months.
    #[arg(long, default_value_t = 12)]
    pub horizon: u32,
    /// Profit margin applied to revenue.
    #[arg(long, default_value_t = 1.0)]
    pub margin: f64,
    /// Discount rate per month.
    #[arg(long, default_value_t = 0.01)]
    pub discount: f64,
    #[arg(long)]
    pub json: bool,
}

/// How many of the highest-CLV customers the output lists.
const TOP: usize = 20;

#[derive(Serialize)]
struct Output<'a> {
    bgnbd: &'a reallot_core::clv::BgNbdFit,
    gamma_gamma: &'a Option<reallot_core::clv::GammaGammaFit>,
    settings: Settings,
    summary: ClvStats,
    top_customers: Vec<TopCustomer<'a>>,
}

#[derive(Serialize)]
struct Settings {
    unit: TimeUnit,
    period_end: Option<String>,
    horizon_months: u32,
    margin: f64,
    discount_monthly: f64,
}

#[derive(Serialize)]
struct TopCustomer<'a> {
    customer_id: &'a str,
    #[serde(flatten)]
    summary: CustomerSummary,
    #[serde(flatten)]
    value: CustomerValue,
}

pub fn run(args: &ClvArgs) -> Result<(), CliError> {
    let unit = TimeUnit::parse(&args.unit).ok_or_else(|| {
        CliError::Usage(format!("--unit: expected day or week, got '{}'", args.unit))
    })?;
    let period_end = match &args.period_end {
        None => None,
        Some(s) => Some(Timestamp::parse(s).ok_or_else(|| {
            CliError::Usage(format!(
                "--period-end: expected a date such as 2026-01-01, got '{s}'"
            ))
        })?),
    };
    let config = ClvConfig {
        horizon_months: args.horizon,
        margin: args.margin,
        discount_monthly: args.discount,
        unit,
    };
    let (ids, data, period_end) = match (&args.transactions, &args.summary) {
        (Some(path), None) => {
            let (ids, tx) = read_transactions(path)?;
            let end = period_end
                .map(Timestamp::day)
                .unwrap_or_else(|| tx.iter().map(|t| t.day).max().unwrap_or(0));
            let summaries = summarise_transactions(&tx, end, unit);
            let (ids, data): (Vec<String>, Vec<CustomerSummary>) = summaries
                .into_iter()
                .map(|(c, s)| (ids.get(c as usize).cloned().unwrap_or_default(), s))
                .unzip();
            (ids, data, Some(Timestamp::from_days(end).date_string()))
        }
        (None, Some(path)) => {
            if period_end.is_some() {
                return Err(CliError::Usage(
                    "--period-end applies to --transactions only".into(),
                ));
            }
            let (ids, data) = read_summary(path)?;
            (ids, data, None)
        }
        _ => {
            return Err(CliError::Usage(
                "give exactly one of --transactions FILE or --summary FILE".into(),
            ));
        }
    };
    let source = args
        .transactions
        .as_ref()
        .or(args.summary.as_ref())
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    let model = fit_clv(&data, config).map_err(|e| CliError::Input(format!("{source}: {e}")))?;
    let values = model.predict_all(&data);
    let output = build_output(&model, &ids, &data, &values, period_end);
    let text = if args.json {
        let mut t = serde_json::to_string_pretty(&output)
            .map_err(|e| CliError::Input(format!("cannot write json: {e}")))?;
        t.push('\n');
        t
    } else {
        table(&output)
    };
    write_stdout(&text)
}

/// Writes to stdout; a closed pipe (`reallot clv … | head`) is not an error.
fn write_stdout(text: &str) -> Result<(), CliError> {
    use std::io::Write;
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(CliError::Input(format!("cannot write output: {e}")))
        }
        _ => Ok(()),
    }
}

fn build_output<'a>(
    model: &'a ClvModel,
    ids: &'a [String],
    data: &[CustomerSummary],
    values: &[CustomerValue],
    period_end: Option<String>,
) -> Output<'a> {
    let mut order: Vec<usize> = (0..data.len()).collect();
    let rank = |i: usize| {
        values
            .get(i)
            .map_or(f64::NEG_INFINITY, |v| v.clv.unwrap_or(v.expected_purchases))
    };
    order.sort_by(|&x, &y| rank(y).total_cmp(&rank(x)).then(x.cmp(&y)));
    let top_customers = order
        .into_iter()
        .take(TOP)
        .filter_map(|i| {
            Some(TopCustomer {
                customer_id: ids.get(i)?.as_str(),
                summary: *data.get(i)?,
                value: *values.get(i)?,
            })
        })
        .collect();
    Output {
        bgnbd: &model.bgnbd,
        gamma_gamma: &model.gamma_gamma,
        settings: Settings {
            unit: model.config.unit,
            period_end,
            horizon_months: model.config.horizon_months,
            margin: model.config.margin,
            discount_monthly: model.config.discount_monthly,
        },
        summary: ClvStats::of(data, values),
        top_customers,
    }
}

fn table(o: &Output) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let b = &o.bgnbd.params;
    let _ = writeln!(
        out,
        "BG/NBD       r = {:.4}  alpha = {:.4}  a = {:.4}  b = {:.4}  log-likelihood = {:.2}  ({} customers, {} unique rows)",
        b.r, b.alpha, b.a, b.b, o.bgnbd.log_likelihood, o.bgnbd.customers, o.bgnbd.unique_rows
    );
    match o.gamma_gamma {
        Some(g) => {
            let _ = writeln!(
                out,
                "Gamma-Gamma  p = {:.4}  q = {:.4}  gamma = {:.4}  log-likelihood = {:.2}  ({} repeat customers)",
                g.params.p, g.params.q, g.params.gamma, g.log_likelihood, g.customers
            );
        }
        None => out.push_str("Gamma-Gamma  not fitted (no monetary values for repeat customers)\n"),
    }
    let s = &o.settings;
    let _ = writeln!(
        out,
        "Horizon {} months, margin {}, discount {} per month",
        s.horizon_months, s.margin, s.discount_monthly
    );
    if let Some(d) = &o.summary.clv {
        let _ = writeln!(
            out,
            "CLV          total {:.2}  mean {:.2}  p10 {:.2}  median {:.2}  p90 {:.2}",
            d.total, d.mean, d.p10, d.p50, d.p90
        );
    }
    if let Some(d) = &o.summary.p_alive {
        let _ = writeln!(out, "P(alive)     mean {:.3}  median {:.3}", d.mean, d.p50);
    }
    out.push('\n');
    let _ = writeln!(
        out,
        "{:<16} {:>9} {:>9} {:>9} {:>8} {:>10} {:>10} {:>12}",
        "customer", "frequency", "recency", "T", "p_alive", "purchases", "spend", "clv"
    );
    for c in &o.top_customers {
        let opt = |v: Option<f64>| v.map_or("-".to_string(), |x| format!("{x:.2}"));
        let _ = writeln!(
            out,
            "{:<16} {:>9} {:>9.2} {:>9.2} {:>8.3} {:>10.3} {:>10} {:>12}",
            c.customer_id,
            c.summary.frequency,
            c.summary.recency,
            c.summary.t,
            c.value.p_alive,
            c.value.expected_purchases,
            opt(c.value.expected_spend),
            opt(c.value.clv)
        );
    }
    out
}

/// Reads a CSV with a header row; returns the header (trimmed, BOM removed, lowercased) and
/// the reader positioned on the first record.
/// Reads the next record into `rec`, advancing `row` (the 1-based file row, header = 1);
/// `false` at the end of the file, a located error on a malformed row.
fn next_record(
    path: &Path,
    rdr: &mut csv::Reader<std::fs::File>,
    rec: &mut csv::StringRecord,
    row: &mut usize,
) -> Result<bool, CliError> {
    *row += 1;
    rdr.read_record(rec)
        .map_err(|e| CliError::Input(format!("{}: row {row}: {e}", path.display())))
}

fn open_csv(path: &Path) -> Result<(Vec<String>, csv::Reader<std::fs::File>), CliError> {
    let file = std::fs::File::open(path).map_err(CliError::io(path, "read"))?;
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(file);
    let headers = rdr
        .headers()
        .map_err(|e| CliError::Input(format!("{}: header: {e}", path.display())))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_ascii_lowercase())
        .collect();
    Ok((headers, rdr))
}

fn column(path: &Path, headers: &[String], names: &[&str]) -> Result<usize, CliError> {
    headers
        .iter()
        .position(|h| names.contains(&h.as_str()))
        .ok_or_else(|| {
            CliError::Input(format!(
                "{}: missing column {} (found: {})",
                path.display(),
                names.first().copied().unwrap_or_default(),
                headers.join(", ")
            ))
        })
}

fn cell<'r>(
    path: &Path,
    rec: &'r csv::StringRecord,
    row: usize,
    col: usize,
    name: &str,
) -> Result<&'r str, CliError> {
    match rec.get(col).map(str::trim) {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(CliError::Input(format!(
            "{}: row {row}, column {name}: missing value",
            path.display()
        ))),
    }
}

fn bad(path: &Path, row: usize, name: &str, value: &str, expected: &str) -> CliError {
    CliError::Input(format!(
        "{}: row {row}, column {name}: cannot read '{value}' (expected {expected})",
        path.display()
    ))
}

/// Transactions: customer_id, date (or order_date), amount. Customer ids become dense indices
/// in order of first appearance.
fn read_transactions(path: &Path) -> Result<(Vec<String>, Vec<Transaction>), CliError> {
    let (headers, mut rdr) = open_csv(path)?;
    let c_id = column(path, &headers, &["customer_id"])?;
    let c_date = column(path, &headers, &["date", "order_date"])?;
    let c_amount = column(path, &headers, &["amount"])?;
    let mut index: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
    let mut ids = Vec::new();
    let mut tx = Vec::new();
    let mut rec = csv::StringRecord::new();
    let mut row = 1;
    while next_record(path, &mut rdr, &mut rec, &mut row)? {
        let id = cell(path, &rec, row, c_id, "customer_id")?;
        let date = cell(path, &rec, row, c_date, "date")?;
        let amount = cell(path, &rec, row, c_amount, "amount")?;
        let day = Timestamp::parse(date)
            .ok_or_else(|| bad(path, row, "date", date, "a date such as 2024-03-05"))?
            .day();
        let amount = Money::parse(amount)
            .ok_or_else(|| bad(path, row, "amount", amount, "an amount such as 12.50"))?;
        let next = ids.len() as u32;
        let customer = *index.entry(id.to_string()).or_insert_with(|| {
            ids.push(id.to_string());
            next
        });
        tx.push(Transaction {
            customer,
            day,
            amount,
        });
    }
    if tx.is_empty() {
        return Err(CliError::Input(format!(
            "{}: no transactions",
            path.display()
        )));
    }
    Ok((ids, tx))
}

/// Summaries: customer_id, frequency, recency, T and optionally monetary.
fn read_summary(path: &Path) -> Result<(Vec<String>, Vec<CustomerSummary>), CliError> {
    let (headers, mut rdr) = open_csv(path)?;
    let c_id = column(path, &headers, &["customer_id", "id"])?;
    let c_f = column(path, &headers, &["frequency", "x"])?;
    let c_r = column(path, &headers, &["recency", "t_x"])?;
    let c_t = column(path, &headers, &["t"])?;
    let c_m = column(path, &headers, &["monetary", "monetary_value"]).ok();
    let mut ids = Vec::new();
    let mut data = Vec::new();
    let mut rec = csv::StringRecord::new();
    let mut row = 1;
    while next_record(path, &mut rdr, &mut rec, &mut row)? {
        let number = |col: usize, name: &str| -> Result<f64, CliError> {
            let v = cell(path, &rec, row, col, name)?;
            v.parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| bad(path, row, name, v, "a number"))
        };
        let f = number(c_f, "frequency")?;
        if f < 0.0 || f.fract() != 0.0 || f > f64::from(u32::MAX) {
            let v = rec.get(c_f).unwrap_or_default();
            return Err(bad(path, row, "frequency", v, "a whole number ≥ 0"));
        }
        let monetary = match c_m {
            Some(c) if rec.get(c).is_some_and(|v| !v.trim().is_empty()) => {
                Some(number(c, "monetary")?)
            }
            _ => None,
        };
        let s = CustomerSummary {
            frequency: f as u32,
            recency: number(c_r, "recency")?,
            t: number(c_t, "T")?,
            monetary,
        };
        if let Some(problem) = s.problem() {
            return Err(CliError::Input(format!(
                "{}: row {row}: {problem}",
                path.display()
            )));
        }
        ids.push(cell(path, &rec, row, c_id, "customer_id")?.to_string());
        data.push(s);
    }
    if data.is_empty() {
        return Err(CliError::Input(format!("{}: no customers", path.display())));
    }
    Ok((ids, data))
}
