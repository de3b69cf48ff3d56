//! User settings (language, currency, definitions), kept in localStorage and provided in
//! context. Values are clamped to sane ranges so a hand-edited store cannot break a page.

use crate::i18n::Lang;
use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

const KEY: &str = "reallot.settings";

#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub lang: Lang,
    pub currency: String,
    /// First-response SLA (SPEC §3 default 24 h).
    pub sla_hours: u32,
    pub window_days: u32,
    pub horizon_days: u32,
    /// Gross margin as a fraction of revenue.
    pub margin: f64,
    pub discount_rate: f64,
    /// A customer is overdue after k × their own repurchase cycle (SPEC §3 default 1.5).
    pub overdue_factor: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            lang: Lang::En,
            currency: "¥".to_owned(),
            sla_hours: 24,
            window_days: 365,
            horizon_days: 365,
            margin: 0.3,
            discount_rate: 0.1,
            overdue_factor: 1.5,
        }
    }
}

impl Settings {
    /// Defaults for a first visit from a browser with language tag `tag`.
    pub fn for_browser(tag: &str) -> Self {
        Self {
            lang: Lang::from_tag(tag),
            ..Self::default()
        }
    }

    /// The same settings with every value in its allowed range.
    pub fn sanitized(mut self) -> Self {
        let d = Self::default();
        self.currency = self.currency.trim().chars().take(4).collect();
        if self.currency.is_empty() {
            self.currency = d.currency;
        }
        self.sla_hours = self.sla_hours.clamp(1, 24 * 30);
        self.window_days = self.window_days.clamp(7, 3650);
        self.horizon_days = self.horizon_days.clamp(30, 3650);
        let unit = |v: f64, def: f64| {
            if v.is_finite() {
                v.clamp(0.0, 1.0)
            } else {
                def
            }
        };
        self.margin = unit(self.margin, d.margin);
        self.discount_rate = unit(self.discount_rate, d.discount_rate);
        self.overdue_factor = if self.overdue_factor.is_finite() {
            self.overdue_factor.clamp(1.0, 10.0)
        } else {
            d.overdue_factor
        };
        self
    }
}

#[derive(Clone, Copy)]
pub struct SettingsState(pub RwSignal<Settings>);

/// The settings kept in localStorage, or the defaults for this browser on a first visit.
fn stored() -> Settings {
    let tag = web_sys::window()
        .and_then(|w| w.navigator().language())
        .unwrap_or_default();
    LocalStorage::get::<Settings>(KEY)
        .map(Settings::sanitized)
        .unwrap_or_else(|_| Settings::for_browser(&tag))
}

/// The chosen language, for messages made outside the reactive tree (after an `await`, where
/// the settings context is out of reach); the settings are saved on every change.
pub fn stored_lang() -> Lang {
    stored().lang
}

pub fn provide_settings() {
    let s = RwSignal::new(stored());
    Effect::new(move |_| {
        let _ = LocalStorage::set(KEY, s.get());
    });
    provide_context(SettingsState(s));
}

pub fn use_settings() -> RwSignal<Settings> {
    expect_context::<SettingsState>().0
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn browser_language_picks_the_default() {
        assert_eq!(Settings::for_browser("zh-CN").lang, Lang::ZhCn);
        assert_eq!(Settings::for_browser("de").lang, Lang::En);
    }

    #[test]
    fn out_of_range_values_are_clamped() {
        let s = Settings {
            currency: "  ".into(),
            sla_hours: 0,
            margin: 7.0,
            discount_rate: f64::NAN,
            overdue_factor: 0.2,
            ..Settings::default()
        }
        .sanitized();
        assert_eq!(s.currency, "¥");
        assert_eq!(s.sla_hours, 1);
        assert_eq!(s.margin, 1.0);
        assert_eq!(s.discount_rate, 0.1);
        assert_eq!(s.overdue_factor, 1.0);
    }

    #[test]
    fn partial_stored_settings_fill_in_defaults() {
        let s: Settings = serde_json::from_str(r#"{"lang":"zh-CN","sla_hours":48}"#).expect("json");
        assert_eq!(
            (s.lang, s.sla_hours, s.currency.as_str()),
            (Lang::ZhCn, 48, "¥")
        );
    }
}
