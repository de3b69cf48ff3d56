//! Reclaim effectiveness from the ownership log: what happened to leads and customers after
//! they were reclaimed into the pool (回收 → 公海) and handed to a new owner.
//!
//! A reclaim is an event with a `reclaim_*` reason; its reassignment is the next event of the
//! same entity with a rep. Re-activation within N days of the reassignment is any activity on
//! the entity, an order (customers) or a win (leads) in [reassignment, reassignment + N days).
//! Revenue recovered is the entity's order revenue (customers) or won value (leads) from the
//! reassignment until its next reclaim or `as_of`. Lost for good: no order or win after the
//! reclaim although at least 90 days have passed.

use super::{CustomerConfig, CustomerFacts, CustomerScope, SymBitmap};
use crate::Dataset;
use crate::model::{CustomerType, EntityKind, OwnershipReason, Sym, Timestamp};
use crate::stats::radix::group_by_slot;
use crate::stats::{Proportion, quantile_of_order};
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

/// Counts and sums of one breakdown group; the days in the pool, for the median, are grouped
/// apart once all reclaims are known (no vector per group to grow one push at a time).
#[derive(Clone, Copy, Default)]
struct Acc {
    reclaims: u64,
    reassigned: u64,
    react: [u64; 3],
    revenue: i64,
    lost: u64,
}

impl Acc {
    fn add(&mut self, o: &Outcome) {
        self.reclaims += 1;
        self.reassigned += u64::from(o.pool_days.is_some());
        for (x, y) in self.react.iter_mut().zip(o.react) {
            *x += u64::from(y);
        }
        self.revenue += o.revenue;
        self.lost += u64::from(o.lost);
    }

