//! Settings page: language, currency and definitions (kept in localStorage), and storage use.

use crate::datasets::format_bytes;
use crate::i18n::{Key, Lang, t};
use crate::settings::{Settings, use_settings};
use crate::state::use_dataset;
use leptos::prelude::*;

/// A numeric input bound to one settings field; the stored value is sanitized on change.
fn number_field(
    key: Key,
    id: &'static str,
    step: &'static str,
    get: fn(&Settings) -> f64,
    set: fn(&mut Settings, f64),
) -> impl IntoView {
    let settings = use_settings();
    view! {
        <label class="row">
            {move || t(settings.with(|s| s.lang), key)}
            <input
                type="number"
                step=step
                data-testid=format!("setting-{id}")
                prop:value=move || settings.with(get).to_string()
                on:change=move |ev| {
                    if let Ok(v) = event_target_value(&ev).trim().parse::<f64>() {
                        settings.update(|s| {
                            set(s, v);
                            *s = s.clone().sanitized();
                        });
                    }
                }
            />
        </label>
    }
}

#[component]
pub fn SettingsPage() -> impl IntoView {
    let settings = use_settings();
    let data = use_dataset();
    let lang = move || settings.with(|s| s.lang);
    view! {
        <section class="page" data-testid="page-settings">
            <h1>{move || t(lang(), Key::Settings)}</h1>
            <div class="card">
                <label class="row">
                    {move || t(lang(), Key::Language)}
                    <select
                        data-testid="setting-language"
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            settings.update(|s| s.lang = Lang::from_tag(&v));
                        }
                    >
                        {Lang::ALL
                            .into_iter()
                            .map(|l| {
                                view! {
                                    <option value=l.tag() selected=move || lang() == l>
                                        {l.native_name()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
                <label class="row">
                    {move || t(lang(), Key::Currency)}
                    <input
                        type="text"
                        data-testid="setting-currency"
                        prop:value=move || settings.with(|s| s.currency.clone())
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            settings.update(|s| {
                                s.currency = v;
                                *s = s.clone().sanitized();
                            });
                        }
                    />
                </label>
                {number_field(Key::SlaHours, "sla", "1", |s| f64::from(s.sla_hours), |s, v| s.sla_hours = v as u32)}
                {number_field(Key::WindowDays, "window", "1", |s| f64::from(s.window_days), |s, v| s.window_days = v as u32)}
                {number_field(Key::HorizonDays, "horizon", "1", |s| f64::from(s.horizon_days), |s, v| s.horizon_days = v as u32)}
                {number_field(Key::Margin, "margin", "0.01", |s| s.margin, |s, v| s.margin = v)}
                {number_field(Key::DiscountRate, "discount", "0.01", |s| s.discount_rate, |s, v| s.discount_rate = v)}
                {number_field(Key::OverdueFactor, "overdue", "0.1", |s| s.overdue_factor, |s, v| s.overdue_factor = v)}
            </div>
            <div class="card">
                <h2>{move || t(lang(), Key::Storage)}</h2>
                <p data-testid="settings-storage">
                    {move || match data.estimate.get() {
                        Some((used, quota)) => format!("{} / {}", format_bytes(used), format_bytes(quota)),
                        None => "—".to_owned(),
                    }}
                    {move || match data.persisted.get() {
                        Some(true) => format!(" · {}", t(lang(), Key::Persistent)),
                        Some(false) => format!(" · {}", t(lang(), Key::BestEffortShort)),
                        None => String::new(),
                    }}
                </p>
            </div>
        </section>
    }
}
