//! `reallot bench`: times the core's main paths on the demo at one scale, in memory — demo
//! generation, CSV writing, import (the same `read_file` + `load_into` as `report`), lead
//! measures (after laying the data out for measuring once), customer measures, two single
//! group-bys (conversion by rep, repeat rate by segment: what bench/compare sets against
//! DuckDB), the CLV fit and the simulator — with throughput and peak memory. The clock and `/proc` are read here; the core reads neither.

use crate::error::CliError;
use crate::simulate::simulate;
use reallot_core::Dataset;
use reallot_core::clv::fit_clv;
use reallot_core::customers::{
    CustomerConfig, CustomerFacts, customer_report_of, segment_report, summary_of,
};
use reallot_core::demo::{DemoConfig, Scale, demo_dataset};
use reallot_core::import::{self, ReadOptions};
use reallot_core::metrics::leads::conversion::conversion;
use reallot_core::metrics::leads::{LeadFrame, lead_report_of};
use reallot_core::metrics::{MeasureBase, MeasureConfig};
use reallot_core::model::TableKind;
use reallot_core::sim::{Scenario, Simulation};
use reallot_core::write::table_csv;
use serde::Serialize;
use std::hint::black_box;
use std::io::Write as _;
use std::path::Path;
use std::time::Instant;

/// The simulator step's scenario: the one the docs and the sim criterion bench use.
const SCENARIO: &str = include_str!("../../../examples/compare-strategies.toml");

/// One timed step. `rows` is what the step works through (table rows; for the simulation,
/// lead replays = leads × strategies × runs); `bytes` is set where a byte rate means something.
#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct Step {
    pub name: &'static str,
    pub wall_ms: f64,
    /// User + system CPU of the whole process during the step (10 ms resolution), when known.
    pub cpu_ms: Option<f64>,
    pub rows: u64,
    pub bytes: Option<u64>,
    pub rows_per_s: f64,
    pub mb_per_s: Option<f64>,
    /// Peak resident memory of the process during the step (data held from earlier steps
    /// included), when the platform tells it.
    pub peak_rss_mb: Option<f64>,
    pub detail: String,
}

/// The whole run, as `--json` prints it.
#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct BenchReport {
    pub scale: String,
    pub seed: u64,
    pub sim_runs: u32,
    pub tables: reallot_core::dataset::TableSizes,
    pub machine: Machine,
    pub steps: Vec<Step>,
}

#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct Machine {
    pub cpus: usize,
    /// 1-minute load average before and after the run (Linux), for judging wall times.
    pub load_before: Option<f64>,
    pub load_after: Option<f64>,
    pub os: &'static str,
    pub arch: &'static str,
}

pub fn run(scale: &str, seed: u64, runs: u32, json: bool) -> Result<(), CliError> {
    let scale_v = Scale::parse(scale)
        .ok_or_else(|| CliError::Usage(format!("--scale: expected s, m or l, got {scale:?}")))?;
    if runs == 0 {
        return Err(CliError::Usage("--runs must be at least 1".into()));
    }
    let report = bench(scale_v, scale, seed, runs)?;
    let out = if json {
        let mut s = serde_json::to_string_pretty(&report)
            .map_err(|e| CliError::Input(format!("cannot write the bench as JSON: {e}")))?;
        s.push('\n');
        s
    } else {
        table(&report)
    };
    // A reader that stops early (`| head`) is not an error worth a message.
    match std::io::stdout().lock().write_all(out.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(CliError::io(Path::new("standard output"), "write")(e))
        }
        _ => Ok(()),
    }
}

