//! Column mappings remembered per file shape: after an import, every mapping the user edited
//! (or accepted from memory) is kept in localStorage under a hash of the file's normalised
//! header row, and the next file with the same header gets it applied automatically.

use gloo_storage::{LocalStorage, Storage};
use reallot_core::import::Mapping;
use reallot_worker::protocol::FileInfo;
use std::collections::BTreeMap;

const KEY: &str = "reallot.mappings";

/// Remembered mappings by [`shape_key`].
pub type Remembered = BTreeMap<String, Mapping>;

/// The key of a file shape: FNV-1a (64-bit) of its normalised header signature, in hex, so
/// long headers do not bloat the store.
pub fn shape_key(shape: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in shape.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// The remembered mapping for a read file, if one was kept for its shape and fits its columns
/// (sources are the file's own headers).
pub fn recall(store: &Remembered, info: &FileInfo) -> Option<Mapping> {
    let mut m = store.get(&shape_key(&info.shape))?.clone();
    if m.columns.len() != info.headers.len() {
        return None;
    }
    for (c, h) in m.columns.iter_mut().zip(&info.headers) {
        c.source.clone_from(h);
    }
    Some(m)
}

/// Keeps `mapping` for files of `shape`.
pub fn keep(store: &mut Remembered, shape: &str, mapping: &Mapping) {
    store.insert(shape_key(shape), mapping.clone());
}

pub fn load() -> Remembered {
    LocalStorage::get(KEY).unwrap_or_default()
}

pub fn save(store: &Remembered) {
    // A full localStorage only loses the convenience, never data.
    let _ = LocalStorage::set(KEY, store);
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;
    use reallot_core::import::ReadOptions;
    use reallot_worker::jobs::read;

    fn info(text: &str) -> FileInfo {
        read("f.csv", text.as_bytes(), &ReadOptions::default()).expect("reads")
    }

    #[test]
    fn a_kept_mapping_is_recalled_for_the_same_header_only() {
        let first = info("order_id,customer_id,order_date,amount,x\nO1,C1,2024-01-02,10,A\n");
        let mut m = first.mapping.clone().expect("mapped");
        assert!(m.set(4, Some("category")));
        let mut store = Remembered::new();
        keep(&mut store, &first.shape, &m);
        // Same header (normalised: case and spacing differ), other rows.
        let same = info("Order_ID,customer_id,order_date,amount,X\nO9,C9,2025-01-02,99,B\n");
        let got = recall(&store, &same).expect("recalled");
        assert_eq!(got.columns[4].field.as_deref(), Some("category"));
        assert_eq!(got.columns[0].source, "Order_ID");
        let other = info("order_id,customer_id,order_date,amount\nO1,C1,2024-01-02,10\n");
        assert_eq!(recall(&store, &other), None);
        assert_eq!(shape_key(""), "cbf29ce484222325");
    }
}
