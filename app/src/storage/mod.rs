//! Dataset persistence: what is stored and how, as plain data and functions (tested natively);
//! the IndexedDB glue is in [`idb`].
//!
//! Schema (database `reallot`, version [`SCHEMA_VERSION`]):
//! - `datasets`: one [`DatasetMeta`] per stored dataset (key path `id`);
//! - `blobs`: the dataset's [`reallot_core::codec`] bytes split into [`CHUNK_BYTES`] chunks,
//!   keyed `[id, chunk_index]`;
//! - `journal` (since version 2): one [`PendingImport`] per import under way (key path `id`);
//! - `scenarios` (since version 3): one [`crate::simulator::SavedScenario`] per saved
//!   Simulator scenario (key path `id`, its name).
//!
//! A dataset's meta and all its chunks are written in one transaction, so a dataset is either
//! wholly stored or not at all. An import writes its journal record before it starts and
//! removes it in the transaction that stores the dataset (or when it fails), so a record found
//! on the next visit is an import the closed tab cut short: nothing of it was stored, and the
//! app says so. The built-in demo dataset is never stored: it is rebuilt from
//! its seed by the core whenever no stored dataset is active, which costs no quota.

pub mod idb;

use crate::i18n::Lang;
use serde::{Deserialize, Serialize};

pub const DB_NAME: &str = "reallot";
pub const SCHEMA_VERSION: u32 = 3;
pub const DATASETS: &str = "datasets";
pub const BLOBS: &str = "blobs";
pub const JOURNAL: &str = "journal";
pub const SCENARIOS: &str = "scenarios";

/// Chunk size of stored dataset bytes: small enough that no single IndexedDB value is huge,
/// large enough that a million-row dataset is a handful of records.
pub const CHUNK_BYTES: usize = 4 << 20;

/// The id of the built-in demo dataset (never stored).
pub const DEMO_ID: &str = reallot_worker::protocol::DEMO_KEY;

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
    /// Version 2: create the `journal` store of imports under way.
    CreateJournal,
    /// Version 3: create the `scenarios` store of saved Simulator scenarios.
    CreateScenarios,
}

/// An import under way, as recorded in the journal.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct PendingImport {
    pub id: String,
    /// The dataset name the import was to store.
    pub name: String,
    /// Milliseconds since the Unix epoch, when the import started.
    pub started_ms: f64,
}

/// The migrations that take a database from `old` to [`SCHEMA_VERSION`], in order.
pub fn migrations(old: u32) -> Vec<Migration> {
    let mut steps = Vec::new();
    if old < 1 {
        steps.push(Migration::CreateStores);
    }
    if old < 2 {
        steps.push(Migration::CreateJournal);
    }
    if old < 3 {
        steps.push(Migration::CreateScenarios);
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
pub fn write_error_message(lang: Lang, dom_name: &str, detail: &str) -> String {
    match (lang, dom_name == "QuotaExceededError") {
        (Lang::En, true) => "storage is full: the dataset was not saved and the stored datasets are unchanged; delete a dataset or free disk space".to_owned(),
        (Lang::En, false) => format!(
            "could not save the dataset ({dom_name}: {detail}); the stored datasets are unchanged"
        ),
        (Lang::ZhCn, true) => "存储空间已满：数据集未保存，已存储的数据集不受影响；请删除一个数据集或释放磁盘空间".to_owned(),
        (Lang::ZhCn, false) => {
            format!("无法保存数据集（{dom_name}：{detail}）；已存储的数据集不受影响")
        }
    }
}

/// What the user is told of stored records that could not be read: they are kept (not
/// deleted), and everything else works.
pub fn unreadable_message(lang: Lang, count: usize) -> String {
    match (lang, count) {
        (Lang::En, 1) => "1 stored dataset record could not be read and is not listed; the other datasets are unaffected".to_owned(),
        (Lang::En, n) => format!("{n} stored dataset records could not be read and are not listed; the other datasets are unaffected"),
        (Lang::ZhCn, n) => format!("有 {n} 条已存储的数据集记录无法读取，未列出；其他数据集不受影响"),
    }
}

/// What the user is told when a stored dataset cannot be opened.
pub fn open_error_message(lang: Lang, name: &str, detail: &str) -> String {
    match lang {
        Lang::En => format!(
            "dataset \"{name}\" could not be opened: {detail}; the other datasets are unaffected — delete it, or restore it from a backup"
        ),
        Lang::ZhCn => {
            format!("数据集“{name}”无法打开：{detail}；其他数据集不受影响——请删除它，或从备份恢复")
        }
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn fresh_database_creates_stores_and_current_needs_nothing() {
        assert_eq!(
            migrations(0),
            vec![
                Migration::CreateStores,
                Migration::CreateJournal,
                Migration::CreateScenarios
            ]
        );
        assert_eq!(
            migrations(1),
            vec![Migration::CreateJournal, Migration::CreateScenarios]
        );
        // An older database keeps its stores: only the new one is added.
        assert_eq!(migrations(2), vec![Migration::CreateScenarios]);
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
    fn damage_messages_name_the_dataset_and_reassure() {
        assert_eq!(
            unreadable_message(Lang::En, 2),
            "2 stored dataset records could not be read and are not listed; the other datasets are unaffected"
        );
        assert!(unreadable_message(Lang::En, 1).starts_with("1 stored dataset record could"));
        assert_eq!(
            unreadable_message(Lang::ZhCn, 2),
            "有 2 条已存储的数据集记录无法读取，未列出；其他数据集不受影响"
        );
        let detail = "the dataset file is damaged (checksum mismatch)";
        let m = open_error_message(Lang::En, "q3", detail);
        assert!(m.starts_with("dataset \"q3\" could not be opened: the dataset file is damaged"));
        let zh = open_error_message(Lang::ZhCn, "q3", detail);
        assert!(
            zh.starts_with("数据集“q3”无法打开：") && zh.contains(detail),
            "{zh}"
        );
    }

    #[test]
    fn quota_errors_say_storage_is_full() {
        let en = |name| write_error_message(Lang::En, name, "boom");
        assert!(en("QuotaExceededError").starts_with("storage is full"));
        assert!(en("AbortError").contains("AbortError: boom"));
        let zh = |name| write_error_message(Lang::ZhCn, name, "boom");
        assert!(zh("QuotaExceededError").starts_with("存储空间已满"));
        assert_eq!(
            zh("AbortError"),
            "无法保存数据集（AbortError：boom）；已存储的数据集不受影响"
        );
    }
}
