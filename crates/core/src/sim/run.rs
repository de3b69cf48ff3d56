//! One Monte Carlo run: the lead stream replayed through the engine under one strategy and
//! policy, with outcomes drawn from an [`Outcomes`] model.
//!
//! Random numbers are common across strategies: every draw is a hash of (seed, run, lead,
//! spell, purpose), so lead 17's second owner sees the same uniform under every strategy, and
//! strategy differences are not drowned in sampling noise (a paired comparison).

use super::history::History;
use super::model::{Outcomes, Reassign};
use super::uptake::Pressure;
use crate::assign::{Roster, Strategy, ValueTable};
use crate::engine::{Decision, Engine, EngineConfig, Entity, LeadPlan, NewLead, SpellEnd};
use crate::model::{LeadId, Sym, Timestamp};
use crate::reclaim::{ReclaimPolicy, ReclaimReason};
use crate::stats::OrderFreeSum;
use serde::Serialize;

/// The outcome of one run.
#[derive(Clone, Copy, PartialEq, Debug, Default, Serialize)]
pub struct RunMetrics {
    pub conversions: f64,
    /// Sum of win probabilities at first contact: the conversions to expect, without the
    /// coin flips.
    pub expected_conversions: f64,
    /// Major units.
    pub revenue: f64,
    pub cost: f64,
    pub roi: f64,
    pub response_hours: f64,
    pub sales_cycle_days: f64,
    pub utilisation: f64,
    pub unassigned: f64,
    pub reclaims: f64,
    /// Gini of the expected value handed to each rep.
    pub fairness_gini: f64,
}

/// Everything a run reads, shared by all runs.
#[derive(Clone, Copy)]
pub struct RunInput<'a> {
    pub history: &'a History,
    pub roster: &'a Roster,
    pub outcomes: &'a dyn Outcomes,
    pub values: &'a ValueTable,
    /// The reps each lead could go to, for the never-taken-up draw.
    pub pressure: &'a Pressure,
    /// Gross margin on revenue, for ROI.
    pub margin: f64,
    pub seed: u64,
}

fn mix(mut z: u64) -> u64 {
    // SplitMix64's finaliser (Steele, Lea, Flood 2014): a bijective avalanche of 64 bits.
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The common random number for (seed, run, lead, spell, slot), uniform in (0, 1).
pub fn uniform(seed: u64, run: u32, lead: usize, spell: u32, slot: u32) -> f64 {
    let z =
        mix(mix(mix(seed ^ u64::from(run)) ^ lead as u64)
            ^ (u64::from(spell) << 8 | u64::from(slot)));
    ((z >> 11) as f64 + 0.5) / (1u64 << 53) as f64
}

/// A lead's state in the run. Everything else about its spells lives in the engine.
#[derive(Clone, Copy, Default)]
struct LeadRun {
    spells: u32,
    ever_assigned: bool,
    contacted_once: bool,
    /// Why the lead was last reclaimed, for the next holder's odds.
    reassign: Option<ReclaimReason>,
}

struct Run<'a> {
    input: RunInput<'a>,
    run: u32,
    engine: Engine,
    leads: Vec<LeadRun>,
    m: RunMetrics,
    /// The sums of outcomes are kept order-free, so that how the run orders its events
    /// cannot change a result's last bits.
    expected: OrderFreeSum,
    revenue: OrderFreeSum,
    held_secs: i64,
    responses: OrderFreeSum,
    cycles: OrderFreeSum,
    ev_by_rep: Vec<f64>,
}

