//! The sans-IO assignment and reclaim engine: `handle_*(now, …)` calls in, [`Decision`]s out
//! through [`Engine::poll_decision`], the next deadline from [`Engine::poll_timeout`].
//!
//! Like quinn-proto it owns no clock, no timer and no entropy: the caller (the rep view, the
//! simulator, a test) says what time it is, and calls [`Engine::handle_timeout`] when the
//! deadline it was given has come. The same inputs always give the same decisions.

use crate::assign::{
    Ask, Assigner, BatchClass, BatchScratch, Gate, RepState, Roster, Strategy, ValueTable,
};
use crate::model::{CustomerId, CustomerType, LeadId, Sym, Timestamp};
use crate::reclaim::{HeldCustomer, HeldLead, LeadRules, ReclaimPolicy, ReclaimReason};
use calendar::Calendar;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// What the engine runs: a strategy, a reclaim policy, and the expected value of each rep on
/// each segment (for the score-based and batch-optimal selectors; may be empty otherwise).
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct EngineConfig {
    pub strategy: Strategy,
    pub policy: ReclaimPolicy,
    #[serde(default)]
    pub values: ValueTable,
}

/// A lead or a customer.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Entity {
    Lead(LeadId),
    Customer(CustomerId),
}

/// A new lead.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct NewLead {
    pub id: LeadId,
    pub region: Option<Sym>,
    pub customer_type: Option<CustomerType>,
    /// The existing customer the lead belongs to (for the sticky-owner selector).
    pub customer: Option<CustomerId>,
}

/// A customer the engine should track (held by `owner`, or in the pool).
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct NewCustomer {
    pub id: CustomerId,
    /// Roster index of the owner.
    pub owner: Option<usize>,
    pub last_order: Option<Timestamp>,
    pub cycle_days: Option<f64>,
}

/// What the caller already knows its holder will do with a lead just handed over: when it will
/// be contacted, when an opportunity opens, when it closes (the simulator draws all of it at
/// assignment). See [`Engine::handle_lead_plan`]. Times are kept in order: a step before the one
/// it follows is moved up to it.
#[derive(Clone, Copy, PartialEq, Debug, Default)]
pub struct LeadPlan {
    pub contact: Option<Timestamp>,
    pub opportunity: Option<Timestamp>,
    /// When the lead closes, and whether it is won.
    pub close: Option<(Timestamp, bool)>,
}

/// How a planned spell ends.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum SpellEnd {
    Won,
    Lost,
    Reclaimed(ReclaimReason),
}

/// What the engine made of a [`LeadPlan`].
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct PlannedSpell {
    /// Whether the planned contact comes while the lead is still held (a contact exactly at
    /// the reclaim deadline still counts).
    pub contacted: bool,
    /// When and how the spell ends; `None` when it never does (held for good).
    pub end: Option<(Timestamp, SpellEnd)>,
}

/// Why a claim was refused.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    UnknownEntity,
    UnknownRep,
    NotInPool,
    RepInactive,
    /// The rep already holds as many open leads as their capacity.
    Capacity,
    DailyClaimLimit,
    HoldingCap,
    Cooldown,
}

/// An output of the engine. Reps are roster indices.
#[derive(Clone, Copy, PartialEq, Debug, Serialize, Deserialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum Decision {
    /// The strategy handed a lead to a rep.
    Assigned {
        lead: LeadId,
        rep: usize,
        at: Timestamp,
    },
    /// No rep was eligible: the lead waits in the pool.
    NoRepEligible { lead: LeadId, at: Timestamp },
    /// A rep's claim from the pool succeeded.
    Claimed {
        entity: Entity,
        rep: usize,
        at: Timestamp,
    },
    ClaimRefused {
        entity: Entity,
        rep: usize,
        at: Timestamp,
        reason: Refusal,
    },
    /// The entity went back to the pool.
    Reclaimed {
        entity: Entity,
        rep: usize,
        at: Timestamp,
        reason: ReclaimReason,
    },
    /// The holder's reclaim deadline is near.
    ReminderDue {
        entity: Entity,
        rep: usize,
        at: Timestamp,
        deadline: Timestamp,
    },
    /// A lead is closed as lost: reclaimed too often, or unserved past the pool expiry.
    GivenUp { lead: LeadId, at: Timestamp },
}

/// A lead's state in one 64-byte cache line: the simulator touches it at a random place in a
/// table of every lead at each of the lead's events, so its size is cache misses. Optional
/// indices and instants are stored with a sentinel ([`OptIx`], [`OptTime`]), half the size of
/// an `Option`.
#[derive(Clone, Debug)]
#[repr(align(64))]
struct LeadState {
    held_since: Timestamp,
    last_activity: OptTime,
    reclaimed_at: OptTime,
    region: Option<Sym>,
    id: LeadId,
    customer: OptIx,
    owner: OptIx,
    prev_owner: OptIx,
    reclaims: u32,
    /// Bumped whenever the lead's deadlines change; stale timers carry an older value.
    generation: u32,
    ty: Option<CustomerType>,
    contacted: bool,
    opportunity: bool,
    locked: bool,
    closed: bool,
}

/// An optional table index in 4 bytes, `u32::MAX` for none (no table holds that many rows).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct OptIx(u32);

impl OptIx {
    const NONE: Self = Self(u32::MAX);

    fn get(self) -> Option<u32> {
        (self != Self::NONE).then_some(self.0)
    }

    fn is_some(self) -> bool {
        self != Self::NONE
    }

    fn is_none(self) -> bool {
        self == Self::NONE
    }
}

impl From<Option<u32>> for OptIx {
    fn from(ix: Option<u32>) -> Self {
        ix.map_or(Self::NONE, Self)
    }
}

/// An optional instant in 8 bytes, `i64::MIN` seconds for none (no real date lies there).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct OptTime(i64);

