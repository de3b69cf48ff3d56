//! `reallot-worker`: the jobs the app runs in its Web Worker, the messages that carry them, and
//! how those messages cross `postMessage`. The jobs are plain functions over the core, tested
//! natively; the worker binary (`main.rs`) is thin glue, and no part of this crate knows Leptos.

pub mod jobs;
pub mod overview;
pub mod protocol;
pub mod summary;
pub mod wire;
