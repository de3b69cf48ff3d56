//! The app shell: navigation bar and the page routes of SPEC §6.

use crate::state::provide_dataset;
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

mod data;
mod overview;
mod placeholder;

/// A page of the app: its route segment (also its test id) and its label.
pub struct PageInfo {
    pub id: &'static str,
    pub label: &'static str,
}

pub const PAGES: &[PageInfo] = &[
    PageInfo {
        id: "overview",
        label: "Overview",
    },
    PageInfo {
        id: "data",
        label: "Data",
    },
    PageInfo {
        id: "leads",
        label: "Leads",
    },
    PageInfo {
        id: "customers",
        label: "Customers",
    },
    PageInfo {
        id: "pool",
        label: "Pool",
    },
    PageInfo {
        id: "simulator",
        label: "Simulator",
    },
    PageInfo {
        id: "rep",
        label: "Rep view",
    },
    PageInfo {
        id: "settings",
        label: "Settings",
    },
];

#[component]
pub fn App() -> impl IntoView {
    provide_dataset();
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
                                    {p.label}
                                </a>
                            }
                        })
                        .collect_view()}
                </nav>
            </header>
            <main class="content">
                <Routes fallback=|| view! { <p>"Page not found."</p> }>
                    <Route path=path!("/") view=overview::OverviewPage />
                    <Route path=path!("/overview") view=overview::OverviewPage />
                    <Route path=path!("/data") view=data::DataPage />
                    <Route path=path!("/leads") view=|| placeholder::page("leads", "Leads") />
                    <Route path=path!("/customers") view=|| placeholder::page("customers", "Customers") />
                    <Route path=path!("/pool") view=|| placeholder::page("pool", "Pool") />
                    <Route path=path!("/simulator") view=|| placeholder::page("simulator", "Simulator") />
                    <Route path=path!("/rep") view=|| placeholder::page("rep", "Rep view") />
                    <Route path=path!("/settings") view=|| placeholder::page("settings", "Settings") />
                </Routes>
            </main>
        </Router>
    }
}
