//! The app shell: navigation bar and the page routes of SPEC §6.

use crate::filters::provide_filters;
use crate::i18n::{Key, t};
use crate::settings::{provide_settings, use_settings};
use crate::state::provide_dataset;
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

mod data;
mod overview;
mod placeholder;
mod settings;

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
                <Routes fallback=move || view! { <p>{label(Key::PageNotFound)}</p> }>
                    <Route path=path!("/") view=overview::OverviewPage />
                    <Route path=path!("/overview") view=overview::OverviewPage />
                    <Route path=path!("/data") view=data::DataPage />
                    <Route path=path!("/leads") view=|| placeholder::page("leads", Key::Leads, true) />
                    <Route path=path!("/customers") view=|| placeholder::page("customers", Key::Customers, true) />
                    <Route path=path!("/pool") view=|| placeholder::page("pool", Key::Pool, true) />
                    <Route path=path!("/simulator") view=|| placeholder::page("simulator", Key::Simulator, false) />
                    <Route path=path!("/rep") view=|| placeholder::page("rep", Key::RepView, false) />
                    <Route path=path!("/settings") view=settings::SettingsPage />
                </Routes>
            </main>
        </Router>
    }
}