    /// The group's figures, given the days in the pool of its reassigned reclaims (reordered).
    fn stats(self, key: String, pool_days: &mut [f64]) -> ReclaimStats {
        ReclaimStats {
            key,
            reclaims: self.reclaims,
            reassigned: self.reassigned,
            median_days_in_pool: quantile_of_order(pool_days, 0.5),
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
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
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

/// One reclaim of the log with what followed it in the whole log; which of that happened
/// before an as-of date is decided per call.
#[derive(Clone, Copy, Debug)]
struct LoggedReclaim {
    at: Timestamp,
    /// The entity's next event with a rep (its reassignment); `None`: none in the whole log.
    reassigned_at: Option<Timestamp>,
    /// The day of the entity's first event without a rep after that reassignment (its next
    /// return to the pool), `i64::MAX`: none.
    next_pool_day: i64,
    /// Key ids in the reason, rep (the owner before the reclaim) and month breakdowns.
    reason: u32,
    rep: u32,
    month: u32,
}

/// The ownership log and the activities of every entity ever reclaimed, laid out once per
/// dataset (they do not depend on the as-of date): each entity (a slot) with its reclaims in
/// time order, what followed each in the log, and its activity days sorted. Reclaim
/// effectiveness as of a date then reads the reclaims before it and their outcomes from the
/// facts, with no pass over the 2.5M-event log or the activity table.
#[derive(Clone, Debug)]
pub struct ReclaimLog {
    /// Slots of customers (the first ones; leads' follow). An entity's slot is its position
    /// among the reclaimed ids of its kind in symbol order.
    n_customer_slots: usize,
    /// The table row of each slot (`u32::MAX`: an id in neither table).
    row_of_slot: Vec<u32>,
    known: Vec<Known>,
    /// `reclaims[start[s]..start[s + 1]]`: slot s's reclaims in time order (log order for
    /// ties).
    start: Vec<usize>,
    reclaims: Vec<LoggedReclaim>,
    /// `activity_days[activity_start[s]..activity_start[s + 1]]`: the days of the activities
    /// on slot s's entity, sorted (none for an id in neither table: they count for nothing).
    activity_start: Vec<usize>,
    activity_days: Vec<i64>,
    /// Labels' keys of the rep and month breakdowns, by key id.
    rep_keys: Vec<GroupKey>,
    month_keys: Vec<GroupKey>,
}

impl ReclaimLog {
    pub fn build(ds: &Dataset) -> Self {
        // Only entities with a reclaim matter. Each gets a slot: its position among the
        // reclaimed ids of its kind in symbol order (customers first), read from a bitmap with
        // running counts that stays in cache, so events and activities are joined to their
        // entity without a look-up in a table or map per row, and every other entity's rows
        // are skipped at once.
        let mut marks = [
            SymBitmap::new(ds.names.len()),
            SymBitmap::new(ds.names.len()),
        ];
        for e in &ds.ownership {
            if is_reclaim(e)
                && let Some(m) = marks.get_mut(kind_index(e.entity_kind))
            {
                m.insert(e.entity);
            }
        }
        let [customer_slots, lead_slots] = marks.map(SymBitmap::numbered);
        let n_customer_slots = customer_slots.len();
        let n_slots = n_customer_slots + lead_slots.len();
        let slot_of = |k: EntityKind, sym: Sym| match k {
            EntityKind::Customer => customer_slots.position(sym),
            EntityKind::Lead => lead_slots.position(sym).map(|p| n_customer_slots + p),
        };
        // The table row of each slot, a later row winning for a repeated id as in the tables'
        // own look-ups, and what the per-entity pass needs of the row (segment, a lead's win),
        // copied while the tables are streamed in order.
        let mut row_of_slot = vec![u32::MAX; n_slots];
        let mut known = vec![Known::default(); n_slots];
        let customers = ds.customers.iter().map(|c| {
            let slot = slot_of(EntityKind::Customer, c.id.0);
            let known = slot.map(|_| Known {
                won: None,
                segment: c.customer_type,
            });
            (slot, known.unwrap_or_default())
        });
        let leads = ds.leads.iter().map(|l| {
            let slot = slot_of(EntityKind::Lead, l.id.0);
            // Only reclaimed leads are read past their id.
            let known = slot.map(|_| Known {
                won: l.won_at.map(|w| (w.day(), l.won_value.map_or(0, |v| v.0))),
                segment: l.customer_type,
            });
            (slot, known.unwrap_or_default())
        });
        let rows = (0..ds.customers.len()).chain(0..ds.leads.len());
        for ((slot, k), row) in customers.chain(leads).zip(rows) {
            if let Some(s) = slot
                && let (Some(r), Some(e)) = (row_of_slot.get_mut(s), known.get_mut(s))
            {
                *r = row as u32;
                *e = k;
            }
        }
        // Events by entity (a counting sort, stable), then by time within each entity; the
        // stable time sort keeps the log's order for ties.
        let keyed = ds
            .ownership
            .iter()
            .enumerate()
            .filter_map(|(i, e)| Some((slot_of(e.entity_kind, e.entity)?, i as u32)));
        let (event_start, mut events) = group_by_slot(n_slots, keyed);
        let event = |i: u32| ds.ownership.get(i as usize);
        let mut by_rep = Groups::default();
        let mut month_ids: rustc_hash::FxHashMap<(i64, u32), u32> = Default::default();
        let mut month_keys = Vec::new();
        let mut start = Vec::with_capacity(n_slots + 1);
        let mut reclaims = Vec::new();
        // Per event of one entity: the next event with a rep and the next one without, as
        // positions in the entity's events.
        let mut next: Vec<(usize, usize)> = Vec::new();
        for w in event_start.windows(2) {
            start.push(reclaims.len());
            let Some(evs) = events.get_mut(w[0]..w[1]) else {
                continue;
            };
            let at = |i: &u32| event(*i).map(|e| e.at);
            if !evs.is_sorted_by_key(at) {
                evs.sort_by_key(at);
            }
            next.clear();
            next.resize(evs.len(), (usize::MAX, usize::MAX));
            let (mut with_rep, mut pool) = (usize::MAX, usize::MAX);
            for (j, &i) in evs.iter().enumerate().rev() {
                if let Some(n) = next.get_mut(j) {
                    *n = (with_rep, pool);
                }
                match event(i).map(|e| e.rep.is_some()) {
                    Some(true) => with_rep = j,
                    Some(false) => pool = j,
                    None => {}
                }
            }
            let mut prev_rep = None;
            for (j, &i) in evs.iter().enumerate() {
                let Some(e) = event(i) else { continue };
                if !is_reclaim(e) {
                    prev_rep = e.rep;
                    continue;
                }
                let (with_rep, _) = next.get(j).copied().unwrap_or((usize::MAX, usize::MAX));
                let reassigned_at = evs.get(with_rep).and_then(|&r| event(r)).map(|r| r.at);
                let next_pool_day = next
                    .get(with_rep)
                    .and_then(|n| evs.get(n.1))
                    .and_then(|&p| event(p))
                    .map_or(i64::MAX, |p| p.at.day());
                let (y, m, _) = e.at.ymd();
                let n_months = month_keys.len() as u32;
                let month = *month_ids.entry((y, m)).or_insert(n_months);
                if month == n_months {
                    month_keys.push(GroupKey::Month(y, m));
                }
                reclaims.push(LoggedReclaim {
                    at: e.at,
                    reassigned_at,
                    next_pool_day,
                    reason: e.reason.map_or(OwnershipReason::ALL.len(), |r| r.index()) as u32,
                    rep: by_rep.of(GroupKey::Rep(prev_rep)),
                    month,
                });
                prev_rep = e.rep;
            }
        }
        start.push(reclaims.len());
        drop(events);
        // Activities on the entities with a table row, by slot, each slot's days sorted.
        let has_row = |s: &usize| row_of_slot.get(*s).is_some_and(|r| *r != u32::MAX);
        let noted = ds.activities.iter().flat_map(|a| {
            let day = a.at.day();
            let customer = a.customer.and_then(|c| slot_of(EntityKind::Customer, c.0));
            let lead = a.lead.and_then(|l| slot_of(EntityKind::Lead, l.0));
            [customer, lead]
                .into_iter()
                .flatten()
                .filter(has_row)
                .map(move |s| (s, day))
        });
        let (activity_start, mut activity_days) = group_by_slot(n_slots, noted);
        for w in activity_start.windows(2) {
            if let Some(d) = activity_days.get_mut(w[0]..w[1])
                && !d.is_sorted()
            {
                d.sort_unstable();
            }
        }
        Self {
            n_customer_slots,
            row_of_slot,
            known,
            start,
            reclaims,
            activity_start,
            activity_days,
            rep_keys: by_rep.keys,
            month_keys,
        }
    }

    fn row_of(&self, slot: usize) -> Option<usize> {
        self.row_of_slot
            .get(slot)
            .copied()
            .filter(|r| *r != u32::MAX)
            .map(|r| r as usize)
    }

    /// The first activity day on slot's entity on or after `day` (`i64::MAX`: none).
    fn first_activity_from(&self, slot: usize, day: i64) -> i64 {
        let lo = self.activity_start.get(slot).copied().unwrap_or(0);
        let hi = self.activity_start.get(slot + 1).copied().unwrap_or(lo);
        let days = self.activity_days.get(lo..hi.max(lo)).unwrap_or_default();
        days.get(days.partition_point(|&d| d < day))
            .copied()
            .unwrap_or(i64::MAX)
    }
}

fn kind_index(k: EntityKind) -> usize {
    match k {
        EntityKind::Customer => 0,
        EntityKind::Lead => 1,
    }
}

/// The keys of one breakdown, numbered in first-seen order.
#[derive(Default)]
struct Groups {
    index: rustc_hash::FxHashMap<GroupKey, u32>,
    keys: Vec<GroupKey>,
}

impl Groups {
    fn of(&mut self, key: GroupKey) -> u32 {
        let n = self.keys.len() as u32;
        let k = *self.index.entry(key).or_insert(n);
        if k == n {
            self.keys.push(key);
        }
        k
    }
}

/// What a reclaimed entity's table row says: its segment and, for a lead, its win day and
/// value (the default for an id in neither table).
#[derive(Clone, Copy, Default, Debug)]
struct Known {
    won: Option<(i64, i64)>,
    segment: Option<CustomerType>,
}

/// What is known of a reclaimed entity: its customer row (customers) or its win day and value
/// (leads).
#[derive(Clone, Copy)]
struct Entity {
    customer: Option<usize>,
    won: Option<(i64, i64)>,
}

impl Entity {
    /// Revenue (orders or the win) in [from, to).
    fn revenue_in(self, facts: &CustomerFacts, from: i64, to: i64) -> i64 {
        match (self.customer, self.won) {
            (Some(r), _) => facts.revenue_between(r, from, to),
            (_, Some((w, v))) if w >= from && w < to => v,
            _ => 0,
        }
    }

    /// The first order or win on or after `from` (`i64::MAX`: none).
    fn first_from(self, facts: &CustomerFacts, from: i64) -> i64 {
        match (self.customer, self.won) {
            (Some(r), _) => {
                let d = facts.days(r).0;
                d.get(d.partition_point(|x| *x < from))
                    .copied()
                    .unwrap_or(i64::MAX)
            }
            (_, Some((w, _))) if w >= from => w,
            _ => i64::MAX,
        }
    }
}

/// Reclaim effectiveness of every entity, laying out the log for this one call (a caller
/// holding the data holds the [`ReclaimLog`] and calls [`reclaim_report_in`]).
pub fn reclaim_report(
    ds: &Dataset,
    facts: &CustomerFacts,
    config: &CustomerConfig,
) -> ReclaimReport {
    reclaim_report_in(
        ds,
        &ReclaimLog::build(ds),
        facts,
        config,
        &CustomerScope::all(),
    )
}

/// Reclaim effectiveness of the entities in scope, from `log`, the [`ReclaimLog`] of `ds`:
/// customers that `facts` has in scope (see [`CustomerFacts::restrict`]) and leads that
/// `scope` keeps; under a filter, entities in neither table are left out (nothing says where
/// they belong). Only events before the as-of day count.
pub fn reclaim_report_in(
    ds: &Dataset,
    log: &ReclaimLog,
    facts: &CustomerFacts,
    _config: &CustomerConfig,
    scope: &CustomerScope,
) -> ReclaimReport {
    let now = facts.as_of_day;
    let n_customer_slots = log.n_customer_slots;
    let n_slots = log.start.len().saturating_sub(1);
    // Each reclaim's outcome is added to its groups as it is found; only the days in the pool
    // of the reassigned ones are kept, with their groups, for the medians.
    let entity_keys = [EntityKind::Lead, EntityKind::Customer].map(GroupKey::Entity);
    let reason_keys: Vec<GroupKey> = OwnershipReason::ALL
        .iter()
        .map(|&r| GroupKey::Reason(Some(r)))
        .chain([GroupKey::Reason(None)])
        .collect();
    let segment_keys: Vec<GroupKey> = CustomerType::ALL
        .iter()
        .map(|&s| GroupKey::Segment(Some(s)))
        .chain([GroupKey::Segment(None)])
        .collect();
    // The five breakdowns (entity, reason, rep, segment, month), by key id.
    let keys: [&[GroupKey]; 5] = [
        &entity_keys,
        &reason_keys,
        &log.rep_keys,
        &segment_keys,
        &log.month_keys,
    ];
    let mut accs: [Vec<Acc>; 5] = keys.map(|k| vec![Acc::default(); k.len()]);
    let mut total = Acc::default();
    // Whole seconds over 86 400, so never NaN.
    let mut pool: Vec<(f64, [u32; 5])> = Vec::new();
    let mut owners = OwnerComparison {
        reclaims: 0,
        first_owner_revenue_90d: 0,
        second_owner_revenue_90d: 0,
        second_owner_better: 0,
    };
    let mut entities_reclaimed = [0u64; 3];
    for slot in 0..n_slots {
        let (lo, hi) = (log.start[slot], log.start[slot + 1]);
        let Some(logged) = log.reclaims.get(lo..hi) else {
            continue;
        };
        // The reclaims before the as-of day: a prefix of the entity's, in time order.
        let count = logged.partition_point(|r| r.at.day() < now);
        if count == 0 {
            continue;
        }
        let kept = match log.row_of(slot) {
            Some(r) if slot < n_customer_slots => facts.in_scope(r),
            Some(r) => scope.keeps_lead(r),
            None => scope.is_all(),
        };
        if !kept {
            continue;
        }
        entities_reclaimed[(count - 1).min(2)] += 1;
        let k = log.known.get(slot).copied().unwrap_or_default();
        let is_customer = slot < n_customer_slots;
        let entity = Entity {
            customer: log.row_of(slot).filter(|_| is_customer),
            won: k.won,
        };
        let segment = k.segment.map_or(CustomerType::ALL.len(), |s| s.index()) as u32;
        let kind = if is_customer {
            EntityKind::Customer
        } else {
            EntityKind::Lead
        };
        for r in logged.get(..count).unwrap_or_default() {
            let day = r.at.day();
            let mut outcome = Outcome {
                pool_days: None,
                react: [false; 3],
                revenue: 0,
                lost: now - day >= 90 && entity.first_from(facts, day) >= now,
            };
            // The reassignment and the next return to the pool count when before the as-of
            // day, as the events after it do not exist yet.
            if let Some(reassigned) = r.reassigned_at.filter(|t| t.day() < now) {
                let rd = reassigned.day();
                let next_reclaim = if r.next_pool_day < now {
                    r.next_pool_day
                } else {
                    now
                };
                outcome.pool_days = Some(reassigned.days_since(r.at));
                outcome.revenue = entity.revenue_in(facts, rd, next_reclaim.max(rd));
                let first = entity.revenue_in(facts, day - 90, day);
                let second = entity.revenue_in(facts, rd, rd + 90);
                owners.reclaims += 1;
                owners.first_owner_revenue_90d += first;
                owners.second_owner_revenue_90d += second;
                owners.second_owner_better += u64::from(second > first);
                // Re-activated by the first order, win or activity from the reassignment on.
                let first_sign = entity
                    .first_from(facts, rd)
                    .min(log.first_activity_from(slot, rd));
                for (react, n) in outcome.react.iter_mut().zip([30, 60, 90]) {
                    *react = first_sign < rd + n;
                }
            }
            let groups = [kind.index() as u32, r.reason, r.rep, segment, r.month];
            total.add(&outcome);
            for (acc, &g) in accs.iter_mut().zip(&groups) {
                if let Some(a) = acc.get_mut(g as usize) {
                    a.add(&outcome);
                }
            }
            if let Some(days) = outcome.pool_days {
                pool.push((days, groups));
            }
        }
    }
    let mut all_days: Vec<f64> = pool.iter().map(|p| p.0).collect();
    let total = total.stats("all".into(), &mut all_days);
    drop(all_days);
    let [by_entity, by_reason, by_rep, by_segment, by_month] = std::array::from_fn(|d| {
        let group = |g: &[u32; 5]| g.get(d).map_or(usize::MAX, |&k| k as usize);
        let (start, mut days) =
            group_by_slot(keys[d].len(), pool.iter().map(|(x, g)| (group(g), *x)));
        let mut out: Vec<ReclaimStats> = keys[d]
            .iter()
            .zip(std::mem::take(&mut accs[d]))
            .enumerate()
            .filter(|(_, (_, a))| a.reclaims > 0)
            .map(|(g, (k, a))| {
                let range = start.get(g).copied().zip(start.get(g + 1).copied());
                let days = range.and_then(|(lo, hi)| days.get_mut(lo..hi));
                a.stats(k.label(ds), days.unwrap_or_default())
            })
            .collect();
        out.sort_unstable_by(|a, b| a.key.cmp(&b.key));
        out
    });
    ReclaimReport {
        total,
        by_entity,
        by_reason,
        by_rep,
        by_segment,
        by_month,
        owners,
        entities_reclaimed,
    }
}

fn is_reclaim(e: &crate::model::OwnershipEvent) -> bool {
    e.reason.is_some_and(|r| r.is_reclaim())
}
