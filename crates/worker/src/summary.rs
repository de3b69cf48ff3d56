//! What the page shows of the open dataset without holding a copy of it: rows per table, the
//! filter bar's choices and the simulator's territories, computed where the dataset lives.

use reallot_core::Dataset;
use reallot_core::assign::Territory;
use reallot_core::model::{Sym, TableKind};
use serde::{Deserialize, Serialize};

/// The page's view of the dataset the worker holds (see [`crate::protocol::Reply::Opened`]).
#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
pub struct DatasetSummary {
    /// Rows per table, in [`TableKind::ALL`] order.
    pub sizes: Vec<(TableKind, usize)>,
    /// Regions of reps, customers and leads, sorted.
    pub regions: Vec<String>,
    /// Teams of reps, sorted.
    pub teams: Vec<String>,
    /// Each region's team for the territory strategy.
    pub territories: Vec<Territory>,
}

impl DatasetSummary {
    pub fn of(ds: &Dataset) -> Self {
        let sizes = ds.sizes();
        let names = |syms: &mut dyn Iterator<Item = Sym>| {
            let mut v: Vec<String> = syms.map(|s| ds.name(s).to_owned()).collect();
            v.sort();
            v.dedup();
            v
        };
        let regions = ds
            .reps
            .iter()
            .filter_map(|r| r.region)
            .chain(ds.customers.iter().filter_map(|c| c.region))
            .chain(ds.leads.iter().filter_map(|l| l.region));
        Self {
            sizes: TableKind::ALL.iter().map(|k| (*k, sizes.get(*k))).collect(),
            regions: names(&mut { regions }),
            teams: names(&mut ds.reps.iter().filter_map(|r| r.team)),
            territories: territories(ds),
        }
    }

    /// Rows over all tables.
    pub fn rows(&self) -> usize {
        self.sizes.iter().map(|(_, n)| n).sum()
    }
}

/// Each region's team for the territory strategy: the team most of the region's reps are in
/// (ties to the team named first), regions in the order their reps appear.
pub fn territories(ds: &Dataset) -> Vec<Territory> {
    let mut counts: Vec<(String, Vec<(String, usize)>)> = Vec::new();
    for r in &ds.reps {
        let (Some(region), Some(team)) = (r.region, r.team) else {
            continue;
        };
        let (region, team) = (ds.name(region), ds.name(team));
        let i = match counts.iter().position(|(g, _)| g == region) {
            Some(i) => i,
            None => {
                counts.push((region.to_owned(), Vec::new()));
                counts.len() - 1
            }
        };
        if let Some((_, teams)) = counts.get_mut(i) {
            match teams.iter_mut().find(|(n, _)| n == team) {
                Some((_, c)) => *c += 1,
                None => teams.push((team.to_owned(), 1)),
            }
        }
    }
    counts
        .into_iter()
        .filter_map(|(region, teams)| {
            // max_by_key keeps the last of equal maxima; reversing keeps the first named.
            let (team, _) = teams.into_iter().rev().max_by_key(|(_, c)| *c)?;
            Some(Territory { region, team })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    fn reps(rows: &[(&str, &str, &str)]) -> Dataset {
        let mut ds = Dataset::new();
        let fields = TableKind::Reps.fields();
        for (id, team, region) in rows {
            let mut rec = vec![""; fields.len()];
            for (name, v) in [("rep_id", *id), ("team", *team), ("region", *region)] {
                if let Some(i) = fields.iter().position(|f| f.name == name) {
                    rec[i] = v;
                }
            }
            assert!(ds.push_record(TableKind::Reps, &rec).kept);
        }
        ds
    }

    #[test]
    fn territories_give_each_region_its_main_team() {
        let ds = reps(&[
            ("R1", "east-a", "east"),
            ("R2", "east-b", "east"),
            ("R3", "east-b", "east"),
            ("R4", "west-a", "west"),
            ("R5", "west-b", "west"),
            ("R6", "", "north"),
        ]);
        let got: Vec<(String, String)> = territories(&ds)
            .into_iter()
            .map(|t| (t.region, t.team))
            .collect();
        assert_eq!(
            got,
            vec![
                ("east".into(), "east-b".into()),
                ("west".into(), "west-a".into())
            ]
        );
    }

    #[test]
    fn offers_the_datasets_regions_and_teams_and_counts_its_rows() {
        let mut ds = reps(&[
            ("R1", "north-team", "华北"),
            ("R2", "east-team", "华东"),
            ("R3", "east-team", ""),
        ]);
        let fields = TableKind::Leads.fields();
        let mut v = vec![""; fields.len()];
        for (name, value) in [
            ("lead_id", "L1"),
            ("created_at", "2024-03-01"),
            ("region", "西南"),
        ] {
            if let Some(i) = fields.iter().position(|f| f.name == name) {
                v[i] = value;
            }
        }
        assert!(ds.push_record(TableKind::Leads, &v).kept);
        let s = DatasetSummary::of(&ds);
        assert_eq!(s.regions, vec!["华东", "华北", "西南"]);
        assert_eq!(s.teams, vec!["east-team", "north-team"]);
        assert_eq!(s.rows(), 4);
        assert_eq!(s.sizes.len(), TableKind::ALL.len());
        assert_eq!(s.sizes[0], (TableKind::Reps, 3));
        assert!(s.sizes.contains(&(TableKind::Leads, 1)));
        assert_eq!(
            s.territories,
            vec![
                Territory {
                    region: "华北".into(),
                    team: "north-team".into()
                },
                Territory {
                    region: "华东".into(),
                    team: "east-team".into()
                }
            ]
        );
    }
}