fn bench(scale: Scale, scale_name: &str, seed: u64, runs: u32) -> Result<BenchReport, CliError> {
    let load_before = load_average();
    let mut steps = Vec::new();

    let (demo, cost) = timed(|| demo_dataset(&DemoConfig { scale, seed }));
    let sizes = demo.sizes();
    let total_rows = TableKind::ALL.iter().map(|&k| sizes.get(k)).sum::<usize>() as u64;
    steps.push(cost.step("demo", total_rows, None, "demo generated in memory".into()));

    let (csv, cost) = timed(|| {
        TableKind::ALL
            .iter()
            .map(|&k| (k, table_csv(&demo, k)))
            .collect::<Vec<_>>()
    });
    let csv_bytes = csv.iter().map(|(_, b)| b.len()).sum::<usize>() as u64;
    steps.push(cost.step(
        "write_csv",
        total_rows,
        Some(csv_bytes),
        "eight canonical CSV tables into memory".into(),
    ));
    drop(demo);

    let (imported, cost) = timed(|| -> Result<_, CliError> {
        let mut ds = Dataset::new();
        let mut kept = 0;
        for (kind, bytes) in &csv {
            let parsed = import::read_file(&kind.file_name(), bytes, &ReadOptions::default())
                .map_err(|e| CliError::Input(e.to_string()))?;
            let mapping = parsed
                .require_mapping()
                .map_err(|e| CliError::Input(e.to_string()))?;
            kept += import::load_into(&mut ds, &parsed, mapping).rows_kept;
        }
        Ok((ds, kept))
    });
    let (ds, kept) = imported?;
    steps.push(cost.step(
        "import",
        kept as u64,
        Some(csv_bytes),
        "decode, sniff, parse, map and load every table, as `report` reads files".into(),
    ));
    drop(csv);

    // Laid out once as the data is loaded, as the app's worker and `report` do (the reclaim
    // log on first use: here, as part of the layout, so that the measures below time only
    // themselves).
    let (base, cost) = timed(|| {
        let base = MeasureBase::new(&ds);
        base.customers.reclaims(&ds);
        base
    });
    steps.push(
        cost.step(
            "measure_base",
            ds.leads.len() as u64,
            None,
            "the default as-of, the leads as columns, the orders by customer and the reclaimed \
         entities' log, found once per dataset"
                .into(),
        ),
    );
    let scope = base.scope(&ds, &MeasureConfig::default());
    let (leads, cost) = timed(|| black_box(lead_report_of(&ds, &base.leads, &scope)));
    steps.push(cost.step(
        "lead_measures",
        ds.leads.len() as u64,
        None,
        format!("every lead measure; {} won", leads.conversion.overall.won),
    ));

    let customer_config = CustomerConfig::new(scope.as_of);
    let (customers, cost) = timed(|| {
        black_box(crate::customers::customer_report(
            &ds,
            &base.customers,
            &customer_config,
        ))
    });
    steps.push(cost.step(
        "customer_measures",
        ds.orders.len() as u64,
        None,
        format!(
            "every customer measure, CLV included, over {} customers and their orders; the \
             CLV half on a second thread",
            customers.customers
        ),
    ));
    // The same on one thread, as the app's wasm worker computes it.
    let (customers, cost) =
        timed(|| black_box(customer_report_of(&ds, &base.customers, &customer_config)));
    steps.push(cost.step(
        "customer_measures_one_thread",
        ds.orders.len() as u64,
        None,
        format!(
            "the same {} customers' measures on the calling thread only",
            customers.customers
        ),
    ));

    // The two group-bys bench/compare/ sets against DuckDB, each from the data as loaded.
    let (conv, cost) = timed(|| {
        let frame = LeadFrame::of(&ds, &base.leads, &scope);
        black_box(conversion(&ds, &frame))
    });
    steps.push(cost.step(
        "conversion_by_rep",
        ds.leads.len() as u64,
        None,
        format!(
            "lead frame + conversion (won ÷ assigned) by rep and every other cut; {} reps",
            conv.by_rep.len()
        ),
    ));
    let (segments, cost) = timed(|| {
        let facts = CustomerFacts::build(&ds, scope.as_of);
        black_box(segment_report(&ds, &facts, &customer_config))
    });
    steps.push(cost.step(
        "repeat_by_segment",
        ds.orders.len() as u64,
        None,
        format!(
            "orders by customer + repeat rate by type and every other segment; {} types",
            segments.repeat_by_customer_type.len()
        ),
    ));

    let facts = CustomerFacts::build(&ds, scope.as_of);
    let summaries: Vec<_> = (0..facts.len())
        .filter_map(|i| summary_of(&facts, i))
        .collect();
    let (clv, cost) = timed(|| {
        fit_clv(&summaries, customer_config.clv).map(|m| (black_box(m.predict_all(&summaries)), m))
    });
    let (_, model) = clv.map_err(|e| CliError::Input(format!("clv fit: {e}")))?;
    let p = model.bgnbd.params;
    steps.push(cost.step(
        "clv_fit",
        summaries.len() as u64,
        None,
        format!(
            "BG/NBD + Gamma-Gamma fit and predictions; r {:.4}, alpha {:.4}, a {:.4}, b {:.4}",
            p.r, p.alpha, p.a, p.b
        ),
    ));

    let mut scenario = Scenario::from_toml(SCENARIO)
        .map_err(|e| CliError::Input(format!("examples/compare-strategies.toml: {e}")))?;
    scenario.runs = runs;
    let (sim, cost) = timed(|| -> Result<_, CliError> {
        let sim = Simulation::prepare(&ds).map_err(|e| CliError::Input(e.to_string()))?;
        Ok(simulate(&sim, &scenario))
    });
    let report = sim?;
    let replays = (report.leads * report.strategies.len()) as u64 * u64::from(runs);
    steps.push(cost.step(
        "simulation",
        replays,
        None,
        format!(
            "prepare + {} strategies × {runs} run(s) over {} leads (rows = lead replays)",
            report.strategies.len(),
            report.leads,
        ),
    ));

    Ok(BenchReport {
        scale: scale_name.to_lowercase(),
        seed,
        sim_runs: runs,
        tables: ds.sizes(),
        machine: Machine {
            cpus: std::thread::available_parallelism().map_or(1, |n| n.get()),
            load_before,
            load_after: load_average(),
            os: std::env::consts::OS,
            arch: std::env::consts::ARCH,
        },
        steps,
    })
}