/// Simulates one run of one strategy and policy.
///
/// Each spell (a lead held by one rep) is drawn whole when the lead is handed over — the
/// response delay, the outcome and its timing — and given to the engine as a [`LeadPlan`];
/// the engine answers how the spell ends under the policy and keeps one timer for that. So
/// the only events are arrivals, spell ends and the engine's own (pool hand-ons, batches),
/// and every outcome of a spell is counted when it is planned, if it falls within the
/// horizon.
pub fn simulate(
    input: RunInput,
    strategy: &Strategy,
    policy: &ReclaimPolicy,
    run: u32,
) -> RunMetrics {
    let mut engine = Engine::new(
        EngineConfig {
            strategy: strategy.clone(),
            policy: policy.clone(),
            values: input.values.clone(),
        },
        input.roster.clone(),
    );
    engine.reserve_leads(input.history.leads.len());
    let mut r = Run {
        input,
        run,
        engine,
        leads: vec![LeadRun::default(); input.history.leads.len()],
        m: RunMetrics::default(),
        expected: OrderFreeSum::default(),
        revenue: OrderFreeSum::default(),
        held_secs: 0,
        responses: OrderFreeSum::default(),
        cycles: OrderFreeSum::default(),
        ev_by_rep: vec![0.0; input.roster.reps.len()],
    };
    let horizon = input.history.horizon;
    let (never_lo, never_hi) = input.outcomes.p_not_taken_up_range();
    for (i, l) in input.history.leads.iter().enumerate() {
        if l.created >= horizon {
            break;
        }
        r.advance(l.created);
        // Demand lost to swamped reps: drawn before the engine sees the lead, from the
        // pressure the strategy has left at this moment (see `sim::uptake`). A draw above
        // every rate the pressure could give (most of them) needs no pressure.
        let u = uniform(input.seed, run, i, 0, 7);
        let never = u < never_lo
            || (u < never_hi
                && u < input
                    .outcomes
                    .p_not_taken_up(input.pressure.at(l, l.created, |rep| {
                        r.engine.rep_state(rep).map_or(0, |s| s.load as usize)
                    })));
        if never {
            continue;
        }
        r.engine.handle_lead_created(
            l.created,
            NewLead {
                id: LeadId(Sym(i as u32)),
                region: l.region,
                customer_type: l.customer_type,
                customer: l.customer,
            },
        );
        r.drain();
    }
    r.advance(horizon);
    r.finish()
}