impl OptTime {
    const NONE: Self = Self(i64::MIN);

    fn get(self) -> Option<Timestamp> {
        (self != Self::NONE).then_some(Timestamp(self.0))
    }
}

impl From<Timestamp> for OptTime {
    fn from(t: Timestamp) -> Self {
        Self(t.0)
    }
}

#[derive(Clone, Debug)]
struct CustomerState {
    id: CustomerId,
    owner: Option<u32>,
    held_since: Timestamp,
    last_touch: Option<Timestamp>,
    last_order: Option<Timestamp>,
    cycle_days: Option<f64>,
    locked: bool,
    prev_owner: Option<u32>,
    reclaimed_at: Option<Timestamp>,
    generation: u32,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum TimerKind {
    /// A planned close. First at a tie, as a caller's own event at an instant goes before the
    /// engine's deadlines there.
    LeadWon,
    LeadLost,
    LeadDeadline,
    LeadReminder,
    CustomerDeadline,
    CustomerReminder,
    PoolDispatch,
    PoolExpiry,
    Batch,
}

/// (time, kind, entity index, generation), ordered so that the calendar pops the earliest.
type Timer = (i64, TimerKind, u32, u32);

/// The engine. See the module documentation.
#[derive(Clone, Debug)]
pub struct Engine {
    roster: Roster,
    policy: ReclaimPolicy,
    /// The policy's lead rules in seconds, for the deadline asked at every step.
    rules: LeadRules,
    values: ValueTable,
    assigner: Assigner,
    batch_secs: Option<i64>,
    reps: Vec<RepState>,
    leads: Vec<LeadState>,
    /// Each lead's generation while open, [`CLOSED`] once closed: what a lead timer's
    /// liveness test reads, in 4 bytes a lead instead of the lead's whole row, since most
    /// timers have gone stale by the time they come up (a contact moves the deadline).
    lead_live: Vec<u32>,
    lead_ix: SymIndex,
    /// Each lead's plan for its current spell, if the caller gave one (see
    /// [`Engine::handle_lead_plan`]); empty until a plan is given.
    plans: Vec<PlanRow>,
    customers: Vec<CustomerState>,
    customer_ix: SymIndex,
    timers: Calendar<Timer>,
    decisions: VecDeque<Decision>,
    /// Leads waiting for a rep, oldest first.
    waiting: VecDeque<u32>,
    /// Leads collected for the next batch.
    batch: Vec<u32>,
    batch_due: Option<i64>,
    batch_bufs: BatchBufs,
    last_day: i64,
}

/// What one batch of batch-optimal works in, kept for the next: the classes with their
/// candidate lists, each lead's class, the reps' room and the solver's answer and scratch.
#[derive(Clone, Debug, Default)]
struct BatchBufs {
    keys: Vec<(Option<Sym>, Option<CustomerType>, Option<usize>)>,
    classes: Vec<BatchClass>,
    class_of: Vec<usize>,
    caps: Vec<u32>,
    given: Vec<Vec<(usize, usize)>>,
    next: Vec<usize>,
    scratch: BatchScratch,
}

/// The engine's index of each lead or customer, by the symbol of its id. Symbols are dense
/// (the interner numbers names 0, 1, 2, …, and the simulator numbers its leads so), so a table
/// indexed by symbol answers without hashing; a symbol far beyond what the table holds goes to
/// a hash map instead, so one stray large id cannot make the table huge.
#[derive(Clone, Debug, Default)]
struct SymIndex {
    dense: Vec<u32>,
    sparse: FxHashMap<u32, u32>,
    len: usize,
}

/// The steps of a lead's plan that change what the policy reads of it, none as
/// [`OptTime::NONE`] (the close has its own timer).
#[derive(Clone, Copy, Debug)]
struct PlanRow {
    contact: OptTime,
    opportunity: OptTime,
}

impl PlanRow {
    const NONE: Self = Self {
        contact: OptTime::NONE,
        opportunity: OptTime::NONE,
    };

    fn is_none(&self) -> bool {
        self.contact == OptTime::NONE && self.opportunity == OptTime::NONE
    }

    /// `held` as it stands at `t`: the contact and opportunity steps up to `t` applied.
    fn apply_until(&self, held: &mut HeldLead, t: i64) {
        if self.contact != OptTime::NONE && self.contact.0 <= t {
            held.contacted = true;
            held.last_activity = self.contact.get();
        }
        if self.opportunity != OptTime::NONE && self.opportunity.0 <= t {
            held.open_opportunity = true;
            held.last_activity = self.opportunity.get();
        }
    }
}

/// A step of a [`LeadPlan`], as [`Engine::handle_lead_plan`] walks them.
#[derive(Clone, Copy)]
enum Step {
    Contact,
    Opportunity,
    Close { won: bool },
}

/// A closed lead in [`Engine::lead_live`]: no timer's generation matches it.
const CLOSED: u32 = u32::MAX;

/// An empty slot of [`SymIndex::dense`].
const ABSENT: u32 = u32::MAX;

impl SymIndex {
    fn get(&self, s: Sym) -> Option<u32> {
        match self.dense.get(s.index()) {
            Some(&ix) if ix != ABSENT => Some(ix),
            _ if self.sparse.is_empty() => None,
            _ => self.sparse.get(&s.0).copied(),
        }
    }

