//! A page of charts under the global filter: the worker computes the report and the chart
//! models for the active dataset (so a filter change never blocks the page), and each chart is
//! drawn here. The Leads, Customers and Pool pages are such pages.

use crate::components::chart::ChartFigure;
use crate::components::filter_bar::FilterBar;
use crate::i18n::{Key, Lang, t};
use crate::settings::use_settings;
use crate::state::watch_in_worker;
use leptos::prelude::*;
use reallot_charts::Lang as ChartLang;
use reallot_worker::protocol::{ChartPage, Job, Reply};

/// The page `id` (its route and `page-<id>` test id) titled `title`, showing `page`'s charts.
fn charts_page(id: &'static str, title: Key, page: ChartPage) -> impl IntoView {
    let settings = use_settings();
    let lang = move || settings.with(|s| s.lang);
    let (charts, failure) = watch_in_worker(
        move |key, config, window_days, lang| Job::Charts {
            key,
            page,
            config,
            window_days,
            lang: match lang {
                Lang::En => ChartLang::En,
                Lang::ZhCn => ChartLang::Zh,
            },
        },
        |reply| match reply {
            Reply::Charts { charts, .. } => Some(charts),
            _ => None,
        },
    );
    view! {
        <section class="page" data-testid=format!("page-{id}")>
            <h1>{move || t(lang(), title)}</h1>
            <FilterBar />
            {move || failure.get().map(|e| view! { <p class="error" data-testid="charts-error">{e}</p> })}
            <div class="charts">
                {move || match charts.get() {
                    Some(cs) => cs.into_iter().map(|chart| view! { <ChartFigure chart /> }).collect_view().into_any(),
                    None => view! { <p class="muted">{move || t(lang(), Key::Computing)}</p> }.into_any(),
                }}
            </div>
        </section>
    }
}

/// The Leads page: the lead report's charts.
pub fn leads_page() -> impl IntoView {
    charts_page("leads", Key::Leads, ChartPage::Leads)
}

/// The Customers page: value, repeat purchase, repurchase cycle, lifecycle, retention, CLV.
pub fn customers_page() -> impl IntoView {
    charts_page("customers", Key::Customers, ChartPage::Customers)
}

/// The Pool page: reclaim effectiveness.
pub fn pool_page() -> impl IntoView {
    charts_page("pool", Key::Pool, ChartPage::Pool)
}
