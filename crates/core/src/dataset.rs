//! A `Dataset` holds the eight canonical tables of one organisation, and turns canonical
//! records (one text value per canonical field) into typed rows and back.

use crate::model::*;
use rustc_hash::FxHashMap;
use serde::Serialize;

/// All tables of one organisation, sharing one string table.
#[derive(Clone, Default, Debug)]
pub struct Dataset {
    pub names: Interner,
    pub reps: Vec<Rep>,
    pub customers: Vec<Customer>,
    pub leads: Vec<Lead>,
    pub orders: Vec<Order>,
    pub activities: Vec<Activity>,
    pub ownership: Vec<OwnershipEvent>,
    pub campaigns: Vec<Campaign>,
    pub surveys: Vec<Survey>,
}

/// Why a cell of a record was not used.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum CellProblem {
    /// A required field is empty: the row is dropped.
    Missing,
    /// The value does not parse as the field's type: a required field drops the row, an
    /// optional one is left empty (the row is kept, altered).
    Unparsable { expected: String },
}

/// A problem with one field of one record.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct CellIssue {
    pub field: &'static str,
    pub value: String,
    #[serde(flatten)]
    pub problem: CellProblem,
}

/// What became of one record pushed into a dataset.
#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize)]
pub struct RecordOutcome {
    /// Whether the row was stored (possibly with some optional cells left empty).
    pub kept: bool,
    pub issues: Vec<CellIssue>,
}

/// Row counts per table.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Serialize)]
pub struct TableSizes {
    pub reps: usize,
    pub customers: usize,
    pub leads: usize,
    pub orders: usize,
    pub activities: usize,
    pub ownership: usize,
    pub campaigns: usize,
    pub surveys: usize,
}

impl TableSizes {
    pub fn get(&self, kind: TableKind) -> usize {
        match kind {
            TableKind::Reps => self.reps,
            TableKind::Customers => self.customers,
            TableKind::Leads => self.leads,
            TableKind::Orders => self.orders,
            TableKind::Activities => self.activities,
            TableKind::Ownership => self.ownership,
            TableKind::Campaigns => self.campaigns,
            TableKind::Surveys => self.surveys,
        }
    }
}

/// Reads the cells of one record by canonical field, collecting issues as it goes.
struct Cells<'a, 'n> {
    kind: TableKind,
    values: &'a [&'a str],
    names: &'n mut Interner,
    issues: Vec<CellIssue>,
    dropped: bool,
}

impl Cells<'_, '_> {
    /// The trimmed, non-empty text of field `i`; records a missing required field.
    fn raw(&mut self, i: usize) -> Option<&str> {
        let v = self.values.get(i).map_or("", |v| trimmed(v));
        if v.is_empty() {
            let spec = self.kind.fields()[i];
            if spec.required {
                self.dropped = true;
                self.issues.push(CellIssue {
                    field: spec.name,
                    value: String::new(),
                    problem: CellProblem::Missing,
                });
            }
            return None;
        }
        Some(v)
    }

    fn parsed<T>(&mut self, i: usize, parse: impl FnOnce(&str) -> Option<T>) -> Option<T> {
        let raw = self.raw(i)?;
        match parse(raw) {
            Some(v) => Some(v),
            None => {
                let raw = raw.to_owned();
                let spec = self.kind.fields()[i];
                self.dropped |= spec.required;
                self.issues.push(CellIssue {
                    field: spec.name,
                    value: raw,
                    problem: CellProblem::Unparsable {
                        expected: spec.ty.expected(),
                    },
                });
                None
            }
        }
    }

    fn sym(&mut self, i: usize) -> Option<Sym> {
        let v = self.values.get(i).map_or("", |v| trimmed(v));
        if v.is_empty() {
            return self.raw(i).map(|_| Sym(0));
        }
        Some(self.names.intern(v))
    }

    fn time(&mut self, i: usize) -> Option<Timestamp> {
        self.parsed(i, Timestamp::parse)
    }

    fn money(&mut self, i: usize) -> Option<Money> {
        self.parsed(i, Money::parse)
    }

    fn count(&mut self, i: usize) -> Option<u32> {
        self.parsed(i, |s| {
            let s = s.strip_suffix(".0").unwrap_or(s);
            without_grouping(s).parse().ok()
        })
    }

