//! Dataset persistence: what is stored and how, as plain data and functions (tested natively);
//! the IndexedDB glue is in [`idb`].
//!
//! Schema (database `reallot`, version [`SCHEMA_VERSION`]):
//! - `datasets`: one [`DatasetMeta`] per stored dataset (key path `id`);
//! - `blobs`: the dataset's [`reallot_core::codec`] bytes split into [`CHUNK_BYTES`] chunks,
//!   keyed `[id, chunk_index]`.
//!
//! A dataset's meta and all its chunks are written in one transaction, so a dataset is either
//! wholly stored or not at all. The built-in demo dataset is never stored: it is rebuilt from
//! its seed by the core whenever no stored dataset is active, which costs no quota.

pub mod idb;

use serde::{Deserialize, Serialize};

pub const DB_NAME: &str = "reallot";
pub const SCHEMA_VERSION: u32 = 1;
pub const DATASETS: &str = "datasets";
pub const BLOBS: &str = "blobs";

/// Chunk size of stored dataset bytes: small enough that no single IndexedDB value is huge,
/// large enough that a million-row dataset is a handful of records.
pub const CHUNK_BYTES: usize = 4 << 20;

/// The id of the built-in demo dataset (never stored).
pub const DEMO_ID: &str = "demo";

/// What the datasets list shows of a stored dataset.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct DatasetMeta {
    pub id: String,
    pub name: String,
    /// Milliseconds since the Unix epoch, when it was imported or restored.
    pub created_ms: f64,
    /// Encoded size in bytes.
    pub bytes: usize,
    pub chunks: usize,
    /// The codec format version of the stored bytes.
    pub format: u32,
    /// Rows over all tables.
    pub rows: usize,
}

/// One schema migration, applied in `onupgradeneeded` when the stored version is older.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Migration {
    /// Version 1: create the `datasets` and `blobs` stores.
    CreateStores,
}

/// The migrations that take a database from `old` to [`SCHEMA_VERSION`], in order.
pub fn migrations(old: u32) -> Vec<Migration> {
    let mut steps = Vec::new();
    if old < 1 {
        steps.push(Migration::CreateStores);
    }
    steps
}

/// Splits encoded bytes into the stored chunks (at least one, so an empty payload round-trips).
pub fn chunks(bytes: &[u8]) -> Vec<&[u8]> {
    if bytes.is_empty() {
        return vec![bytes];
    }
    bytes.chunks(CHUNK_BYTES).collect()
}

/// A new dataset id from the clock and a random number, unique across tabs.
pub fn dataset_id(now_ms: f64, random: f64) -> String {
    format!(
        "ds-{:x}-{:06x}",
        now_ms as u64,
        (random * 16_777_216.0) as u32
    )
}

/// A user-facing message for a failed write: a full quota is named as such.
pub fn write_error_message(dom_name: &str, detail: &str) -> String {
    if dom_name == "QuotaExceededError" {
        "storage is full: the dataset was not saved and the stored datasets are unchanged; delete a dataset or free disk space".to_owned()
    } else {
        format!(
            "could not save the dataset ({dom_name}: {detail}); the stored datasets are unchanged"
        )
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn fresh_database_creates_stores_and_current_needs_nothing() {
        assert_eq!(migrations(0), vec![Migration::CreateStores]);
        assert!(migrations(SCHEMA_VERSION).is_empty());
    }

    #[test]
    fn chunking_covers_every_byte_once() {
        let bytes = vec![7u8; CHUNK_BYTES * 2 + 3];
        let parts = chunks(&bytes);
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[2].len(), 3);
        assert_eq!(parts.concat(), bytes);
        assert_eq!(chunks(&[]).len(), 1);
    }

    #[test]
    fn ids_are_distinct_for_distinct_draws() {
        assert_eq!(dataset_id(255.0, 0.5), "ds-ff-800000");
        assert_ne!(dataset_id(1.0, 0.1), dataset_id(1.0, 0.2));
    }

    #[test]
    fn quota_errors_say_storage_is_full() {
        assert!(write_error_message("QuotaExceededError", "x").starts_with("storage is full"));
        assert!(write_error_message("AbortError", "boom").contains("AbortError: boom"));
    }
}
