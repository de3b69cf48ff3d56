//! The eight canonical tables of SPEC §1: their rows, their fields, and the kind of each table.

use super::enums::*;
use super::money::Money;
use super::names::*;
use super::time::Timestamp;
use serde::{Deserialize, Serialize};

/// Which canonical table.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TableKind {
    Reps,
    Customers,
    Leads,
    Orders,
    Activities,
    Ownership,
    Campaigns,
    Surveys,
}

impl TableKind {
    pub const ALL: [TableKind; 8] = [
        TableKind::Reps,
        TableKind::Customers,
        TableKind::Leads,
        TableKind::Orders,
        TableKind::Activities,
        TableKind::Ownership,
        TableKind::Campaigns,
        TableKind::Surveys,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            TableKind::Reps => "reps",
            TableKind::Customers => "customers",
            TableKind::Leads => "leads",
            TableKind::Orders => "orders",
            TableKind::Activities => "activities",
            TableKind::Ownership => "ownership",
            TableKind::Campaigns => "campaigns",
            TableKind::Surveys => "surveys",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim().to_ascii_lowercase();
        Self::ALL.into_iter().find(|k| {
            k.as_str() == s || (s.len() + 1 == k.as_str().len() && k.as_str().starts_with(&s))
        })
    }

    /// The canonical file name the demo writes and a folder import looks for.
    pub fn file_name(self) -> String {
        format!("{}.csv", self.as_str())
    }

    /// The canonical fields in canonical column order.
    pub const fn fields(self) -> &'static [FieldSpec] {
        match self {
            TableKind::Reps => REP_FIELDS,
            TableKind::Customers => CUSTOMER_FIELDS,
            TableKind::Leads => LEAD_FIELDS,
            TableKind::Orders => ORDER_FIELDS,
            TableKind::Activities => ACTIVITY_FIELDS,
            TableKind::Ownership => OWNERSHIP_FIELDS,
            TableKind::Campaigns => CAMPAIGN_FIELDS,
            TableKind::Surveys => SURVEY_FIELDS,
        }
    }

    /// Position of a canonical field name in [`TableKind::fields`].
    pub fn field_index(self, name: &str) -> Option<usize> {
        self.fields().iter().position(|f| f.name == name)
    }

    pub fn required_fields(self) -> impl Iterator<Item = &'static FieldSpec> {
        self.fields().iter().filter(|f| f.required)
    }
}

impl std::fmt::Display for TableKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The value type of a canonical field, which decides how a cell is parsed.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    /// An identifier or free text, kept as written (trimmed).
    Text,
    /// A date or date-time ([`Timestamp::parse`]).
    Timestamp,
    /// An amount of money ([`Money::parse`]).
    Money,
    /// A non-negative integer.
    Count,
    /// A decimal number.
    Number,
    /// One of the values of a canonical enum.
    Enum(EnumKind),
    /// A `;`-separated list of customer types.
    CustomerTypes,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EnumKind {
    Role,
    CustomerType,
    Channel,
    Stage,
    ActivityKind,
    EntityKind,
    OwnershipReason,
    SurveyScale,
}

impl EnumKind {
    /// The accepted canonical values, for error messages and pickers.
    pub fn values(self) -> Vec<&'static str> {
        fn names<T: Copy>(all: &[T], f: fn(T) -> &'static str) -> Vec<&'static str> {
            all.iter().map(|v| f(*v)).collect()
        }
        match self {
            EnumKind::Role => names(Role::ALL, Role::as_str),
            EnumKind::CustomerType => names(CustomerType::ALL, CustomerType::as_str),
            EnumKind::Channel => names(Channel::ALL, Channel::as_str),
            EnumKind::Stage => names(Stage::ALL, Stage::as_str),
            EnumKind::ActivityKind => names(ActivityKind::ALL, ActivityKind::as_str),
            EnumKind::EntityKind => names(EntityKind::ALL, EntityKind::as_str),
            EnumKind::OwnershipReason => names(OwnershipReason::ALL, OwnershipReason::as_str),
            EnumKind::SurveyScale => names(SurveyScale::ALL, SurveyScale::as_str),
        }
    }

    /// Whether `s` is a valid value or synonym.
    pub fn accepts(self, s: &str) -> bool {
        match self {
            EnumKind::Role => Role::parse(s).is_some(),
            EnumKind::CustomerType => CustomerType::parse(s).is_some(),
            EnumKind::Channel => Channel::parse(s).is_some(),
            EnumKind::Stage => Stage::parse(s).is_some(),
            EnumKind::ActivityKind => ActivityKind::parse(s).is_some(),
            EnumKind::EntityKind => EntityKind::parse(s).is_some(),
            EnumKind::OwnershipReason => OwnershipReason::parse(s).is_some(),
            EnumKind::SurveyScale => SurveyScale::parse(s).is_some(),
        }
    }
}

