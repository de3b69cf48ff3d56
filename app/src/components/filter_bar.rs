//! The global filter bar on the analysis pages: date range, region, team and customer type,
//! bound to the shared [`Filters`] signal. The values offered come from the active dataset.

use crate::filters::{Filters, use_filters};
use crate::i18n::{Key, t};
use crate::settings::use_settings;
use crate::state::use_dataset;
use leptos::prelude::*;
use reallot_core::model::CustomerType;

fn non_empty(v: String) -> Option<String> {
    let v = v.trim();
    (!v.is_empty()).then(|| v.to_owned())
}

/// A select over `values` (plus "all") bound to one optional filter field.
fn choice(
    testid: &'static str,
    label: Key,
    values: Signal<Vec<String>>,
    get: fn(&Filters) -> Option<String>,
    set: fn(&mut Filters, Option<String>),
) -> impl IntoView {
    let filters = use_filters();
    let settings = use_settings();
    let lang = move || settings.with(|s| s.lang);
    view! {
        <label>
            {move || t(lang(), label)}
            " "
            <select
                data-testid=testid
                on:change=move |ev| filters.update(|f| set(f, non_empty(event_target_value(&ev))))
            >
                <option value="" prop:selected=move || filters.with(get).is_none()>
                    {move || t(lang(), Key::AllValues)}
                </option>
                {move || {
                    values
                        .get()
                        .into_iter()
                        .map(|v| {
                            let current = v.clone();
                            let value = v.clone();
                            view! {
                                <option
                                    value=value
                                    prop:selected=move || {
                                        filters.with(get).as_deref() == Some(current.as_str())
                                    }
                                >
                                    {v}
                                </option>
                            }
                        })
                        .collect_view()
                }}
            </select>
        </label>
    }
}

#[component]
pub fn FilterBar() -> impl IntoView {
    let filters = use_filters();
    let settings = use_settings();
    let state = use_dataset();
    let lang = move || settings.with(|s| s.lang);
    let regions = Signal::derive(move || state.summarised(|s| s.regions.clone()));
    let teams = Signal::derive(move || state.summarised(|s| s.teams.clone()));
    let types = Signal::derive(|| {
        CustomerType::ALL
            .iter()
            .map(|c| c.as_str().to_owned())
            .collect()
    });
    view! {
        <div class="filterbar row" data-testid="filter-bar">
            <label>
                {move || t(lang(), Key::FilterFrom)}
                " "
                <input
                    type="date"
                    data-testid="filter-from"
                    prop:value=move || filters.with(|f| f.from.clone().unwrap_or_default())
                    on:change=move |ev| filters.update(|f| f.from = non_empty(event_target_value(&ev)))
                />
            </label>
            <label>
                {move || t(lang(), Key::FilterTo)}
                " "
                <input
                    type="date"
                    data-testid="filter-to"
                    prop:value=move || filters.with(|f| f.to.clone().unwrap_or_default())
                    on:change=move |ev| filters.update(|f| f.to = non_empty(event_target_value(&ev)))
                />
            </label>
            {choice("filter-region", Key::Region, regions, |f| f.region.clone(), |f, v| f.region = v)}
            {choice("filter-team", Key::Team, teams, |f| f.team.clone(), |f, v| f.team = v)}
            {choice(
                "filter-type",
                Key::CustomerType,
                types,
                |f| f.customer_type.map(|c| c.as_str().to_owned()),
                |f, v| f.customer_type = v.as_deref().and_then(CustomerType::parse),
            )}
            <button data-testid="filter-reset" on:click=move |_| filters.set(Filters::default())>
                {move || t(lang(), Key::ResetFilters)}
            </button>
        </div>
    }
}
