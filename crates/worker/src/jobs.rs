//! The worker's jobs as plain functions: reading one file for the Data page, and building,
//! checking and encoding one dataset from every file — or refusing the whole import with a
//! located message, so nothing half-imported is ever stored.

use crate::overview::{OverviewInput, cards_and_alerts};
use crate::protocol::{
    ChartPage, FileInfo, ImportFile, ImportSummary, JobError, OverviewNumbers, Progress, Stage,
};
use crate::summary::DatasetSummary;
use reallot_charts::{Chart, Lang as ChartLang};
use reallot_core::clv::{ClvError, ClvModel};
use reallot_core::customers::{
    AtRiskReport, ClvBasis, CustomerConfig, CustomerFacts, CustomerReport, CustomerScope,
    ReclaimLog, ReclaimReport, at_risk, clv_basis, clv_section_from, customer_report_in,
    kpi_report, reclaim_report_in,
};
use reallot_core::demo::{DemoConfig, Scale, demo_dataset};
use reallot_core::import::{ReadOptions, clip, load_into, read_file};
use reallot_core::metrics::leads::frame::NONE;
use reallot_core::metrics::leads::{LeadFrame, lead_report_of};
use reallot_core::metrics::{Filter, MeasureBase, MeasureConfig, Scope};
use reallot_core::model::Timestamp;
use reallot_core::quality::check;
use reallot_core::repview::{RepView, RepViewConfig, rep_view_of};
use reallot_core::sim::{RunMetrics, Scenario, SimReport, Simulation};
use reallot_core::{Dataset, codec};
use std::cell::{OnceCell, RefCell};
use std::rc::Rc;

/// Rows of a file shown in the preview.
pub const PREVIEW_ROWS: usize = 5;

/// Reads one file and describes it for the page. Headers and preview cells are cut to what a
/// page can show (a 50 MB cell stays in the file, not in the DOM).
pub fn read(name: &str, bytes: &[u8], opts: &ReadOptions) -> Result<FileInfo, JobError> {
    let p = read_file(name, bytes, opts)?;
    let unknown_table = p.require_mapping().err();
    Ok(FileInfo {
        format: p.format,
        encoding: p.encoding,
        delimiter: p.delimiter,
        header_row: p.header_row,
        rows: p.rows(),
        preview: p
            .preview(PREVIEW_ROWS)
            .into_iter()
            .map(|row| row.iter().map(|c| clip(c)).collect())
            .collect(),
        unknown_table,
        headers: p.headers.iter().map(|h| clip(h)).collect(),
        shape: p.shape,
        mapping: p.mapping,
        findings: p.findings,
    })
}

/// A finished import: the encoded dataset and what happened to each file.
#[derive(Clone, Debug)]
pub struct ImportOutcome {
    pub summary: ImportSummary,
    pub bytes: Vec<u8>,
    /// The dataset the bytes encode, for the session to hold once the page has stored it.
    pub dataset: Dataset,
}

/// Builds one dataset from every file (`bytes[i]` is file `i`) with the mappings given, checks
/// it as of `as_of` and encodes it, reporting each step to `progress`.
pub fn import(
    files: &[ImportFile],
    bytes: &[Vec<u8>],
    as_of: Timestamp,
    progress: &mut dyn FnMut(Progress),
) -> Result<ImportOutcome, JobError> {
    if files.is_empty() {
        return Err(JobError::NoFiles);
    }
    if files.len() != bytes.len() {
        return Err(JobError::FileCount {
            described: files.len(),
            sent: bytes.len(),
        });
    }
    // Parse and load each file, then check, then encode.
    let total = 2 * files.len() as u32 + 2;
    let mut done = 0;
    let mut step = |stage: Stage, file: Option<&str>, done: &mut u32| {
        progress(Progress {
            stage,
            file: file.map(str::to_owned),
            done: *done,
            total,
        });
        *done += 1;
    };
    let mut ds = Dataset::new();
    let mut reports = Vec::with_capacity(files.len());
    for (f, b) in files.iter().zip(bytes) {
        step(Stage::Parse, Some(&f.name), &mut done);
        let parsed = read_file(&f.name, b, &f.opts)?;
        let mapping = match &f.mapping {
            Some(m) => m,
            None => parsed.require_mapping()?,
        };
        if mapping.columns.len() != parsed.headers.len() {
            return Err(JobError::MappingWidth {
                file: f.name.clone(),
                mapping: mapping.columns.len(),
                columns: parsed.headers.len(),
            });
        }
        if let Some(field) = mapping.missing_required().first() {
            return Err(JobError::MissingField {
                file: f.name.clone(),
                table: mapping.table,
                field: (*field).to_owned(),
            });
        }
        step(Stage::Load, Some(&f.name), &mut done);
        reports.push(load_into(&mut ds, &parsed, mapping));
    }
    step(Stage::Check, None, &mut done);
    let quality = check(&ds, as_of).findings;
    step(Stage::Encode, None, &mut done);
    let bytes = codec::encode(&ds);
    Ok(ImportOutcome {
        summary: ImportSummary { reports, quality },
        bytes,
        dataset: ds,
    })
}

