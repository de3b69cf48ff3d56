//! Property tests of the engine's invariants over random event streams (native only).

use super::tests::{config, lead, roster};
use super::{Decision, Engine, Entity, FxHashMap, LeadId, ReclaimPolicy, Sym, Timestamp};
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
