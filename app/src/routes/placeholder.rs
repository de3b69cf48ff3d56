//! Pages whose content later work fills: a titled, empty page root.

use leptos::prelude::*;

pub fn page(id: &'static str, title: &'static str) -> impl IntoView {
    view! {
        <section class="page" data-testid=format!("page-{id}")>
            <h1>{title}</h1>
        </section>
    }
}
