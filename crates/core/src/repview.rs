//! The rep view (SPEC §6): one rep's open leads ranked by expected value with the time left
//! before the reclaim policy takes each back, the rep's customers due or overdue to reorder
//! and those at risk, and a short list of suggested visits for today — all as of the data's
//! "now" (the as-of date), never the clock. See `docs/repview.md`.
//!
//! Who holds what is read from the tables as they stand: a lead belongs to its
//! `assigned_rep_id` since `assigned_at`, a customer to its `owner_rep_id`.

use crate::Dataset;
use crate::clv::ClvModel;
use crate::customers::{CustomerFacts, LifecycleRules, LifecycleStage, stage_at, summary_of};
use crate::metrics::leads::frame::{LeadFrame, NO_TIME, NO_TYPE};
use crate::metrics::{MeasureBase, MeasureConfig, Window};
use crate::model::{CustomerType, Stage, Sym, Timestamp};
use crate::reclaim::{HeldLead, ReclaimPolicy, ReclaimReason};
use crate::score::NaiveBayes;
use serde::{Deserialize, Serialize};

/// Settings of the rep view.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct RepViewConfig {
    /// "Now"; `None`: [`crate::metrics::default_as_of`].
    pub as_of: Option<Timestamp>,
    /// The reclaim policy whose deadlines the countdowns show.
    pub policy: ReclaimPolicy,
    /// A customer is overdue when the days since its last order exceed k × its own cycle.
    pub overdue_k: f64,
    /// A customer is due when its next expected order falls before as-of + this many days.
    pub due_within_days: i64,
    /// A lead's reclaim is "soon" (and worth a visit) within this many hours.
    pub soon_hours: f64,
    /// Length of the suggested visit list.
    pub visits: usize,
    /// Longest list of leads, reorders and at-risk customers.
    pub list_limit: usize,
    pub lifecycle: LifecycleRules,
}

impl Default for RepViewConfig {
    fn default() -> Self {
        Self {
            as_of: None,
            policy: ReclaimPolicy::default(),
            overdue_k: 1.5,
            due_within_days: 7,
            soon_hours: 48.0,
            visits: 8,
            list_limit: 50,
            lifecycle: LifecycleRules::default(),
        }
    }
}

/// A rep to pick from.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct RepChoice {
    pub rep_id: String,
    pub name: Option<String>,
}

/// One open lead of the rep.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct RepLead {
    pub lead_id: String,
    /// The linked customer's name (or id), when the lead names one.
    pub customer: Option<String>,
    pub customer_type: Option<String>,
    pub source: Option<String>,
    pub stage: String,
    /// P(win) from the lead score (naive Bayes over source, region, type, campaign).
    pub p_win: f64,
    /// The lead's estimated value, or (when it has none) the mean won value of won leads of
    /// its customer type, else of all won leads; minor units.
    pub value: i64,
    /// Whether `value` is that fallback rather than the lead's own estimate.
    pub value_imputed: bool,
    /// P(win) × value, minor units.
    pub expected_value: i64,
    /// When the policy takes the lead back, and why; `None`: never (exempt, or no rule).
    pub reclaim_at: Option<Timestamp>,
    pub reclaim_reason: Option<ReclaimReason>,
    /// Seconds from as-of to `reclaim_at` (negative: past due).
    pub reclaim_in_secs: Option<i64>,
}

/// A customer of the rep due or overdue to reorder.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct ReorderCustomer {
    pub customer_id: String,
    pub name: Option<String>,
    pub customer_type: Option<String>,
    pub last_order: String,
    /// The customer's median days between purchase days.
    pub cycle_days: f64,
    /// Last order + cycle.
    pub next_expected: String,
    /// Days from as-of to the next expected order (negative: that many days late).
    pub days_until: i64,
    /// Days since the last order exceed k × cycle.
    pub overdue: bool,
    /// Days since the last order ÷ cycle.
    pub overdue_ratio: f64,
    /// Revenue per purchase day over the history, minor units.
    pub average_order: i64,
}

/// A customer of the rep in decline.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct AtRiskCustomer {
    pub customer_id: String,
    pub name: Option<String>,
    pub customer_type: Option<String>,
    pub days_since_last: i64,
    /// BG/NBD P(alive), when the model was fitted.
    pub p_alive: Option<f64>,
    /// CLV over the model's horizon in minor units, when a spend model was fitted.
    pub clv: Option<i64>,
    /// Revenue over the 365 days before as-of, minor units.
    pub revenue_last_year: i64,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitReason {
    /// The lead goes back to the pool within `soon_hours` (or is already past due).
    ReclaimSoon,
    ReorderOverdue,
    ReorderDue,
    AtRisk,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitKind {
    Lead,
    Customer,
}

/// A suggested visit: a lead or customer, why, and the money at stake.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Visit {
    pub kind: VisitKind,
    pub id: String,
    pub name: Option<String>,
    pub reasons: Vec<VisitReason>,
    /// Minor units; see [`rep_view`] for how it is valued.
    pub at_stake: i64,
}

