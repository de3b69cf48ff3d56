//! Overview page: KPI cards under the global filter, each with its change on the period before
//! and its monthly trend; alerts; and the dataset's tables at a glance.

use crate::components::filter_bar::FilterBar;
use crate::i18n::{Key, format_int, t};
use crate::overview::{
    alert_id, alert_item, alert_title, card_change, card_id, card_title, card_value, table_sizes,
};
use crate::settings::use_settings;
use crate::state::{use_dataset, watch_in_worker};
use leptos::prelude::*;
use reallot_charts::spark::sparkline_svg;
use reallot_worker::protocol::{Job, KpiCard, Reply};

#[component]
pub fn OverviewPage() -> impl IntoView {
    let state = use_dataset();
    let settings = use_settings();
    let lang = move || settings.with(|s| s.lang);
    let label = move |k: Key| move || t(lang(), k);
    // No rows until the worker has reported the dataset (rather than zeros).
    let rows = move || state.summarised(table_sizes);
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
    // The CLV fit behind this card takes longer than the other cards: it is asked for apart,
    // after them (the worker runs jobs in order).
    let (alive, _) = watch_in_worker(
        |key, config, window_days, _| Job::ActiveCustomers {
            key,
            config,
            window_days,
        },
        |reply| match reply {
            Reply::ActiveCustomers { expected_alive, .. } => Some(expected_alive),
            _ => None,
        },
    );
    let period = move || {
        numbers.with(|n| {
            n.as_ref().map(|n| {
                let what = match lang() {
                    crate::i18n::Lang::En => "Period",
                    crate::i18n::Lang::ZhCn => "统计期",
                };
                format!("{what}: {} – {}", n.period_from, n.period_to)
            })
        })
    };
    let cards = move || {
        numbers.with(|n| {
            n.as_ref()
                .map(|n| (n.cards.clone(), n.months.clone()))
                .unwrap_or_default()
        })
    };
    view! {
        <section class="page" data-testid="page-overview">
            <h1>{label(Key::Overview)}</h1>
            <p class="muted">{label(Key::DatasetLabel)} ": " {move || state.name.get()}</p>
            <FilterBar />
            {move || failure.get().map(|e| view! { <p class="error" data-testid="kpi-error">{e}</p> })}
            <p class="muted" data-testid="kpi-period">{period}</p>
            <div class="kpis">
                {move || {
                    let (cards, months) = cards();
                    if cards.is_empty() {
                        return view! { <p class="muted">{label(Key::Computing)}</p> }.into_any();
                    }
                    cards
                        .into_iter()
                        .map(|card| view! { <KpiCardView card months=months.clone() /> })
                        .collect_view()
                        .into_any()
                }}
                <div class="card kpi">
                    <h2>{label(Key::ActiveCustomers)}</h2>
                    {move || match alive.with(|a| a.map(|a| a.map_or_else(|| "—".to_owned(), |a| format_int(a.round() as i64)))) {
                        Some(v) => view! { <p class="kpi-value" data-testid="kpi-alive">{v}</p> }.into_any(),
                        None => view! { <p class="kpi-value muted">"…"</p> }.into_any(),
                    }}
                </div>
            </div>
            <div class="card alerts" data-testid="alerts">
                <h2>{move || match lang() {
                    crate::i18n::Lang::En => "Alerts",
                    crate::i18n::Lang::ZhCn => "预警",
                }}</h2>
                {move || numbers.with(|n| n.as_ref().map(|n| n.alerts.clone())).unwrap_or_default().into_iter().map(|a| {
                    let l = lang();
                    let kind = a.kind;
                    let class = if a.count > 0 { "alert-item warn" } else { "alert-item" };
                    view! {
                        <div class=class data-testid=format!("alert-{}", alert_id(kind))>
                            <h3>{alert_title(&a, l)}</h3>
                            <ul>
                                {a.top.iter().map(|i| view! { <li>{alert_item(kind, &i.id, i.value, i.limit, l)}</li> }).collect_view()}
                            </ul>
                        </div>
                    }
                }).collect_view()}
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

/// Sparkline size in CSS pixels.
const SPARK_WIDTH: u32 = 140;
const SPARK_HEIGHT: u32 = 32;

/// One KPI card: title, value, change on the period before, and the monthly trend as an image
/// (data:SVG, like the charts: the page's CSP allows no inline style element).
#[component]
fn KpiCardView(card: KpiCard, months: Vec<String>) -> impl IntoView {
    let settings = use_settings();
    let lang = settings.with_untracked(|s| s.lang);
    let currency = settings.with_untracked(|s| s.currency.clone());
    let id = card_id(card.kind);
    let (change, tone) = card_change(&card, lang);
    let svg = sparkline_svg(&card.trend, SPARK_WIDTH, SPARK_HEIGHT);
    let src = format!(
        "data:image/svg+xml;charset=utf-8,{}",
        String::from(js_sys::encode_uri_component(&svg))
    );
    let span = match (months.first(), months.last()) {
        (Some(a), Some(b)) => format!("{a} – {b}"),
        _ => String::new(),
    };
    let alt = format!(
        "{}: {span}",
        match lang {
            crate::i18n::Lang::En => "monthly trend",
            crate::i18n::Lang::ZhCn => "月度趋势",
        }
    );
    view! {
        <div class="card kpi">
            <h2>{card_title(card.kind, lang)}</h2>
            <p class="kpi-value" data-testid=format!("kpi-{id}")>{card_value(card.kind, card.value, &currency, lang)}</p>
            <p class=tone.class() data-testid=format!("change-{id}")>{change}</p>
            <img class="spark" data-testid=format!("spark-{id}") src=src alt=alt width=SPARK_WIDTH height=SPARK_HEIGHT />
        </div>
    }
}
