//! Pages whose content later work fills: a titled page root, with the global filter bar on
//! the analysis pages.

use crate::components::filter_bar::FilterBar;
use crate::i18n::{Key, t};
use crate::settings::use_settings;
use leptos::prelude::*;

/// An empty page; `filtered` pages (analysis pages) show the global filter bar.
pub fn page(id: &'static str, title: Key, filtered: bool) -> impl IntoView {
    let settings = use_settings();
    view! {
        <section class="page" data-testid=format!("page-{id}")>
            <h1>{move || t(settings.with(|s| s.lang), title)}</h1>
            {filtered.then(|| view! { <FilterBar /> })}
        </section>
    }
}