/// Everything the rep view shows for one rep.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct RepView {
    pub as_of: Timestamp,
    pub rep: String,
    /// Every rep of the dataset (the reps table, then reps only named by leads), by id.
    pub reps: Vec<RepChoice>,
    /// Whether `rep` is one of them.
    pub known: bool,
    pub open_leads: usize,
    /// By expected value, highest first.
    pub leads: Vec<RepLead>,
    pub reorder_count: usize,
    /// Most overdue (days since last order ÷ cycle) first.
    pub reorder: Vec<ReorderCustomer>,
    pub at_risk_count: usize,
    /// Highest value at stake (CLV, else last year's revenue) first.
    pub at_risk: Vec<AtRiskCustomer>,
    /// Most money at stake first.
    pub visits: Vec<Visit>,
}

/// The reps to pick from: the reps table in id order, then reps only named by leads.
pub fn rep_choices(ds: &Dataset) -> Vec<RepChoice> {
    let mut seen = vec![false; ds.names.len()];
    let mut out: Vec<RepChoice> = Vec::new();
    let named = ds.reps.iter().map(|r| (r.id.sym(), r.name));
    let only_leads = ds
        .leads
        .iter()
        .filter_map(|l| Some((l.assigned_rep?.sym(), None)));
    for (id, name) in named.chain(only_leads) {
        if let Some(s) = seen.get_mut(id.index())
            && !*s
        {
            *s = true;
            out.push(RepChoice {
                rep_id: ds.name(id).to_owned(),
                name: name.map(|n| ds.name(n).to_owned()),
            });
        }
    }
    out.sort_by(|a, b| a.rep_id.cmp(&b.rep_id));
    out
}

/// Mean won value of won leads per customer type (last slot: every type), minor units.
fn mean_won_values(frame: &LeadFrame) -> [Option<i64>; 5] {
    let mut sum = [(0i64, 0i64); 5];
    for i in 0..frame.len() {
        if frame.won[i] && frame.won_value[i] > 0 {
            let t = usize::from(frame.ty[i]).min(4);
            for k in [t, 4] {
                sum[k].0 += frame.won_value[i];
                sum[k].1 += 1;
            }
        }
    }
    sum.map(|(s, n)| (n > 0).then(|| (s as f64 / n as f64).round() as i64))
}

fn type_name(ty: Option<CustomerType>) -> Option<String> {
    ty.map(|t| t.as_str().to_owned())
}

/// The rep view of `rep` (an id as the data writes it). `clv` is the CLV model fitted on
/// every customer as of the same date, for P(alive) and CLV; without it, at-risk customers
/// are found from their order history alone.
///
/// Suggested visits value each candidate by the money at stake: a lead whose reclaim is due
/// within `soon_hours` by its expected value; a customer due or overdue to reorder by its
/// average order; a customer at risk by its CLV (else last year's revenue). A customer with
/// several reasons counts once, at the largest of them.
pub fn rep_view(
    ds: &Dataset,
    rep: &str,
    config: &RepViewConfig,
    clv: Option<&ClvModel>,
) -> RepView {
    rep_view_of(ds, &MeasureBase::new(ds), rep, config, clv)
}

/// [`rep_view`] from the dataset's [`MeasureBase`] (its default as-of and its leads laid out),
/// for whoever holds the data and asks again.
pub fn rep_view_of(
    ds: &Dataset,
    base: &MeasureBase,
    rep: &str,
    config: &RepViewConfig,
    clv: Option<&ClvModel>,
) -> RepView {
    let as_of = config.as_of.unwrap_or(base.default_as_of);
    let reps = rep_choices(ds);
    let known = reps.iter().any(|r| r.rep_id == rep);
    let rep_sym = ds.names.get(rep).filter(|_| known);
    let mut view = RepView {
        as_of,
        rep: rep.to_owned(),
        reps,
        known,
        open_leads: 0,
        leads: Vec::new(),
        reorder_count: 0,
        reorder: Vec::new(),
        at_risk_count: 0,
        at_risk: Vec::new(),
        visits: Vec::new(),
    };
    let Some(rep_sym) = rep_sym else {
        return view;
    };
    let mut leads = open_leads(ds, base, rep_sym, as_of, config);
    view.open_leads = leads.len();
    leads.sort_by(|a, b| {
        b.expected_value
            .cmp(&a.expected_value)
            .then(a.reclaim_at.cmp(&b.reclaim_at))
            .then(a.lead_id.cmp(&b.lead_id))
    });
    let (reorder, at_risk) = customers_of(ds, rep_sym, as_of, config, clv);
    view.visits = visits(&leads, &reorder, &at_risk, config);
    view.reorder_count = reorder.len();
    view.at_risk_count = at_risk.len();
    view.leads = leads;
    view.reorder = reorder;
    view.at_risk = at_risk;
    view.leads.truncate(config.list_limit);
    view.reorder.truncate(config.list_limit);
    view.at_risk.truncate(config.list_limit);
    view
}