/// The customer measures' settings for an as-of date and a window of at least one day.
fn customer_config(as_of: Timestamp, window_days: i64) -> CustomerConfig {
    CustomerConfig {
        window_days: window_days.max(1),
        ..CustomerConfig::new(as_of)
    }
}

/// The dataset the worker holds for measuring and simulating, so the page sends it once (not
/// with every filter change). A restarted worker holds none; the page opens it again.
#[derive(Default)]
pub struct Session {
    open: Option<(String, Dataset)>,
    /// The dataset of the last import, until the page names it (see [`Session::hold_imported`]).
    imported: Option<Dataset>,
    /// Orders grouped by customer and the CLV fit of the held dataset for one as-of instant:
    /// neither depends on the filter or the window, so a filter change reuses them.
    base: RefCell<Option<Rc<CustomerBase>>>,
    /// The customer measures under the last few filters asked for, most recent first (the
    /// Overview, Customers and Pool pages share them, and going back to a filter costs
    /// nothing), each computed when first needed.
    scoped: RefCell<Vec<Rc<Scoped>>>,
    /// The held dataset's default as-of and leads as columns, found on the first measure and
    /// read by every measure after it: each filter's lead frame is a filter over these columns.
    measure: OnceCell<MeasureBase>,
    /// The seed of the held dataset when it is the built-in demo.
    demo_seed: Option<u64>,
    /// The held dataset made ready to simulate (lead stream, roster, fitted outcome model):
    /// fitted on the first simulation, reused by the next ones.
    simulation: RefCell<Option<Rc<Simulation>>>,
}

/// Filters whose customer measures the session keeps.
const SCOPED_KEPT: usize = 4;

/// The customer facts (a cut of the held [`MeasureBase`]'s order columns) and the CLV fit over
/// every customer with each customer's prediction, as of one instant. The fit is made when
/// first needed: the Overview's cards do not need it, so they are not kept waiting for it.
struct CustomerBase {
    as_of: i64,
    facts: CustomerFacts,
    /// The settings the fit is made with (those of the first filter asked for).
    config: CustomerConfig,
    clv: OnceCell<Result<ClvBasis, ClvError>>,
}

impl CustomerBase {
    fn clv(&self) -> Result<&ClvBasis, &ClvError> {
        self.clv
            .get_or_init(|| clv_basis(&self.facts, &self.config))
            .as_ref()
    }
}

/// The customer measures under one (as-of instant, window in days, filter).
struct Scoped {
    key: (i64, i64, Filter),
    base: Rc<CustomerBase>,
    config: CustomerConfig,
    /// The base facts restricted to the filter's customers; `None`: no filter, the base's.
    facts: Option<CustomerFacts>,
    /// The filter's leads (its customers are those of `facts`).
    scope: CustomerScope,
    report: OnceCell<Rc<CustomerReport>>,
    risk: OnceCell<Rc<AtRiskReport>>,
    reclaim: OnceCell<Rc<ReclaimReport>>,
}

impl Scoped {
    fn facts(&self) -> &CustomerFacts {
        self.facts.as_ref().unwrap_or(&self.base.facts)
    }

    fn report(&self, ds: &Dataset, log: &ReclaimLog) -> Rc<CustomerReport> {
        self.report
            .get_or_init(|| {
                Rc::new(customer_report_in(
                    ds,
                    log,
                    self.facts(),
                    &self.config,
                    &self.scope,
                    self.base.clv(),
                ))
            })
            .clone()
    }

    fn risk(&self, ds: &Dataset, log: &ReclaimLog) -> Rc<AtRiskReport> {
        self.risk
            .get_or_init(|| {
                let report = self.report(ds, log);
                Rc::new(at_risk(ds, self.facts(), &self.config, report.clv.as_ref()))
            })
            .clone()
    }

    /// Reclaim effectiveness: the report's, when it is already computed.
    fn reclaim(&self, ds: &Dataset, log: &ReclaimLog) -> Rc<ReclaimReport> {
        self.reclaim
            .get_or_init(|| match self.report.get() {
                Some(r) => Rc::new(r.reclaim.clone()),
                None => Rc::new(reclaim_report_in(
                    ds,
                    log,
                    self.facts(),
                    &self.config,
                    &self.scope,
                )),
            })
            .clone()
    }
}

impl Session {
    /// Holds `ds` as `key`; returns what the page shows of it.
    pub fn hold(&mut self, key: &str, ds: Dataset) -> DatasetSummary {
        let summary = DatasetSummary::of(&ds);
        self.open = Some((key.to_owned(), ds));
        self.demo_seed = None;
        self.measure = OnceCell::new();
        self.base = RefCell::default();
        self.scoped = RefCell::default();
        self.simulation = RefCell::default();
        summary
    }

    /// Keeps the dataset an import built (or forgets the last one, for `None`) until the page
    /// has stored it and names it.
    pub fn set_imported(&mut self, ds: Option<Dataset>) {
        self.imported = ds;
    }

