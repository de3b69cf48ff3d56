//! Overview page: KPI cards under the global filter, and the dataset's tables at a glance.

use crate::components::filter_bar::FilterBar;
use crate::filters::use_filters;
use crate::i18n::{Key, format_int, t};
use crate::overview::{kpis, table_sizes};
use crate::settings::use_settings;
use crate::state::use_dataset;
use leptos::prelude::*;

#[component]
pub fn OverviewPage() -> impl IntoView {
    let state = use_dataset();
    let settings = use_settings();
    let filters = use_filters();
    let lang = move || settings.with(|s| s.lang);
    let label = move |k: Key| move || t(lang(), k);
    let rows = move || table_sizes(&state.dataset.get());
    let numbers = Memo::new(move |_| {
        let scope = filters.with(|f| settings.with(|s| state.dataset.with(|ds| f.scope(ds, s))));
        state.dataset.with(|ds| kpis(ds, &scope))
    });
    let rate = move || {
        numbers
            .get()
            .conversion()
            .map_or_else(|| "—".to_owned(), |r| format!("{:.1}%", r * 100.0))
    };
    view! {
        <section class="page" data-testid="page-overview">
            <h1>{label(Key::Overview)}</h1>
            <p class="muted">{label(Key::DatasetLabel)} ": " {move || state.name.get()}</p>
            <FilterBar />
            <div class="kpis row">
                <div class="card kpi">
                    <h2>{label(Key::LeadsInScope)}</h2>
                    <p class="kpi-value" data-testid="kpi-leads">{move || format_int(numbers.get().leads as i64)}</p>
                </div>
                <div class="card kpi">
                    <h2>{label(Key::WonLeads)}</h2>
                    <p class="kpi-value" data-testid="kpi-won">{move || format_int(numbers.get().won as i64)}</p>
                </div>
                <div class="card kpi">
                    <h2>{label(Key::ConversionRate)}</h2>
                    <p class="kpi-value" data-testid="kpi-conversion">{rate}</p>
                </div>
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
