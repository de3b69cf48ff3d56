//! The cross-table data-quality check of SPEC §2: duplicate ids, future dates, impossible
//! orders of events and orphan references, each counted exactly with located examples.
//! Row numbers are 1-based positions in the table; the example value is the row's id.

use crate::dataset::Dataset;
use crate::import::{Example, Finding, FindingKind, Findings};
use crate::model::{EntityKind, Money, Sym, TableKind, Timestamp};
use serde::Serialize;

/// Rows per table and every cross-table finding.
#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct QualityReport {
    pub as_of: String,
    pub tables: Vec<TableRows>,
    pub findings: Vec<Finding>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
pub struct TableRows {
    pub table: TableKind,
    pub rows: usize,
}

/// Presence and multiplicity of ids, indexed by symbol.
struct IdSet {
    counts: Vec<u32>,
    any: bool,
}

impl IdSet {
    fn new(names: usize, ids: impl Iterator<Item = Sym>) -> Self {
        let mut counts = vec![0u32; names];
        let mut any = false;
        for s in ids {
            if let Some(c) = counts.get_mut(s.0 as usize) {
                *c = c.saturating_add(1);
                any = true;
            }
        }
        Self { counts, any }
    }

    fn count(&self, s: Sym) -> u32 {
        self.counts.get(s.0 as usize).copied().unwrap_or(0)
    }

    /// Whether a reference is orphaned: the table has rows and none with this id.
    fn orphan(&self, s: Sym) -> bool {
        self.any && self.count(s) == 0
    }
}

struct Checker<'a> {
    ds: &'a Dataset,
    as_of: Timestamp,
    f: Findings,
}

impl Checker<'_> {
    fn example(&self, row: usize, id: Sym, detail: String) -> Option<Example> {
        Some(Example {
            row: row + 1,
            value: self.ds.name(id).to_owned(),
            detail: Some(detail),
        })
    }

    fn duplicates(&mut self, table: TableKind, field: &str, ids: &[Sym], set: &IdSet) {
        let mut seen = vec![false; set.counts.len()];
        for (row, &id) in ids.iter().enumerate() {
            if set.count(id) < 2 {
                continue;
            }
            let Some(s) = seen.get_mut(id.0 as usize) else {
                continue;
            };
            if *s {
                let ex = self.example(
                    row,
                    id,
                    format!("{} rows share this {field}", set.count(id)),
                );
                self.f.add(
                    FindingKind::DuplicateId,
                    Some(table),
                    Some(field),
                    || {
                        format!(
                            "rows repeating an earlier {field}; the first row is the one referenced"
                        )
                    },
                    ex,
                );
            }
            *s = true;
        }
    }

    fn future(&mut self, table: TableKind, field: &str, row: usize, id: Sym, t: Option<Timestamp>) {
        if let Some(t) = t.filter(|&t| t > self.as_of) {
            let ex = self.example(row, id, format!("{field} {t}"));
            let as_of = self.as_of;
            self.f.add(
                FindingKind::FutureDate,
                Some(table),
                Some(field),
                || format!("{field} after the as-of date {}", as_of.date_string()),
                ex,
            );
        }
    }

    /// Reports a money amount below zero: kept (returns and credit notes are real) but
    /// counted, since it lowers revenue and CLV.
    fn negative(&mut self, table: TableKind, field: &str, row: usize, id: Sym, m: Option<Money>) {
        if let Some(m) = m.filter(|m| m.0 < 0) {
            let ex = self.example(row, id, format!("{field} {m}"));
            self.f.add(
                FindingKind::NegativeAmount,
                Some(table),
                Some(field),
                || {
                    format!(
                        "{field} below zero (a return, a credit note or a sign error); kept as is"
                    )
                },
                ex,
            );
        }
    }

    /// Reports `later` earlier than `earlier` (both present).
    fn order(
        &mut self,
        table: TableKind,
        row: usize,
        id: Sym,
        earlier: (&str, Option<Timestamp>),
        later: (&str, Option<Timestamp>),
    ) {
        if let ((e_name, Some(e)), (l_name, Some(l))) = (earlier, later)
            && l < e
        {
            let ex = self.example(row, id, format!("{l_name} {l} < {e_name} {e}"));
            let column = format!("{l_name}<{e_name}");
            self.f.add(
                FindingKind::EventOrder,
                Some(table),
                Some(&column),
                || format!("{l_name} before {e_name}"),
                ex,
            );
        }
    }

    /// Reports a reference `r` (in row `row`, id `id`) absent from the non-empty `set`.
    #[allow(clippy::too_many_arguments)]
    fn orphan(
        &mut self,
        table: TableKind,
        field: &str,
        target: TableKind,
        row: usize,
        id: Sym,
        r: Option<Sym>,
        set: &IdSet,
    ) {
        if let Some(r) = r.filter(|&r| set.orphan(r)) {
            let ex = self.example(
                row,
                id,
                format!("{field} {} not in {target}", self.ds.name(r)),
            );
            self.f.add(
                FindingKind::OrphanReference,
                Some(table),
                Some(field),
                || format!("{field} refers to no row of {target}"),
                ex,
            );
        }
    }
}