    /// Records a symbol not yet present.
    fn insert(&mut self, s: Sym, ix: u32) {
        let i = s.index();
        self.len += 1;
        if i < self.dense.len() {
            self.dense[i] = ix;
        } else if i < 2 * self.len + 1024 {
            self.dense.resize(i + 1, ABSENT);
            self.dense[i] = ix;
        } else {
            self.sparse.insert(s.0, ix);
        }
    }
}

/// How many waiting leads one freed slot looks at, so that a long queue cannot make every
/// event linear in its length.
const RETRY_SCAN: usize = 64;

fn held(policy: &ReclaimPolicy, s: &RepState) -> u32 {
    let customers = if policy.holding_cap_excludes_won {
        s.customers.saturating_sub(s.won_customers)
    } else {
        s.customers
    };
    s.load.saturating_add(customers)
}

/// The holding cap as an eligibility test.
fn allows(policy: &ReclaimPolicy, states: &[RepState], rep: usize) -> bool {
    policy
        .holding_cap
        .is_none_or(|cap| states.get(rep).is_some_and(|s| held(policy, s) < cap))
}

impl Engine {
    /// A new engine. Nothing here is random; the seed of a simulation lives in the simulator.
    pub fn new(config: EngineConfig, roster: Roster) -> Self {
        let assigner = Assigner::new(config.strategy, &roster);
        Self {
            batch_secs: assigner.batch_secs(),
            assigner,
            reps: vec![RepState::default(); roster.reps.len()],
            roster,
            rules: config.policy.lead_rules(),
            policy: config.policy,
            values: config.values,
            leads: Vec::new(),
            lead_live: Vec::new(),
            lead_ix: SymIndex::default(),
            plans: Vec::new(),
            customers: Vec::new(),
            customer_ix: SymIndex::default(),
            timers: Calendar::new(),
            decisions: VecDeque::new(),
            waiting: VecDeque::new(),
            batch: Vec::new(),
            batch_due: None,
            batch_bufs: BatchBufs::default(),
            last_day: i64::MIN,
        }
    }

    /// Makes room for `n` more leads up front, for a caller that knows how many will come
    /// (the simulator), so the lead table does not grow by copying while it runs.
    pub fn reserve_leads(&mut self, n: usize) {
        self.leads.reserve(n);
        self.lead_live.reserve(n);
        self.lead_ix.dense.reserve(n);
    }

    pub fn roster(&self) -> &Roster {
        &self.roster
    }

    pub fn policy(&self) -> &ReclaimPolicy {
        &self.policy
    }

    /// A rep's live counters.
    pub fn rep_state(&self, rep: usize) -> Option<&RepState> {
        self.reps.get(rep)
    }

    /// The current holder of a lead (`None`: pool, closed or unknown).
    pub fn lead_owner(&self, lead: LeadId) -> Option<usize> {
        let l = self.leads.get(self.lead_ix.get(lead.0)? as usize)?;
        l.owner.get().map(|o| o as usize)
    }

    /// The current holder of a customer.
    pub fn customer_owner(&self, c: CustomerId) -> Option<usize> {
        let s = self.customers.get(self.customer_ix.get(c.0)? as usize)?;
        s.owner.map(|o| o as usize)
    }

    /// Leads waiting in the pool for a rep (or for the next batch).
    pub fn waiting_leads(&self) -> usize {
        self.waiting.len() + self.batch.len()
    }

    /// Number of leads, customers or both a rep holds toward the holding cap.
    pub fn held(&self, rep: usize) -> u32 {
        self.reps.get(rep).map_or(0, |s| held(&self.policy, s))
    }

    pub fn poll_decision(&mut self) -> Option<Decision> {
        self.decisions.pop_front()
    }

    /// The next time [`Engine::handle_timeout`] has work to do.
    pub fn poll_timeout(&mut self) -> Option<Timestamp> {
        while let Some((t, kind, ix, generation)) = self.timers.peek() {
            if self.is_live(t, kind, ix, generation) {
                return Some(Timestamp(t));
            }
            self.timers.pop();
        }
        None
    }

    fn is_live(&self, t: i64, kind: TimerKind, ix: u32, generation: u32) -> bool {
        match kind {
            TimerKind::LeadWon
            | TimerKind::LeadLost
            | TimerKind::LeadDeadline
            | TimerKind::LeadReminder
            | TimerKind::PoolDispatch
            | TimerKind::PoolExpiry => self.lead_live.get(ix as usize) == Some(&generation),
            TimerKind::CustomerDeadline | TimerKind::CustomerReminder => self
                .customers
                .get(ix as usize)
                .is_some_and(|c| c.generation == generation),
            TimerKind::Batch => self.batch_due == Some(t),
        }
    }

    /// Fires every deadline at or before `now`. Calling it twice at the same instant does
    /// nothing the second time.
    pub fn handle_timeout(&mut self, now: Timestamp) {
        self.new_day(now);
        while let Some((t, kind, ix, generation)) = self.timers.peek() {
            if t > now.0 {
                break;
            }
            self.timers.pop();
            if !self.is_live(t, kind, ix, generation) {
                continue;
            }
            let at = Timestamp(t);
            match kind {
                TimerKind::LeadWon | TimerKind::LeadLost => self.close_ix(ix, at),
                TimerKind::LeadDeadline => self.reclaim_lead(ix, at),
                TimerKind::LeadReminder => self.remind_lead(ix, at),
                TimerKind::CustomerDeadline => self.reclaim_customer(ix, at),
                TimerKind::CustomerReminder => self.remind_customer(ix, at),
                TimerKind::PoolDispatch => {
                    if self.leads[ix as usize].owner.is_none() {
                        self.dispatch(ix, at, true);
                    }
                }
                TimerKind::PoolExpiry => {
                    let l = &mut self.leads[ix as usize];
                    if l.owner.is_none() {
                        l.closed = true;
                        l.generation += 1;
                        let id = l.id;
                        self.mark(ix);
                        self.waiting.retain(|w| *w != ix);
                        self.decisions.push_back(Decision::GivenUp { lead: id, at });
                    }
                }
                TimerKind::Batch => {
                    self.batch_due = None;
                    self.run_batch(at);
                }
            }
        }
    }

