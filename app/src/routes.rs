//! The app shell: navigation bar and the page routes of SPEC §6.

use crate::filters::provide_filters;
use crate::i18n::{Key, t};
use crate::settings::{provide_settings, use_settings};
use crate::state::{provide_dataset, use_dataset};
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

mod charts;
mod data;
mod overview;
mod rep;
mod settings;
mod simulator;

/// A page of the app: its route segment (also its test id) and its label.
pub struct PageInfo {
    pub id: &'static str,
    pub label: Key,
}

pub const PAGES: &[PageInfo] = &[
    PageInfo {
        id: "overview",
        label: Key::Overview,
    },
    PageInfo {
        id: "data",
        label: Key::Data,
    },
    PageInfo {
        id: "leads",
        label: Key::Leads,
    },
    PageInfo {
        id: "customers",
        label: Key::Customers,
    },
    PageInfo {
        id: "pool",
        label: Key::Pool,
    },
    PageInfo {
        id: "simulator",
        label: Key::Simulator,
    },
    PageInfo {
        id: "rep",
        label: Key::RepView,
    },
    PageInfo {
        id: "settings",
        label: Key::Settings,
    },
];

#[component]
pub fn App() -> impl IntoView {
    provide_settings();
    provide_dataset();
    provide_filters();
    let settings = use_settings();
    let lang = move || settings.with(|s| s.lang);
    Effect::new(move |_| {
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = root.set_attribute("lang", lang().tag());
        }
    });
    let label = move |k: Key| move || t(lang(), k);
    let state = use_dataset();
    view! {
        <Router>
            <header class="topbar">
                <span class="brand">"Reallot"</span>
                <nav class="nav">
                    {PAGES
                        .iter()
                        .map(|p| {
                            view! {
                                <a href=format!("/{}", p.id) data-testid=format!("nav-{}", p.id)>
                                    {label(p.label)}
                                </a>
                            }
                        })
                        .collect_view()}
                </nav>
            </header>
            <main class="content">
                <StorageAlerts state lang=Signal::derive(lang) />
                <Routes fallback=move || view! { <p>{label(Key::PageNotFound)}</p> }>
                    <Route path=path!("/") view=overview::OverviewPage />
                    <Route path=path!("/overview") view=overview::OverviewPage />
                    <Route path=path!("/data") view=data::DataPage />
                    <Route path=path!("/leads") view=charts::leads_page />
                    <Route path=path!("/customers") view=charts::customers_page />
                    <Route path=path!("/pool") view=charts::pool_page />
                    <Route path=path!("/simulator") view=simulator::SimulatorPage />
                    <Route path=path!("/rep") view=rep::RepPage />
                    <Route path=path!("/settings") view=settings::SettingsPage />
                </Routes>
            </main>
        </Router>
    }
}

/// Storage problems and interrupted imports, shown above every page until dismissed. User
/// strings (dataset names) are text nodes.
#[component]
fn StorageAlerts(
    state: crate::state::DatasetState,
    lang: Signal<crate::i18n::Lang>,
) -> impl IntoView {
    view! {
        {move || {
            let errors = state.errors.get();
            (!errors.is_empty())
                .then(|| {
                    view! {
                        <div class="alert error" role="alert" data-testid="storage-error">
                            <ul>{errors.into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}</ul>
                            <button on:click=move |_| state.errors.set(Vec::new())>{move || t(lang.get(), Key::Dismiss)}</button>
                        </div>
                    }
                })
        }}
        {move || {
            let names = state.interrupted.get();
            (!names.is_empty())
                .then(|| {
                    view! {
                        <div class="alert notice" role="status" data-testid="interrupted-import">
                            <span>{move || t(lang.get(), Key::ImportInterrupted)} " " {names.join(", ")}</span>
                            <button on:click=move |_| state.interrupted.set(Vec::new())>{move || t(lang.get(), Key::Dismiss)}</button>
                        </div>
                    }
                })
        }}
    }
}
