//! Findings: what import and the quality check noticed, each with an exact count and a capped
//! list of located examples, serialisable for the CLI's JSON and the app.

use crate::model::TableKind;
use serde::{Deserialize, Serialize};

/// Examples kept per finding; the count stays exact.
pub const MAX_EXAMPLES: usize = 20;

/// Characters of a value or header shown in a finding or message; longer ones are cut, so a
/// 50 MB cell cannot turn a report into 50 MB.
pub const MAX_SHOWN_CHARS: usize = 200;

/// `s` cut to [`MAX_SHOWN_CHARS`] characters, marked with `…` and its full length when cut.
pub fn clip(s: &str) -> String {
    match s.char_indices().nth(MAX_SHOWN_CHARS) {
        Some((cut, _)) => format!("{}… ({} bytes)", &s[..cut], s.len()),
        None => s.to_owned(),
    }
}

/// What kind of problem a finding is.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// Not valid UTF-8, decoded with a fallback encoding.
    EncodingFallback,
    /// Rows above the header (titles, notes) skipped.
    TitleRowsSkipped,
    /// Empty lines or rows skipped.
    BlankRows,
    /// A quoted field never closed; its line was re-read without quoting.
    UnclosedQuote,
    /// A row with more or fewer cells than the header.
    RaggedRow,
    /// A JSON line that is not an object.
    BadJsonLine,
    /// A header repeated in the same file: only one of its columns can be mapped.
    DuplicateHeader,
    /// The file is named for one table but its columns fit another.
    TableMismatch,
    /// A source column mapped to no field.
    UnmappedColumn,
    /// A required field with no column.
    MissingColumn,
    /// A required field empty in a row: the row is dropped.
    MissingRequired,
    /// A value that does not parse: the row is dropped (required field) or the cell left empty.
    Unparsable,
    /// Rows not stored.
    DroppedRows,
    /// Rows stored with some cells left empty.
    AlteredRows,
    /// The same id on several rows.
    DuplicateId,
    /// A date after the as-of date.
    FutureDate,
    /// Events in an impossible order (won before created …).
    EventOrder,
    /// A reference to an id absent from its table.
    OrphanReference,
    /// A money amount below zero (a return, a credit note or a sign error).
    NegativeAmount,
}

/// One located example of a finding.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Example {
    /// 1-based row in the source file (or in the table, for cross-table checks).
    pub row: usize,
    /// The raw value, or the row's id.
    pub value: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// A problem and how often it happened.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Finding {
    pub kind: FindingKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table: Option<TableKind>,
    /// The source header or canonical field concerned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    pub count: usize,
    /// What the finding means, in a sentence.
    pub message: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<Example>,
}

/// Accumulates findings keyed by kind, table and column.
#[derive(Clone, Debug, Default)]
pub struct Findings {
    list: Vec<Finding>,
}

impl Findings {
    pub fn new() -> Self {
        Self::default()
    }

    /// Counts one occurrence (with an example, kept while under the cap).
    pub fn add(
        &mut self,
        kind: FindingKind,
        table: Option<TableKind>,
        column: Option<&str>,
        message: impl FnOnce() -> String,
        example: Option<Example>,
    ) {
        self.add_n(kind, table, column, 1, message, example);
    }

    /// Counts `n` occurrences at once.
    pub fn add_n(
        &mut self,
        kind: FindingKind,
        table: Option<TableKind>,
        column: Option<&str>,
        n: usize,
        message: impl FnOnce() -> String,
        example: Option<Example>,
    ) {
        let pos = self
            .list
            .iter()
            .position(|f| f.kind == kind && f.table == table && f.column.as_deref() == column);
        let f = match pos.and_then(|p| self.list.get_mut(p)) {
            Some(f) => f,
            None => {
                self.list.push(Finding {
                    kind,
                    table,
                    column: column.map(str::to_owned),
                    count: 0,
                    message: message(),
                    examples: Vec::new(),
                });
                match self.list.last_mut() {
                    Some(f) => f,
                    None => return,
                }
            }
        };
        f.count += n;
        if let Some(mut e) = example
            && f.examples.len() < MAX_EXAMPLES
        {
            if e.value.len() > MAX_SHOWN_CHARS {
                e.value = clip(&e.value);
            }
            f.examples.push(e);
        }
    }

    pub fn count(&self, kind: FindingKind) -> usize {
        self.list
            .iter()
            .filter(|f| f.kind == kind)
            .map(|f| f.count)
            .sum()
    }

    pub fn into_vec(self) -> Vec<Finding> {
        self.list
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn counts_exactly_and_caps_examples() {
        let mut f = Findings::new();
        for row in 0..30 {
            f.add(
                FindingKind::Unparsable,
                Some(TableKind::Orders),
                Some("金额"),
                || "bad amount".into(),
                Some(Example {
                    row,
                    value: "x".into(),
                    detail: None,
                }),
            );
        }
        f.add(
            FindingKind::Unparsable,
            Some(TableKind::Orders),
            Some("日期"),
            || "bad date".into(),
            None,
        );
        assert_eq!(f.count(FindingKind::Unparsable), 31);
        let v = f.into_vec();
        assert_eq!(v.len(), 2);
        assert_eq!((v[0].count, v[0].examples.len()), (30, MAX_EXAMPLES));
        assert_eq!(v[1].message, "bad date");
    }
}
