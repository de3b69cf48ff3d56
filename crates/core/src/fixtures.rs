//! Helpers for the hand-built datasets of the unit tests.

use crate::dataset::Dataset;
use crate::model::{TableKind, Timestamp};

/// A timestamp written as the importer reads it (the epoch when unreadable).
pub fn ts(s: &str) -> Timestamp {
    Timestamp::parse(s).unwrap_or(Timestamp(0))
}

/// Adds one record (canonical field order) that must import without any issue.
pub fn push(ds: &mut Dataset, kind: TableKind, values: &[&str]) {
    let out = ds.push_record(kind, values);
    assert!(out.issues.is_empty(), "{kind}: {:?}", out.issues);
}
