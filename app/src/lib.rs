//! `reallot-app`: the Leptos client-side app. The only crate that knows the browser; all
//! domain work is done by `reallot-core`, and anything that decides over domain data is a
//! plain function tested natively.

pub mod components;
pub mod datasets;
pub mod download;
pub mod filters;
pub mod i18n;
pub mod import;
pub mod mappings;
pub mod messages;
pub mod overview;
pub mod repview;
pub mod routes;
pub mod settings;
pub mod simulator;
pub mod state;
pub mod storage;
pub mod worker;

pub use routes::App;
