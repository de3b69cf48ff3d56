//! The historical lead stream and ownership spells of a dataset, as the simulator and the
//! outcome model read them.

use super::model::Reassign;
use crate::dataset::Dataset;
use crate::model::{CustomerId, CustomerType, EntityKind, OwnershipReason, Sym, Timestamp};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

/// A lead as the simulator replays it.
#[derive(Clone, PartialEq, Debug)]
pub struct SimLead {
    pub created: Timestamp,
    pub region: Option<Sym>,
    pub customer_type: Option<CustomerType>,
    /// Index into [`History::sources`].
    pub source: Option<u16>,
    /// Index into [`History::campaigns`].
    pub campaign: Option<u16>,
    /// Estimated value in major units (0 when unknown).
    pub est_value: f64,
    /// Acquisition cost in minor units.
    pub cost: i64,
    pub customer: Option<CustomerId>,
}

/// The lead stream in creation order, with what actually happened.
#[derive(Clone, Debug)]
pub struct History {
    pub leads: Vec<SimLead>,
    /// Dataset row of each lead.
    pub rows: Vec<usize>,
    pub sources: Vec<String>,
    pub campaigns: Vec<String>,
    /// End of the history: the day after the last recorded event.
    pub horizon: Timestamp,
    pub outcome: HistoricalOutcome,
}

/// The real outcome the backtest must reproduce.
#[derive(Clone, Copy, PartialEq, Debug, Default, Serialize, Deserialize)]
pub struct HistoricalOutcome {
    pub leads: usize,
    pub conversions: u64,
    /// Major units.
    pub revenue: f64,
}

impl History {
    pub fn from_dataset(ds: &Dataset) -> Self {
        let mut order: Vec<usize> = (0..ds.leads.len()).collect();
        order.sort_by_key(|&i| (ds.leads[i].created_at, i));
        let mut sources: Vec<(Sym, String)> = Vec::new();
        let mut campaigns: Vec<(Sym, String)> = Vec::new();
        let index = |list: &mut Vec<(Sym, String)>, s: Option<Sym>| -> Option<u16> {
            let s = s?;
            if let Some(p) = list.iter().position(|(k, _)| *k == s) {
                return u16::try_from(p).ok();
            }
            let p = u16::try_from(list.len()).ok()?;
            list.push((s, ds.name(s).to_string()));
            Some(p)
        };
        let mut horizon = Timestamp(i64::MIN);
        let mut outcome = HistoricalOutcome {
            leads: ds.leads.len(),
            ..Default::default()
        };
        let mut leads = Vec::with_capacity(order.len());
        for &i in &order {
            let l = &ds.leads[i];
            for t in [
                Some(l.created_at),
                l.assigned_at,
                l.first_contact_at,
                l.won_at,
                l.lost_at,
            ]
            .into_iter()
            .flatten()
            {
                horizon = horizon.max(t);
            }
            if l.won_at.is_some() {
                outcome.conversions += 1;
                outcome.revenue += l.won_value.map_or(0.0, |v| v.as_major());
            }
            leads.push(SimLead {
                created: l.created_at,
                region: l.region,
                customer_type: l.customer_type,
                source: index(&mut sources, l.source),
                campaign: index(&mut campaigns, l.campaign.map(|c| c.sym())),
                est_value: l.est_value.map_or(0.0, |v| v.as_major().max(0.0)),
                cost: l.cost.map_or(0, |c| c.0.max(0)),
                customer: l.customer,
            });
        }
        let horizon = if horizon.0 == i64::MIN {
            Timestamp(0)
        } else {
            horizon.date().add_days(1)
        };
        Self {
            leads,
            rows: order,
            sources: sources.into_iter().map(|(_, n)| n).collect(),
            campaigns: campaigns.into_iter().map(|(_, n)| n).collect(),
            horizon,
            outcome,
        }
    }
}

/// How an ownership spell ended.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum SpellEnd {
    Won(Timestamp),
    Lost(Timestamp),
    NoFollowUp(Timestamp),
    NoDeal(Timestamp),
    /// Transferred or reclaimed for another reason.
    Other(Timestamp),
    /// Still held at the end of the history.
    Open,
}

/// One rep's holding of one lead.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct Spell {
    /// Index into [`History::leads`].
    pub lead: usize,
    /// Roster (reps table) index.
    pub rep: usize,
    pub start: Timestamp,
    pub end: SpellEnd,
    pub contact: Option<Timestamp>,
    pub reassign: Reassign,
    /// The rep's open leads / capacity when the spell started.
    pub load: f64,
}

