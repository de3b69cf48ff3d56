//! Data page: which dataset is loaded.

use crate::state::use_dataset;
use leptos::prelude::*;

#[component]
pub fn DataPage() -> impl IntoView {
    let state = use_dataset();
    view! {
        <section class="page" data-testid="page-data">
            <h1>"Data"</h1>
            <p>"Current dataset: " {move || state.name.get()}</p>
        </section>
    }
}
