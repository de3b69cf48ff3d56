//! Reclaim effectiveness from the ownership log: what happened to leads and customers after
//! they were reclaimed into the pool (回收 → 公海) and handed to a new owner.
//!
//! A reclaim is an event with a `reclaim_*` reason; its reassignment is the next event of the
//! same entity with a rep. Re-activation within N days of the reassignment is any activity on
//! the entity, an order (customers) or a win (leads) in [reassignment, reassignment + N days).
//! Revenue recovered is the entity's order revenue (customers) or won value (leads) from the
//! reassignment until its next reclaim or `as_of`. Lost for good: no order or win after the
//! reclaim although at least 90 days have passed.

use super::{CustomerConfig, CustomerFacts};
use crate::Dataset;
use crate::model::{EntityKind, OwnershipReason, Timestamp};
use crate::stats::radix::group_by_slot;
use crate::stats::{Proportion, median};
use serde::Serialize;

#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct ReclaimStats {
    pub key: String,
    pub reclaims: u64,
    pub reassigned: u64,
    pub median_days_in_pool: Option<f64>,
    /// Of reassigned reclaims, re-activated within 30 / 60 / 90 days.
    pub reactivated_30: u64,
    pub reactivated_60: u64,
    pub reactivated_90: u64,
    pub reactivation_90: Proportion,
    /// Minor units.
    pub revenue_recovered: i64,
    pub lost_for_good: u64,
}

#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct OwnerComparison {
    /// Reassigned reclaims compared.
    pub reclaims: u64,
    /// Revenue (orders or wins) in the 90 days before the reclaim, under the first owner.
    pub first_owner_revenue_90d: i64,
    /// Revenue in the 90 days after the reassignment, under the second owner.
    pub second_owner_revenue_90d: i64,
    /// Reclaims where the second owner's 90-day revenue exceeds the first owner's.
    pub second_owner_better: u64,
}

#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct ReclaimReport {
    pub total: ReclaimStats,
    pub by_entity: Vec<ReclaimStats>,
    pub by_reason: Vec<ReclaimStats>,
    pub by_rep: Vec<ReclaimStats>,
    pub by_segment: Vec<ReclaimStats>,
    pub by_month: Vec<ReclaimStats>,
    pub owners: OwnerComparison,
    /// Entities reclaimed once, twice, three or more times.
    pub entities_reclaimed: [u64; 3],
}

#[derive(Default)]
struct Acc {
    reclaims: u64,
    reassigned: u64,
    pool_days: Vec<f64>,
    react: [u64; 3],
    revenue: i64,
    lost: u64,
}

impl Acc {
    fn add(&mut self, o: &Outcome) {
        self.reclaims += 1;
        if let Some(days) = o.pool_days {
            self.reassigned += 1;
            self.pool_days.push(days);
        }
        for (x, y) in self.react.iter_mut().zip(o.react) {
            *x += u64::from(y);
        }
        self.revenue += o.revenue;
        self.lost += u64::from(o.lost);
    }

    fn stats(self, key: String) -> ReclaimStats {
        ReclaimStats {
            key,
            reclaims: self.reclaims,
            reassigned: self.reassigned,
            median_days_in_pool: median(&self.pool_days),
            reactivated_30: self.react[0],
            reactivated_60: self.react[1],
            reactivated_90: self.react[2],
            reactivation_90: Proportion::wilson(self.react[2], self.reassigned),
            revenue_recovered: self.revenue,
            lost_for_good: self.lost,
        }
    }
}

/// What followed one reclaim.
struct Outcome {
    /// Days in the pool, if reassigned.
    pool_days: Option<f64>,
    react: [bool; 3],
    revenue: i64,
    lost: bool,
}

/// A breakdown key, kept as the typed value while counting; its label is made once per
/// distinct key at the end.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum GroupKey {
    Entity(EntityKind),
    Reason(Option<OwnershipReason>),
    /// The owner before the reclaim; `None`: the pool.
    Rep(Option<crate::model::RepId>),
    Segment(Option<crate::model::CustomerType>),
    /// (year, month).
    Month(i64, u32),
}

impl GroupKey {
    fn label(self, ds: &Dataset) -> String {
        match self {
            GroupKey::Entity(EntityKind::Customer) => "customer".to_string(),
            GroupKey::Entity(EntityKind::Lead) => "lead".to_string(),
            GroupKey::Reason(r) => r.map_or("(unknown)", |r| r.as_str()).to_string(),
            GroupKey::Rep(r) => {
                r.map_or_else(|| "(pool)".to_string(), |r| ds.name(r.0).to_string())
            }
            GroupKey::Segment(s) => s.map_or("(unknown)", |s| s.as_str()).to_string(),
            GroupKey::Month(y, m) => format!("{y:04}-{m:02}"),
        }
    }
}

