//! Overview page: the dataset at a glance.

use crate::overview::table_sizes;
use crate::state::use_dataset;
use leptos::prelude::*;

#[component]
pub fn OverviewPage() -> impl IntoView {
    let state = use_dataset();
    let rows = move || table_sizes(&state.dataset.get());
    view! {
        <section class="page" data-testid="page-overview">
            <h1>"Overview"</h1>
            <p class="muted">"Dataset: " {move || state.name.get()}</p>
            <div class="card">
                <h2>"Tables"</h2>
                <table class="table" data-testid="table-sizes">
                    <thead>
                        <tr>
                            <th>"Table"</th>
                            <th class="num">"Rows"</th>
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
                                            <td class="num">{r.rows}</td>
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