/// The ownership spells of every lead: from the ownership log where it has the lead, else the
/// lead's own assignment; with each rep's spells over time, which give the spells' loads.
pub fn spells(ds: &Dataset, hist: &History) -> (Vec<Spell>, Loads) {
    let reps = ds.rep_index();
    let mut pos_of_row = vec![usize::MAX; ds.leads.len()];
    for (p, &row) in hist.rows.iter().enumerate() {
        pos_of_row[row] = p;
    }
    let leads = ds.lead_index();
    let lead_pos = |sym: Sym| {
        leads
            .get(&crate::model::LeadId(sym))
            .and_then(|&row| pos_of_row.get(row).copied())
    };
    let mut log: Vec<(usize, Timestamp, Option<usize>, Option<OwnershipReason>)> = ds
        .ownership
        .iter()
        .filter(|o| o.entity_kind == EntityKind::Lead)
        .filter_map(|o| {
            Some((
                lead_pos(o.entity)?,
                o.at,
                o.rep.and_then(|r| reps.get(&r).copied()),
                o.reason,
            ))
        })
        .collect();
    log.sort_by_key(|e| (e.0, e.1));
    let mut contacts: FxHashMap<(usize, usize), Vec<Timestamp>> = FxHashMap::default();
    for a in &ds.activities {
        if let (Some(l), Some(&r)) = (a.lead.and_then(|l| lead_pos(l.sym())), reps.get(&a.rep)) {
            contacts.entry((l, r)).or_default().push(a.at);
        }
    }
    for v in contacts.values_mut() {
        v.sort_unstable();
    }
    let first_contact = |l: usize, r: usize, from: Timestamp| {
        contacts
            .get(&(l, r))
            .and_then(|v| v.iter().find(|t| **t >= from).copied())
    };

    let mut out: Vec<Spell> = Vec::new();
    let mut k = 0;
    for p in 0..hist.leads.len() {
        let Some(dl) = hist.rows.get(p).and_then(|&r| ds.leads.get(r)) else {
            continue;
        };
        let terminal = match (dl.won_at, dl.lost_at) {
            (Some(t), _) => SpellEnd::Won(t),
            (None, Some(t)) => SpellEnd::Lost(t),
            _ => SpellEnd::Open,
        };
        let mut current: Option<Spell> = None;
        let mut reassign = Reassign::First;
        let mut any = false;
        while k < log.len() && log[k].0 < p {
            k += 1;
        }
        while k < log.len() && log[k].0 == p {
            let (_, at, rep, reason) = log[k];
            k += 1;
            any = true;
            if let Some(mut s) = current.take() {
                s.end = match reason {
                    Some(OwnershipReason::ReclaimNoFollowUp) => SpellEnd::NoFollowUp(at),
                    Some(OwnershipReason::ReclaimNoDeal) => SpellEnd::NoDeal(at),
                    _ => SpellEnd::Other(at),
                };
                reassign = match s.end {
                    SpellEnd::NoFollowUp(_) => Reassign::AfterNoFollowUp,
                    SpellEnd::NoDeal(_) => Reassign::AfterNoDeal,
                    _ => reassign,
                };
                s.contact = first_contact(p, s.rep, s.start).filter(|c| *c < at);
                out.push(s);
            }
            if let Some(rep) = rep {
                current = Some(Spell {
                    lead: p,
                    rep,
                    start: at,
                    end: SpellEnd::Open,
                    contact: None,
                    reassign,
                    load: 0.0,
                });
            }
        }
        if !any
            && let (Some(r), Some(at)) = (
                dl.assigned_rep.and_then(|r| reps.get(&r).copied()),
                dl.assigned_at,
            )
        {
            current = Some(Spell {
                lead: p,
                rep: r,
                start: at,
                end: SpellEnd::Open,
                contact: None,
                reassign: Reassign::First,
                load: 0.0,
            });
        }
        if let Some(mut s) = current {
            s.end = terminal;
            s.contact = dl
                .first_contact_at
                .filter(|c| *c >= s.start)
                .or_else(|| first_contact(p, s.rep, s.start));
            out.push(s);
        }
    }

    // Load at each spell's start: spells of the same rep open at that moment.
    let loads = Loads::of(&out, ds.reps.len(), hist.horizon);
    for s in &mut out {
        let cap = ds
            .reps
            .get(s.rep)
            .and_then(|r| r.capacity)
            .map_or(f64::INFINITY, |c| c.max(1) as f64);
        s.load = loads.open_at(s.rep, s.start) as f64 / cap;
    }
    (out, loads)
}

/// Each rep's spell start and end times, sorted, to count the leads a rep held at any moment.
pub struct Loads {
    starts: Vec<Vec<i64>>,
    ends: Vec<Vec<i64>>,
}

impl Loads {
    /// The spells of `reps` reps; open spells end at `horizon`.
    pub fn of(spells: &[Spell], reps: usize, horizon: Timestamp) -> Self {
        let mut starts: Vec<Vec<i64>> = vec![Vec::new(); reps];
        let mut ends: Vec<Vec<i64>> = vec![Vec::new(); reps];
        for s in spells {
            let end = match s.end {
                SpellEnd::Won(t)
                | SpellEnd::Lost(t)
                | SpellEnd::NoFollowUp(t)
                | SpellEnd::NoDeal(t)
                | SpellEnd::Other(t) => t,
                SpellEnd::Open => horizon,
            };
            if let (Some(a), Some(b)) = (starts.get_mut(s.rep), ends.get_mut(s.rep)) {
                a.push(s.start.0);
                b.push(end.0);
            }
        }
        starts.iter_mut().for_each(|v| v.sort_unstable());
        ends.iter_mut().for_each(|v| v.sort_unstable());
        Self { starts, ends }
    }

    /// Leads `rep` held just before `t` (spells started before `t` and not ended by it).
    pub fn open_at(&self, rep: usize, t: Timestamp) -> usize {
        let (Some(a), Some(b)) = (self.starts.get(rep), self.ends.get(rep)) else {
            return 0;
        };
        a.partition_point(|x| *x < t.0)
            .saturating_sub(b.partition_point(|x| *x <= t.0))
    }
}