    /// Holds the dataset of the last import as `key`: what opening its stored bytes would
    /// give, without decoding them again.
    pub fn hold_imported(&mut self, key: &str) -> Result<DatasetSummary, String> {
        let ds = self
            .imported
            .take()
            .ok_or_else(|| format!("dataset {key}: no import to hold"))?;
        Ok(self.hold(key, ds))
    }

    /// Holds the dataset encoded in `bytes`.
    pub fn open(&mut self, key: &str, bytes: &[u8]) -> Result<DatasetSummary, String> {
        let ds = codec::decode(bytes).map_err(|e| e.to_string())?;
        Ok(self.hold(key, ds))
    }

    /// Holds the built-in demo dataset of `seed` (already held when the worker built it at
    /// start: then it is not built again).
    pub fn open_demo(&mut self, key: &str, seed: u64) -> DatasetSummary {
        if let Some((held, ds)) = &self.open
            && held == key
            && self.demo_seed == Some(seed)
        {
            return DatasetSummary::of(ds);
        }
        let summary = self.hold(
            key,
            demo_dataset(&DemoConfig {
                scale: Scale::S,
                seed,
            }),
        );
        self.demo_seed = Some(seed);
        summary
    }

    fn dataset(&self, key: &str) -> Result<&Dataset, String> {
        match &self.open {
            Some((k, ds)) if k == key => Ok(ds),
            _ => Err(format!("dataset {key} is not open in the worker")),
        }
    }

    /// What the measures read of the held dataset `ds`, laid out on first use.
    fn measure(&self, ds: &Dataset) -> &MeasureBase {
        self.measure.get_or_init(|| MeasureBase::new(ds))
    }

    /// The customer measures under `scope`'s filter over `window_days`, computed once per
    /// (as-of, window, filter), from facts and a CLV fit computed once per as-of.
    fn scoped(&self, ds: &Dataset, filter: &Filter, scope: &Scope, window_days: i64) -> Rc<Scoped> {
        let as_of = scope.as_of;
        let key = (as_of.0, window_days, filter.clone());
        let hit = {
            let mut kept = self.scoped.borrow_mut();
            let at = kept.iter().position(|s| s.key == key);
            at.map(|k| {
                let s = kept.remove(k);
                kept.insert(0, s.clone());
                s
            })
        };
        if let Some(s) = hit {
            return s;
        }
        let config = customer_config(as_of, window_days);
        let cached = self.base.borrow().clone().filter(|b| b.as_of == as_of.0);
        let base = cached.unwrap_or_else(|| {
            let base = Rc::new(CustomerBase {
                as_of: as_of.0,
                facts: self.measure(ds).customers.facts(ds, as_of),
                config,
                clv: OnceCell::new(),
            });
            *self.base.borrow_mut() = Some(base.clone());
            base
        });
        let CustomerScope { customers, leads } = CustomerScope::of(ds, scope);
        let scoped = Rc::new(Scoped {
            key,
            facts: customers.as_ref().map(|keep| base.facts.restrict(keep)),
            // The facts carry the customers; the scope keeps the leads, and says whether a
            // filter is on (then reclaims of entities in neither table are left out).
            scope: CustomerScope {
                customers: None,
                leads,
            },
            base,
            config,
            report: OnceCell::new(),
            risk: OnceCell::new(),
            reclaim: OnceCell::new(),
        });
        let mut kept = self.scoped.borrow_mut();
        kept.insert(0, scoped.clone());
        kept.truncate(SCOPED_KEPT);
        scoped
    }

    /// The Overview's numbers: lead KPIs under `config`; customer KPIs over the `window_days`
    /// before the same as-of date; the cards of the period against the one before, and the
    /// alerts — all under the filter. Nothing here needs the CLV fit (see
    /// [`Session::active_customers`]), so the cards come first.
    pub fn overview(
        &self,
        key: &str,
        config: &MeasureConfig,
        window_days: i64,
    ) -> Result<OverviewNumbers, String> {
        let ds = self.dataset(key)?;
        let base = self.measure(ds);
        let scope = base.scope(ds, config);
        // Every lead up to the period's end: the cards compare earlier periods too.
        let frame = LeadFrame::of(
            ds,
            &base.leads,
            &Scope {
                from: None,
                ..scope.clone()
            },
        );
        let (mut leads, mut assigned, mut won) = (0, 0, 0);
        for i in 0..frame.len() {
            if scope.in_window(Timestamp(frame.created[i])) {
                leads += 1;
                if frame.rep[i] != NONE {
                    assigned += 1;
                    won += u64::from(frame.won[i]);
                }
            }
        }
        let customers = self.scoped(ds, &config.filter, &scope, window_days);
        // The customer report's KPI section alone, on the same facts and settings.
        let kpis = kpi_report(ds, customers.facts(), &customers.config);
        let total = &kpis.total;
        let parts = cards_and_alerts(&OverviewInput {
            ds,
            scope: &scope,
            frame: &frame,
            facts: customers.facts(),
            customers: &customers.scope,
            config: &customers.config,
            window_days,
        });
        Ok(OverviewNumbers {
            leads,
            assigned,
            won,
            revenue: total.revenue,
            revenue_previous: total.revenue_previous,
            growth: total.growth,
            retention: (total.retention.trials > 0).then_some(total.retention.rate),
            customers_with_orders: customers.facts().with_orders(),
            period_from: parts.period_from,
            period_to: parts.period_to,
            months: parts.months,
            cards: parts.cards,
            alerts: parts.alerts,
        })
    }