/// The rep's open leads as of `as_of` (any order).
fn open_leads(
    ds: &Dataset,
    base: &MeasureBase,
    rep: Sym,
    as_of: Timestamp,
    config: &RepViewConfig,
) -> Vec<RepLead> {
    let measure = MeasureConfig {
        as_of: Some(as_of),
        window: Window::default(),
        ..MeasureConfig::default()
    };
    let frame = LeadFrame::of(ds, &base.leads, &base.scope(ds, &measure));
    let Some(rep_key) = frame.reps.iter().position(|r| r.id == rep) else {
        return Vec::new();
    };
    let mine: Vec<usize> = (0..frame.len())
        .filter(|&i| {
            frame.rep[i] as usize == rep_key && !frame.won[i] && frame.closed[i] == NO_TIME
        })
        .collect();
    if mine.is_empty() {
        return Vec::new();
    }
    // The latest activity on each of the rep's leads, which may extend a protection period.
    let mut slot = vec![u32::MAX; ds.names.len()];
    for (k, &i) in mine.iter().enumerate() {
        if let Some(s) = slot.get_mut(frame.lead_id[i].index()) {
            *s = k as u32;
        }
    }
    let mut last_activity: Vec<Option<Timestamp>> = vec![None; mine.len()];
    for a in &ds.activities {
        let Some(k) = a.lead.and_then(|l| slot.get(l.sym().index()).copied()) else {
            continue;
        };
        if let Some(e) = last_activity.get_mut(k as usize)
            && a.at < as_of
        {
            *e = (*e).max(Some(a.at));
        }
    }
    let model = NaiveBayes::fit(&frame, |_| true);
    let customer_rows = ds.customer_index();
    let fallback = mean_won_values(&frame);
    let rules = config.policy.lead_rules();
    mine.iter()
        .zip(last_activity)
        .filter_map(|(&i, last_activity)| {
            let lead = ds.leads.get(frame.row[i] as usize)?;
            let p_win = model.predict(&frame, i);
            let (value, value_imputed) = match frame.est_value[i] {
                v if v > 0 => (v, false),
                _ => {
                    let t = usize::from(frame.ty[i]).min(usize::from(NO_TYPE));
                    (fallback[t].or(fallback[4]).unwrap_or(0), true)
                }
            };
            let stage = lead.effective_stage();
            let held = HeldLead {
                customer_type: lead.customer_type,
                held_since: Timestamp(frame.assigned[i]),
                contacted: frame.contact[i] != NO_TIME,
                won: false,
                locked: false,
                open_opportunity: matches!(stage, Stage::Qualified | Stage::Proposal),
                last_activity,
            };
            let deadline = rules.deadline(&held);
            let customer = lead.customer.map(|c| {
                let row = customer_rows.get(&c).copied();
                let name = row.and_then(|r| ds.customers.get(r)).and_then(|c| c.name);
                ds.name(name.unwrap_or(c.sym())).to_owned()
            });
            Some(RepLead {
                lead_id: ds.name(lead.id.sym()).to_owned(),
                customer,
                customer_type: type_name(lead.customer_type),
                source: lead.source.map(|s| ds.name(s).to_owned()),
                stage: stage.as_str().to_owned(),
                p_win,
                value,
                value_imputed,
                expected_value: (p_win * value as f64).round() as i64,
                reclaim_at: deadline.map(|d| d.0),
                reclaim_reason: deadline.map(|d| d.1),
                reclaim_in_secs: deadline.map(|d| d.0.0 - as_of.0),
            })
        })
        .collect()
}