    /// A new lead: assigned now, queued for the next batch, or left waiting in the pool.
    pub fn handle_lead_created(&mut self, now: Timestamp, lead: NewLead) {
        self.new_day(now);
        if self.lead_ix.get(lead.id.0).is_some() {
            return;
        }
        let ix = self.leads.len() as u32;
        let customer = lead.customer.and_then(|c| self.customer_ix.get(c.0));
        self.leads.push(LeadState {
            id: lead.id,
            region: lead.region,
            ty: lead.customer_type,
            customer: customer.into(),
            owner: OptIx::NONE,
            held_since: now,
            contacted: false,
            opportunity: false,
            locked: false,
            closed: false,
            last_activity: OptTime::NONE,
            reclaims: 0,
            prev_owner: OptIx::NONE,
            reclaimed_at: OptTime::NONE,
            generation: 0,
        });
        self.lead_live.push(0);
        self.lead_ix.insert(lead.id.0, ix);
        match self.batch_secs {
            Some(secs) => {
                self.batch.push(ix);
                if self.batch_due.is_none() {
                    let due = now.0.saturating_add(secs);
                    self.batch_due = Some(due);
                    self.timers.push((due, TimerKind::Batch, 0, 0));
                }
            }
            None => {
                self.dispatch(ix, now, true);
            }
        }
    }

    pub fn handle_contacted(&mut self, now: Timestamp, lead: LeadId) {
        self.update_lead(now, lead, |l| {
            l.contacted = true;
            l.last_activity = now.into();
        });
    }

    /// The lead's opportunity opened (qualified, proposal) or closed again.
    pub fn handle_opportunity(&mut self, now: Timestamp, lead: LeadId, open: bool) {
        self.update_lead(now, lead, |l| {
            l.opportunity = open;
            l.last_activity = now.into();
        });
    }

    /// An activity (visit, call, …) on a lead or customer: extends protection, counts as a
    /// touch for the customer idle rule.
    pub fn handle_activity(&mut self, now: Timestamp, entity: Entity) {
        match entity {
            Entity::Lead(l) => self.update_lead(now, l, |l| {
                l.contacted = true;
                l.last_activity = now.into();
            }),
            Entity::Customer(c) => self.update_customer(now, c, |c| {
                c.last_touch = Some(c.last_touch.map_or(now, |t| t.max(now)));
            }),
        }
    }

    /// A manager locks (or unlocks) an entity to its holder.
    pub fn handle_lock(&mut self, now: Timestamp, entity: Entity, locked: bool) {
        match entity {
            Entity::Lead(l) => self.update_lead(now, l, |l| l.locked = locked),
            Entity::Customer(c) => self.update_customer(now, c, |c| c.locked = locked),
        }
    }

    /// The holder's planned activity on a held lead, for the spell it is in (see [`LeadPlan`]).
    /// The engine works out from the policy how the spell ends — the planned close, or a
    /// reclaim when a deadline comes before the next step — and sets one timer for that, plus
    /// the reminders that would go out, instead of one per activity. It decides exactly as if
    /// the caller had called [`Engine::handle_contacted`], [`Engine::handle_opportunity`] and
    /// [`Engine::handle_won`] or [`Engine::handle_lost`] at those times, its own events going
    /// first at a tie (a property test holds it to that), but emits nothing for the close. A
    /// later call about the lead takes over from the plan's remaining steps. `None` when the
    /// lead is unknown, closed or not held.
    pub fn handle_lead_plan(
        &mut self,
        now: Timestamp,
        lead: LeadId,
        plan: LeadPlan,
    ) -> Option<PlannedSpell> {
        self.new_day(now);
        let ix = self.lead_ix.get(lead.0)?;
        let l = &self.leads[ix as usize];
        if l.closed || l.owner.is_none() {
            return None;
        }
        self.settle(ix, now);
        // Steps in order, none before now.
        let contact = plan.contact.map(|t| t.0.max(now.0));
        let after_contact = contact.unwrap_or(now.0);
        let opportunity = plan.opportunity.map(|t| t.0.max(after_contact));
        let after_opportunity = opportunity.unwrap_or(after_contact);
        let close = plan.close.map(|(t, won)| (t.0.max(after_opportunity), won));
        if self.plans.len() < self.leads.len() {
            self.plans.resize(self.leads.len(), PlanRow::NONE);
        }
        self.plans[ix as usize] = PlanRow {
            contact: contact.map_or(OptTime::NONE, OptTime),
            opportunity: opportunity.map_or(OptTime::NONE, OptTime),
        };
        let l = &mut self.leads[ix as usize];
        l.generation += 1;
        let g = l.generation;
        self.mark(ix);
        let mut held = self.lead_state(ix);
        let mut from = now.0;
        let mut contacted = false;
        let mut end = None;
        let steps = [
            contact.map(|t| (t, Step::Contact)),
            opportunity.map(|t| (t, Step::Opportunity)),
            close.map(|(t, won)| (t, Step::Close { won })),
        ];
        for (t, step) in steps.into_iter().flatten() {
            let deadline = self.rules.deadline(&held);
            if let Some((d, reason)) = deadline
                && d.0 < t
            {
                end = Some((d, SpellEnd::Reclaimed(reason)));
                break;
            }
            if let Some((d, _)) = deadline {
                self.plan_reminder(ix, g, held.held_since, d, from, t);
            }
            match step {
                Step::Contact => {
                    held.contacted = true;
                    held.last_activity = Some(Timestamp(t));
                    contacted = true;
                }
                Step::Opportunity => {
                    held.open_opportunity = true;
                    held.last_activity = Some(Timestamp(t));
                }
                Step::Close { won } => {
                    let how = if won { SpellEnd::Won } else { SpellEnd::Lost };
                    end = Some((Timestamp(t), how));
                    break;
                }
            }
            from = t;
        }
        if end.is_none() {
            end = self
                .rules
                .deadline(&held)
                .map(|(d, reason)| (d, SpellEnd::Reclaimed(reason)));
        }
        if let Some((t, how)) = end {
            if let SpellEnd::Reclaimed(_) = how {
                self.plan_reminder(ix, g, held.held_since, t, from, t.0);
            }
            let kind = match how {
                SpellEnd::Won => TimerKind::LeadWon,
                SpellEnd::Lost => TimerKind::LeadLost,
                SpellEnd::Reclaimed(_) => TimerKind::LeadDeadline,
            };
            self.timers.push((t.0, kind, ix, g));
        }
        Some(PlannedSpell { contacted, end })
    }

