//! Property tests of the engine's invariants over random event streams (native only).

use super::tests::{config, lead, roster};
use super::{Decision, Engine, Entity, FxHashMap, LeadId, LeadPlan, ReclaimPolicy, Sym, Timestamp};
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Op {
    Lead,
    Contact(u32),
    Won(u32),
    Lost(u32),
    Opportunity(u32),
    Claim(usize, u32),
    Away(usize, bool),
    Tick,
}

fn op() -> impl proptest::strategy::Strategy<Value = Op> {
    prop_oneof![
        4 => Just(Op::Lead),
        2 => (0u32..40).prop_map(Op::Contact),
        1 => (0u32..40).prop_map(Op::Won),
        1 => (0u32..40).prop_map(Op::Lost),
        1 => (0u32..40).prop_map(Op::Opportunity),
        2 => (0usize..4, 0u32..40).prop_map(|(r, l)| Op::Claim(r, l)),
        1 => (0usize..4, any::<bool>()).prop_map(|(r, a)| Op::Away(r, a)),
        2 => Just(Op::Tick),
    ]
}

fn policy() -> ReclaimPolicy {
    ReclaimPolicy {
        no_follow_up_days: Some(1.0),
        no_deal_days: Some(5.0),
        holding_cap: Some(3),
        daily_claim_limit: Some(2),
        cooldown_days: Some(4.0),
        reminder_days: Some(0.5),
        pool_dispatch_days: 0.5,
        ..ReclaimPolicy::default()
    }
}

/// Runs a script, checking the invariants after every step; returns all decisions.
fn run(ops: &[(Op, u16)]) -> Vec<Decision> {
    let mut e = Engine::new(config(policy()), roster(4, 2));
    let mut now = Timestamp::from_days(1);
    let mut next = 0u32;
    let mut out = Vec::new();
    let mut reclaimed: FxHashMap<LeadId, (usize, Timestamp)> = FxHashMap::default();
    for (op, gap) in ops {
        now = now.add_secs(i64::from(*gap) * 60);
        while let Some(t) = e.poll_timeout() {
            if t > now {
                break;
            }
            e.handle_timeout(t);
        }
        let id = |l: &u32| LeadId(Sym(*l % next.max(1)));
        match op {
            Op::Lead => {
                e.handle_lead_created(now, lead(next));
                next += 1;
            }
            Op::Contact(l) => e.handle_contacted(now, id(l)),
            Op::Won(l) => e.handle_won(now, id(l)),
            Op::Lost(l) => e.handle_lost(now, id(l)),
            Op::Opportunity(l) => e.handle_opportunity(now, id(l), true),
            Op::Claim(r, l) => e.handle_claim(now, *r, Entity::Lead(id(l))),
            Op::Away(r, a) => e.handle_rep_availability(now, *r, *a),
            Op::Tick => e.handle_timeout(now),
        }
        while let Some(d) = e.poll_decision() {
            match d {
                Decision::Reclaimed {
                    entity: Entity::Lead(l),
                    rep,
                    at,
                    ..
                } => {
                    reclaimed.insert(l, (rep, at));
                }
                Decision::Assigned { lead, rep, at }
                | Decision::Claimed {
                    entity: Entity::Lead(lead),
                    rep,
                    at,
                } => {
                    if let Some((prev, t)) = reclaimed.get(&lead) {
                        assert!(
                            *prev != rep || at >= t.add_days(4),
                            "previous owner got {lead:?} back in cooldown"
                        );
                    }
                }
                _ => {}
            }
            out.push(d);
        }
        for r in 0..4 {
            let s = e.rep_state(r).copied().unwrap_or_default();
            assert!(s.load <= 2, "capacity exceeded: {s:?}");
            assert!(e.held(r) <= 3, "holding cap exceeded");
            assert!(s.claims_today <= 2, "daily claim limit exceeded");
        }
    }
    out
}

proptest! {
    #[test]
    fn caps_and_cooldowns_hold(ops in prop::collection::vec((op(), 0u16..2000), 1..200)) {
        run(&ops);
    }

    #[test]
    fn same_inputs_same_outputs(ops in prop::collection::vec((op(), 0u16..2000), 1..120)) {
        prop_assert_eq!(run(&ops), run(&ops));
    }

    #[test]
    fn reclaim_is_idempotent_at_the_same_instant(
        ops in prop::collection::vec((op(), 0u16..2000), 1..120),
        extra in 0i64..20,
    ) {
        let mut e = Engine::new(config(policy()), roster(4, 2));
        let t0 = Timestamp::from_days(1);
        for (i, (o, _)) in ops.iter().enumerate() {
            if matches!(o, Op::Lead) {
                e.handle_lead_created(t0.add_secs(i as i64 * 600), lead(i as u32));
            }
        }
        while e.poll_decision().is_some() {}
        let t = t0.add_days(extra);
        e.handle_timeout(t);
        while e.poll_decision().is_some() {}
        let before: Vec<_> = (0..4).map(|r| e.held(r)).collect();
        e.handle_timeout(t);
        prop_assert_eq!(e.poll_decision(), None);
        let after: Vec<_> = (0..4).map(|r| e.held(r)).collect();
        prop_assert_eq!(before, after);
    }
}

