//! Pages whose content later work fills (the Simulator): a titled page root.

use crate::i18n::{Key, t};
use crate::settings::use_settings;
use leptos::prelude::*;

/// An empty page titled `title`.
pub fn page(id: &'static str, title: Key) -> impl IntoView {
    let settings = use_settings();
    view! {
        <section class="page" data-testid=format!("page-{id}")>
            <h1>{move || t(settings.with(|s| s.lang), title)}</h1>
        </section>
    }
}
