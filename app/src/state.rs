//! App-wide state in context: the loaded dataset (the built-in demo on first visit).

use leptos::prelude::*;
use reallot_core::Dataset;
use reallot_core::demo::{DemoConfig, Scale, demo_dataset};
use std::sync::Arc;

/// The seed of the built-in demo dataset, so every visitor sees the same demo organisation.
pub const DEMO_SEED: u64 = 42;

/// The dataset every page reads.
#[derive(Clone)]
pub struct DatasetState {
    pub name: RwSignal<String>,
    pub dataset: RwSignal<Arc<Dataset>>,
}

/// Builds the demo dataset with the same core that runs natively.
pub fn demo() -> Dataset {
    demo_dataset(&DemoConfig {
        scale: Scale::S,
        seed: DEMO_SEED,
    })
}

pub fn provide_dataset() {
    provide_context(DatasetState {
        name: RwSignal::new("demo".to_owned()),
        dataset: RwSignal::new(Arc::new(demo())),
    });
}

pub fn use_dataset() -> DatasetState {
    expect_context::<DatasetState>()
}
