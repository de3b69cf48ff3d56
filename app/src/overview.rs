//! What the Overview page shows, as plain data computed from a dataset.

use reallot_core::Dataset;
use reallot_core::model::TableKind;

/// One row of the table-sizes card: the canonical table name and its row count.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct TableSizeRow {
    pub table: &'static str,
    pub rows: usize,
}

pub fn table_sizes(ds: &Dataset) -> Vec<TableSizeRow> {
    let sizes = ds.sizes();
    TableKind::ALL
        .iter()
        .map(|k| TableSizeRow {
            table: k.as_str(),
            rows: sizes.get(*k),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_every_table_with_its_rows() {
        let mut ds = Dataset::new();
        ds.push_record(TableKind::Reps, &["R1"]);
        ds.push_record(TableKind::Reps, &["R2"]);
        let rows = table_sizes(&ds);
        assert_eq!(rows.len(), 8);
        assert_eq!(
            rows[0],
            TableSizeRow {
                table: "reps",
                rows: 2
            }
        );
        assert!(rows[1..].iter().all(|r| r.rows == 0));
    }
}