    /// The expected number of the filter's customers still alive (the sum of their BG/NBD
    /// P(alive) as of the same date over `window_days`); `None` when the model could not be
    /// fitted.
    pub fn active_customers(
        &self,
        key: &str,
        config: &MeasureConfig,
        window_days: i64,
    ) -> Result<Option<f64>, String> {
        let ds = self.dataset(key)?;
        let scope = self.measure(ds).scope(ds, config);
        let customers = self.scoped(ds, &config.filter, &scope, window_days);
        // The CLV section alone, as the customer report would give it: the Overview needs
        // none of the report's other sections.
        Ok(customers.base.clv().ok().map(|basis| {
            clv_section_from(ds, customers.facts(), &customers.config, basis)
                .p_alive_by_row
                .iter()
                .flatten()
                .sum()
        }))
    }

    /// The chart models of `page`, labelled in `lang` (see [`crate::protocol::Job::Charts`]).
    pub fn charts(
        &self,
        key: &str,
        page: ChartPage,
        config: &MeasureConfig,
        window_days: i64,
        lang: ChartLang,
    ) -> Result<Vec<Chart>, String> {
        let ds = self.dataset(key)?;
        let base = self.measure(ds);
        let scope = base.scope(ds, config);
        Ok(match page {
            ChartPage::Leads => {
                reallot_charts::leads::all(&lead_report_of(ds, &base.leads, &scope), lang)
            }
            ChartPage::Customers => {
                let customers = self.scoped(ds, &config.filter, &scope, window_days);
                let log = base.customers.reclaims(ds);
                reallot_charts::customers::all(
                    &customers.report(ds, log),
                    &customers.risk(ds, log),
                    lang,
                )
            }
            ChartPage::Pool => {
                let customers = self.scoped(ds, &config.filter, &scope, window_days);
                reallot_charts::pool::all(&customers.reclaim(ds, base.customers.reclaims(ds)), lang)
            }
        })
    }

    /// The rep view of `rep` as of `config`'s date, with P(alive) and CLV from the customer
    /// report of that date over `window_days` (the one the Overview and Customers page share).
    pub fn rep_view(
        &self,
        key: &str,
        rep: &str,
        config: &RepViewConfig,
        window_days: i64,
    ) -> Result<RepView, String> {
        let ds = self.dataset(key)?;
        let base = self.measure(ds);
        let as_of = config.as_of.unwrap_or(base.default_as_of);
        let scope = MeasureConfig {
            as_of: Some(as_of),
            ..MeasureConfig::default()
        }
        .scope(ds);
        let customers = self.scoped(ds, &Filter::default(), &scope, window_days);
        let model: Option<ClvModel> = customers.base.clv().ok().map(|b| b.model.clone());
        let config = RepViewConfig {
            as_of: Some(as_of),
            ..config.clone()
        };
        Ok(rep_view_of(ds, base, rep, &config, model.as_ref()))
    }

