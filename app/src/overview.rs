//! What the Overview page shows, as plain data computed from a dataset. Its KPI numbers are
//! computed in the worker ([`reallot_worker::jobs::Session::overview`]).

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
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;
    use crate::filters::Filters;
    use crate::settings::Settings;
    use reallot_worker::jobs::Session;

    #[test]
    fn the_workers_kpis_obey_the_region_filter() {
        let mut ds = Dataset::new();
        let fields = TableKind::Leads.fields();
        let col = |name: &str| fields.iter().position(|f| f.name == name).expect("field");
        for (id, region, stage) in [
            ("L1", "east", "won"),
            ("L2", "east", "lost"),
            ("L3", "west", "won"),
        ] {
            let mut v = vec![""; fields.len()];
            v[col("lead_id")] = id;
            v[col("created_at")] = "2024-01-02";
            v[col("region")] = region;
            v[col("assigned_rep_id")] = "R1";
            v[col("assigned_at")] = "2024-01-02";
            v[col("stage")] = stage;
            v[col("won_at")] = if stage == "won" { "2024-01-05" } else { "" };
            v[col("lost_at")] = if stage == "lost" { "2024-01-05" } else { "" };
            assert!(ds.push_record(TableKind::Leads, &v).kept);
        }
        let settings = Settings::default();
        let mut session = Session::default();
        session.hold("t", ds);
        let all = session
            .overview("t", &Filters::default().config(&settings), 365)
            .expect("measured");
        assert_eq!((all.leads, all.assigned, all.won), (3, 3, 2));
        assert_eq!((all.revenue, all.expected_alive), (0, None), "no orders");
        let east = Filters {
            region: Some("east".into()),
            ..Filters::default()
        };
        let east = session
            .overview("t", &east.config(&settings), 365)
            .expect("measured");
        assert_eq!((east.leads, east.assigned, east.won), (2, 2, 1));
        assert_eq!(east.conversion(), Some(0.5));
    }

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