/// What a step cost.
struct Cost {
    wall_ms: f64,
    cpu_ms: Option<f64>,
    peak_rss_mb: Option<f64>,
}

impl Cost {
    fn step(&self, name: &'static str, rows: u64, bytes: Option<u64>, detail: String) -> Step {
        let secs = (self.wall_ms / 1000.0).max(1e-9);
        Step {
            name,
            wall_ms: self.wall_ms,
            cpu_ms: self.cpu_ms,
            rows,
            bytes,
            rows_per_s: rows as f64 / secs,
            mb_per_s: bytes.map(|b| b as f64 / 1e6 / secs),
            peak_rss_mb: self.peak_rss_mb,
            detail,
        }
    }
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, Cost) {
    reset_peak_rss();
    let cpu0 = cpu_ms();
    let t0 = Instant::now();
    let value = f();
    let wall_ms = t0.elapsed().as_secs_f64() * 1000.0;
    let cpu_ms = cpu_ms().zip(cpu0).map(|(b, a)| b - a);
    let cost = Cost {
        wall_ms,
        cpu_ms,
        peak_rss_mb: peak_rss_mb(),
    };
    (value, cost)
}

/// Restarts the kernel's peak-RSS counter (Linux ≥ 4.0), so VmHWM covers one step.
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// VmHWM of `/proc/self/status`, in MB.
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024.0 / 1e6)
}

/// User + system CPU time of the process from `/proc/self/stat`, assuming the usual 100
/// clock ticks per second (USER_HZ; reading it needs libc, not worth a dependency).
fn cpu_ms() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = stat.get(stat.rfind(')')? + 1..)?;
    let mut f = rest.split_whitespace().skip(11);
    let utime: f64 = f.next()?.parse().ok()?;
    let stime: f64 = f.next()?.parse().ok()?;
    Some((utime + stime) * 10.0)
}

fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

fn table(r: &BenchReport) -> String {
    let load = |l: Option<f64>| l.map_or("?".to_string(), |l| format!("{l:.2}"));
    let mut out = format!(
        "reallot bench: scale {}, seed {}, {} simulation run(s); {} leads, {} orders, {} customers\n\
         {} CPUs ({} {}), load average {} before, {} after\n\n",
        r.scale,
        r.seed,
        r.sim_runs,
        r.tables.leads,
        r.tables.orders,
        r.tables.customers,
        r.machine.cpus,
        r.machine.os,
        r.machine.arch,
        load(r.machine.load_before),
        load(r.machine.load_after),
    );
    // The step column fits the longest step name.
    let w = r
        .steps
        .iter()
        .map(|s| s.name.len())
        .max()
        .unwrap_or(0)
        .max(18);
    out.push_str(&format!(
        "{:<w$} {:>10} {:>10} {:>11} {:>12} {:>9} {:>9}\n",
        "step", "wall ms", "cpu ms", "rows", "rows/s", "MB/s", "peak MB"
    ));
    let opt = |v: Option<f64>, d: usize| v.map_or("-".to_string(), |v| format!("{v:.d$}"));
    for s in &r.steps {
        out.push_str(&format!(
            "{:<w$} {:>10.1} {:>10} {:>11} {:>12.0} {:>9} {:>9}\n",
            s.name,
            s.wall_ms,
            opt(s.cpu_ms, 0),
            s.rows,
            s.rows_per_s,
            opt(s.mb_per_s, 1),
            opt(s.peak_rss_mb, 0),
        ));
    }
    out.push('\n');
    for s in &r.steps {
        out.push_str(&format!("{:<w$} {}\n", s.name, s.detail));
    }
    out
}