    /// The reminder of `deadline` for a planned spell, if it goes out between `from` (when
    /// the lead's state last changed) and `until` (its next change or the deadline itself).
    fn plan_reminder(
        &mut self,
        ix: u32,
        generation: u32,
        since: Timestamp,
        deadline: Timestamp,
        from: i64,
        until: i64,
    ) {
        if let Some(r) = self.policy.reminder_at(since, deadline) {
            let r = r.0.max(from);
            if r < until {
                self.timers
                    .push((r, TimerKind::LeadReminder, ix, generation));
            }
        }
    }

    /// Folds the steps of a lead's plan that have happened by `now` into its state and drops
    /// the rest: the caller is taking over.
    fn settle(&mut self, ix: u32, now: Timestamp) {
        let Some(row) = self.plans.get_mut(ix as usize) else {
            return;
        };
        if row.is_none() {
            return;
        }
        let row = std::mem::replace(row, PlanRow::NONE);
        let mut held = self.lead_state(ix);
        row.apply_until(&mut held, now.0);
        let l = &mut self.leads[ix as usize];
        l.contacted = held.contacted;
        l.opportunity = held.open_opportunity;
        l.last_activity = held.last_activity.map_or(OptTime::NONE, OptTime::from);
    }

    /// Drops a lead's plan (its spell ended).
    fn drop_plan(&mut self, ix: u32) {
        if let Some(row) = self.plans.get_mut(ix as usize) {
            *row = PlanRow::NONE;
        }
    }

    pub fn handle_won(&mut self, now: Timestamp, lead: LeadId) {
        self.close_lead(now, lead);
    }

    pub fn handle_lost(&mut self, now: Timestamp, lead: LeadId) {
        self.close_lead(now, lead);
    }

    /// A customer to track, held by `owner` (counted toward the holding cap) or in the pool.
    pub fn handle_customer(&mut self, now: Timestamp, c: NewCustomer) {
        self.new_day(now);
        if self.customer_ix.get(c.id.0).is_some() {
            return;
        }
        let owner = c.owner.filter(|o| *o < self.reps.len()).map(|o| o as u32);
        let ix = self.customers.len() as u32;
        self.customers.push(CustomerState {
            id: c.id,
            owner,
            held_since: now,
            last_touch: c.last_order,
            last_order: c.last_order,
            cycle_days: c.cycle_days,
            locked: false,
            prev_owner: None,
            reclaimed_at: None,
            generation: 0,
        });
        self.customer_ix.insert(c.id.0, ix);
        if let Some(o) = owner {
            let s = &mut self.reps[o as usize];
            s.customers += 1;
            if c.last_order.is_some() {
                s.won_customers += 1;
            }
        }
        self.schedule_customer(ix);
    }

    /// An order by a customer: resets its idle and overdue clocks.
    pub fn handle_order(&mut self, now: Timestamp, customer: CustomerId, cycle_days: Option<f64>) {
        let Some(ix) = self.customer_ix.get(customer.0) else {
            return;
        };
        let first = self.customers[ix as usize].last_order.is_none();
        if first && let Some(o) = self.customers[ix as usize].owner {
            self.reps[o as usize].won_customers += 1;
        }
        self.update_customer(now, customer, |c| {
            c.last_order = Some(now);
            c.last_touch = Some(now);
            if cycle_days.is_some() {
                c.cycle_days = cycle_days;
            }
        });
    }

    /// A rep goes on leave (`available = false`) or comes back.
    pub fn handle_rep_availability(&mut self, now: Timestamp, rep: usize, available: bool) {
        self.new_day(now);
        if let Some(s) = self.reps.get_mut(rep) {
            s.away = !available;
            if available {
                self.retry(now, self.roster.reps[rep].region);
            }
        }
    }

