//! `reallot-core`: everything Reallot computes, as pure functions of bytes, tables, `now` and
//! seeds. It never does I/O, never reads a clock and never draws entropy, so the same code runs
//! natively in the `reallot` CLI and as WebAssembly in the browser app, with the same results.

pub mod assign;
pub mod clv;
pub mod codec;
pub mod customers;
pub mod dataset;
pub mod demo;
pub mod engine;
pub mod import;
pub mod metrics;
pub mod model;
pub mod quality;
pub mod reclaim;
pub mod repview;
pub mod score;
pub mod sim;
pub mod stats;
pub mod write;

#[cfg(test)]
mod fixtures;

pub use dataset::Dataset;