/// A policy with every lead rule drawn: limits, overrides, protection, reminders, exemptions,
/// cooldown, hand-on delay, reclaim limit, holding cap.
fn any_policy() -> impl proptest::strategy::Strategy<Value = ReclaimPolicy> {
    use crate::reclaim::{Exemptions, SegmentOverride};
    // Quarter days, so that deadlines fall on the whole hours that steps are drawn on.
    let days = |lo: f64, hi: f64| {
        prop::option::of(((lo * 4.0) as u32..(hi * 4.0) as u32).prop_map(|q| f64::from(q) / 4.0))
    };
    (
        (
            days(0.0, 3.0),
            days(0.5, 8.0),
            prop::option::of((days(0.0, 2.0), days(0.5, 5.0))),
        ),
        (days(0.0, 2.0), days(0.0, 2.0), days(0.0, 6.0)),
        (days(0.0, 2.0), any::<(bool, bool)>(), days(0.0, 3.0)),
        (
            (1u32..6).prop_map(|q| f64::from(q) / 4.0),
            prop::option::of(1u32..4),
            prop::option::of(1u32..5),
        ),
    )
        .prop_map(
            |((nf, nd, ov), (p, ext, max), (rem, (opp, won), cool), (pool, mr, cap))| {
                ReclaimPolicy {
                    no_follow_up_days: nf,
                    no_deal_days: nd,
                    segment_overrides: ov
                        .map(|(nf, nd)| SegmentOverride {
                            customer_type: crate::model::CustomerType::Small,
                            no_follow_up_days: nf,
                            no_deal_days: nd,
                        })
                        .into_iter()
                        .collect(),
                    protection_days: p,
                    protection_extension_days: ext,
                    protection_max_days: max,
                    reminder_days: rem,
                    exempt: Exemptions {
                        won,
                        locked: true,
                        open_opportunity: opp,
                    },
                    cooldown_days: cool,
                    pool_dispatch_days: pool,
                    max_reclaims_per_lead: mr,
                    holding_cap: cap,
                    ..ReclaimPolicy::default()
                }
            },
        )
}

/// What the holder of `lead` does in spell `spell`, drawn from `seed`: contacted after some
/// hours (or never), then maybe an opportunity and a close.
fn plan_of(seed: u64, lead: u32, spell: u32, at: Timestamp) -> LeadPlan {
    let u = |slot| crate::sim::uniform(seed, 0, lead as usize, spell, slot);
    let hours = |x: f64| (x * 3600.0) as i64;
    if u(0) < 0.2 {
        return LeadPlan::default();
    }
    // Whole hours now and then, so that steps fall exactly on deadlines.
    let grid = |x: f64| if u(5) < 0.5 { x.round() } else { x };
    let contact = at.add_secs(hours(grid(u(1) * 96.0)));
    let opportunity = (u(2) < 0.5).then(|| contact.add_secs(hours(grid(u(3) * 72.0))));
    let after = opportunity.unwrap_or(contact);
    let close = (u(4) < 0.7).then(|| (after.add_secs(hours(grid(u(6) * 200.0))), u(7) < 0.5));
    LeadPlan {
        contact: Some(contact),
        opportunity,
        close,
    }
}

/// Step events of the reference driver: (time, kind, lead, spell); at a tie the caller's
/// events go before the engine's timers, contacts first, then opportunities, wins, losses.
type Step = (i64, u8, u32, u32);

/// Replays `arrivals` with every spell given to the engine as a plan; all decisions out.
fn replay_planned(policy: &ReclaimPolicy, seed: u64, arrivals: &[u16]) -> Vec<Decision> {
    let mut e = Engine::new(config(policy.clone()), roster(4, 2));
    let mut spells = vec![0u32; arrivals.len()];
    let mut out = Vec::new();
    let mut drain = |e: &mut Engine, out: &mut Vec<Decision>| {
        while let Some(d) = e.poll_decision() {
            if let Decision::Assigned { lead, at, .. } = d {
                let i = lead.0.0;
                let spell = spells[i as usize];
                spells[i as usize] += 1;
                e.handle_lead_plan(at, lead, plan_of(seed, i, spell, at));
            }
            out.push(d);
        }
    };
    let mut now = Timestamp::from_days(1);
    let advance = |e: &mut Engine,
                   until: Timestamp,
                   out: &mut Vec<Decision>,
                   drain: &mut dyn FnMut(&mut Engine, &mut Vec<Decision>)| {
        while let Some(t) = e.poll_timeout() {
            if t > until {
                break;
            }
            e.handle_timeout(t);
            drain(e, out);
        }
    };
    for (i, gap) in arrivals.iter().enumerate() {
        now = now.add_secs(i64::from(*gap) * 60);
        advance(&mut e, now, &mut out, &mut drain);
        e.handle_lead_created(now, lead(i as u32));
        drain(&mut e, &mut out);
    }
    advance(&mut e, now.add_days(60), &mut out, &mut drain);
    out
}