    /// A rep asks for an entity from the pool.
    pub fn handle_claim(&mut self, now: Timestamp, rep: usize, entity: Entity) {
        self.new_day(now);
        let refuse = |reason| Decision::ClaimRefused {
            entity,
            rep,
            at: now,
            reason,
        };
        let Some(r) = self.roster.reps.get(rep) else {
            self.decisions.push_back(refuse(Refusal::UnknownRep));
            return;
        };
        let (owner, prev, reclaimed_at) = match entity {
            Entity::Lead(id) => match self.lead_ix.get(id.0) {
                Some(ix) => {
                    let l = &self.leads[ix as usize];
                    (
                        if l.closed {
                            Some(u32::MAX)
                        } else {
                            l.owner.get()
                        },
                        l.prev_owner.get(),
                        l.reclaimed_at.get(),
                    )
                }
                None => {
                    self.decisions.push_back(refuse(Refusal::UnknownEntity));
                    return;
                }
            },
            Entity::Customer(id) => match self.customer_ix.get(id.0) {
                Some(ix) => {
                    let c = &self.customers[ix as usize];
                    (c.owner, c.prev_owner, c.reclaimed_at)
                }
                None => {
                    self.decisions.push_back(refuse(Refusal::UnknownEntity));
                    return;
                }
            },
        };
        let s = self.reps[rep];
        let reason = if owner.is_some() {
            Some(Refusal::NotInPool)
        } else if !r.is_active_at(now) || s.away {
            Some(Refusal::RepInactive)
        } else if matches!(entity, Entity::Lead(_)) && s.load >= r.capacity {
            Some(Refusal::Capacity)
        } else if self
            .policy
            .daily_claim_limit
            .is_some_and(|lim| s.claims_on(now.day()) >= lim)
        {
            Some(Refusal::DailyClaimLimit)
        } else if self
            .policy
            .holding_cap
            .is_some_and(|cap| self.held(rep) >= cap)
        {
            Some(Refusal::HoldingCap)
        } else if prev == Some(rep as u32)
            && reclaimed_at.is_some_and(|t| self.policy.in_cooldown(t, now))
        {
            Some(Refusal::Cooldown)
        } else {
            None
        };
        if let Some(reason) = reason {
            self.decisions.push_back(refuse(reason));
            return;
        }
        let day = now.day();
        let s = &mut self.reps[rep];
        if s.claim_day != day {
            s.claim_day = day;
            s.claims_today = 0;
        }
        s.claims_today += 1;
        match entity {
            Entity::Lead(id) => {
                if let Some(ix) = self.lead_ix.get(id.0) {
                    self.waiting.retain(|w| *w != ix);
                    self.batch.retain(|w| *w != ix);
                    self.give_lead(ix, rep, now);
                }
            }
            Entity::Customer(id) => {
                if let Some(ix) = self.customer_ix.get(id.0) {
                    let c = &mut self.customers[ix as usize];
                    c.owner = Some(rep as u32);
                    c.held_since = now;
                    let ordered = c.last_order.is_some();
                    c.generation += 1;
                    let s = &mut self.reps[rep];
                    s.customers += 1;
                    if ordered {
                        s.won_customers += 1;
                    }
                    self.schedule_customer(ix);
                }
            }
        }
        self.decisions.push_back(Decision::Claimed {
            entity,
            rep,
            at: now,
        });
    }

    fn new_day(&mut self, now: Timestamp) {
        let day = now.day();
        if day != self.last_day {
            self.last_day = day;
            // Daily quotas reset: leads that waited for one may now find a rep.
            if !self.waiting.is_empty() && self.assigner.strategy.filters.daily_quota {
                self.retry(now, None);
            }
        }
    }

    fn update_lead(&mut self, now: Timestamp, lead: LeadId, f: impl FnOnce(&mut LeadState)) {
        self.new_day(now);
        let Some(ix) = self.lead_ix.get(lead.0) else {
            return;
        };
        if self.leads[ix as usize].closed {
            return;
        }
        self.settle(ix, now);
        let l = &mut self.leads[ix as usize];
        f(l);
        if l.owner.is_some() {
            l.generation += 1;
            self.mark(ix);
            self.schedule_lead(ix, now);
        }
    }

    fn update_customer(
        &mut self,
        now: Timestamp,
        c: CustomerId,
        f: impl FnOnce(&mut CustomerState),
    ) {
        self.new_day(now);
        let Some(ix) = self.customer_ix.get(c.0) else {
            return;
        };
        let s = &mut self.customers[ix as usize];
        f(s);
        s.generation += 1;
        self.schedule_customer(ix);
    }

    fn close_lead(&mut self, now: Timestamp, lead: LeadId) {
        self.new_day(now);
        if let Some(ix) = self.lead_ix.get(lead.0) {
            self.close_ix(ix, now);
        }
    }

    fn close_ix(&mut self, ix: u32, now: Timestamp) {
        let l = &mut self.leads[ix as usize];
        if l.closed {
            return;
        }
        self.drop_plan(ix);
        let l = &mut self.leads[ix as usize];
        l.closed = true;
        l.generation += 1;
        let owner = l.owner.get();
        self.mark(ix);
        if let Some(o) = owner {
            let s = &mut self.reps[o as usize];
            s.load = s.load.saturating_sub(1);
            let region = self.roster.reps[o as usize].region;
            self.retry(now, region);
        }
    }

    fn ask(&self, ix: u32, now: Timestamp) -> Ask {
        let l = &self.leads[ix as usize];
        let owner = l
            .customer
            .get()
            .and_then(|c| self.customers.get(c as usize))
            .and_then(|c| c.owner)
            .map(|o| o as usize);
        let exclude = l
            .prev_owner
            .get()
            .filter(|_| {
                l.reclaimed_at
                    .get()
                    .is_some_and(|t| self.policy.in_cooldown(t, now))
            })
            .map(|o| o as usize);
        Ask {
            region: l.region,
            customer_type: l.ty,
            owner,
            exclude,
        }
    }

    /// Tries to hand one lead to a rep now; on failure a `fresh` lead starts waiting in the
    /// pool (one already waiting stays where it is).
    fn dispatch(&mut self, ix: u32, now: Timestamp, fresh: bool) -> bool {
        let ask = self.ask(ix, now);
        let (policy, states) = (&self.policy, &self.reps);
        let allow = |i: usize| allows(policy, states, i);
        let gate = Gate {
            reps: &self.roster.reps,
            states,
            now,
            allow: policy.holding_cap.map(|_| &allow as &dyn Fn(usize) -> bool),
        };
        let pick = self.assigner.pick(&gate, &ask, &self.values);
        match pick {
            Some(rep) => {
                self.give_lead(ix, rep, now);
                self.decisions.push_back(Decision::Assigned {
                    lead: self.leads[ix as usize].id,
                    rep,
                    at: now,
                });
                true
            }
            None => {
                if fresh {
                    self.start_waiting(ix, now);
                }
                false
            }
        }
    }

    /// The lead waits in the pool for a rep, until its expiry if the policy sets one.
    fn start_waiting(&mut self, ix: u32, now: Timestamp) {
        self.waiting.push_back(ix);
        let l = &self.leads[ix as usize];
        self.decisions.push_back(Decision::NoRepEligible {
            lead: l.id,
            at: now,
        });
        if let Some(secs) = self.policy.pool_expiry_secs() {
            let g = l.generation;
            self.timers
                .push((now.0.saturating_add(secs), TimerKind::PoolExpiry, ix, g));
        }
    }

