//! `reallot report`: loads the files, asks the core for the whole report and prints it as
//! plain-text tables, or as the JSON of SPEC §7 with `--json`.
//!
//! Each report section is one function in [`SECTIONS`] that renders its part of the core's
//! `Report`; a new family of measures adds its function there.

use crate::error::CliError;
use crate::inspect::today;
use crate::load::load_paths_with_report;
use reallot_core::metrics::leads::LeadReport;
use reallot_core::metrics::{MeasureBase, MeasureConfig, RateRow, Report, report_with};
use reallot_core::model::{Money, Timestamp};
use std::fmt::Write as _;
use std::path::PathBuf;

/// How many rows a long table shows in text mode (`--json` has them all).
const MAX_ROWS: usize = 15;

/// The text sections, in print order.
const SECTIONS: &[fn(&Report, &mut String)] = &[quality_section, lead_sections, customer_sections];

pub fn run(paths: &[PathBuf], as_of: Option<&str>, json: bool) -> Result<(), CliError> {
    let as_of = as_of
        .map(|s| {
            Timestamp::parse(s).ok_or_else(|| {
                CliError::Usage(format!(
                    "--as-of: cannot read {s:?} as a date (expected YYYY-MM-DD)"
                ))
            })
        })
        .transpose()?;
    if let Some(missing) = paths.iter().find(|p| !p.exists()) {
        return Err(CliError::Usage(format!(
            "{}: no such file or folder",
            missing.display()
        )));
    }
    let (ds, files) = load_paths_with_report(paths)?;
    // Without --as-of, "now" is the day after the data, but never after tomorrow by the
    // system clock: one mistyped date in the year 9999 must not move every measure there.
    // The data laid out for measuring once, as it is loaded.
    let base = MeasureBase::new(&ds);
    let as_of = as_of.unwrap_or_else(|| base.default_as_of.min(today().add_days(1)));
    let config = MeasureConfig {
        as_of: Some(as_of),
        ..MeasureConfig::default()
    };
    let mut r = report_with(&ds, &base, &config, |c| {
        crate::customers::customer_report(&ds, &base.customers, c)
    });
    r.data_quality.files = files;
    let out = if json {
        let mut s = serde_json::to_string_pretty(&r)
            .map_err(|e| CliError::Input(format!("cannot write the report as JSON: {e}")))?;
        s.push('\n');
        s
    } else {
        render_text(&r)
    };
    print!("{out}");
    Ok(())
}

pub fn render_text(r: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Report as of {}", r.as_of.date_string());
    for section in SECTIONS {
        section(r, &mut out);
    }
    out
}

/// Terminal columns of a string: East Asian wide characters take two.
fn width(s: &str) -> usize {
    s.chars()
        .map(|c| {
            let c = c as u32;
            let wide = (0x1100..=0x115F).contains(&c)
                || (0x2E80..=0xA4CF).contains(&c)
                || (0xAC00..=0xD7A3).contains(&c)
                || (0xF900..=0xFAFF).contains(&c)
                || (0xFF00..=0xFF60).contains(&c)
                || (0xFFE0..=0xFFE6).contains(&c);
            if wide { 2 } else { 1 }
        })
        .sum()
}

/// A titled table: first column left-aligned, the rest right-aligned.
fn table(out: &mut String, title: &str, headers: &[&str], rows: &[Vec<String>]) {
    let _ = writeln!(out, "\n{title}");
    if rows.is_empty() {
        let _ = writeln!(out, "  (no data)");
        return;
    }
    let mut w: Vec<usize> = headers.iter().map(|h| width(h)).collect();
    for r in rows.iter().take(MAX_ROWS) {
        for (i, c) in r.iter().enumerate() {
            if let Some(x) = w.get_mut(i) {
                *x = (*x).max(width(c));
            }
        }
    }
    let line = |out: &mut String, cells: &[String]| {
        out.push_str("  ");
        for (i, c) in cells.iter().enumerate() {
            let pad = " ".repeat(w.get(i).copied().unwrap_or(0).saturating_sub(width(c)));
            if i == 0 {
                let _ = write!(out, "{c}{pad}");
            } else {
                let _ = write!(out, "  {pad}{c}");
            }
        }
        out.push('\n');
    };
    line(
        out,
        &headers.iter().map(|h| h.to_string()).collect::<Vec<_>>(),
    );
    for r in rows.iter().take(MAX_ROWS) {
        line(out, r);
    }
    if rows.len() > MAX_ROWS {
        let _ = writeln!(out, "  … {} more (see --json)", rows.len() - MAX_ROWS);
    }
}

