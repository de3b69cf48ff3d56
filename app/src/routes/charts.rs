//! A page of charts under the global filter: the worker computes the report and the chart
//! models for the active dataset (so a filter change never blocks the page), and each chart is
//! drawn here. The Leads, Customers and Pool pages are such pages.

use crate::components::chart::ChartFigure;
use crate::components::filter_bar::FilterBar;
use crate::filters::use_filters;
use crate::i18n::{Key, Lang, t};
use crate::settings::use_settings;
use crate::state::{ensure_in_worker, use_dataset};
use crate::worker;
use leptos::prelude::*;
use leptos::task::spawn_local;
use reallot_charts::{Chart, Lang as ChartLang};
use reallot_core::metrics::MeasureConfig;
use reallot_worker::protocol::{Job, Reply};

/// The worker job that computes a page's charts, from the dataset key, the filters' measure
/// config, the settings' window in days and the language.
pub type ChartsJob = fn(String, MeasureConfig, i64, ChartLang) -> Job;

/// The page `id` (its route and `page-<id>` test id) titled `title`, showing `job`'s charts.
pub fn charts_page(id: &'static str, title: Key, job: ChartsJob) -> impl IntoView {
    let state = use_dataset();
    let settings = use_settings();
    let filters = use_filters();
    let lang = move || settings.with(|s| s.lang);
    let charts = RwSignal::new(None::<Vec<Chart>>);
    let failure = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        let key = state.id.get();
        state.dataset.track();
        let config = filters.with(|f| settings.with(|s| f.config(s)));
        let window_days = i64::from(settings.with(|s| s.window_days));
        let lang = match lang() {
            Lang::En => ChartLang::En,
            Lang::ZhCn => ChartLang::Zh,
        };
        if state.loading.get() {
            return;
        }
        spawn_local(async move {
            let answer = async {
                ensure_in_worker(&key).await?;
                match worker::run(job(key, config, window_days, lang), &[], |_| {}).await? {
                    (Reply::Charts { charts, .. }, _) => Ok(charts),
                    _ => Err("the worker gave an unexpected answer".to_owned()),
                }
            }
            .await;
            match answer {
                Ok(c) => {
                    failure.set(None);
                    charts.set(Some(c));
                }
                Err(e) if e == worker::CANCELLED => {}
                Err(e) => failure.set(Some(e)),
            }
        });
    });
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
    charts_page("leads", Key::Leads, |key, config, _, lang| {
        Job::LeadCharts { key, config, lang }
    })
}

/// The Pool page: reclaim effectiveness.
pub fn pool_page() -> impl IntoView {
    charts_page("pool", Key::Pool, |key, config, _, lang| Job::PoolCharts {
        key,
        config,
        lang,
    })
}

/// The Customers page: value, repeat purchase, repurchase cycle, lifecycle, retention, CLV.
pub fn customers_page() -> impl IntoView {
    charts_page(
        "customers",
        Key::Customers,
        |key, config, window_days, lang| Job::CustomerCharts {
            key,
            config,
            window_days,
            lang,
        },
    )
}