    /// Runs `scenario` (TOML) on the open dataset, reporting each (strategy, run) job done;
    /// the report as JSON.
    pub fn simulate(
        &self,
        key: &str,
        scenario: &str,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<String, String> {
        let scenario = Scenario::from_toml(scenario).map_err(|e| format!("scenario: {e}"))?;
        let report = self.simulate_scenario(key, &scenario, progress)?;
        serde_json::to_string(&report)
            .map_err(|e| format!("cannot write the simulation report: {e}"))
    }

    /// Runs `scenario` on the open dataset: first a [`Stage::Measure`] step while the outcome
    /// model is fitted (once per held dataset), then one [`Stage::Simulate`] step per
    /// (strategy, run) job.
    pub fn simulate_scenario(
        &self,
        key: &str,
        scenario: &Scenario,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<SimReport, String> {
        let ds = self.dataset(key)?;
        scenario.check().map_err(|e| e.to_string())?;
        let jobs_total = scenario.variants().len() as u32 * scenario.runs.max(1);
        progress(Progress {
            stage: Stage::Measure,
            file: None,
            done: 0,
            total: jobs_total,
        });
        let sim = self.simulation(ds)?;
        let variants = scenario.variants();
        let jobs = sim.jobs(scenario);
        let total = jobs.len() as u32;
        let mut results = vec![RunMetrics::default(); jobs.len()];
        for (done, (job, slot)) in jobs.iter().zip(results.iter_mut()).enumerate() {
            progress(Progress {
                stage: Stage::Simulate,
                file: None,
                done: done as u32,
                total,
            });
            *slot = sim.job(scenario, &variants, *job);
        }
        Ok(sim.report(scenario, &results))
    }

    /// The held dataset prepared for simulation, fitted once.
    fn simulation(&self, ds: &Dataset) -> Result<Rc<Simulation>, String> {
        if let Some(sim) = &*self.simulation.borrow() {
            return Ok(sim.clone());
        }
        let sim = Rc::new(Simulation::prepare(ds).map_err(|e| e.to_string())?);
        *self.simulation.borrow_mut() = Some(sim.clone());
        Ok(sim)
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;
    use crate::protocol::{AlertKind, KpiKind};
    use reallot_core::customers::customer_report;
    use reallot_core::metrics::leads::conversion::conversion_counts;
    use reallot_core::model::TableKind;

    const AS_OF: Timestamp = Timestamp(1_800_000_000);

    fn file(name: &str, text: &str) -> (ImportFile, Vec<u8>) {
        let info = read(name, text.as_bytes(), &ReadOptions::default()).expect("reads");
        (
            ImportFile {
                name: name.to_owned(),
                opts: ReadOptions::default(),
                mapping: info.mapping,
            },
            text.as_bytes().to_vec(),
        )
    }

    fn run(files: Vec<(ImportFile, Vec<u8>)>) -> (Result<ImportOutcome, String>, Vec<Progress>) {
        let (specs, bytes): (Vec<_>, Vec<_>) = files.into_iter().unzip();
        let mut seen = Vec::new();
        let out = import(&specs, &bytes, AS_OF, &mut |p| seen.push(p)).map_err(|e| e.to_string());
        (out, seen)
    }

    #[test]
    fn a_file_of_no_known_table_says_so_and_huge_cells_are_cut() {
        let mut text = "colour,weight\nred,".to_owned();
        text.push_str(&"7".repeat(1000));
        let info = read("n.csv", text.as_bytes(), &ReadOptions::default()).expect("reads");
        assert_eq!(info.mapping, None);
        assert_eq!(
            info.unknown_table.map(|e| e.to_string()).as_deref(),
            Some(
                "n.csv: cannot tell which table this is (columns: colour, weight); name the table explicitly"
            )
        );
        assert_eq!(
            info.preview[0][1],
            format!("{}… (1000 bytes)", "7".repeat(200))
        );
        let known = read(
            "o.csv",
            b"order_id,customer_id,order_date,amount\n",
            &ReadOptions::default(),
        );
        assert_eq!(known.expect("reads").unknown_table, None);
    }

    #[test]
    fn a_session_measures_and_simulates_the_dataset_it_holds() {
        let mut session = Session::default();
        let config = MeasureConfig::default();
        assert_eq!(
            session
                .overview("a", &config, 365)
                .expect_err("nothing open"),
            "dataset a is not open in the worker"
        );
        let ds = demo_dataset(&DemoConfig {
            scale: Scale::S,
            seed: 42,
        });
        let bytes = codec::encode(&ds);
        let summary = session.open("stored", &bytes).expect("opens");
        let sizes = ds.sizes();
        assert_eq!(
            summary.rows(),
            TableKind::ALL.iter().map(|k| sizes.get(*k)).sum::<usize>()
        );
        let n = session.overview("stored", &config, 365).expect("measures");
        // The session laid the leads out once, and holds them for the next measures.
        assert_eq!(
            session.measure.get().map(|b| b.leads.len()),
            Some(ds.leads.len())
        );
        // The same numbers as the core's own lead measures and customer report.
        let scope = config.scope(&ds);
        let frame = LeadFrame::build(&ds, &scope);
        assert_eq!(
            (n.leads, (n.won, n.assigned)),
            (frame.len(), conversion_counts(&frame).total)
        );
        let report = customer_report(&ds, &CustomerConfig::new(scope.as_of));
        assert_eq!(n.revenue, report.kpis.total.revenue);
        assert_eq!(n.customers_with_orders, report.customers_with_orders);
        let alive = session
            .active_customers("stored", &config, 365)
            .expect("measures")
            .expect("fitted");
        assert!(
            alive > 0.0 && alive <= n.customers_with_orders as f64,
            "{alive}"
        );
        let sum: f64 = report
            .clv
            .as_ref()
            .expect("fitted")
            .p_alive_by_row
            .iter()
            .flatten()
            .sum();
        assert!(
            (alive - sum).abs() < 1e-9,
            "the report's P(alive): {alive} vs {sum}"
        );
        assert!(n.conversion().is_some_and(|c| c > 0.0 && c < 1.0));
        assert!(
            session.overview("other", &config, 365).is_err(),
            "keyed by dataset"
        );
        let east = MeasureConfig {
            filter: reallot_core::metrics::Filter {
                regions: vec![ds.name(ds.leads[0].region.expect("region")).to_owned()],
                ..Default::default()
            },
            ..MeasureConfig::default()
        };
        let narrowed = session.overview("stored", &east, 365).expect("measures");
        assert!(narrowed.leads < n.leads, "the filter narrows the leads");
        assert!(
            narrowed.revenue < n.revenue,
            "customer numbers follow the filters"
        );
        let shorter = session.overview("stored", &config, 90).expect("measures");
        let report90 = customer_report(
            &ds,
            &CustomerConfig {
                window_days: 90,
                ..CustomerConfig::new(scope.as_of)
            },
        );
        assert_eq!(
            shorter.revenue, report90.kpis.total.revenue,
            "a new window, a new report"
        );
        let charts = |page, lang| {
            session
                .charts("stored", page, &config, 365, lang)
                .expect("charts")
        };
        let leads = charts(ChartPage::Leads, ChartLang::Zh);
        assert_eq!(leads.len(), 8);
        assert_eq!(leads[0].title, "漏斗");
        let customers = charts(ChartPage::Customers, ChartLang::En);
        assert_eq!(customers.len(), 13);
        let pool = charts(ChartPage::Pool, ChartLang::En);
        assert_eq!(pool.len(), 6);
        for c in leads.iter().chain(&customers).chain(&pool) {
            assert!(!c.is_empty(), "{} has no data", c.id);
        }
        assert!(
            session
                .charts("other", ChartPage::Pool, &config, 365, ChartLang::En)
                .is_err(),
            "charts are keyed by dataset too"
        );

        // The shipped example, with 2 runs instead of 20 to keep the test quick.
        let scenario = include_str!("../../../examples/compare-strategies.toml").replacen(
            "runs = 20",
            "runs = 2",
            1,
        );
        let mut steps = Vec::new();
        let json = session
            .simulate("stored", &scenario, &mut |p| steps.push(p))
            .expect("simulates");
        let report: serde_json::Value = serde_json::from_str(&json).expect("json");
        let strategies = report["strategies"].as_array().expect("strategies");
        assert!(strategies.len() >= 2, "{json}");
        // One step while the model is fitted, then one per (strategy, run) job.
        assert_eq!(steps[0].stage, Stage::Measure);
        assert_eq!(steps.len() as u32, steps[0].total + 1);
        assert!(steps[1..].iter().all(|p| p.stage == Stage::Simulate));
        // The same scenario as the core's type gives the same report as its TOML.
        let typed = Scenario::from_toml(&scenario).expect("parses");
        let report_typed = session
            .simulate_scenario("stored", &typed, &mut |_| {})
            .expect("simulates");
        assert_eq!(
            serde_json::to_string(&report_typed).expect("json"),
            json,
            "same report either way"
        );
        let unknown = Scenario {
            baseline: Some("nobody".into()),
            ..typed
        };
        assert_eq!(
            session
                .simulate_scenario("stored", &unknown, &mut |_| {})
                .expect_err("checked"),
            "scenario: baseline names unknown strategy \"nobody\""
        );
        assert!(
            session
                .simulate("stored", "not toml [", &mut |_| {})
                .is_err()
        );
        assert_eq!(
            session.open_demo("demo", 42),
            summary,
            "the demo is the same dataset"
        );
        assert_eq!(
            session.open_demo("demo", 42),
            summary,
            "held already: the same summary"
        );
        session.hold("demo", Dataset::new());
        assert_eq!(
            session.open_demo("demo", 42),
            summary,
            "another dataset held under the demo's key is replaced by the demo"
        );
        session.hold("empty", Dataset::new());
        let none = session.overview("empty", &config, 365).expect("measures");
        assert_eq!(
            none.revenue, 0,
            "a newly held dataset gets its own customer report"
        );
    }

    #[test]
    fn the_overview_cards_compare_periods_trend_by_month_and_alert_under_the_filter() {
        let mut session = Session::default();
        let ds = demo_dataset(&DemoConfig {
            scale: Scale::S,
            seed: 42,
        });
        session.hold("d", ds.clone());
        let config = MeasureConfig::default();
        let n = session.overview("d", &config, 365).expect("measures");
        let scope = config.scope(&ds);
        let card = |n: &OverviewNumbers, k: KpiKind| {
            n.cards.iter().find(|c| c.kind == k).cloned().expect("card")
        };
        assert_eq!(n.cards.len(), 7);
        // Leads: the period is the 365 days before the as-of date, the one before it the
        // 365 days before that; the core's lead frame over each window counts the same.
        let year = |from: i64, to: i64| {
            LeadFrame::build(
                &ds,
                &Scope {
                    from: Some(scope.as_of.add_days(from)),
                    to: scope.as_of.add_days(to),
                    ..scope.clone()
                },
            )
            .len() as f64
        };
        let leads = card(&n, KpiKind::Leads);
        assert_eq!(leads.value, Some(year(-365, 0)));
        assert_eq!(leads.previous, Some(year(-730, -365)));
        assert_eq!(leads.trend.len(), 12);
        assert_eq!(n.months.len(), 12);
        assert_eq!(n.months[11], "2025-12");
        let december = LeadFrame::build(
            &ds,
            &Scope {
                from: Timestamp::parse("2025-12-01"),
                ..scope.clone()
            },
        );
        assert_eq!(leads.trend[11], Some(december.len() as f64));
        // Revenue and retention: the customer KPIs of the same window.
        let report = customer_report(&ds, &CustomerConfig::new(scope.as_of));
        let revenue = card(&n, KpiKind::Revenue);
        assert_eq!(revenue.value, Some(report.kpis.total.revenue as f64));
        assert_eq!(
            revenue.previous,
            Some(report.kpis.total.revenue_previous as f64)
        );
        assert_eq!(
            revenue.change(),
            report.kpis.total.growth,
            "growth is the revenue card's change"
        );
        assert_eq!(
            card(&n, KpiKind::Retention).value,
            Some(report.kpis.total.retention.rate)
        );
        let repeat = card(&n, KpiKind::RepeatRate).value.expect("repeat rate");
        assert!((repeat - report.segments.repeat_rate.rate).abs() < 1e-12);
        let response = card(&n, KpiKind::ResponseHours);
        assert!(response.value.is_some_and(|h| h > 0.0 && h < 24.0 * 30.0));
        let reclaims = card(&n, KpiKind::Reclaims);
        assert!(reclaims.value.is_some_and(|r| r > 0.0));
        let month_total: f64 = reclaims.trend.iter().flatten().sum();
        assert_eq!(
            Some(month_total),
            reclaims.value,
            "12 months are the 365-day period"
        );
        // Alerts: the three kinds, counted, the worst few listed worst first.
        let kinds: Vec<AlertKind> = n.alerts.iter().map(|a| a.kind).collect();
        assert_eq!(
            kinds,
            vec![
                AlertKind::OverCapacity,
                AlertKind::Uncontacted,
                AlertKind::OverdueKey
            ]
        );
        for a in &n.alerts {
            assert!(a.top.len() <= 5 && a.top.len() <= a.count, "{a:?}");
            assert!(a.top.iter().all(|i| i.value > i.limit), "{a:?}");
        }
        assert!(n.alerts[2].count > 0, "the demo has overdue key customers");
        // Region cuts add up: leads, revenue and reclaims of the customers and leads.
        let mut regions: Vec<String> = ds
            .customers
            .iter()
            .filter_map(|c| c.region)
            .chain(ds.leads.iter().filter_map(|l| l.region))
            .map(|s| ds.name(s).to_owned())
            .collect();
        regions.sort();
        regions.dedup();
        let (mut leads_sum, mut revenue_sum, mut overdue_sum) = (0.0, 0.0, 0);
        for r in &regions {
            let cut = session
                .overview(
                    "d",
                    &MeasureConfig {
                        filter: reallot_core::metrics::Filter {
                            regions: vec![r.clone()],
                            ..Default::default()
                        },
                        ..MeasureConfig::default()
                    },
                    365,
                )
                .expect("measures");
            leads_sum += card(&cut, KpiKind::Leads).value.unwrap_or(0.0);
            revenue_sum += card(&cut, KpiKind::Revenue).value.unwrap_or(0.0);
            overdue_sum += cut.alerts[2].count;
        }
        assert_eq!(Some(leads_sum), leads.value);
        // The measures of the last few filters are kept: going back computes nothing.
        let by_region = |r: &String| {
            let filter = reallot_core::metrics::Filter {
                regions: vec![r.clone()],
                ..Default::default()
            };
            let scope = MeasureConfig {
                filter: filter.clone(),
                ..MeasureConfig::default()
            }
            .scope(&ds);
            session.scoped(&ds, &filter, &scope, 365)
        };
        let first = by_region(&regions[0]);
        by_region(&regions[1]);
        assert!(Rc::ptr_eq(&first, &by_region(&regions[0])));
        assert_eq!(Some(revenue_sum), revenue.value);
        assert!(overdue_sum >= n.alerts[2].count, "tier A is per cut");
        // A date range sets the period.
        let q1 = MeasureConfig {
            window: reallot_core::metrics::Window {
                from: Timestamp::parse("2025-01-01"),
                to: Timestamp::parse("2025-04-01"),
            },
            ..MeasureConfig::default()
        };
        let q = session.overview("d", &q1, 365).expect("measures");
        assert_eq!(
            (q.period_from.as_str(), q.period_to.as_str()),
            ("2025-01-01", "2025-03-31")
        );
        assert_eq!(
            card(&q, KpiKind::Leads).value,
            Some(q.leads as f64),
            "the period is the date range"
        );
    }

    #[test]
    fn a_session_builds_the_rep_view_with_the_clv_fit() {
        let mut session = Session::default();
        let config = RepViewConfig::default();
        assert!(session.rep_view("demo", "", &config, 365).is_err());
        session.open_demo("demo", 42);
        let nobody = session
            .rep_view("demo", "", &config, 365)
            .expect("measures");
        assert!(!nobody.known && nobody.leads.is_empty());
        assert_eq!(nobody.reps.len(), 40, "every demo rep to pick from");
        let rep = nobody.reps[0].rep_id.clone();
        let view = session
            .rep_view("demo", &rep, &config, 365)
            .expect("measures");
        assert!(view.known && !view.leads.is_empty() && !view.visits.is_empty());
        assert_eq!(view.as_of, Timestamp::parse("2026-01-01").expect("date"));
        // The leads from the session's laid-out leads are those laid out afresh.
        let fresh = reallot_core::repview::rep_view(
            session.dataset("demo").expect("held"),
            &rep,
            &config,
            None,
        );
        assert_eq!(view.leads, fresh.leads);
        assert_eq!(view.open_leads, fresh.open_leads);
        assert!(
            view.at_risk.iter().all(|c| c.p_alive.is_some()),
            "P(alive) from the customer report's fit"
        );
        let reply = crate::protocol::Reply::RepView { id: 3, view };
        let json = serde_json::to_string(&reply).expect("serialises");
        let back: crate::protocol::Reply = serde_json::from_str(&json).expect("parses");
        let (
            crate::protocol::Reply::RepView { view: a, .. },
            crate::protocol::Reply::RepView { view: b, .. },
        ) = (&reply, &back)
        else {
            panic!("not a rep view: {json}");
        };
        let ids = |v: &RepView| {
            v.leads
                .iter()
                .map(|l| l.lead_id.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(a), ids(b));
        assert_eq!(back.id(), 3);
    }

    #[test]
    fn reads_a_file_for_the_page() {
        let info = read(
            "orders.csv",
            b"order_id,customer_id,order_date,amount\nO1,C1,2024-01-02,10\n",
            &ReadOptions::default(),
        )
        .expect("reads");
        assert_eq!(info.rows, 1);
        assert_eq!(info.delimiter, Some(','));
        assert_eq!(info.preview, vec![vec!["O1", "C1", "2024-01-02", "10"]]);
        assert_eq!(info.mapping.map(|m| m.table.as_str()), Some("orders"));
        let err = read("empty.csv", b"", &ReadOptions::default()).expect_err("empty");
        assert_eq!(err.to_string(), "empty.csv: the file is empty");
    }

    #[test]
    fn imports_a_mapped_file_reports_located_problems_and_progress() {
        let (out, seen) = run(vec![file(
            "orders.csv",
            "order_id,customer_id,order_date,amount\nO1,C1,2024-01-02,10\nO2,C2,not a date,5\n",
        )]);
        let out = out.expect("imports");
        let ds = codec::decode(&out.bytes).expect("decodes");
        assert_eq!(ds.orders.len(), 1);
        let r = &out.summary.reports[0];
        assert_eq!((r.rows_read, r.rows_kept, r.rows_dropped), (2, 1, 1));
        let bad = r
            .findings
            .iter()
            .flat_map(|f| &f.examples)
            .find(|e| e.value == "not a date")
            .expect("the bad date is listed");
        assert_eq!(bad.row, 3);
        let stages: Vec<(Stage, u32, u32)> =
            seen.iter().map(|p| (p.stage, p.done, p.total)).collect();
        assert_eq!(
            stages,
            vec![
                (Stage::Parse, 0, 4),
                (Stage::Load, 1, 4),
                (Stage::Check, 2, 4),
                (Stage::Encode, 3, 4)
            ]
        );
    }

    #[test]
    fn a_session_holds_what_it_imported_as_its_stored_copy_would_open() {
        let (out, _) = run(vec![file(
            "orders.csv",
            "order_id,customer_id,order_date,amount\nO1,C1,2024-01-02,10\nO2,C1,2024-03-02,7\n",
        )]);
        let out = out.expect("imports");
        let mut session = Session::default();
        assert_eq!(
            session.hold_imported("ds-0"),
            Err("dataset ds-0: no import to hold".to_owned())
        );
        let stored = out.bytes.clone();
        session.set_imported(Some(out.dataset));
        assert_eq!(session.hold_imported("ds-1").map(|s| s.rows()), Ok(2));
        let held = session.dataset("ds-1").expect("held under the stored id");
        assert_eq!(codec::encode(held), stored);
        assert!(session.hold_imported("ds-2").is_err(), "held once");
        assert!(session.dataset("ds-1").is_ok());
    }

    #[test]
    fn a_fixed_mapping_is_used() {
        let (mut f, b) = file(
            "orders.csv",
            "order_id,customer_id,order_date,amount,x\nO1,C1,2024-01-02,10,C9\n",
        );
        assert!(
            f.mapping
                .as_mut()
                .expect("mapped")
                .set(4, Some("customer_id"))
        );
        let out = run(vec![(f, b)]).0.expect("imports");
        let ds = codec::decode(&out.bytes).expect("decodes");
        assert_eq!(ds.name(ds.orders[0].customer.0), "C9");
    }

    #[test]
    fn refuses_everything_when_one_file_fails() {
        let good = file(
            "orders.csv",
            "order_id,customer_id,order_date,amount\nO1,C1,2024-01-02,10\n",
        );
        let empty = (
            ImportFile {
                name: "empty.csv".to_owned(),
                opts: ReadOptions::default(),
                mapping: None,
            },
            Vec::new(),
        );
        let err = run(vec![good.clone(), empty]).0.expect_err("refused");
        assert_eq!(err, "empty.csv: the file is empty");
        let (mut unmapped, b) = good;
        assert!(unmapped.mapping.as_mut().expect("mapped").set(1, None));
        let err = run(vec![(unmapped, b)]).0.expect_err("refused");
        assert_eq!(
            err,
            "orders.csv: no column is mapped to the required orders field customer_id"
        );
        assert_eq!(run(Vec::new()).0.expect_err("refused"), "no files chosen");
    }
}