fn pct(x: f64) -> String {
    format!("{:.1}%", 100.0 * x)
}

fn num(x: Option<f64>, digits: usize) -> String {
    x.map_or("-".into(), |v| format!("{v:.digits$}"))
}

fn money(m: Money) -> String {
    format!("{:.2}", m.as_major())
}

fn opt_money(m: Option<Money>) -> String {
    m.map_or("-".into(), money)
}

fn rate_rows(rows: &[RateRow]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| {
            vec![
                r.key.clone(),
                r.leads.to_string(),
                r.won.to_string(),
                pct(r.rate),
                format!("{}–{}", pct(r.ci_low), pct(r.ci_high)),
                pct(r.shrunk_rate),
            ]
        })
        .collect()
}

const RATE_HEADERS: [&str; 6] = ["key", "leads", "won", "rate", "95% CI", "shrunk"];

fn lead_sections(r: &Report, out: &mut String) {
    let l: &LeadReport = &r.leads;
    table(
        out,
        "Funnel (leads created in the window)",
        &["stage", "reached", "from previous", "cumulative"],
        &l.funnel
            .overall
            .iter()
            .map(|s| {
                vec![
                    s.stage.as_str().into(),
                    s.reached.to_string(),
                    pct(s.from_previous.rate),
                    pct(s.cumulative.rate),
                ]
            })
            .collect::<Vec<_>>(),
    );
    let c = &l.conversion;
    let _ = writeln!(
        out,
        "\nConversion (won ÷ assigned): {} of {} = {} (95% CI {}–{})",
        c.overall.won,
        c.overall.leads,
        pct(c.overall.rate),
        pct(c.overall.ci_low),
        pct(c.overall.ci_high)
    );
    for (title, rows) in [
        ("Conversion by rep (ranked by shrunk rate)", &c.by_rep),
        ("Conversion by team", &c.by_team),
        ("Conversion by region", &c.by_region),
        ("Conversion by source", &c.by_source),
        ("Conversion by campaign", &c.by_campaign),
        ("Conversion by customer type", &c.by_customer_type),
        ("Conversion by month", &c.by_month),
    ] {
        table(out, title, &RATE_HEADERS, &rate_rows(rows));
    }
    for seg in &c.by_customer_type_rep {
        let rows: Vec<RateRow> = seg.by_rep.iter().take(5).cloned().collect();
        table(
            out,
            &format!("Best reps for {} customers", seg.customer_type),
            &RATE_HEADERS,
            &rate_rows(&rows),
        );
    }

    let rt = &l.response_time;
    let resp = |rows: &[reallot_core::metrics::leads::response::ResponseRow]| {
        rows.iter()
            .map(|x| {
                vec![
                    x.key.clone(),
                    x.assigned.to_string(),
                    x.never_contacted.to_string(),
                    num(x.median_hours, 1),
                    num(x.p90_hours, 1),
                    pct(x.within_sla.rate),
                ]
            })
            .collect::<Vec<_>>()
    };
    let headers = [
        "key",
        "assigned",
        "never",
        "median h",
        "p90 h",
        "within SLA",
    ];
    let title = format!("Response time (SLA {} h)", rt.sla_hours);
    table(
        out,
        &title,
        &headers,
        &resp(std::slice::from_ref(&rt.overall)),
    );
    table(
        out,
        "Response time by rep load at assignment (open ÷ capacity)",
        &headers,
        &resp(&rt.by_load),
    );
    table(
        out,
        "Response time by rep (fastest first)",
        &headers,
        &resp(&rt.by_rep),
    );
    let s = &rt.speed_vs_conversion;
    let _ = writeln!(
        out,
        "\nSpeed and conversion: Spearman ρ(median response, conversion) = {} over {} reps",
        num(s.spearman, 2),
        s.reps
    );
    table(
        out,
        "Conversion by speed",
        &RATE_HEADERS,
        &rate_rows(&[
            s.fast_reps.clone(),
            s.slow_reps.clone(),
            s.within_sla.clone(),
            s.late.clone(),
            s.never_contacted.clone(),
        ]),
    );

    let sc = &l.sales_cycle;
    table(
        out,
        "Sales cycle, days (Kaplan–Meier over assigned leads won or open; open censored at as-of)",
        &["key", "leads", "won", "median", "95% CI", "median of won"],
        &std::iter::once(&sc.overall)
            .chain(&sc.by_customer_type)
            .map(|x| {
                vec![
                    x.key.clone(),
                    x.leads.to_string(),
                    x.won.to_string(),
                    num(x.median_days, 0),
                    format!("{}–{}", num(x.ci_low, 0), num(x.ci_high, 0)),
                    num(x.median_days_won_only, 1),
                ]
            })
            .collect::<Vec<_>>(),
    );

    let roi_rows = |rows: &[reallot_core::metrics::leads::roi::RoiRow]| {
        rows.iter()
            .map(|x| {
                vec![
                    x.key.clone(),
                    x.leads.to_string(),
                    x.won.to_string(),
                    money(x.cost),
                    money(x.revenue),
                    opt_money(x.cost_per_lead),
                    opt_money(x.cost_per_win),
                    num(x.roi, 2),
                ]
            })
            .collect::<Vec<_>>()
    };
    let roi_headers = [
        "key", "leads", "won", "cost", "revenue", "per lead", "per win", "ROI",
    ];
    let title = format!("ROI (margin {})", l.roi.margin);
    table(
        out,
        &title,
        &roi_headers,
        &roi_rows(std::slice::from_ref(&l.roi.overall)),
    );
    table(
        out,
        "ROI by source",
        &roi_headers,
        &roi_rows(&l.roi.by_source),
    );
    table(
        out,
        "ROI by campaign",
        &roi_headers,
        &roi_rows(&l.roi.by_campaign),
    );
    table(
        out,
        "ROI by rep (with prorated rep cost)",
        &roi_headers,
        &roi_rows(&l.roi.by_rep),
    );

    table(
        out,
        "Campaigns (ranked by shrunk conversion)",
        &[
            "campaign", "name", "leads", "won", "rate", "shrunk", "cost", "revenue", "ROI",
        ],
        &l.campaigns
            .campaigns
            .iter()
            .map(|x| {
                vec![
                    x.conversion.key.clone(),
                    x.name.clone().unwrap_or_default(),
                    x.conversion.leads.to_string(),
                    x.conversion.won.to_string(),
                    pct(x.conversion.rate),
                    pct(x.conversion.shrunk_rate),
                    money(x.cost),
                    money(x.revenue),
                    num(x.roi, 2),
                ]
            })
            .collect::<Vec<_>>(),
    );

    let sat = &l.satisfaction;
    let sat_rows = |rows: &[reallot_core::metrics::leads::satisfaction::SatisfactionRow]| {
        rows.iter()
            .map(|x| {
                vec![
                    x.key.clone(),
                    x.csat.map_or("-".into(), |c| c.n.to_string()),
                    x.csat.map_or("-".into(), |c| {
                        format!("{:.2} ({:.2}–{:.2})", c.mean, c.ci_low, c.ci_high)
                    }),
                    x.nps.map_or("-".into(), |n| n.n.to_string()),
                    x.nps.map_or("-".into(), |n| {
                        format!("{:.0} ({:.0}–{:.0})", n.nps, n.ci_low, n.ci_high)
                    }),
                ]
            })
            .collect::<Vec<_>>()
    };
    let sat_headers = [
        "key",
        "CSAT n",
        "CSAT mean (95% CI)",
        "NPS n",
        "NPS (95% CI)",
    ];
    table(
        out,
        "Satisfaction",
        &sat_headers,
        &sat_rows(std::slice::from_ref(&sat.overall)),
    );
    table(
        out,
        "Satisfaction by rep",
        &sat_headers,
        &sat_rows(&sat.by_rep),
    );
    table(
        out,
        "Satisfaction by source",
        &sat_headers,
        &sat_rows(&sat.by_source),
    );

    let w = &l.workload;
    let _ = writeln!(
        out,
        "\nWorkload: {} reps; Gini of lead counts {}, of expected lead value {}",
        w.reps,
        num(w.gini_leads, 3),
        num(w.gini_expected_value, 3)
    );
    table(
        out,
        "Workload by rep (most utilised first)",
        &[
            "rep",
            "leads",
            "per week",
            "capacity",
            "mean open",
            "utilisation",
            "expected value",
        ],
        &w.by_rep
            .iter()
            .map(|x| {
                vec![
                    x.key.clone(),
                    x.leads.to_string(),
                    num(x.leads_per_week, 1),
                    x.capacity.map_or("-".into(), |c| c.to_string()),
                    num(x.mean_open, 1),
                    x.utilisation.map_or("-".into(), pct),
                    money(x.expected_value),
                ]
            })
            .collect::<Vec<_>>(),
    );

    let sc = &l.score;
    let _ = writeln!(
        out,
        "\nLead score: naive Bayes over {} ({} resolved leads, base rate {})",
        sc.factors_used.join(", "),
        sc.training_leads,
        pct(sc.base_rate)
    );
    table(
        out,
        "Likelihood ratio of each factor value (>1 raises P(win))",
        &["factor", "value", "won", "lost", "LR"],
        &sc.factors
            .iter()
            .map(|f| {
                vec![
                    f.factor.into(),
                    f.value.clone(),
                    f.won.to_string(),
                    f.lost.to_string(),
                    format!("{:.2}", f.likelihood_ratio),
                ]
            })
            .collect::<Vec<_>>(),
    );
    let b = &sc.backtest;
    let _ = writeln!(
        out,
        "\nBacktest: trained on {} leads resolved before {}, tested on {} later leads: AUC {}, Brier {} (base rate {})",
        b.train_leads,
        b.split_at.date_string(),
        b.test_leads,
        num(b.auc, 3),
        num(b.brier, 4),
        num(b.brier_base_rate, 4)
    );
    table(
        out,
        "Calibration on the test leads (by decile of predicted P(win))",
        &["decile", "leads", "predicted", "observed", "95% CI"],
        &b.calibration
            .iter()
            .map(|x| {
                vec![
                    x.decile.to_string(),
                    x.leads.to_string(),
                    pct(x.mean_predicted),
                    pct(x.observed.rate),
                    format!("{}–{}", pct(x.observed.ci_low), pct(x.observed.ci_high)),
                ]
            })
            .collect::<Vec<_>>(),
    );
}