    fn number(&mut self, i: usize) -> Option<f64> {
        self.parsed(i, |s| {
            without_grouping(s)
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
        })
    }
}

/// `s` without the whitespace around it (`str::trim`), at the cost of two byte tests for the
/// usual cell that has none: its first and last bytes are visible ASCII characters.
fn trimmed(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(a), Some(z)) if a.is_ascii_graphic() && z.is_ascii_graphic() => s,
        _ => s.trim(),
    }
}

/// `s` without its thousands separators ("1,200" → "1200"), copied only when it has any.
fn without_grouping(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains(',') {
        std::borrow::Cow::Owned(s.replace(',', ""))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

impl Dataset {
    pub fn new() -> Self {
        Self::default()
    }

    /// Makes room for about `rows` more rows, each id among them a new name of about
    /// `id_bytes` bytes, so that a dataset of a size known beforehand is built without growing
    /// (and copying) its tables and interner again and again.
    pub fn reserve(&mut self, rows: &TableSizes, id_bytes: usize) {
        self.reps.reserve(rows.reps);
        self.customers.reserve(rows.customers);
        self.leads.reserve(rows.leads);
        self.orders.reserve(rows.orders);
        self.activities.reserve(rows.activities);
        self.ownership.reserve(rows.ownership);
        self.campaigns.reserve(rows.campaigns);
        self.surveys.reserve(rows.surveys);
        // Ownership events and surveys name other rows; every other table brings its own ids.
        let ids = rows.reps
            + rows.customers
            + rows.leads
            + rows.orders
            + rows.activities
            + rows.campaigns;
        self.names.reserve(ids, ids * id_bytes);
    }

    pub fn sizes(&self) -> TableSizes {
        TableSizes {
            reps: self.reps.len(),
            customers: self.customers.len(),
            leads: self.leads.len(),
            orders: self.orders.len(),
            activities: self.activities.len(),
            ownership: self.ownership.len(),
            campaigns: self.campaigns.len(),
            surveys: self.surveys.len(),
        }
    }

    /// The text of a symbol.
    pub fn name(&self, sym: Sym) -> &str {
        self.names.resolve(sym)
    }

    /// Index of each rep by id (the first row wins for duplicated ids).
    pub fn rep_index(&self) -> FxHashMap<RepId, usize> {
        let mut m = FxHashMap::default();
        for (i, r) in self.reps.iter().enumerate() {
            m.entry(r.id).or_insert(i);
        }
        m
    }

    /// Index of each customer by id (the first row wins for duplicated ids).
    pub fn customer_index(&self) -> FxHashMap<CustomerId, usize> {
        let mut m = FxHashMap::default();
        for (i, c) in self.customers.iter().enumerate() {
            m.entry(c.id).or_insert(i);
        }
        m
    }

    /// Index of each lead by id (the first row wins for duplicated ids).
    pub fn lead_index(&self) -> FxHashMap<LeadId, usize> {
        let mut m = FxHashMap::default();
        for (i, l) in self.leads.iter().enumerate() {
            m.entry(l.id).or_insert(i);
        }
        m
    }

    /// Parses one record given as text values in the canonical field order of `kind`
    /// (an empty string is a missing value) and stores it unless a required field is missing
    /// or unparsable. Never panics; every problem is returned.
    pub fn push_record(&mut self, kind: TableKind, values: &[&str]) -> RecordOutcome {
        let mut c = Cells {
            kind,
            values,
            names: &mut self.names,
            issues: Vec::new(),
            dropped: false,
        };
        macro_rules! id {
            ($i:expr, $t:ident) => {
                c.sym($i).map($t)
            };
        }
        let kept = match kind {
            TableKind::Reps => {
                let row = Rep {
                    id: id!(0, RepId).unwrap_or(RepId(Sym(0))),
                    name: c.sym(1),
                    team: c.sym(2),
                    region: c.sym(3),
                    role: c.parsed(4, Role::parse),
                    capacity: c.count(5),
                    skills: c.parsed(6, CustomerTypeSet::parse).unwrap_or_default(),
                    active_from: c.time(7),
                    active_to: c.time(8),
                    monthly_cost: c.money(9),
                };
                (!c.dropped).then(|| self.reps.push(row)).is_some()
            }
            TableKind::Customers => {
                let row = Customer {
                    id: id!(0, CustomerId).unwrap_or(CustomerId(Sym(0))),
                    name: c.sym(1),
                    customer_type: c.parsed(2, CustomerType::parse),
                    channel: c.parsed(3, Channel::parse),
                    region: c.sym(4),
                    city: c.sym(5),
                    level: c.sym(6),
                    created_at: c.time(7),
                    owner: id!(8, RepId),
                    source: c.sym(9),
                };
                (!c.dropped).then(|| self.customers.push(row)).is_some()
            }
            TableKind::Leads => {
                let id = id!(0, LeadId);
                let created_at = c.time(1);
                let row = Lead {
                    id: id.unwrap_or(LeadId(Sym(0))),
                    created_at: created_at.unwrap_or(Timestamp(0)),
                    source: c.sym(2),
                    campaign: id!(3, CampaignId),
                    region: c.sym(4),
                    customer_type: c.parsed(5, CustomerType::parse),
                    est_value: c.money(6),
                    cost: c.money(7),
                    assigned_rep: id!(8, RepId),
                    assigned_at: c.time(9),
                    first_contact_at: c.time(10),
                    stage: c.parsed(11, Stage::parse),
                    qualified_at: c.time(12),
                    won_at: c.time(13),
                    lost_at: c.time(14),
                    won_value: c.money(15),
                    lost_reason: c.sym(16),
                    customer: id!(17, CustomerId),
                };
                (!c.dropped).then(|| self.leads.push(row)).is_some()
            }
            TableKind::Orders => {
                let id = id!(0, OrderId);
                let customer = id!(1, CustomerId);
                let date = c.time(2);
                let amount = c.money(3);
                let row = Order {
                    id,
                    customer: customer.unwrap_or(CustomerId(Sym(0))),
                    date: date.unwrap_or(Timestamp(0)),
                    amount: amount.unwrap_or_default(),
                    rep: id!(4, RepId),
                    channel: c.parsed(5, Channel::parse),
                    category: c.sym(6),
                    quantity: c.number(7),
                };
                (!c.dropped).then(|| self.orders.push(row)).is_some()
            }
            TableKind::Activities => {
                let id = id!(0, ActivityId);
                let rep = id!(1, RepId);
                let lead = id!(2, LeadId);
                let customer = id!(3, CustomerId);
                let at = c.time(4);
                let row = Activity {
                    id,
                    rep: rep.unwrap_or(RepId(Sym(0))),
                    lead,
                    customer,
                    at: at.unwrap_or(Timestamp(0)),
                    kind: c.parsed(5, ActivityKind::parse),
                    outcome: c.sym(6),
                };
                (!c.dropped).then(|| self.activities.push(row)).is_some()
            }
            TableKind::Ownership => {
                let row = OwnershipEvent {
                    entity_kind: c.parsed(0, EntityKind::parse).unwrap_or(EntityKind::Lead),
                    entity: c.sym(1).unwrap_or(Sym(0)),
                    rep: id!(2, RepId),
                    at: c.time(3).unwrap_or(Timestamp(0)),
                    reason: c.parsed(4, OwnershipReason::parse),
                };
                (!c.dropped).then(|| self.ownership.push(row)).is_some()
            }
            TableKind::Campaigns => {
                let row = Campaign {
                    id: id!(0, CampaignId).unwrap_or(CampaignId(Sym(0))),
                    name: c.sym(1),
                    channel: c.sym(2),
                    cost: c.money(3),
                    start: c.time(4),
                    end: c.time(5),
                };
                (!c.dropped).then(|| self.campaigns.push(row)).is_some()
            }
            TableKind::Surveys => {
                let row = Survey {
                    rep: id!(0, RepId),
                    lead: id!(1, LeadId),
                    customer: id!(2, CustomerId),
                    at: c.time(3).unwrap_or(Timestamp(0)),
                    score: c.number(4).unwrap_or(f64::NAN),
                    scale: c.parsed(5, SurveyScale::parse),
                };
                (!c.dropped).then(|| self.surveys.push(row)).is_some()
            }
        };
        RecordOutcome {
            kept,
            issues: c.issues,
        }
    }

    /// Writes row `row` of table `kind` as canonical text values, one per canonical field,
    /// into `out` (cleared first). The inverse of [`Dataset::push_record`].
    pub fn write_record(&self, kind: TableKind, row: usize, out: &mut Vec<String>) {
        out.clear();
        let n = &self.names;
        let s = |v: Option<Sym>| v.map_or(String::new(), |v| n.resolve(v).to_owned());
        let t = |v: Option<Timestamp>| v.map_or(String::new(), |v| v.to_string());
        let m = |v: Option<Money>| v.map_or(String::new(), |v| v.to_string());
        let e = |v: Option<&'static str>| v.unwrap_or("").to_owned();
        match kind {
            TableKind::Reps => {
                let r = &self.reps[row];
                out.extend([
                    s(Some(r.id.0)),
                    s(r.name),
                    s(r.team),
                    s(r.region),
                    e(r.role.map(Role::as_str)),
                    r.capacity.map_or(String::new(), |c| c.to_string()),
                    r.skills.to_canonical(),
                    t(r.active_from),
                    t(r.active_to),
                    m(r.monthly_cost),
                ]);
            }
            TableKind::Customers => {
                let c = &self.customers[row];
                out.extend([
                    s(Some(c.id.0)),
                    s(c.name),
                    e(c.customer_type.map(CustomerType::as_str)),
                    e(c.channel.map(Channel::as_str)),
                    s(c.region),
                    s(c.city),
                    s(c.level),
                    t(c.created_at),
                    s(c.owner.map(RepId::sym)),
                    s(c.source),
                ]);
            }
            TableKind::Leads => {
                let l = &self.leads[row];
                out.extend([
                    s(Some(l.id.0)),
                    t(Some(l.created_at)),
                    s(l.source),
                    s(l.campaign.map(CampaignId::sym)),
                    s(l.region),
                    e(l.customer_type.map(CustomerType::as_str)),
                    m(l.est_value),
                    m(l.cost),
                    s(l.assigned_rep.map(RepId::sym)),
                    t(l.assigned_at),
                    t(l.first_contact_at),
                    e(l.stage.map(Stage::as_str)),
                    t(l.qualified_at),
                    t(l.won_at),
                    t(l.lost_at),
                    m(l.won_value),
                    s(l.lost_reason),
                    s(l.customer.map(CustomerId::sym)),
                ]);
            }
            TableKind::Orders => {
                let o = &self.orders[row];
                out.extend([
                    s(o.id.map(OrderId::sym)),
                    s(Some(o.customer.0)),
                    t(Some(o.date)),
                    m(Some(o.amount)),
                    s(o.rep.map(RepId::sym)),
                    e(o.channel.map(Channel::as_str)),
                    s(o.category),
                    o.quantity.map_or(String::new(), |q| q.to_string()),
                ]);
            }
            TableKind::Activities => {
                let a = &self.activities[row];
                out.extend([
                    s(a.id.map(ActivityId::sym)),
                    s(Some(a.rep.0)),
                    s(a.lead.map(LeadId::sym)),
                    s(a.customer.map(CustomerId::sym)),
                    t(Some(a.at)),
                    e(a.kind.map(ActivityKind::as_str)),
                    s(a.outcome),
                ]);
            }
            TableKind::Ownership => {
                let o = &self.ownership[row];
                out.extend([
                    o.entity_kind.as_str().to_owned(),
                    s(Some(o.entity)),
                    s(o.rep.map(RepId::sym)),
                    t(Some(o.at)),
                    e(o.reason.map(OwnershipReason::as_str)),
                ]);
            }
            TableKind::Campaigns => {
                let c = &self.campaigns[row];
                out.extend([
                    s(Some(c.id.0)),
                    s(c.name),
                    s(c.channel),
                    m(c.cost),
                    t(c.start),
                    t(c.end),
                ]);
            }
            TableKind::Surveys => {
                let v = &self.surveys[row];
                out.extend([
                    s(v.rep.map(RepId::sym)),
                    s(v.lead.map(LeadId::sym)),
                    s(v.customer.map(CustomerId::sym)),
                    t(Some(v.at)),
                    v.score.to_string(),
                    e(v.scale.map(SurveyScale::as_str)),
                ]);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn trimmed_is_str_trim() {
        for s in [
            "",
            " ",
            "a",
            " a",
            "a ",
            "\ta\r\n",
            "\u{b}a",
            "a\u{b}",
            "\u{3000}区域\u{3000}",
            "区域",
            "\u{85}x",
            "x\u{a0}",
            "R7",
            "¥12,000",
        ] {
            assert_eq!(trimmed(s), s.trim(), "{s:?}");
        }
    }

    #[test]
    fn reserve_keeps_what_is_interned_and_stored() {
        let mut ds = Dataset::new();
        let a = ds.names.intern("R1");
        ds.reserve(
            &TableSizes {
                leads: 100,
                ..TableSizes::default()
            },
            4,
        );
        assert!(ds.leads.capacity() >= 100);
        assert_eq!(ds.names.get("R1"), Some(a));
        assert_eq!(ds.names.intern("R2"), Sym(1));
        assert_eq!(ds.names.intern("R1"), a);
    }

    #[test]
    fn pushes_a_lead_with_synonyms_and_writes_it_back() {
        let mut ds = Dataset::new();
        let mut rec = vec![""; TableKind::Leads.fields().len()];
        rec[0] = "L1";
        rec[1] = "2024年3月5日 09:30";
        rec[2] = "展会";
        rec[5] = "大客户";
        rec[6] = "¥12,000";
        rec[8] = "R7";
        rec[11] = "赢单";
        rec[15] = "15000.5元";
        let out = ds.push_record(TableKind::Leads, &rec);
        assert_eq!(
            out,
            RecordOutcome {
                kept: true,
                issues: vec![]
            }
        );
        let l = &ds.leads[0];
        assert_eq!(l.customer_type, Some(CustomerType::Ka));
        assert_eq!(l.stage, Some(Stage::Won));
        assert_eq!(l.est_value, Some(Money(1_200_000)));
        assert_eq!(l.won_value, Some(Money(1_500_050)));
        assert_eq!(ds.name(l.assigned_rep.unwrap().0), "R7");

        let mut back = Vec::new();
        ds.write_record(TableKind::Leads, 0, &mut back);
        assert_eq!(back[1], "2024-03-05 09:30:00");
        assert_eq!(back[5], "ka");
        assert_eq!(back[11], "won");
        assert_eq!(back[15], "15000.50");
        let again: Vec<&str> = back.iter().map(|s| s.as_str()).collect();
        let mut ds2 = Dataset::new();
        assert!(ds2.push_record(TableKind::Leads, &again).kept);
        assert_eq!(ds2.leads[0].won_value, l.won_value);
        assert_eq!(ds2.leads[0].created_at, l.created_at);
    }

    #[test]
    fn drops_rows_missing_required_fields_and_keeps_altered_ones() {
        let mut ds = Dataset::new();
        let out = ds.push_record(TableKind::Orders, &["O1", "", "2024-01-01", "12"]);
        assert!(!out.kept);
        assert_eq!(out.issues[0].field, "customer_id");
        assert_eq!(out.issues[0].problem, CellProblem::Missing);

        let out = ds.push_record(TableKind::Orders, &["O2", "C1", "not a date", "12"]);
        assert!(!out.kept);
        assert_eq!(out.issues[0].value, "not a date");

        let out = ds.push_record(
            TableKind::Orders,
            &["O3", "C1", "2024-01-01", "12", "", "spaceship"],
        );
        assert!(
            out.kept,
            "an unparsable optional enum leaves the cell empty"
        );
        assert_eq!(out.issues[0].field, "channel");
        assert!(
            matches!(&out.issues[0].problem, CellProblem::Unparsable { expected } if expected.contains("hypermarket"))
        );
        assert_eq!(ds.orders.len(), 1);
        assert_eq!(ds.orders[0].channel, None);
        assert_eq!(ds.sizes().orders, 1);
    }

    #[test]
    fn short_records_are_missing_the_rest() {
        let mut ds = Dataset::new();
        let out = ds.push_record(TableKind::Reps, &["R1"]);
        assert!(out.kept);
        assert_eq!(ds.reps[0].capacity, None);
        assert!(!ds.push_record(TableKind::Reps, &[]).kept);
    }
}
