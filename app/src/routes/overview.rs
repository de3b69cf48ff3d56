//! Overview page: KPI cards under the global filter, and the dataset's tables at a glance.

use crate::components::filter_bar::FilterBar;
use crate::i18n::{Key, format_int, format_money, t};
use crate::overview::table_sizes;
use crate::settings::use_settings;
use crate::state::{use_dataset, watch_in_worker};
use leptos::prelude::*;
use reallot_worker::protocol::{Job, OverviewNumbers, Reply};

#[component]
pub fn OverviewPage() -> impl IntoView {
    let state = use_dataset();
    let settings = use_settings();
    let lang = move || settings.with(|s| s.lang);
    let label = move |k: Key| move || t(lang(), k);
    let rows = move || table_sizes(&state.dataset.get());
    let (numbers, failure) = watch_in_worker(
        |key, config, window_days, _| Job::Overview {
            key,
            config,
            window_days,
        },
        |reply| match reply {
            Reply::Overview { numbers, .. } => Some(numbers),
            _ => None,
        },
    );
    let shown =
        move |f: fn(&OverviewNumbers) -> String| move || numbers.with(|n| n.as_ref().map(f));
    let rate = |n: &OverviewNumbers| {
        n.conversion()
            .map_or_else(|| "—".to_owned(), |r| format!("{:.1}%", r * 100.0))
    };
    view! {
        <section class="page" data-testid="page-overview">
            <h1>{label(Key::Overview)}</h1>
            <p class="muted">{label(Key::DatasetLabel)} ": " {move || state.name.get()}</p>
            <FilterBar />
            {move || failure.get().map(|e| view! { <p class="error" data-testid="kpi-error">{e}</p> })}
            <div class="kpis row">
                <Kpi title=label(Key::LeadsInScope) id="kpi-leads" value=shown(|n| format_int(n.leads as i64)) />
                <Kpi title=label(Key::WonLeads) id="kpi-won" value=shown(|n| format_int(n.won as i64)) />
                <Kpi title=label(Key::ConversionRate) id="kpi-conversion" value=shown(rate) />
                <Kpi
                    title=label(Key::Revenue)
                    id="kpi-revenue"
                    value=move || {
                        let symbol = settings.with(|s| s.currency.clone());
                        numbers.with(|n| n.as_ref().map(|n| format_money(&symbol, n.revenue)))
                    }
                />
                <Kpi title=label(Key::RevenueGrowth) id="kpi-growth" value=shown(|n| percent(n.growth, true)) />
                <Kpi title=label(Key::Retention) id="kpi-retention" value=shown(|n| percent(n.retention, false)) />
                <Kpi
                    title=label(Key::ActiveCustomers)
                    id="kpi-alive"
                    value=shown(|n| n.expected_alive.map_or_else(|| "—".to_owned(), |a| format_int(a.round() as i64)))
                />
            </div>
            <div class="card">
                <h2>{label(Key::Tables)}</h2>
                <table class="table" data-testid="table-sizes">
                    <thead>
                        <tr>
                            <th>{label(Key::Table)}</th>
                            <th class="num">{label(Key::Rows)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {move || {
                            rows()
                                .into_iter()
                                .map(|r| {
                                    view! {
                                        <tr data-testid=format!("size-{}", r.table)>
                                            <td>{r.table}</td>
                                            <td class="num">{format_int(r.rows as i64)}</td>
                                        </tr>
                                    }
                                })
                                .collect_view()
                        }}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

/// A share as a percentage with one decimal ("—" when unknown); `signed` shows a plus sign.
fn percent(x: Option<f64>, signed: bool) -> String {
    match x {
        Some(v) if signed => format!("{:+.1}%", v * 100.0),
        Some(v) => format!("{:.1}%", v * 100.0),
        None => "—".to_owned(),
    }
}

/// One KPI card; its value carries the test id only once it is known.
#[component]
fn Kpi(
    title: impl Fn() -> &'static str + Send + Sync + 'static,
    id: &'static str,
    value: impl Fn() -> Option<String> + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <div class="card kpi">
            <h2>{title}</h2>
            {move || match value() {
                Some(v) => view! { <p class="kpi-value" data-testid=id>{v}</p> }.into_any(),
                None => view! { <p class="kpi-value muted">"…"</p> }.into_any(),
            }}
        </div>
    }
}
