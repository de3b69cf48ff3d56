//! The core's hot paths behind a small wasm-bindgen interface, so a JavaScript harness
//! (`bench/wasm/run.mjs` under Node, `bench/browser/run.mjs` in Chromium) can time them in
//! WebAssembly: the caller holds the clock, the core stays without one. Each call returns a
//! number derived from its result so the work cannot be optimised away. The steps are those
//! of `reallot bench`: write the demo as CSV, import it, lead measures, customer measures,
//! the two single group-bys, CLV fit, simulation.

use reallot_core::Dataset;
use reallot_core::clv::{CustomerSummary, fit_clv};
use reallot_core::customers::{
    CustomerConfig, CustomerFacts, customer_report_of, segment_report, summary_of,
};
use reallot_core::demo::{DemoConfig, Scale, demo_dataset};
use reallot_core::import::{self, ReadOptions};
use reallot_core::metrics::leads::conversion::conversion;
use reallot_core::metrics::leads::{LeadFrame, lead_report_of};
use reallot_core::metrics::{Filter, MeasureBase, MeasureConfig};
use reallot_core::model::TableKind;
use reallot_core::sim::{RunMetrics, Scenario, Simulation};
use reallot_core::write::table_csv;
use wasm_bindgen::prelude::*;

/// The simulator step's scenario, as in `reallot bench`.
const SCENARIO: &str = include_str!("../../../examples/compare-strategies.toml");

/// A demo dataset held in wasm memory between timed calls, with what the steps need.
#[wasm_bindgen]
pub struct Bench {
    ds: Dataset,
    /// What the measures read of `ds`, laid out once as the app's worker does.
    base: MeasureBase,
    /// The eight tables as canonical CSV, from [`Bench::write_csv`].
    csv: Vec<(TableKind, Vec<u8>)>,
    /// Per-customer summaries for [`Bench::clv_fit`], from [`Bench::prepare_clv`].
    summaries: Vec<CustomerSummary>,
}

fn js_error(e: impl std::fmt::Display) -> JsError {
    JsError::new(&e.to_string())
}

#[wasm_bindgen]
impl Bench {
    /// Generates the demo at `scale` (`s`, `m` or `l`) with `seed`.
    #[wasm_bindgen(constructor)]
    pub fn new(scale: &str, seed: u64) -> Result<Bench, JsError> {
        let scale = Scale::parse(scale).ok_or_else(|| JsError::new("scale must be s, m or l"))?;
        let ds = demo_dataset(&DemoConfig { scale, seed });
        Ok(Bench {
            base: MeasureBase::new(&ds),
            ds,
            csv: Vec::new(),
            summaries: Vec::new(),
        })
    }

    pub fn leads(&self) -> usize {
        self.ds.leads.len()
    }

    pub fn orders(&self) -> usize {
        self.ds.orders.len()
    }

    pub fn customers(&self) -> usize {
        self.ds.customers.len()
    }

    /// Rows of all eight tables.
    pub fn total_rows(&self) -> usize {
        let sizes = self.ds.sizes();
        TableKind::ALL.iter().map(|&k| sizes.get(k)).sum()
    }

    /// Writes the eight tables as canonical CSV into wasm memory; returns their bytes.
    pub fn write_csv(&mut self) -> usize {
        self.csv = TableKind::ALL
            .iter()
            .map(|&k| (k, table_csv(&self.ds, k)))
            .collect();
        self.csv_bytes()
    }

    pub fn csv_bytes(&self) -> usize {
        self.csv.iter().map(|(_, b)| b.len()).sum()
    }

    /// One table's CSV as [`Bench::write_csv`] made it (empty before), for peers to parse.
    pub fn table_csv(&self, table: &str) -> Vec<u8> {
        self.csv
            .iter()
            .find(|(k, _)| k.as_str() == table)
            .map(|(_, b)| b.clone())
            .unwrap_or_default()
    }

    /// Imports the CSV of [`Bench::write_csv`] as `reallot report` reads files (decode, sniff,
    /// parse, map, load) into a fresh dataset that replaces the demo; returns the rows kept.
    pub fn import(&mut self) -> Result<usize, JsError> {
        let mut ds = Dataset::new();
        let mut kept = 0;
        for (kind, bytes) in &self.csv {
            kept += import_into(&mut ds, &kind.file_name(), bytes)?;
        }
        self.base = MeasureBase::new(&ds);
        self.ds = ds;
        Ok(kept)
    }

    /// Lays the dataset out for measuring again (as opening it does); returns the leads laid
    /// out.
    pub fn measure_base(&mut self) -> usize {
        self.base = MeasureBase::new(&self.ds);
        // The reclaim log is laid out on first use; here with the rest, as `reallot bench` does.
        self.base.customers.reclaims(&self.ds);
        self.base.leads.len()
    }

    /// The lead frame alone; returns its length.
    pub fn lead_frame(&self) -> usize {
        let scope = self.base.scope(&self.ds, &MeasureConfig::default());
        LeadFrame::of(&self.ds, &self.base.leads, &scope).len()
    }

    /// Every lead measure; returns the overall number of won leads.
    pub fn lead_report(&self) -> u64 {
        let scope = self.base.scope(&self.ds, &MeasureConfig::default());
        lead_report_of(&self.ds, &self.base.leads, &scope)
            .conversion
            .overall
            .won
    }