fn quality_section(r: &Report, out: &mut String) {
    let q = &r.data_quality;
    table(
        out,
        "Data quality: files read",
        &["file", "table", "rows", "kept", "dropped", "altered"],
        &q.files
            .iter()
            .map(|f| {
                vec![
                    f.file.clone(),
                    f.table.as_str().into(),
                    f.rows_read.to_string(),
                    f.rows_kept.to_string(),
                    f.rows_dropped.to_string(),
                    f.rows_altered.to_string(),
                ]
            })
            .collect::<Vec<_>>(),
    );
    let findings: Vec<_> = q
        .files
        .iter()
        .flat_map(|f| &f.findings)
        .chain(&q.checks.findings)
        .collect();
    table(
        out,
        "Data quality: findings",
        &["count", "finding"],
        &findings
            .iter()
            .map(|f| vec![f.count.to_string(), f.message.clone()])
            .collect::<Vec<_>>(),
    );
}

fn key_rate_rows(rows: &[reallot_core::customers::KeyRate]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|k| {
            vec![
                k.key.clone(),
                k.customers.to_string(),
                k.repeat.to_string(),
                pct(k.rate),
                format!("{}–{}", pct(k.ci_low), pct(k.ci_high)),
            ]
        })
        .collect()
}

fn customer_sections(r: &Report, out: &mut String) {
    let c = &r.customers;
    let _ = writeln!(
        out,
        "\nCustomers: {} ({} with orders before the as-of date)",
        c.customers, c.customers_with_orders
    );
    table(
        out,
        "Value tiers (by cumulative revenue share)",
        &["tier", "customers", "revenue", "share"],
        &c.tiers
            .tiers
            .iter()
            .map(|t| {
                vec![
                    format!("{:?}", t.tier),
                    t.customers.to_string(),
                    money(Money(t.revenue)),
                    pct(t.revenue_share),
                ]
            })
            .collect::<Vec<_>>(),
    );
    let s = &c.segments;
    let _ = writeln!(
        out,
        "\nRepeat-purchase rate (last {} days): {} of {} = {} (95% CI {}–{})",
        s.window_days,
        s.repeat_rate.successes,
        s.repeat_rate.trials,
        pct(s.repeat_rate.rate),
        pct(s.repeat_rate.ci_low),
        pct(s.repeat_rate.ci_high)
    );
    let headers = ["key", "customers", "repeat", "rate", "95% CI"];
    table(
        out,
        "Repeat rate by customer type",
        &headers,
        &key_rate_rows(&s.repeat_by_customer_type),
    );
    table(
        out,
        "Repeat rate by source",
        &headers,
        &key_rate_rows(&s.repeat_by_source),
    );
    let p = &c.repurchase;
    table(
        out,
        "Repurchase cycle in days by customer type",
        &["type", "customers", "p25", "median", "p75"],
        &p.by_customer_type
            .iter()
            .map(|q| {
                vec![
                    q.key.clone(),
                    q.customers.to_string(),
                    num(Some(q.p25), 1),
                    num(Some(q.median), 1),
                    num(Some(q.p75), 1),
                ]
            })
            .collect::<Vec<_>>(),
    );
    let _ = writeln!(
        out,
        "\nOverdue customers (days since last order > {} × own cycle): {}",
        p.overdue_k, p.overdue_count
    );
    table(
        out,
        "Lifecycle stages",
        &["stage", "customers"],
        &c.lifecycle
            .stages
            .iter()
            .map(|s| vec![format!("{:?}", s.stage), s.customers.to_string()])
            .collect::<Vec<_>>(),
    );
    match &c.clv {
        Some(v) => {
            let b = &v.bgnbd.params;
            let _ = writeln!(
                out,
                "\nBG/NBD: r {:.4}, alpha {:.4}, a {:.4}, b {:.4} (log-likelihood {:.2}, {} customers)",
                b.r, b.alpha, b.a, b.b, v.bgnbd.log_likelihood, v.bgnbd.customers
            );
            if let Some(g) = &v.gamma_gamma {
                let _ = writeln!(
                    out,
                    "Gamma-Gamma: p {:.4}, q {:.4}, gamma {:.4} (log-likelihood {:.2})",
                    g.params.p, g.params.q, g.params.gamma, g.log_likelihood
                );
            }
            if let Some(d) = &v.clv {
                let _ = writeln!(
                    out,
                    "CLV per customer: mean {:.2}, p10 {:.2}, median {:.2}, p90 {:.2}",
                    d.mean, d.p10, d.p50, d.p90
                );
            }
        }
        None => {
            let _ = writeln!(
                out,
                "\nCLV: not fitted ({})",
                c.clv_error.as_deref().unwrap_or("no data")
            );
        }
    }
    table(
        out,
        "Reclaims by reason",
        &[
            "reason",
            "reclaims",
            "reassigned",
            "median days in pool",
            "re-activated ≤ 90 d",
            "revenue recovered",
            "lost for good",
        ],
        &c.reclaim
            .by_reason
            .iter()
            .map(|s| {
                vec![
                    s.key.clone(),
                    s.reclaims.to_string(),
                    s.reassigned.to_string(),
                    num(s.median_days_in_pool, 1),
                    pct(s.reactivation_90.rate),
                    money(Money(s.revenue_recovered)),
                    s.lost_for_good.to_string(),
                ]
            })
            .collect::<Vec<_>>(),
    );
    let k = &c.kpis.total;
    let _ = writeln!(
        out,
        "\nKPIs (last {} days): revenue {} vs {} before ({}), retention {}",
        c.kpis.window_days,
        money(Money(k.revenue)),
        money(Money(k.revenue_previous)),
        k.growth.map_or("n/a".into(), pct),
        pct(k.retention.rate)
    );
}