impl FieldType {
    /// What a cell of this type should look like, for error messages.
    pub fn expected(self) -> String {
        match self {
            FieldType::Text => "text".into(),
            FieldType::Timestamp => {
                "a date such as 2024-03-05, 2024/3/5, 2024年3月5日 or an Excel serial".into()
            }
            FieldType::Money => "an amount such as 1234.50, ¥1,234.50 or 1234.5元".into(),
            FieldType::Count => "a whole number ≥ 0".into(),
            FieldType::Number => "a number".into(),
            FieldType::Enum(k) => format!("one of {}", k.values().join(", ")),
            FieldType::CustomerTypes => "customer types separated by ;".into(),
        }
    }
}

/// One canonical field of a table.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
pub struct FieldSpec {
    pub name: &'static str,
    pub ty: FieldType,
    pub required: bool,
}

const fn req(name: &'static str, ty: FieldType) -> FieldSpec {
    FieldSpec {
        name,
        ty,
        required: true,
    }
}

const fn opt(name: &'static str, ty: FieldType) -> FieldSpec {
    FieldSpec {
        name,
        ty,
        required: false,
    }
}

use FieldType as T;

const REP_FIELDS: &[FieldSpec] = &[
    req("rep_id", T::Text),
    opt("name", T::Text),
    opt("team", T::Text),
    opt("region", T::Text),
    opt("role", T::Enum(EnumKind::Role)),
    opt("capacity", T::Count),
    opt("skills", T::CustomerTypes),
    opt("active_from", T::Timestamp),
    opt("active_to", T::Timestamp),
    opt("monthly_cost", T::Money),
];

const CUSTOMER_FIELDS: &[FieldSpec] = &[
    req("customer_id", T::Text),
    opt("name", T::Text),
    opt("customer_type", T::Enum(EnumKind::CustomerType)),
    opt("channel", T::Enum(EnumKind::Channel)),
    opt("region", T::Text),
    opt("city", T::Text),
    opt("level", T::Text),
    opt("created_at", T::Timestamp),
    opt("owner_rep_id", T::Text),
    opt("source", T::Text),
];

const LEAD_FIELDS: &[FieldSpec] = &[
    req("lead_id", T::Text),
    req("created_at", T::Timestamp),
    opt("source", T::Text),
    opt("campaign_id", T::Text),
    opt("region", T::Text),
    opt("customer_type", T::Enum(EnumKind::CustomerType)),
    opt("est_value", T::Money),
    opt("cost", T::Money),
    opt("assigned_rep_id", T::Text),
    opt("assigned_at", T::Timestamp),
    opt("first_contact_at", T::Timestamp),
    opt("stage", T::Enum(EnumKind::Stage)),
    opt("qualified_at", T::Timestamp),
    opt("won_at", T::Timestamp),
    opt("lost_at", T::Timestamp),
    opt("won_value", T::Money),
    opt("lost_reason", T::Text),
    opt("customer_id", T::Text),
];

const ORDER_FIELDS: &[FieldSpec] = &[
    opt("order_id", T::Text),
    req("customer_id", T::Text),
    req("order_date", T::Timestamp),
    req("amount", T::Money),
    opt("rep_id", T::Text),
    opt("channel", T::Enum(EnumKind::Channel)),
    opt("category", T::Text),
    opt("quantity", T::Number),
];

const ACTIVITY_FIELDS: &[FieldSpec] = &[
    opt("activity_id", T::Text),
    req("rep_id", T::Text),
    opt("lead_id", T::Text),
    opt("customer_id", T::Text),
    req("at", T::Timestamp),
    opt("kind", T::Enum(EnumKind::ActivityKind)),
    opt("outcome", T::Text),
];

const OWNERSHIP_FIELDS: &[FieldSpec] = &[
    req("entity_kind", T::Enum(EnumKind::EntityKind)),
    req("entity_id", T::Text),
    opt("rep_id", T::Text),
    req("at", T::Timestamp),
    opt("reason", T::Enum(EnumKind::OwnershipReason)),
];

const CAMPAIGN_FIELDS: &[FieldSpec] = &[
    req("campaign_id", T::Text),
    opt("name", T::Text),
    opt("channel", T::Text),
    opt("cost", T::Money),
    opt("start", T::Timestamp),
    opt("end", T::Timestamp),
];