impl Run<'_> {
    fn advance(&mut self, until: Timestamp) {
        while let Some(t) = self.engine.poll_timeout() {
            if t > until {
                break;
            }
            self.engine.handle_timeout(t);
            self.drain();
        }
    }

    fn drain(&mut self) {
        while let Some(d) = self.engine.poll_decision() {
            if let Decision::Assigned { lead, rep, at }
            | Decision::Claimed {
                entity: Entity::Lead(lead),
                rep,
                at,
            } = d
            {
                self.assigned(lead.0.0 as usize, rep, at);
            }
        }
    }

    /// A spell starts: draws it, gives it to the engine, and counts what it comes to.
    fn assigned(&mut self, i: usize, rep: usize, at: Timestamp) {
        let input = self.input;
        let Some(lead) = input.history.leads.get(i) else {
            return;
        };
        let Some(s) = self.leads.get_mut(i) else {
            return;
        };
        s.ever_assigned = true;
        let spell = s.spells;
        s.spells += 1;
        let reassign = match s.reassign {
            None => Reassign::First,
            Some(ReclaimReason::NoDeal) => Reassign::AfterNoDeal,
            Some(_) => Reassign::AfterNoFollowUp,
        };
        let cap = input
            .roster
            .reps
            .get(rep)
            .map_or(1.0, |r| r.capacity.max(1) as f64);
        let load = self
            .engine
            .rep_state(rep)
            .map_or(0, |s| s.load.saturating_sub(1));
        let ratio = load as f64 / cap;
        if let Some(e) = self.ev_by_rep.get_mut(rep) {
            *e += input.values.get(rep, lead.customer_type);
        }
        let o = input.outcomes;
        let u = uniform(input.seed, self.run, i, spell, 0);
        let h = o.delay_hours(rep, lead, ratio, u);
        let mut plan = LeadPlan::default();
        // The contact as the engine will see it: whole seconds after the hand-over.
        let mut contact = None;
        if h.is_finite() && h >= 0.0 {
            let t = at.0.saturating_add((h * 3600.0) as i64);
            let h = (t - at.0) as f64 / 3600.0;
            let p = o.p_win(rep, lead, h, reassign);
            let u = uniform(input.seed, self.run, i, spell, 1);
            let u2 = uniform(input.seed, self.run, i, spell, 2);
            if u < p {
                let days = o.win_days(lead, u2);
                let won = t.saturating_add((days * 86_400.0) as i64);
                let opp = t.saturating_add((days * 0.35 * 86_400.0) as i64);
                plan.opportunity = Some(Timestamp(opp));
                plan.close = Some((Timestamp(won.max(opp)), true));
            } else if (u - p) / (1.0 - p).max(1e-12) < 1.0 - o.p_stall(lead) {
                let days = o.loss_days(lead, u2);
                plan.close = Some((Timestamp(t.saturating_add((days * 86_400.0) as i64)), false));
            }
            plan.contact = Some(Timestamp(t));
            contact = Some((t, h, p));
        }
        let Some(spell) = self
            .engine
            .handle_lead_plan(at, LeadId(Sym(i as u32)), plan)
        else {
            return;
        };
        let horizon = input.history.horizon.0;
        if let Some((t, h, p)) = contact
            && spell.contacted
            && t <= horizon
        {
            if !s.contacted_once {
                s.contacted_once = true;
                self.responses.add(h);
                self.m.response_hours += 1.0;
            }
            self.expected.add(p);
        }
        let mut until = horizon;
        if let Some((t, how)) = spell.end
            && t.0 <= horizon
        {
            until = t.0;
            match how {
                SpellEnd::Won => {
                    self.m.conversions += 1.0;
                    self.revenue.add(o.deal_value(lead));
                    self.cycles.add(t.days_since(lead.created));
                }
                SpellEnd::Lost => {}
                SpellEnd::Reclaimed(reason) => {
                    self.m.reclaims += 1.0;
                    s.reassign = Some(reason);
                }
            }
        }
        self.held_secs += (until - at.0).max(0);
    }

    fn finish(mut self) -> RunMetrics {
        let h = self.input.history;
        let horizon = h.horizon;
        let n = h.leads.iter().take_while(|l| l.created < horizon).count();
        self.m.unassigned = self.leads[..n].iter().filter(|s| !s.ever_assigned).count() as f64;
        self.m.expected_conversions = self.expected.value();
        self.m.revenue = self.revenue.value();
        let contacted = self.m.response_hours;
        self.m.response_hours = if contacted > 0.0 {
            self.responses.value() / contacted
        } else {
            0.0
        };
        self.m.sales_cycle_days = if self.m.conversions > 0.0 {
            self.cycles.value() / self.m.conversions
        } else {
            0.0
        };
        let start = h.leads.first().map_or(horizon, |l| l.created);
        let mut capacity_secs = 0.0;
        let mut rep_cost = 0.0;
        for r in &self.input.roster.reps {
            let from = r.active_from.map_or(start, |f| f.max(start));
            let to = r.active_to.map_or(horizon, |t| t.min(horizon));
            let span = (to.0 - from.0).max(0) as f64;
            if r.capacity != u32::MAX {
                capacity_secs += r.capacity as f64 * span;
            }
            rep_cost += r.monthly_cost as f64 / 100.0 * span / (30.44 * 86_400.0);
        }
        self.m.utilisation = if capacity_secs > 0.0 {
            self.held_secs as f64 / capacity_secs
        } else {
            0.0
        };
        let lead_cost: f64 = h.leads[..n].iter().map(|l| l.cost as f64 / 100.0).sum();
        self.m.cost = lead_cost + rep_cost;
        self.m.roi = if self.m.cost > 0.0 {
            (self.m.revenue * self.input.margin - self.m.cost) / self.m.cost
        } else {
            0.0
        };
        self.m.fairness_gini = crate::stats::gini(&self.ev_by_rep).unwrap_or(0.0);
        self.m
    }
}