    /// A slot freed up (in `region`, or anywhere): look at the oldest waiting leads there.
    fn retry(&mut self, now: Timestamp, region: Option<Sym>) {
        if self.waiting.is_empty() {
            return;
        }
        let mut scanned = 0;
        let mut k = 0;
        while k < self.waiting.len() && scanned < RETRY_SCAN {
            let ix = self.waiting[k];
            let l = &self.leads[ix as usize];
            let skip = l.closed
                || l.owner.is_some()
                || (region.is_some() && l.region.is_some() && l.region != region);
            if l.closed || l.owner.is_some() {
                self.waiting.remove(k);
                continue;
            }
            // Every look counts toward the bound, so leads of other regions cannot make a
            // freed slot cost the length of the queue.
            scanned += 1;
            if skip {
                k += 1;
                continue;
            }
            if self.dispatch(ix, now, false) {
                self.waiting.remove(k);
                if region.is_some() {
                    break;
                }
            } else {
                k += 1;
            }
        }
    }

    fn run_batch(&mut self, now: Timestamp) {
        // The batch and every buffer of its solution are kept from one batch to the next, so
        // a batch allocates nothing once they have grown.
        let mut batch = std::mem::take(&mut self.batch);
        let mut b = std::mem::take(&mut self.batch_bufs);
        let max_share = match self.assigner.strategy.selector {
            crate::assign::Selector::BatchOptimal { max_share, .. } => max_share,
            _ => None,
        };
        // Leads asking the same (region, type, excluded rep) have the same candidates, so
        // eligibility is worked out once per class rather than per lead.
        b.keys.clear();
        b.class_of.clear();
        let mut n_classes = 0;
        let (policy, states) = (&self.policy, &self.reps);
        let allow = |i: usize| allows(policy, states, i);
        let gate = Gate {
            reps: &self.roster.reps,
            states,
            now,
            allow: policy.holding_cap.map(|_| &allow as &dyn Fn(usize) -> bool),
        };
        for &ix in &batch {
            let ask = self.ask(ix, now);
            let key = (ask.region, ask.customer_type, ask.exclude);
            let k = match b.keys.iter().position(|k| *k == key) {
                Some(k) => k,
                None => {
                    b.keys.push(key);
                    if b.classes.len() <= n_classes {
                        b.classes.push(BatchClass {
                            candidates: Vec::new(),
                            customer_type: None,
                            leads: 0,
                        });
                    }
                    let class = &mut b.classes[n_classes];
                    self.assigner
                        .candidates_into(&gate, &ask, &mut class.candidates);
                    class.customer_type = ask.customer_type;
                    class.leads = 0;
                    n_classes += 1;
                    n_classes - 1
                }
            };
            b.classes[k].leads += 1;
            b.class_of.push(k);
        }
        b.caps.clear();
        b.caps.extend((0..self.reps.len()).map(|i| {
            let by_capacity = self.roster.reps[i]
                .capacity
                .saturating_sub(self.reps[i].load);
            let by_holding = policy.holding_cap.map_or(u32::MAX, |cap| {
                cap.saturating_sub(held(policy, &self.reps[i]))
            });
            by_capacity.min(by_holding)
        }));
        let per_rep =
            max_share.map(|s| ((s.clamp(0.0, 1.0) * batch.len() as f64).ceil() as u32).max(1));
        crate::assign::optimal_classes_into(
            &b.classes[..n_classes],
            &b.caps,
            &self.values,
            per_rep,
            &mut b.scratch,
            &mut b.given,
        );
        // Each class's leads, in arrival order, take its reps in roster order: `next[k]` is
        // the first of class k's (rep, count) pairs not used up.
        b.next.clear();
        b.next.resize(n_classes, 0);
        for (&ix, &k) in batch.iter().zip(&b.class_of) {
            let pick = b.given.get_mut(k).and_then(|counts| {
                let first = b.next.get_mut(k)?;
                let (rep, n) = counts.get_mut(*first)?;
                let rep = *rep;
                *n -= 1;
                if *n == 0 {
                    *first += 1;
                }
                Some(rep)
            });
            match pick {
                Some(rep) if allows(&self.policy, &self.reps, rep) => {
                    self.give_lead(ix, rep, now);
                    self.decisions.push_back(Decision::Assigned {
                        lead: self.leads[ix as usize].id,
                        rep,
                        at: now,
                    });
                }
                _ => self.start_waiting(ix, now),
            }
        }
        batch.clear();
        // Leads that came in meanwhile (none do: a batch runs within one timeout) stay queued.
        batch.append(&mut self.batch);
        self.batch = batch;
        self.batch_bufs = b;
    }

    fn give_lead(&mut self, ix: u32, rep: usize, now: Timestamp) {
        let day = now.day();
        let s = &mut self.reps[rep];
        s.load += 1;
        if s.day != day {
            s.day = day;
            s.today = 0;
        }
        s.today += 1;
        let l = &mut self.leads[ix as usize];
        l.owner = OptIx(rep as u32);
        l.held_since = now;
        l.contacted = false;
        l.opportunity = false;
        l.last_activity = OptTime::NONE;
        l.generation += 1;
        self.mark(ix);
        self.drop_plan(ix);
        self.schedule_lead(ix, now);
    }

    /// Copies a lead's generation and state into [`Engine::lead_live`] after it changed.
    fn mark(&mut self, ix: u32) {
        if let (Some(l), Some(live)) = (
            self.leads.get(ix as usize),
            self.lead_live.get_mut(ix as usize),
        ) {
            *live = if l.closed { CLOSED } else { l.generation };
        }
    }