const SURVEY_FIELDS: &[FieldSpec] = &[
    opt("rep_id", T::Text),
    opt("lead_id", T::Text),
    opt("customer_id", T::Text),
    req("at", T::Timestamp),
    req("score", T::Number),
    opt("scale", T::Enum(EnumKind::SurveyScale)),
];

#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Rep {
    pub id: RepId,
    pub name: Option<Sym>,
    pub team: Option<Sym>,
    pub region: Option<Sym>,
    pub role: Option<Role>,
    /// Maximum open leads at once.
    pub capacity: Option<u32>,
    pub skills: CustomerTypeSet,
    pub active_from: Option<Timestamp>,
    pub active_to: Option<Timestamp>,
    pub monthly_cost: Option<Money>,
}

impl Rep {
    /// Whether the rep is employed at `t` (bounds inclusive; missing bounds are open).
    pub fn is_active_at(&self, t: Timestamp) -> bool {
        self.active_from.is_none_or(|f| f <= t) && self.active_to.is_none_or(|e| t <= e)
    }
}

#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Customer {
    pub id: CustomerId,
    pub name: Option<Sym>,
    pub customer_type: Option<CustomerType>,
    pub channel: Option<Channel>,
    pub region: Option<Sym>,
    pub city: Option<Sym>,
    pub level: Option<Sym>,
    pub created_at: Option<Timestamp>,
    pub owner: Option<RepId>,
    pub source: Option<Sym>,
}

#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Lead {
    pub id: LeadId,
    pub created_at: Timestamp,
    pub source: Option<Sym>,
    pub campaign: Option<CampaignId>,
    pub region: Option<Sym>,
    pub customer_type: Option<CustomerType>,
    pub est_value: Option<Money>,
    pub cost: Option<Money>,
    pub assigned_rep: Option<RepId>,
    pub assigned_at: Option<Timestamp>,
    pub first_contact_at: Option<Timestamp>,
    pub stage: Option<Stage>,
    pub qualified_at: Option<Timestamp>,
    pub won_at: Option<Timestamp>,
    pub lost_at: Option<Timestamp>,
    pub won_value: Option<Money>,
    pub lost_reason: Option<Sym>,
    pub customer: Option<CustomerId>,
}

impl Lead {
    /// The latest of its dates: creation and every milestone.
    pub fn latest_date(&self) -> Timestamp {
        [
            self.assigned_at,
            self.first_contact_at,
            self.qualified_at,
            self.won_at,
            self.lost_at,
        ]
        .into_iter()
        .flatten()
        .fold(self.created_at, Timestamp::max)
    }

    /// The stage as recorded, or inferred from the milestone dates when the column is empty.
    pub fn effective_stage(&self) -> Stage {
        if let Some(s) = self.stage {
            return s;
        }
        if self.won_at.is_some() {
            Stage::Won
        } else if self.lost_at.is_some() {
            Stage::Lost
        } else if self.qualified_at.is_some() {
            Stage::Qualified
        } else if self.first_contact_at.is_some() {
            Stage::Contacted
        } else {
            Stage::New
        }
    }
}

#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Order {
    pub id: Option<OrderId>,
    pub customer: CustomerId,
    pub date: Timestamp,
    pub amount: Money,
    pub rep: Option<RepId>,
    pub channel: Option<Channel>,
    pub category: Option<Sym>,
    pub quantity: Option<f64>,
}

#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Activity {
    pub id: Option<ActivityId>,
    pub rep: RepId,
    pub lead: Option<LeadId>,
    pub customer: Option<CustomerId>,
    pub at: Timestamp,
    pub kind: Option<ActivityKind>,
    pub outcome: Option<Sym>,
}

/// One row of the ownership log: from `at`, `entity` belongs to `rep` (or to the pool).
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct OwnershipEvent {
    pub entity_kind: EntityKind,
    /// A lead id or a customer id, per `entity_kind`.
    pub entity: Sym,
    /// `None`: the entity went to the public pool (公海).
    pub rep: Option<RepId>,
    pub at: Timestamp,
    pub reason: Option<OwnershipReason>,
}

#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Campaign {
    pub id: CampaignId,
    pub name: Option<Sym>,
    pub channel: Option<Sym>,
    pub cost: Option<Money>,
    pub start: Option<Timestamp>,
    pub end: Option<Timestamp>,
}

#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Survey {
    pub rep: Option<RepId>,
    pub lead: Option<LeadId>,
    pub customer: Option<CustomerId>,
    pub at: Timestamp,
    pub score: f64,
    pub scale: Option<SurveyScale>,
}