/// Checks a dataset as of `as_of` (dates after it are "future"). Orphans are looked for only
/// against tables that have rows, so a dataset without reps does not flag every rep id.
pub fn check(ds: &Dataset, as_of: Timestamp) -> QualityReport {
    let n = ds.names.len();
    let reps = IdSet::new(n, ds.reps.iter().map(|r| r.id.0));
    let customers = IdSet::new(n, ds.customers.iter().map(|c| c.id.0));
    let leads = IdSet::new(n, ds.leads.iter().map(|l| l.id.0));
    let campaigns = IdSet::new(n, ds.campaigns.iter().map(|c| c.id.0));
    let orders = IdSet::new(n, ds.orders.iter().filter_map(|o| o.id.map(|i| i.0)));
    let mut c = Checker {
        ds,
        as_of,
        f: Findings::new(),
    };
    use TableKind as K;

    let ids: Vec<Sym> = ds.reps.iter().map(|r| r.id.0).collect();
    c.duplicates(K::Reps, "rep_id", &ids, &reps);
    for (i, r) in ds.reps.iter().enumerate() {
        c.order(
            K::Reps,
            i,
            r.id.0,
            ("active_from", r.active_from),
            ("active_to", r.active_to),
        );
    }

    let ids: Vec<Sym> = ds.customers.iter().map(|r| r.id.0).collect();
    c.duplicates(K::Customers, "customer_id", &ids, &customers);
    for (i, r) in ds.customers.iter().enumerate() {
        c.future(K::Customers, "created_at", i, r.id.0, r.created_at);
        c.orphan(
            K::Customers,
            "owner_rep_id",
            K::Reps,
            i,
            r.id.0,
            r.owner.map(|x| x.0),
            &reps,
        );
    }

    let ids: Vec<Sym> = ds.leads.iter().map(|r| r.id.0).collect();
    c.duplicates(K::Leads, "lead_id", &ids, &leads);
    for (i, l) in ds.leads.iter().enumerate() {
        let id = l.id.0;
        let created = ("created_at", Some(l.created_at));
        for (name, t) in [
            ("created_at", Some(l.created_at)),
            ("assigned_at", l.assigned_at),
            ("first_contact_at", l.first_contact_at),
            ("qualified_at", l.qualified_at),
            ("won_at", l.won_at),
            ("lost_at", l.lost_at),
        ] {
            c.future(K::Leads, name, i, id, t);
        }
        c.order(K::Leads, i, id, created, ("assigned_at", l.assigned_at));
        let contact_after = if l.assigned_at.is_some() {
            ("assigned_at", l.assigned_at)
        } else {
            created
        };
        c.order(
            K::Leads,
            i,
            id,
            contact_after,
            ("first_contact_at", l.first_contact_at),
        );
        c.order(K::Leads, i, id, created, ("qualified_at", l.qualified_at));
        c.order(K::Leads, i, id, created, ("won_at", l.won_at));
        c.order(K::Leads, i, id, created, ("lost_at", l.lost_at));
        for (name, m) in [
            ("est_value", l.est_value),
            ("cost", l.cost),
            ("won_value", l.won_value),
        ] {
            c.negative(K::Leads, name, i, id, m);
        }
        c.orphan(
            K::Leads,
            "assigned_rep_id",
            K::Reps,
            i,
            id,
            l.assigned_rep.map(|x| x.0),
            &reps,
        );
        c.orphan(
            K::Leads,
            "campaign_id",
            K::Campaigns,
            i,
            id,
            l.campaign.map(|x| x.0),
            &campaigns,
        );
        c.orphan(
            K::Leads,
            "customer_id",
            K::Customers,
            i,
            id,
            l.customer.map(|x| x.0),
            &customers,
        );
    }

    let ids: Vec<Sym> = ds.orders.iter().filter_map(|o| o.id.map(|i| i.0)).collect();
    c.duplicates(K::Orders, "order_id", &ids, &orders);
    for (i, o) in ds.orders.iter().enumerate() {
        let id = o.id.map_or(o.customer.0, |x| x.0);
        c.future(K::Orders, "order_date", i, id, Some(o.date));
        c.negative(K::Orders, "amount", i, id, Some(o.amount));
        c.orphan(
            K::Orders,
            "customer_id",
            K::Customers,
            i,
            id,
            Some(o.customer.0),
            &customers,
        );
        c.orphan(
            K::Orders,
            "rep_id",
            K::Reps,
            i,
            id,
            o.rep.map(|x| x.0),
            &reps,
        );
    }

    for (i, a) in ds.activities.iter().enumerate() {
        let id = a.id.map_or(a.rep.0, |x| x.0);
        c.future(K::Activities, "at", i, id, Some(a.at));
        c.orphan(
            K::Activities,
            "rep_id",
            K::Reps,
            i,
            id,
            Some(a.rep.0),
            &reps,
        );
        c.orphan(
            K::Activities,
            "lead_id",
            K::Leads,
            i,
            id,
            a.lead.map(|x| x.0),
            &leads,
        );
        c.orphan(
            K::Activities,
            "customer_id",
            K::Customers,
            i,
            id,
            a.customer.map(|x| x.0),
            &customers,
        );
    }

    for (i, o) in ds.ownership.iter().enumerate() {
        c.future(K::Ownership, "at", i, o.entity, Some(o.at));
        c.orphan(
            K::Ownership,
            "rep_id",
            K::Reps,
            i,
            o.entity,
            o.rep.map(|x| x.0),
            &reps,
        );
        let (target, set) = match o.entity_kind {
            EntityKind::Lead => (K::Leads, &leads),
            EntityKind::Customer => (K::Customers, &customers),
        };
        c.orphan(
            K::Ownership,
            "entity_id",
            target,
            i,
            o.entity,
            Some(o.entity),
            set,
        );
    }

    let ids: Vec<Sym> = ds.campaigns.iter().map(|r| r.id.0).collect();
    c.duplicates(K::Campaigns, "campaign_id", &ids, &campaigns);
    for (i, r) in ds.campaigns.iter().enumerate() {
        c.order(K::Campaigns, i, r.id.0, ("start", r.start), ("end", r.end));
    }

    for (i, s) in ds.surveys.iter().enumerate() {
        let id = s
            .lead
            .map(|x| x.0)
            .or(s.customer.map(|x| x.0))
            .or(s.rep.map(|x| x.0))
            .unwrap_or(Sym(0));
        c.future(K::Surveys, "at", i, id, Some(s.at));
        c.orphan(
            K::Surveys,
            "rep_id",
            K::Reps,
            i,
            id,
            s.rep.map(|x| x.0),
            &reps,
        );
        c.orphan(
            K::Surveys,
            "lead_id",
            K::Leads,
            i,
            id,
            s.lead.map(|x| x.0),
            &leads,
        );
        c.orphan(
            K::Surveys,
            "customer_id",
            K::Customers,
            i,
            id,
            s.customer.map(|x| x.0),
            &customers,
        );
    }

    let sizes = ds.sizes();
    QualityReport {
        as_of: as_of.to_string(),
        tables: TableKind::ALL
            .iter()
            .map(|&table| TableRows {
                table,
                rows: sizes.get(table),
            })
            .collect(),
        findings: c.f.into_vec(),
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    fn push(ds: &mut Dataset, kind: TableKind, cells: &[(&str, &str)]) {
        let mut rec = vec![""; kind.fields().len()];
        for (f, v) in cells {
            rec[kind.field_index(f).unwrap()] = v;
        }
        assert!(ds.push_record(kind, &rec).kept);
    }

    fn find<'a>(r: &'a QualityReport, kind: FindingKind, column: &str) -> &'a Finding {
        r.findings
            .iter()
            .find(|f| f.kind == kind && f.column.as_deref() == Some(column))
            .unwrap_or_else(|| panic!("no {kind:?} on {column}: {:#?}", r.findings))
    }

    #[test]
    fn finds_duplicates_future_dates_event_orders_and_orphans() {
        let mut ds = Dataset::new();
        push(&mut ds, TableKind::Reps, &[("rep_id", "R1")]);
        push(
            &mut ds,
            TableKind::Customers,
            &[("customer_id", "C1"), ("owner_rep_id", "R9")],
        );
        push(
            &mut ds,
            TableKind::Leads,
            &[
                ("lead_id", "L1"),
                ("created_at", "2024-03-05"),
                ("won_at", "2024-03-01"),
                ("assigned_rep_id", "R1"),
            ],
        );
        push(
            &mut ds,
            TableKind::Leads,
            &[
                ("lead_id", "L1"),
                ("created_at", "2024-03-05"),
                ("assigned_at", "2024-03-06"),
                ("first_contact_at", "2024-03-05 12:00"),
            ],
        );
        push(
            &mut ds,
            TableKind::Leads,
            &[("lead_id", "L2"), ("created_at", "2030-01-01")],
        );
        push(
            &mut ds,
            TableKind::Orders,
            &[
                ("customer_id", "C1"),
                ("order_date", "2024-05-01"),
                ("amount", "10"),
            ],
        );
        push(
            &mut ds,
            TableKind::Orders,
            &[
                ("customer_id", "C2"),
                ("order_date", "2024-05-01"),
                ("amount", "10"),
            ],
        );
        push(
            &mut ds,
            TableKind::Orders,
            &[
                ("customer_id", "C3"),
                ("order_date", "2024-05-02"),
                ("amount", "10"),
            ],
        );
        let r = check(&ds, Timestamp::parse("2026-01-01").unwrap());

        let d = find(&r, FindingKind::DuplicateId, "lead_id");
        assert_eq!(
            (d.count, d.examples[0].row, d.examples[0].value.as_str()),
            (1, 2, "L1")
        );
        let f = find(&r, FindingKind::FutureDate, "created_at");
        assert_eq!((f.count, f.examples[0].value.as_str()), (1, "L2"));
        let o = find(&r, FindingKind::EventOrder, "won_at<created_at");
        assert_eq!((o.count, o.examples[0].row), (1, 1));
        let o = find(&r, FindingKind::EventOrder, "first_contact_at<assigned_at");
        assert_eq!(
            o.examples[0].detail.as_deref(),
            Some("first_contact_at 2024-03-05 12:00:00 < assigned_at 2024-03-06")
        );
        let orphan = find(&r, FindingKind::OrphanReference, "owner_rep_id");
        assert_eq!(orphan.examples[0].value, "C1");
        let orders = r
            .findings
            .iter()
            .find(|f| f.kind == FindingKind::OrphanReference && f.table == Some(TableKind::Orders))
            .unwrap();
        assert_eq!((orders.count, orders.examples.len()), (2, 2));
        assert!(
            !r.findings
                .iter()
                .any(|f| f.column.as_deref() == Some("assigned_rep_id")),
            "R1 exists"
        );
        assert_eq!(
            r.tables[2],
            TableRows {
                table: TableKind::Leads,
                rows: 3
            }
        );
    }

    #[test]
    fn empty_target_tables_flag_no_orphans() {
        let mut ds = Dataset::new();
        push(
            &mut ds,
            TableKind::Orders,
            &[
                ("customer_id", "C1"),
                ("order_date", "2024-05-01"),
                ("amount", "10"),
                ("rep_id", "R1"),
            ],
        );
        let r = check(&ds, Timestamp::parse("2026-01-01").unwrap());
        assert_eq!(r.findings, vec![]);
    }

    #[test]
    fn negative_amounts_are_kept_and_counted() {
        let mut ds = Dataset::new();
        for (id, amount) in [("O1", "12"), ("O2", "-80"), ("O3", "-0.01")] {
            push(
                &mut ds,
                TableKind::Orders,
                &[
                    ("order_id", id),
                    ("customer_id", "C1"),
                    ("order_date", "2024-05-01"),
                    ("amount", amount),
                ],
            );
        }
        push(
            &mut ds,
            TableKind::Leads,
            &[
                ("lead_id", "L1"),
                ("created_at", "2024-05-01"),
                ("cost", "-5"),
            ],
        );
        assert_eq!(ds.orders.len(), 3);
        let r = check(&ds, Timestamp::parse("2026-01-01").unwrap());
        let neg: Vec<String> = r
            .findings
            .iter()
            .filter(|f| f.kind == FindingKind::NegativeAmount)
            .map(|f| {
                let rows: Vec<String> = f
                    .examples
                    .iter()
                    .map(|e| {
                        format!(
                            "{} {} {}",
                            e.row,
                            e.value,
                            e.detail.as_deref().unwrap_or("")
                        )
                    })
                    .collect();
                format!(
                    "{} ×{}: {}",
                    f.column.as_deref().unwrap_or(""),
                    f.count,
                    rows.join("; ")
                )
            })
            .collect();
        assert_eq!(
            neg,
            [
                "cost ×1: 1 L1 cost -5.00",
                "amount ×2: 2 O2 amount -80.00; 3 O3 amount -0.01"
            ]
        );
    }
}
