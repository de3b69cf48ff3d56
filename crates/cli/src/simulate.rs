//! `reallot simulate`: loads the data and a scenario, runs every (strategy, run) job of the
//! core's simulator over the machine's threads, and prints the report as a table or JSON.
//!
//! Determinism: each job's result depends only on the scenario, the seed and the job, and
//! results are put back in job order, so the output is the same for any thread count.

use crate::error::CliError;
use crate::load::load_paths;
use reallot_core::sim::{RunMetrics, Scenario, SimReport, Simulation, Stream, Summary};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

pub fn run(
    paths: &[PathBuf],
    scenario_path: &Path,
    runs: Option<u32>,
    seed: Option<u64>,
    json: bool,
) -> Result<(), CliError> {
    let text = std::fs::read_to_string(scenario_path)
        .map_err(CliError::io(scenario_path, "read scenario"))?;
    let parsed = if scenario_path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
    {
        Scenario::from_json(&text)
    } else {
        Scenario::from_toml(&text)
    };
    let mut scenario =
        parsed.map_err(|e| CliError::Input(format!("{}: {e}", scenario_path.display())))?;
    if let Some(r) = runs {
        if r == 0 {
            return Err(CliError::Usage("--runs must be at least 1".into()));
        }
        scenario.runs = r;
    }
    if let Some(s) = seed {
        scenario.seed = s;
    }
    let ds = load_paths(paths)?;
    let sim = Simulation::prepare(&ds).map_err(|e| CliError::Input(e.to_string()))?;
    let report = simulate(&sim, &scenario);
    if json {
        let out = serde_json::to_string_pretty(&report)
            .map_err(|e| CliError::Input(format!("cannot write the report as JSON: {e}")))?;
        println!("{out}");
    } else {
        print!("{}", table(&report));
    }
    Ok(())
}

/// Runs all jobs on up to `available_parallelism` threads; results in job order.
///
/// Each thread takes the next job not yet taken, rather than a fixed share of them: the
/// strategies' runs differ in cost (batch optimal's take about twice a round robin's), and the
/// jobs come variant by variant, so equal halves left one thread with the costliest strategies
/// and the other idle for the last part.
pub fn simulate(sim: &Simulation, scenario: &Scenario) -> SimReport {
    let variants = scenario.variants();
    let jobs = sim.jobs(scenario);
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(jobs.len().max(1));
    let mut results = vec![RunMetrics::default(); jobs.len()];
    let next = AtomicUsize::new(0);
    std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                let (variants, jobs, next) = (&variants, &jobs, &next);
                s.spawn(move || {
                    let mut done = Vec::new();
                    loop {
                        let k = next.fetch_add(1, Ordering::Relaxed);
                        let Some(j) = jobs.get(k) else {
                            break;
                        };
                        done.push((k, sim.job(scenario, variants, *j)));
                    }
                    done
                })
            })
            .collect();
        for w in workers {
            match w.join() {
                Ok(done) => {
                    for (k, r) in done {
                        if let Some(slot) = results.get_mut(k) {
                            *slot = r;
                        }
                    }
                }
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
    });
    sim.report(scenario, &results)
}

fn cell(s: &Summary, digits: usize) -> String {
    format!("{:.d$} [{:.d$}, {:.d$}]", s.mean, s.p05, s.p95, d = digits)
}

fn table(r: &SimReport) -> String {
    let mut out = format!(
        "scenario {:?}: {} leads ({} stream), {} reps, {} runs, seed {}; baseline {:?}\n\
         mean [5th, 95th percentile] over runs\n\n",
        r.scenario,
        r.leads,
        match r.stream {
            Stream::History => "historical",
            Stream::Synthetic => "synthetic",
        },
        r.reps,
        r.runs,
        r.seed,
        r.baseline
    );
    for strategy in &r.strategies {
        out.push_str(&format!("{}\n", strategy.name));
        let s = &strategy.outcomes;
        out.push_str(&format!("  conversions      {}\n", cell(&s.conversions, 0)));
        out.push_str(&format!(
            "  expected conv.   {}\n",
            cell(&s.expected_conversions, 0)
        ));
        out.push_str(&format!("  revenue          {}\n", cell(&s.revenue, 0)));
        out.push_str(&format!("  ROI              {}\n", cell(&s.roi, 2)));
        out.push_str(&format!(
            "  response hours   {}\n",
            cell(&s.response_hours, 1)
        ));
        out.push_str(&format!(
            "  sales cycle days {}\n",
            cell(&s.sales_cycle_days, 1)
        ));
        out.push_str(&format!("  utilisation      {}\n", cell(&s.utilisation, 2)));
        out.push_str(&format!("  unassigned       {}\n", cell(&s.unassigned, 0)));
        out.push_str(&format!("  reclaims         {}\n", cell(&s.reclaims, 0)));
        out.push_str(&format!(
            "  fairness (Gini)  {}\n",
            cell(&s.fairness_gini, 3)
        ));
        if let Some(u) = &strategy.uplift_vs_baseline {
            out.push_str(&format!(
                "  uplift vs base   conversions {}, revenue {}\n",
                cell(&u.conversions, 0),
                cell(&u.revenue, 0)
            ));
        }
    }
    if let Some(b) = &r.backtest {
        out.push_str(&format!("\nbacktest: {}\n", b.verdict));
    }
    if let Some(sw) = &r.sweep {
        out.push_str(&format!(
            "\nsweep of {:?} under {:?}\n",
            sw.parameter, sw.strategy
        ));
        for p in &sw.points {
            out.push_str(&format!(
                "  {:>8.2}  conversions {}  revenue {}  reclaims {}\n",
                p.value,
                cell(&p.conversions, 0),
                cell(&p.revenue, 0),
                cell(&p.reclaims, 0)
            ));
        }
    }
    out
}