    /// Every lead measure under a filter (the first lead's region); returns the overall
    /// number of won leads.
    pub fn lead_report_filtered(&self) -> u64 {
        let region = self
            .ds
            .leads
            .first()
            .and_then(|l| l.region)
            .map(|r| self.ds.name(r).to_owned());
        let config = MeasureConfig {
            filter: Filter {
                regions: region.into_iter().collect(),
                ..Filter::default()
            },
            ..MeasureConfig::default()
        };
        let scope = self.base.scope(&self.ds, &config);
        lead_report_of(&self.ds, &self.base.leads, &scope)
            .conversion
            .overall
            .won
    }

    /// Every customer measure, CLV included, at the report's default as-of; returns the
    /// number of customers.
    pub fn customer_report(&self) -> usize {
        let as_of = self.base.scope(&self.ds, &MeasureConfig::default()).as_of;
        customer_report_of(&self.ds, &self.base.customers, &CustomerConfig::new(as_of)).customers
    }

    /// Lead frame + conversion by rep and every other cut; returns the number of reps.
    pub fn conversion_by_rep(&self) -> usize {
        let scope = self.base.scope(&self.ds, &MeasureConfig::default());
        let frame = LeadFrame::of(&self.ds, &self.base.leads, &scope);
        conversion(&self.ds, &frame).by_rep.len()
    }

    /// Orders grouped by customer + repeat rate by type and every other segment; returns the
    /// number of customer types.
    pub fn repeat_by_segment(&self) -> usize {
        let as_of = MeasureConfig::default().scope(&self.ds).as_of;
        let facts = CustomerFacts::build(&self.ds, as_of);
        segment_report(&self.ds, &facts, &CustomerConfig::new(as_of))
            .repeat_by_customer_type
            .len()
    }

    /// Builds the per-customer summaries the CLV fit takes; returns how many.
    pub fn prepare_clv(&mut self) -> usize {
        let as_of = MeasureConfig::default().scope(&self.ds).as_of;
        let facts = CustomerFacts::build(&self.ds, as_of);
        self.summaries = (0..facts.len())
            .filter_map(|i| summary_of(&facts, i))
            .collect();
        self.summaries.len()
    }

    /// BG/NBD + Gamma-Gamma fit and every customer's prediction; returns the BG/NBD r.
    pub fn clv_fit(&self) -> Result<f64, JsError> {
        let as_of = MeasureConfig::default().scope(&self.ds).as_of;
        let model = fit_clv(&self.summaries, CustomerConfig::new(as_of).clv).map_err(js_error)?;
        std::hint::black_box(model.predict_all(&self.summaries));
        Ok(model.bgnbd.params.r)
    }

    /// `Simulation::prepare` and every job of `examples/compare-strategies.toml` with `runs`
    /// runs, one after another on this thread; returns the lead replays (leads × jobs).
    pub fn simulate(&self, runs: u32) -> Result<f64, JsError> {
        let mut scenario = Scenario::from_toml(SCENARIO).map_err(js_error)?;
        scenario.runs = runs.max(1);
        let sim = Simulation::prepare(&self.ds).map_err(js_error)?;
        let variants = scenario.variants();
        let jobs = sim.jobs(&scenario);
        let results: Vec<RunMetrics> = jobs
            .iter()
            .map(|&j| sim.job(&scenario, &variants, j))
            .collect();
        let report = sim.report(&scenario, &results);
        Ok((report.leads * jobs.len()) as f64)
    }
}

/// Imports one file handed over from JavaScript into a scratch dataset, as `reallot report`
/// reads a file; returns the rows kept. The copy of `bytes` into wasm memory is part of what
/// a page pays, so it is kept (bench/compare sets this against papaparse and DuckDB-WASM).
#[wasm_bindgen]
pub fn import_file(name: &str, bytes: &[u8]) -> Result<usize, JsError> {
    import_into(&mut Dataset::new(), name, bytes)
}

fn import_into(ds: &mut Dataset, name: &str, bytes: &[u8]) -> Result<usize, JsError> {
    let parsed = import::read_file(name, bytes, &ReadOptions::default()).map_err(js_error)?;
    let mapping = parsed.require_mapping().map_err(js_error)?;
    Ok(import::load_into(ds, &parsed, mapping).rows_kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bench_calls_compute_on_the_demo() {
        let mut b = Bench::new("s", 42).map_err(|_| "scale").expect("scale s");
        assert!(b.leads() > 1000);
        assert_eq!(b.lead_frame(), b.leads());
        assert!(b.lead_report() > 0);
        assert!(b.lead_report_filtered() > 0 && b.lead_report_filtered() < b.lead_report());
        assert_eq!(b.measure_base(), b.leads());
        assert!(b.customer_report() > 0);
        assert_eq!(b.conversion_by_rep(), 40);
        assert_eq!(b.repeat_by_segment(), 4);
        let rows = b.total_rows();
        assert!(b.write_csv() > 1_000_000);
        let leads_csv = b.table_csv("leads");
        assert_eq!(import_file("leads.csv", &leads_csv).ok(), Some(b.leads()));
        assert_eq!(b.import().ok(), Some(rows));
        assert!(b.prepare_clv() > 1000);
        assert!(b.clv_fit().is_ok_and(|r| r > 0.0));
        assert_eq!(b.simulate(1).ok(), Some((b.leads() * 5) as f64));
    }
}