    /// Sets a held lead's deadline timer, and its reminder (at `now` at the earliest: a
    /// reminder whose time has passed when the deadline moved goes out at once).
    fn schedule_lead(&mut self, ix: u32, now: Timestamp) {
        let held = self.lead_state(ix);
        if let Some((deadline, _)) = self.rules.deadline(&held) {
            let g = self.leads[ix as usize].generation;
            self.timers
                .push((deadline.0, TimerKind::LeadDeadline, ix, g));
            if let Some(r) = self.policy.reminder_at(held.held_since, deadline) {
                self.timers
                    .push((r.0.max(now.0), TimerKind::LeadReminder, ix, g));
            }
        }
    }

    /// What the policy reads of a lead, from its stored state (a plan's steps not applied).
    fn lead_state(&self, ix: u32) -> HeldLead {
        let l = &self.leads[ix as usize];
        HeldLead {
            customer_type: l.ty,
            held_since: l.held_since,
            contacted: l.contacted,
            won: false,
            locked: l.locked,
            open_opportunity: l.opportunity,
            last_activity: l.last_activity.get(),
        }
    }

    fn schedule_customer(&mut self, ix: u32) {
        let c = &self.customers[ix as usize];
        if c.owner.is_none() {
            return;
        }
        let held = HeldCustomer {
            held_since: c.held_since,
            last_touch: c.last_touch,
            last_order: c.last_order,
            cycle_days: c.cycle_days,
            locked: c.locked,
        };
        if let Some((deadline, _)) = self.policy.customer_deadline(&held) {
            let g = c.generation;
            self.timers
                .push((deadline.0, TimerKind::CustomerDeadline, ix, g));
            if let Some(r) = self.policy.reminder_at(c.held_since, deadline) {
                self.timers.push((r.0, TimerKind::CustomerReminder, ix, g));
            }
        }
    }

    /// A held lead as the policy sees it at `at` (its plan's steps up to `at` applied), with
    /// its holder.
    fn lead_held(&self, ix: u32, at: Timestamp) -> Option<(HeldLead, u32)> {
        let owner = self.leads[ix as usize].owner.get()?;
        let mut held = self.lead_state(ix);
        if let Some(row) = self.plans.get(ix as usize) {
            row.apply_until(&mut held, at.0);
        }
        Some((held, owner))
    }

    fn remind_lead(&mut self, ix: u32, at: Timestamp) {
        if let Some((held, owner)) = self.lead_held(ix, at)
            && let Some((deadline, _)) = self.rules.deadline(&held)
        {
            self.decisions.push_back(Decision::ReminderDue {
                entity: Entity::Lead(self.leads[ix as usize].id),
                rep: owner as usize,
                at,
                deadline,
            });
        }
    }

    fn reclaim_lead(&mut self, ix: u32, at: Timestamp) {
        let Some((held, owner)) = self.lead_held(ix, at) else {
            return;
        };
        let Some((deadline, reason)) = self.rules.deadline(&held) else {
            return;
        };
        if deadline > at {
            return;
        }
        self.drop_plan(ix);
        let s = &mut self.reps[owner as usize];
        s.load = s.load.saturating_sub(1);
        let l = &mut self.leads[ix as usize];
        l.owner = OptIx::NONE;
        l.prev_owner = OptIx(owner);
        l.reclaimed_at = at.into();
        l.reclaims += 1;
        l.generation += 1;
        let id = l.id;
        let give_up = match self.policy.max_reclaims_per_lead {
            Some(m) => l.reclaims >= m,
            // Reclaimed the instant it was handed over, with no pool delay either, the lead
            // would go from rep to rep forever without time moving: it is given up.
            None => l.held_since == at && self.policy.pool_dispatch_secs() == 0,
        };
        self.decisions.push_back(Decision::Reclaimed {
            entity: Entity::Lead(id),
            rep: owner as usize,
            at,
            reason,
        });
        if give_up {
            l.closed = true;
            self.decisions.push_back(Decision::GivenUp { lead: id, at });
        } else {
            let g = l.generation;
            let due = at.0.saturating_add(self.policy.pool_dispatch_secs());
            self.timers.push((due, TimerKind::PoolDispatch, ix, g));
        }
        self.mark(ix);
        let region = self.roster.reps[owner as usize].region;
        self.retry(at, region);
    }

    fn customer_held(&self, ix: u32) -> Option<(HeldCustomer, u32)> {
        let c = &self.customers[ix as usize];
        Some((
            HeldCustomer {
                held_since: c.held_since,
                last_touch: c.last_touch,
                last_order: c.last_order,
                cycle_days: c.cycle_days,
                locked: c.locked,
            },
            c.owner?,
        ))
    }

    fn remind_customer(&mut self, ix: u32, at: Timestamp) {
        if let Some((held, owner)) = self.customer_held(ix)
            && let Some((deadline, _)) = self.policy.customer_deadline(&held)
        {
            self.decisions.push_back(Decision::ReminderDue {
                entity: Entity::Customer(self.customers[ix as usize].id),
                rep: owner as usize,
                at,
                deadline,
            });
        }
    }

    fn reclaim_customer(&mut self, ix: u32, at: Timestamp) {
        let Some((held, owner)) = self.customer_held(ix) else {
            return;
        };
        let Some((deadline, reason)) = self.policy.customer_deadline(&held) else {
            return;
        };
        if deadline > at {
            return;
        }
        let c = &mut self.customers[ix as usize];
        let ordered = c.last_order.is_some();
        c.owner = None;
        c.prev_owner = Some(owner);
        c.reclaimed_at = Some(at);
        c.generation += 1;
        let id = c.id;
        let s = &mut self.reps[owner as usize];
        s.customers = s.customers.saturating_sub(1);
        if ordered {
            s.won_customers = s.won_customers.saturating_sub(1);
        }
        self.decisions.push_back(Decision::Reclaimed {
            entity: Entity::Customer(id),
            rep: owner as usize,
            at,
            reason,
        });
    }
}

pub(crate) mod calendar;

#[cfg(test)]
mod tests;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod proptests;