/// The same replay with every step reported as it happens (`handle_contacted`,
/// `handle_opportunity`, `handle_won`, `handle_lost`), as the simulator used to.
fn replay_stepped(policy: &ReclaimPolicy, seed: u64, arrivals: &[u16]) -> Vec<Decision> {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    let mut e = Engine::new(config(policy.clone()), roster(4, 2));
    // Per lead: spells begun, and the spell held now (if any).
    let mut spells = vec![0u32; arrivals.len()];
    let mut held: Vec<Option<u32>> = vec![None; arrivals.len()];
    let mut steps: BinaryHeap<Reverse<Step>> = BinaryHeap::new();
    let mut out = Vec::new();
    let drain = |e: &mut Engine,
                 out: &mut Vec<Decision>,
                 steps: &mut BinaryHeap<Reverse<Step>>,
                 spells: &mut Vec<u32>,
                 held: &mut Vec<Option<u32>>| {
        while let Some(d) = e.poll_decision() {
            match d {
                Decision::Assigned { lead, at, .. } => {
                    let i = lead.0.0;
                    let spell = spells[i as usize];
                    spells[i as usize] += 1;
                    held[i as usize] = Some(spell);
                    let p = plan_of(seed, i, spell, at);
                    if let Some(t) = p.contact {
                        steps.push(Reverse((t.0, 0, i, spell)));
                    }
                    if let Some(t) = p.opportunity {
                        steps.push(Reverse((t.0, 1, i, spell)));
                    }
                    if let Some((t, won)) = p.close {
                        steps.push(Reverse((t.0, if won { 2 } else { 3 }, i, spell)));
                    }
                }
                Decision::Reclaimed {
                    entity: Entity::Lead(lead),
                    ..
                }
                | Decision::GivenUp { lead, .. } => held[lead.0.0 as usize] = None,
                _ => {}
            }
            out.push(d);
        }
    };
    let advance = |e: &mut Engine,
                   until: Timestamp,
                   out: &mut Vec<Decision>,
                   steps: &mut BinaryHeap<Reverse<Step>>,
                   spells: &mut Vec<u32>,
                   held: &mut Vec<Option<u32>>| {
        loop {
            let te = e.poll_timeout().map(|t| t.0);
            let ts = steps.peek().map(|s| s.0.0);
            let step_first = match (te, ts) {
                (None, None) => break,
                (Some(a), Some(b)) => b <= a,
                (None, Some(_)) => true,
                (Some(_), None) => false,
            };
            let t = if step_first { ts } else { te }.unwrap_or(i64::MAX);
            if t > until.0 {
                break;
            }
            if step_first {
                let Some(Reverse((t, kind, i, spell))) = steps.pop() else {
                    break;
                };
                if held[i as usize] == Some(spell) {
                    let (at, id) = (Timestamp(t), LeadId(Sym(i)));
                    match kind {
                        0 => e.handle_contacted(at, id),
                        1 => e.handle_opportunity(at, id, true),
                        2 | 3 => {
                            held[i as usize] = None;
                            if kind == 2 {
                                e.handle_won(at, id);
                            } else {
                                e.handle_lost(at, id);
                            }
                        }
                        _ => {}
                    }
                }
            } else {
                e.handle_timeout(Timestamp(t));
            }
            drain(e, out, steps, spells, held);
        }
    };
    let mut now = Timestamp::from_days(1);
    for (i, gap) in arrivals.iter().enumerate() {
        now = now.add_secs(i64::from(*gap) * 60);
        advance(&mut e, now, &mut out, &mut steps, &mut spells, &mut held);
        e.handle_lead_created(now, lead(i as u32));
        drain(&mut e, &mut out, &mut steps, &mut spells, &mut held);
    }
    advance(
        &mut e,
        now.add_days(60),
        &mut out,
        &mut steps,
        &mut spells,
        &mut held,
    );
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn a_planned_spell_decides_as_its_steps_reported_one_by_one(
        policy in any_policy(),
        seed in any::<u64>(),
        arrivals in prop::collection::vec((0u16..20).prop_map(|g| g * 30), 1..60),
    ) {
        let planned = replay_planned(&policy, seed, &arrivals);
        let stepped = replay_stepped(&policy, seed, &arrivals);
        let assigned = planned.iter().any(|d| matches!(d, Decision::Assigned { .. }));
        prop_assert!(assigned, "nothing was assigned");
        prop_assert_eq!(planned, stepped);
    }
}
