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
use crate::model::{CustomerType, EntityKind, OwnershipReason};
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

/// One reclaim with everything that followed it except re-activation by an activity, which
/// needs the pass over activities after all reclaims are known.
struct Reclaim {
    /// The reassignment day and the entity's first order or win from that day, if reassigned.
    reassigned: Option<(i64, i64)>,
    /// The outcome, with `react` still to be filled in.
    outcome: Outcome,
    /// The reclaim's accumulator in each breakdown (entity, reason, rep, segment, month).
    groups: [u32; 5],
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
#[derive(Clone, Copy, Default)]
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

pub fn reclaim_report(
    ds: &Dataset,
    facts: &CustomerFacts,
    config: &CustomerConfig,
) -> ReclaimReport {
    reclaim_report_in(ds, facts, config, &CustomerScope::all())
}

/// Reclaim effectiveness of the entities in scope: customers that `facts` has in scope (see
/// [`CustomerFacts::restrict`]) and leads that `scope` keeps; under a filter, entities in
/// neither table are left out (nothing says where they belong).
pub fn reclaim_report_in(
    ds: &Dataset,
    facts: &CustomerFacts,
    _config: &CustomerConfig,
    scope: &CustomerScope,
) -> ReclaimReport {
    let now = facts.as_of_day;

    // Only entities with a reclaim matter. Each gets a slot: its position among the reclaimed
    // ids of its kind in symbol order (customers first), read from a bitmap with running
    // counts that stays in cache, so events and activities are joined to their entity without
    // a look-up in a table or map per row, and every other entity's rows are skipped at once.
    let mut marks = [
        SymBitmap::new(ds.names.len()),
        SymBitmap::new(ds.names.len()),
    ];
    let kind = |k: EntityKind| match k {
        EntityKind::Customer => 0,
        EntityKind::Lead => 1,
    };
    for e in &ds.ownership {
        if is_reclaim(e)
            && e.at.day() < now
            && let Some(m) = marks.get_mut(kind(e.entity_kind))
        {
            m.insert(e.entity);
        }
    }
    let [customer_slots, lead_slots] = marks.map(SymBitmap::numbered);
    let n_customer_slots = customer_slots.len();
    let n_slots = n_customer_slots + lead_slots.len();
    let customer_slot = |sym: crate::model::Sym| customer_slots.position(sym);
    let lead_slot = |sym: crate::model::Sym| lead_slots.position(sym).map(|p| n_customer_slots + p);
    // The table row of each slot (`u32::MAX`: an id in neither table), a later row winning
    // for a repeated id as in the tables' own look-ups. What the per-entity pass needs of the
    // row (segment, a lead's win) is copied while the tables are streamed in order, so that
    // pass reads no 192-byte lead row at random.
    let mut row_of_slot = vec![u32::MAX; n_slots];
    let mut known = vec![Known::default(); n_slots];
    let customers = ds.customers.iter().map(|c| {
        let slot = customer_slot(c.id.0);
        let known = slot.map(|_| Known {
            won: None,
            segment: c.customer_type,
        });
        (slot, known.unwrap_or_default())
    });
    let leads = ds.leads.iter().map(|l| {
        let slot = lead_slot(l.id.0);
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
    let row_of = |slot: usize| {
        row_of_slot
            .get(slot)
            .copied()
            .filter(|r| *r != u32::MAX)
            .map(|r| r as usize)
    };
    let kept: Vec<bool> = (0..n_slots)
        .map(|slot| match row_of(slot) {
            Some(r) if slot < n_customer_slots => facts.in_scope(r),
            Some(r) => scope.keeps_lead(r),
            None => scope.is_all(),
        })
        .collect();
    let mut keyed: Vec<(u32, u32)> = Vec::with_capacity(ds.ownership.len());
    for (i, e) in ds.ownership.iter().enumerate() {
        let slot = match e.entity_kind {
            EntityKind::Customer => customer_slot(e.entity),
            EntityKind::Lead => lead_slot(e.entity),
        };
        if let Some(slot) = slot.filter(|s| kept.get(*s).copied().unwrap_or(false))
            && e.at.day() < now
        {
            keyed.push((slot as u32, i as u32));
        }
    }
    drop(kept);
    // Events by entity (a counting sort, stable), then by time within each entity; the stable
    // time sort keeps the log's order for ties.
    let (start, mut events) = group_by_slot(n_slots, keyed.iter().map(|&(s, i)| (s as usize, i)));
    drop(keyed);
    let mut reclaims: Vec<Reclaim> = Vec::new();
    // Each reclaim's reassignment day (`i64::MAX`: none), apart from the rest so that the
    // activity pass, which looks them up at random, reads 8 bytes per reclaim.
    let mut reassigned_day: Vec<i64> = Vec::new();
    let mut by_rep = Groups::default();
    let mut by_month = Groups::default();
    let mut owners = OwnerComparison {
        reclaims: 0,
        first_owner_revenue_90d: 0,
        second_owner_revenue_90d: 0,
        second_owner_better: 0,
    };
    // `reclaims[first_reclaim[s]..first_reclaim[s + 1]]`: slot s's reclaims in time order.
    let mut first_reclaim: Vec<u32> = Vec::with_capacity(n_slots + 1);
    let mut entities_reclaimed = [0u64; 3];
    // Per event of one entity: the next event with a rep and the next one without, as
    // positions in the entity's events.
    let mut next: Vec<(usize, usize)> = Vec::new();
    let event = |i: u32| ds.ownership.get(i as usize);
    for slot in 0..n_slots {
        first_reclaim.push(reclaims.len() as u32);
        let (lo, hi) = (start[slot], start[slot + 1]);
        let Some(evs) = events.get_mut(lo..hi) else {
            continue;
        };
        if !evs.iter().any(|&i| event(i).is_some_and(is_reclaim)) {
            continue;
        }
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
        let k = known.get(slot).copied().unwrap_or_default();
        let entity = Entity {
            customer: row_of(slot).filter(|_| slot < n_customer_slots),
            won: k.won,
        };
        let segment = k.segment.map_or(CustomerType::ALL.len(), |s| s.index()) as u32;
        let mut prev_rep = None;
        let mut count = 0usize;
        for (j, &i) in evs.iter().enumerate() {
            let Some(e) = event(i) else { continue };
            if !is_reclaim(e) {
                prev_rep = e.rep;
                continue;
            }
            count += 1;
            let (with_rep, _) = next.get(j).copied().unwrap_or((usize::MAX, usize::MAX));
            let reassign = evs.get(with_rep).and_then(|&r| event(r));
            let next_reclaim = next
                .get(with_rep)
                .and_then(|n| evs.get(n.1))
                .and_then(|&p| event(p))
                .map_or(now, |p| p.at.day());
            let day = e.at.day();
            let mut outcome = Outcome {
                pool_days: None,
                react: [false; 3],
                revenue: 0,
                lost: now - day >= 90 && entity.first_from(facts, day) >= now,
            };
            let reassigned = reassign.map(|r| {
                let rd = r.at.day();
                outcome.pool_days = Some(r.at.days_since(e.at));
                outcome.revenue = entity.revenue_in(facts, rd, next_reclaim.max(rd));
                let first = entity.revenue_in(facts, day - 90, day);
                let second = entity.revenue_in(facts, rd, rd + 90);
                owners.reclaims += 1;
                owners.first_owner_revenue_90d += first;
                owners.second_owner_revenue_90d += second;
                owners.second_owner_better += u64::from(second > first);
                (rd, entity.first_from(facts, rd))
            });
            let (y, m, _) = e.at.ymd();
            reassigned_day.push(reassigned.map_or(i64::MAX, |(rd, _)| rd));
            reclaims.push(Reclaim {
                reassigned,
                outcome,
                groups: [
                    e.entity_kind.index() as u32,
                    e.reason.map_or(OwnershipReason::ALL.len(), |r| r.index()) as u32,
                    by_rep.of(GroupKey::Rep(prev_rep)),
                    segment,
                    by_month.of(GroupKey::Month(y, m)),
                ],
            });
            prev_rep = e.rep;
        }
        if count > 0 {
            entities_reclaimed[(count - 1).min(2)] += 1;
        }
    }
    first_reclaim.push(reclaims.len() as u32);
    drop(events);
    // The first activity on or after each reassignment. Each activity goes to the latest
    // reassignment of its entity on or before it (an entity's reassigned reclaims come first
    // and in time order); a minimum from the end then carries it back to earlier ones.
    let mut next_activity = vec![i64::MAX; reclaims.len()];
    let mut note = |slot: usize, day: i64| {
        let (Some(&lo), Some(&hi)) = (first_reclaim.get(slot), first_reclaim.get(slot + 1)) else {
            return;
        };
        let (lo, hi) = (lo as usize, hi as usize);
        if lo == hi {
            return;
        }
        let rs = reassigned_day.get(lo..hi).unwrap_or_default();
        let k = rs.partition_point(|&rd| rd <= day);
        if let Some(m) = k.checked_sub(1).and_then(|k| next_activity.get_mut(lo + k)) {
            *m = (*m).min(day);
        }
    };
    for a in &ds.activities {
        // Activities on ids in neither table count for nothing.
        let slots = [
            a.customer.and_then(|c| customer_slot(c.0)),
            a.lead.and_then(|l| lead_slot(l.0)),
        ];
        for slot in slots.into_iter().flatten() {
            if row_of(slot).is_some() {
                note(slot, a.at.day());
            }
        }
    }
    for w in first_reclaim.windows(2) {
        let mut later = i64::MAX;
        for m in next_activity
            .get_mut(w[0] as usize..w[1] as usize)
            .unwrap_or_default()
            .iter_mut()
            .rev()
        {
            later = later.min(*m);
            *m = later;
        }
    }
    let entity_keys = [EntityKind::Lead, EntityKind::Customer].map(GroupKey::Entity);
    let reason_keys = OwnershipReason::ALL
        .iter()
        .map(|&r| GroupKey::Reason(Some(r)))
        .chain([GroupKey::Reason(None)]);
    let segment_keys = CustomerType::ALL
        .iter()
        .map(|&s| GroupKey::Segment(Some(s)))
        .chain([GroupKey::Segment(None)]);
    let keys: [Vec<GroupKey>; 5] = [
        entity_keys.to_vec(),
        reason_keys.collect(),
        by_rep.keys,
        segment_keys.collect(),
        by_month.keys,
    ];
    let mut accs: [Vec<Acc>; 5] = keys
        .each_ref()
        .map(|k| k.iter().map(|_| Acc::default()).collect());
    let mut total = Acc::default();
    // Days in the pool of each reassigned reclaim with its groups. Whole seconds over 86 400,
    // so never NaN.
    let mut pool: Vec<(f64, [u32; 5])> = Vec::new();
    for (rc, &next_act) in reclaims.iter_mut().zip(&next_activity) {
        if let Some((rd, first)) = rc.reassigned {
            let first = first.min(next_act);
            for (slot, n) in rc.outcome.react.iter_mut().zip([30, 60, 90]) {
                *slot = first < rd + n;
            }
        }
        total.add(&rc.outcome);
        for (acc, &g) in accs.iter_mut().zip(&rc.groups) {
            if let Some(a) = acc.get_mut(g as usize) {
                a.add(&rc.outcome);
            }
        }
        if let Some(days) = rc.outcome.pool_days {
            pool.push((days, rc.groups));
        }
    }
    drop(reclaims);
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