/// Sorted event days per row, as compressed rows.
struct DaysByRow {
    start: Vec<usize>,
    days: Vec<i64>,
}

impl DaysByRow {
    /// A counting sort by row; each row's days are then sorted (they usually already are).
    fn new(n: usize, items: impl Iterator<Item = (usize, i64)> + Clone) -> Self {
        let (start, mut days) = group_by_slot(n, items);
        for w in start.windows(2) {
            if let Some(row) = days.get_mut(w[0]..w[1])
                && !row.is_sorted()
            {
                row.sort_unstable();
            }
        }
        Self { start, days }
    }

    fn any_in(&self, row: usize, from: i64, to: i64) -> bool {
        let lo = self.start.get(row).copied().unwrap_or(0);
        let hi = self.start.get(row + 1).copied().unwrap_or(lo);
        let d = self.days.get(lo..hi).unwrap_or_default();
        let k = d.partition_point(|x| *x < from);
        d.get(k).is_some_and(|x| *x < to)
    }
}

pub fn reclaim_report(
    ds: &Dataset,
    facts: &CustomerFacts,
    _config: &CustomerConfig,
) -> ReclaimReport {
    let now = facts.as_of_day;
    let mut lead_row_of_sym = vec![usize::MAX; ds.names.len()];
    for (i, l) in ds.leads.iter().enumerate() {
        if let Some(slot) = lead_row_of_sym.get_mut(l.id.0.0 as usize) {
            *slot = i;
        }
    }
    let lead_row = |sym: crate::model::Sym| {
        lead_row_of_sym
            .get(sym.0 as usize)
            .copied()
            .filter(|r| *r != usize::MAX)
    };
    let cust_acts = DaysByRow::new(
        facts.len(),
        ds.activities
            .iter()
            .filter_map(|a| Some((facts.row(a.customer?.0)?, a.at.day()))),
    );
    let lead_acts = DaysByRow::new(
        ds.leads.len(),
        ds.activities
            .iter()
            .filter_map(|a| Some((lead_row(a.lead?.0)?, a.at.day()))),
    );
    // Events by entity then time; the index as the last key keeps the log's order for ties.
    let mut keyed: Vec<(u8, crate::model::Sym, Timestamp, usize)> = ds
        .ownership
        .iter()
        .enumerate()
        .filter(|(_, e)| e.at.day() < now)
        .map(|(i, e)| (e.entity_kind as u8, e.entity, e.at, i))
        .collect();
    keyed.sort_unstable();
    let events: Vec<usize> = keyed.into_iter().map(|k| k.3).collect();
    let mut total = Acc::default();
    let mut groups: [rustc_hash::FxHashMap<GroupKey, Acc>; 5] = Default::default();
    let mut group: Vec<&crate::model::OwnershipEvent> = Vec::new();
    let mut owners = OwnerComparison {
        reclaims: 0,
        first_owner_revenue_90d: 0,
        second_owner_revenue_90d: 0,
        second_owner_better: 0,
    };
    let mut entities_reclaimed = [0u64; 3];
    let mut k = 0;
    while k < events.len() {
        let Some(head) = events.get(k).and_then(|&i| ds.ownership.get(i)) else {
            break;
        };
        let mut end = k;
        while events
            .get(end)
            .and_then(|&i| ds.ownership.get(i))
            .is_some_and(|e| e.entity == head.entity && e.entity_kind == head.entity_kind)
        {
            end += 1;
        }
        group.clear();
        group.extend(
            events
                .get(k..end)
                .unwrap_or_default()
                .iter()
                .filter_map(|&i| ds.ownership.get(i)),
        );
        k = end;
        let kind = head.entity_kind;
        let (row, segment) = match kind {
            EntityKind::Customer => {
                let r = facts.row(head.entity);
                let seg = r
                    .and_then(|r| ds.customers.get(r))
                    .and_then(|c| c.customer_type);
                (r, seg)
            }
            EntityKind::Lead => {
                let r = lead_row(head.entity);
                let seg = r
                    .and_then(|r| ds.leads.get(r))
                    .and_then(|l| l.customer_type);
                (r, seg)
            }
        };
        // Revenue and "any outcome" for this entity in [from, to).
        let revenue_in = |from: i64, to: i64| -> i64 {
            match (kind, row) {
                (EntityKind::Customer, Some(r)) => facts.revenue_between(r, from, to),
                (EntityKind::Lead, Some(r)) => ds.leads.get(r).map_or(0, |l| match l.won_at {
                    Some(w) if w.day() >= from && w.day() < to => l.won_value.map_or(0, |v| v.0),
                    _ => 0,
                }),
                _ => 0,
            }
        };
        let outcome_in = |from: i64, to: i64| -> bool {
            match (kind, row) {
                (EntityKind::Customer, Some(r)) => {
                    facts.purchases_between(r, from, to) > 0 || cust_acts.any_in(r, from, to)
                }
                (EntityKind::Lead, Some(r)) => {
                    lead_acts.any_in(r, from, to)
                        || ds.leads.get(r).is_some_and(|l| {
                            l.won_at.is_some_and(|w| w.day() >= from && w.day() < to)
                        })
                }
                _ => false,
            }
        };
        let mut prev_rep = None;
        let mut count = 0usize;
        for (j, e) in group.iter().enumerate() {
            let is_reclaim = matches!(
                e.reason,
                Some(
                    OwnershipReason::ReclaimNoFollowUp
                        | OwnershipReason::ReclaimNoDeal
                        | OwnershipReason::ReclaimOther
                )
            );
            if !is_reclaim {
                prev_rep = e.rep;
                continue;
            }
            count += 1;
            let day = e.at.day();
            let reassign = group
                .get(j + 1..)
                .unwrap_or_default()
                .iter()
                .find(|n| n.rep.is_some());
            let next_reclaim = group
                .get(j + 1..)
                .unwrap_or_default()
                .iter()
                .skip_while(|n| n.rep.is_none())
                .find(|n| n.rep.is_none())
                .map_or(now, |n| n.at.day());
            let mut outcome = Outcome {
                pool_days: None,
                react: [false; 3],
                revenue: 0,
                lost: false,
            };
            if let Some(r) = reassign {
                let rd = r.at.day();
                outcome.pool_days = Some(r.at.days_since(e.at));
                for (slot, n) in outcome.react.iter_mut().zip([30, 60, 90]) {
                    *slot = outcome_in(rd, rd + n);
                }
                outcome.revenue = revenue_in(rd, next_reclaim.max(rd));
                let first = revenue_in(day - 90, day);
                let second = revenue_in(rd, rd + 90);
                owners.reclaims += 1;
                owners.first_owner_revenue_90d += first;
                owners.second_owner_revenue_90d += second;
                owners.second_owner_better += u64::from(second > first);
            }
            outcome.lost = now - day >= 90 && !won_or_ordered(kind, row, ds, facts, day, now);
            let (y, m, _) = e.at.ymd();
            let keys = [
                GroupKey::Entity(kind),
                GroupKey::Reason(e.reason),
                GroupKey::Rep(prev_rep),
                GroupKey::Segment(segment),
                GroupKey::Month(y, m),
            ];
            for (g, key) in groups.iter_mut().zip(keys) {
                g.entry(key).or_default().add(&outcome);
            }
            total.add(&outcome);
            prev_rep = e.rep;
        }
        if count > 0 {
            entities_reclaimed[(count - 1).min(2)] += 1;
        }
    }
    let [by_entity, by_reason, by_rep, by_segment, by_month] = groups.map(|g| {
        let mut out: Vec<ReclaimStats> = g.into_iter().map(|(k, a)| a.stats(k.label(ds))).collect();
        out.sort_unstable_by(|a, b| a.key.cmp(&b.key));
        out
    });
    ReclaimReport {
        total: total.stats("all".into()),
        by_entity,
        by_reason,
        by_rep,
        by_segment,
        by_month,
        owners,
        entities_reclaimed,
    }
}

/// Whether the entity had an order (customer) or a win (lead) in [from, to).
fn won_or_ordered(
    kind: EntityKind,
    row: Option<usize>,
    ds: &Dataset,
    facts: &CustomerFacts,
    from: i64,
    to: i64,
) -> bool {
    match (kind, row) {
        (EntityKind::Customer, Some(r)) => facts.purchases_between(r, from, to) > 0,
        (EntityKind::Lead, Some(r)) => ds
            .leads
            .get(r)
            .is_some_and(|l| l.won_at.is_some_and(|w| (from..to).contains(&w.day()))),
        _ => false,
    }
}