/// The rep's customers due or overdue to reorder (most overdue first) and those in decline
/// (most at stake first). Customers churned by their order history are in neither list: they
/// are past reordering; P(alive) only decides between decline and churn for the at-risk list.
fn customers_of(
    ds: &Dataset,
    rep: Sym,
    as_of: Timestamp,
    config: &RepViewConfig,
    clv: Option<&ClvModel>,
) -> (Vec<ReorderCustomer>, Vec<AtRiskCustomer>) {
    let facts = CustomerFacts::build(ds, as_of);
    let now = facts.as_of_day;
    let mut reorder = Vec::new();
    let mut at_risk = Vec::new();
    for (i, c) in ds.customers.iter().enumerate() {
        if c.owner.map(|o| o.sym()) != Some(rep) {
            continue;
        }
        let (days, revenue) = facts.days(i);
        let Some(&last) = days.last() else {
            continue;
        };
        let summary = summary_of(&facts, i);
        let value = clv.zip(summary).map(|(m, s)| m.predict(&s));
        let rules = &config.lifecycle;
        // Whether a customer is past reordering is read from its own order history: a
        // P(alive) fitted on few customers can be far off, and the list must not hide them.
        if stage_at(days, now, rules, config.overdue_k, None) == Some(LifecycleStage::Churned) {
            continue;
        }
        let bgnbd = clv.map(|m| &m.bgnbd.params);
        let stage = stage_at(days, now, rules, config.overdue_k, bgnbd);
        let id = ds.name(c.id.sym()).to_owned();
        let name = c.name.map(|n| ds.name(n).to_owned());
        let since = now - last;
        if let Some(cycle) = facts.cycle_days(i) {
            let next = last + cycle.round() as i64;
            let overdue = since as f64 > config.overdue_k * cycle;
            if overdue || next < now + config.due_within_days {
                let total: i64 = revenue.iter().sum();
                reorder.push(ReorderCustomer {
                    customer_id: id.clone(),
                    name: name.clone(),
                    customer_type: type_name(c.customer_type),
                    last_order: Timestamp::from_days(last).date_string(),
                    cycle_days: cycle,
                    next_expected: Timestamp::from_days(next).date_string(),
                    days_until: next - now,
                    overdue,
                    overdue_ratio: since as f64 / cycle.max(1.0),
                    average_order: total / days.len().max(1) as i64,
                });
            }
        }
        if stage == Some(LifecycleStage::Decline) {
            at_risk.push(AtRiskCustomer {
                customer_id: id,
                name,
                customer_type: type_name(c.customer_type),
                days_since_last: since,
                p_alive: value.map(|v| v.p_alive),
                clv: value
                    .and_then(|v| v.clv)
                    .filter(|v| v.is_finite())
                    .map(|v| (v * 100.0).round() as i64),
                revenue_last_year: facts.revenue_between(i, now - 365, now),
            });
        }
    }
    reorder.sort_by(|a, b| {
        b.overdue_ratio
            .total_cmp(&a.overdue_ratio)
            .then(a.customer_id.cmp(&b.customer_id))
    });
    at_risk.sort_by(|a, b| {
        at_risk_stake(b)
            .cmp(&at_risk_stake(a))
            .then(a.customer_id.cmp(&b.customer_id))
    });
    (reorder, at_risk)
}

fn at_risk_stake(c: &AtRiskCustomer) -> i64 {
    c.clv.unwrap_or(c.revenue_last_year)
}

/// Today's suggested visits (see [`rep_view`]).
fn visits(
    leads: &[RepLead],
    reorder: &[ReorderCustomer],
    at_risk: &[AtRiskCustomer],
    config: &RepViewConfig,
) -> Vec<Visit> {
    let soon = (config.soon_hours.max(0.0) * 3600.0) as i64;
    let mut out: Vec<Visit> = leads
        .iter()
        .filter(|l| l.reclaim_in_secs.is_some_and(|s| s <= soon))
        .map(|l| Visit {
            kind: VisitKind::Lead,
            id: l.lead_id.clone(),
            name: l.customer.clone(),
            reasons: vec![VisitReason::ReclaimSoon],
            at_stake: l.expected_value,
        })
        .collect();
    let mut customers: Vec<Visit> = Vec::new();
    let mut add = |id: &str, name: &Option<String>, reason, at_stake: i64| match customers
        .iter_mut()
        .find(|v| v.id == id)
    {
        Some(v) => {
            v.reasons.push(reason);
            v.at_stake = v.at_stake.max(at_stake);
        }
        None => customers.push(Visit {
            kind: VisitKind::Customer,
            id: id.to_owned(),
            name: name.clone(),
            reasons: vec![reason],
            at_stake,
        }),
    };
    for c in reorder {
        let reason = if c.overdue {
            VisitReason::ReorderOverdue
        } else {
            VisitReason::ReorderDue
        };
        add(&c.customer_id, &c.name, reason, c.average_order);
    }
    for c in at_risk {
        add(
            &c.customer_id,
            &c.name,
            VisitReason::AtRisk,
            at_risk_stake(c),
        );
    }
    out.extend(customers);
    out.sort_by(|a, b| b.at_stake.cmp(&a.at_stake).then(a.id.cmp(&b.id)));
    out.truncate(config.visits);
    out
}

#[cfg(test)]
mod tests;
