//! The global filter bar's state (date range, region, team, customer type): one signal in
//! context, kept in localStorage so it survives reloads, and mapped onto the core's
//! [`MeasureConfig`]/[`Scope`] that every analysis page measures under.

use crate::settings::Settings;
use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;
use reallot_core::Dataset;
use reallot_core::metrics::{Filter, MeasureConfig, Scope, Window};
use reallot_core::model::{CustomerType, Timestamp};
use serde::{Deserialize, Serialize};

const KEY: &str = "reallot.filters";

/// What the user chose; `None` = no restriction. Dates are `YYYY-MM-DD`, both ends included.
#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Filters {
    pub from: Option<String>,
    pub to: Option<String>,
    pub region: Option<String>,
    pub team: Option<String>,
    pub customer_type: Option<CustomerType>,
}

impl Filters {
    /// The measure definitions under these filters and the user's settings. An unreadable
    /// date leaves that end open.
    pub fn config(&self, settings: &Settings) -> MeasureConfig {
        let day = |d: &Option<String>| d.as_deref().and_then(Timestamp::parse);
        MeasureConfig {
            as_of: None,
            window: Window {
                from: day(&self.from),
                // The end day is included: the window ends at the next midnight.
                to: day(&self.to).map(|t| Timestamp(t.0 + 86_400)),
            },
            filter: Filter {
                regions: self.region.iter().cloned().collect(),
                teams: self.team.iter().cloned().collect(),
                customer_types: self.customer_type.into_iter().collect(),
                sources: Vec::new(),
            },
            sla_hours: f64::from(settings.sla_hours),
            margin: settings.margin,
        }
    }

    /// The scope the analysis pages measure `ds` under.
    pub fn scope(&self, ds: &Dataset, settings: &Settings) -> Scope {
        self.config(settings).scope(ds)
    }

    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

#[derive(Clone, Copy)]
pub struct FiltersState(pub RwSignal<Filters>);

pub fn provide_filters() {
    let s = RwSignal::new(LocalStorage::get::<Filters>(KEY).unwrap_or_default());
    Effect::new(move |_| {
        let _ = LocalStorage::set(KEY, s.get());
    });
    provide_context(FiltersState(s));
}

pub fn use_filters() -> RwSignal<Filters> {
    expect_context::<FiltersState>().0
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;
    use reallot_core::model::TableKind;

    fn dataset() -> Dataset {
        let mut ds = Dataset::new();
        let rep = |ds: &mut Dataset, id: &str, team: &str, region: &str| {
            let mut v = vec![""; TableKind::Reps.fields().len()];
            v[0] = id;
            v[2] = team;
            v[3] = region;
            assert!(ds.push_record(TableKind::Reps, &v).kept);
        };
        rep(&mut ds, "R1", "north-team", "华北");
        rep(&mut ds, "R2", "east-team", "华东");
        rep(&mut ds, "R3", "east-team", "");
        // One lead dated after the window, so that the default as-of does not cut it short.
        let fields = TableKind::Leads.fields();
        let mut v = vec![""; fields.len()];
        for (name, value) in [("lead_id", "L1"), ("created_at", "2024-03-01")] {
            if let Some(i) = fields.iter().position(|f| f.name == name) {
                v[i] = value;
            }
        }
        assert!(ds.push_record(TableKind::Leads, &v).kept);
        ds
    }

    #[test]
    fn maps_onto_the_cores_scope_with_the_end_day_included() {
        let ds = dataset();
        let f = Filters {
            from: Some("2024-01-01".into()),
            to: Some("2024-01-31".into()),
            region: Some("华东".into()),
            team: None,
            customer_type: Some(CustomerType::Ka),
        };
        let settings = Settings {
            sla_hours: 48,
            ..Settings::default()
        };
        let config = f.config(&settings);
        assert_eq!(config.window.from, Timestamp::parse("2024-01-01"));
        assert_eq!(config.window.to, Timestamp::parse("2024-02-01"));
        assert_eq!(config.filter.regions, vec!["华东"]);
        assert_eq!(config.sla_hours, 48.0);
        let scope = f.scope(&ds, &settings);
        assert!(scope.in_window(Timestamp::parse("2024-01-31 23:59").expect("date")));
        assert!(!scope.in_window(Timestamp::parse("2024-02-01").expect("date")));
        assert!(scope.keeps_type(Some(CustomerType::Ka)));
        assert!(!scope.keeps_type(Some(CustomerType::Small)));
        assert!(scope.regions.keeps(ds.names.get("华东")));
        assert!(!scope.regions.keeps(ds.names.get("华北")));
        assert!(scope.teams.is_all());
    }

    #[test]
    fn no_filter_is_no_restriction_and_stored_filters_round_trip() {
        let f = Filters::default();
        assert!(f.is_empty());
        let scope = f.scope(&dataset(), &Settings::default());
        assert!(scope.regions.is_all() && scope.teams.is_all() && scope.customer_types.is_empty());
        let g = Filters {
            region: Some("华东".into()),
            ..Filters::default()
        };
        let json = serde_json::to_string(&g).expect("json");
        assert_eq!(serde_json::from_str::<Filters>(&json).expect("back"), g);
    }
}
