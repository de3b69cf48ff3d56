#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use super::*;
use crate::assign::{Filters, Quota, RosterRep, Rule, Selector};
use crate::model::{CustomerTypeSet, RepId, Role};

const H: i64 = 3600;

pub(super) fn roster(n: u32, capacity: u32) -> Roster {
    Roster {
        reps: (0..n)
            .map(|i| RosterRep {
                id: RepId(Sym(1000 + i)),
                region: Some(Sym(1)),
                team: None,
                role: Some(Role::Field),
                capacity,
                skills: CustomerTypeSet::EMPTY,
                active_from: None,
                active_to: None,
                weight: 1.0,
                monthly_cost: 0,
            })
            .collect(),
        names: vec![(Sym(1), "A".into())],
    }
}

pub(super) fn config(policy: ReclaimPolicy) -> EngineConfig {
    EngineConfig {
        strategy: Strategy {
            name: "ll".into(),
            filters: Filters {
                skills: Rule::Off,
                ..Filters::default()
            },
            quota: Quota::default(),
            selector: Selector::LeastLoaded,
        },
        policy,
        values: ValueTable::default(),
    }
}

pub(super) fn lead(i: u32) -> NewLead {
    NewLead {
        id: LeadId(Sym(i)),
        region: Some(Sym(1)),
        customer_type: Some(CustomerType::Small),
        customer: None,
    }
}

fn drain(e: &mut Engine) -> Vec<Decision> {
    std::iter::from_fn(|| e.poll_decision()).collect()
}

#[test]
fn assigns_reclaims_for_no_follow_up_and_hands_on_after_the_pool_delay() {
    let policy = ReclaimPolicy {
        no_follow_up_days: Some(3.0),
        no_deal_days: Some(60.0),
        reminder_days: Some(1.0),
        cooldown_days: Some(30.0),
        pool_dispatch_days: 1.0,
        ..ReclaimPolicy::default()
    };
    let mut e = Engine::new(config(policy), roster(2, 5));
    let t0 = Timestamp::from_days(10);
    e.handle_lead_created(t0, lead(1));
    assert_eq!(
        drain(&mut e),
        vec![Decision::Assigned {
            lead: LeadId(Sym(1)),
            rep: 0,
            at: t0
        }]
    );
    // Reminder one day before the 3-day deadline.
    assert_eq!(e.poll_timeout(), Some(t0.add_days(2)));
    e.handle_timeout(t0.add_days(2));
    assert!(matches!(
        drain(&mut e).as_slice(),
        [Decision::ReminderDue { rep: 0, deadline, .. }] if *deadline == t0.add_days(3)
    ));
    assert_eq!(e.poll_timeout(), Some(t0.add_days(3)));
    e.handle_timeout(t0.add_days(3));
    assert_eq!(
        drain(&mut e),
        vec![Decision::Reclaimed {
            entity: Entity::Lead(LeadId(Sym(1))),
            rep: 0,
            at: t0.add_days(3),
            reason: ReclaimReason::NoFollowUp
        }]
    );
    assert_eq!(e.rep_state(0).map(|s| s.load), Some(0));
    // Handed on a day later, not to the previous owner (cooldown).
    assert_eq!(e.poll_timeout(), Some(t0.add_days(4)));
    e.handle_timeout(t0.add_days(4));
    assert_eq!(
        drain(&mut e),
        vec![Decision::Assigned {
            lead: LeadId(Sym(1)),
            rep: 1,
            at: t0.add_days(4)
        }]
    );
    // Contact, then an open opportunity: exempt from the no-deal rule, so no deadline.
    e.handle_contacted(t0.add_days(4).add_secs(H), LeadId(Sym(1)));
    e.handle_opportunity(t0.add_days(5), LeadId(Sym(1)), true);
    assert_eq!(e.poll_timeout(), None);
    e.handle_won(t0.add_days(20), LeadId(Sym(1)));
    assert_eq!(e.rep_state(1).map(|s| s.load), Some(0));
    assert_eq!(drain(&mut e), vec![]);
}

#[test]
fn no_rep_eligible_waits_and_is_served_when_capacity_frees() {
    let mut e = Engine::new(config(ReclaimPolicy::default()), roster(1, 1));
    let t0 = Timestamp::from_days(1);
    e.handle_lead_created(t0, lead(1));
    e.handle_lead_created(t0.add_secs(H), lead(2));
    let d = drain(&mut e);
    assert_eq!(
        d[1],
        Decision::NoRepEligible {
            lead: LeadId(Sym(2)),
            at: t0.add_secs(H)
        }
    );
    assert_eq!(e.waiting_leads(), 1);
    e.handle_lost(t0.add_secs(2 * H), LeadId(Sym(1)));
    assert_eq!(
        drain(&mut e),
        vec![Decision::Assigned {
            lead: LeadId(Sym(2)),
            rep: 0,
            at: t0.add_secs(2 * H)
        }]
    );
    assert_eq!(e.waiting_leads(), 0);
}

#[test]
fn claims_respect_limits_cooldown_and_holding_cap() {
    let policy = ReclaimPolicy {
        no_follow_up_days: Some(1.0),
        cooldown_days: Some(10.0),
        daily_claim_limit: Some(1),
        holding_cap: Some(2),
        pool_dispatch_days: 100.0,
        max_reclaims_per_lead: None,
        ..ReclaimPolicy::default()
    };
    let mut e = Engine::new(config(policy), roster(2, 10));
    let t0 = Timestamp::from_days(1);
    for i in 1..=3 {
        e.handle_lead_created(t0, lead(i));
    }
    // Leads 1, 3 → rep 0; lead 2 → rep 1. All reclaimed a day later.
    e.handle_timeout(t0.add_days(1));
    drain(&mut e);
    let t1 = t0.add_days(2);
    let claim = |e: &mut Engine, rep, l| {
        e.handle_claim(t1, rep, Entity::Lead(LeadId(Sym(l))));
        e.poll_decision()
    };
    assert!(matches!(
        claim(&mut e, 0, 1),
        Some(Decision::ClaimRefused {
            reason: Refusal::Cooldown,
            ..
        })
    ));
    assert!(matches!(
        claim(&mut e, 1, 1),
        Some(Decision::Claimed { rep: 1, .. })
    ));
    assert!(matches!(
        claim(&mut e, 1, 3),
        Some(Decision::ClaimRefused {
            reason: Refusal::DailyClaimLimit,
            ..
        })
    ));
    assert!(matches!(
        claim(&mut e, 1, 1),
        Some(Decision::ClaimRefused {
            reason: Refusal::NotInPool,
            ..
        })
    ));
    assert!(matches!(
        claim(&mut e, 0, 9),
        Some(Decision::ClaimRefused {
            reason: Refusal::UnknownEntity,
            ..
        })
    ));
    // Customers count toward the holding cap of 2.
    for c in 0..2 {
        e.handle_customer(
            t1,
            NewCustomer {
                id: CustomerId(Sym(500 + c)),
                owner: Some(0),
                last_order: None,
                cycle_days: None,
            },
        );
    }
    let t2 = t1.add_days(20);
    e.handle_claim(t2, 0, Entity::Lead(LeadId(Sym(3))));
    assert!(matches!(
        e.poll_decision(),
        Some(Decision::ClaimRefused {
            reason: Refusal::HoldingCap,
            ..
        })
    ));
}

#[test]
fn customers_are_reclaimed_when_overdue_on_their_own_cycle() {
    let policy = ReclaimPolicy {
        repurchase_k: Some(1.5),
        customer_idle_days: Some(90.0),
        ..ReclaimPolicy::default()
    };
    let mut e = Engine::new(config(policy), roster(1, 10));
    let t0 = Timestamp::from_days(1);
    let c = CustomerId(Sym(77));
    e.handle_customer(
        t0,
        NewCustomer {
            id: c,
            owner: Some(0),
            last_order: Some(t0),
            cycle_days: Some(10.0),
        },
    );
    assert_eq!(e.poll_timeout(), Some(t0.add_days(15)));
    e.handle_order(t0.add_days(12), c, None);
    assert_eq!(e.poll_timeout(), Some(t0.add_days(27)));
    e.handle_timeout(t0.add_days(27));
    assert_eq!(
        drain(&mut e),
        vec![Decision::Reclaimed {
            entity: Entity::Customer(c),
            rep: 0,
            at: t0.add_days(27),
            reason: ReclaimReason::CustomerOverdue
        }]
    );
    assert_eq!(e.customer_owner(c), None);
    assert_eq!(e.held(0), 0);
}

#[test]
fn batch_optimal_waits_for_the_batch_then_assigns() {
    let mut cfg = config(ReclaimPolicy::default());
    cfg.strategy.selector = Selector::BatchOptimal {
        batch_hours: 24.0,
        max_share: None,
    };
    cfg.values = ValueTable {
        values: vec![[0.0, 0.0, 0.0, 1.0], [0.0, 0.0, 0.0, 2.0]],
        untyped: vec![0.0; 2],
    };
    let mut e = Engine::new(cfg, roster(2, 1));
    let t0 = Timestamp::from_days(1);
    e.handle_lead_created(t0, lead(1));
    e.handle_lead_created(t0.add_secs(H), lead(2));
    e.handle_lead_created(t0.add_secs(2 * H), lead(3));
    assert_eq!(drain(&mut e), vec![]);
    assert_eq!(e.poll_timeout(), Some(t0.add_days(1)));
    e.handle_timeout(t0.add_days(1));
    let d = drain(&mut e);
    assert_eq!(d.len(), 3);
    let mut reps: Vec<usize> = d
        .iter()
        .filter_map(|d| match d {
            Decision::Assigned { rep, .. } => Some(*rep),
            _ => None,
        })
        .collect();
    reps.sort_unstable();
    assert_eq!(reps, vec![0, 1]);
    assert!(matches!(d[2], Decision::NoRepEligible { .. }));
}

#[test]
fn unknown_ids_and_repeated_timeouts_do_nothing() {
    let mut e = Engine::new(config(ReclaimPolicy::default()), roster(1, 1));
    let t = Timestamp::from_days(3);
    e.handle_won(t, LeadId(Sym(5)));
    e.handle_activity(t, Entity::Customer(CustomerId(Sym(5))));
    e.handle_rep_availability(t, 99, false);
    e.handle_timeout(t);
    e.handle_timeout(t);
    assert_eq!(drain(&mut e), vec![]);
    e.handle_claim(t, 7, Entity::Lead(LeadId(Sym(5))));
    assert!(matches!(
        e.poll_decision(),
        Some(Decision::ClaimRefused {
            reason: Refusal::UnknownRep,
            ..
        })
    ));
}

#[test]
fn a_lead_row_is_one_cache_line_and_its_sentinels_read_back() {
    assert_eq!(std::mem::size_of::<LeadState>(), 64);
    assert_eq!(std::mem::align_of::<LeadState>(), 64);
    assert_eq!(OptIx::from(Some(7)).get(), Some(7));
    assert_eq!(OptIx::from(None).get(), None);
    assert!(OptIx::NONE.is_none() && OptIx(0).is_some());
    assert_eq!(OptTime::from(Timestamp(-5)).get(), Some(Timestamp(-5)));
    assert_eq!(OptTime::NONE.get(), None);
}

#[test]
fn a_lead_reclaimed_the_moment_it_is_handed_over_with_no_pool_delay_is_given_up() {
    // No follow-up allowed at all and no reclaim limit, with the pool delay given.
    let policy = |pool_dispatch_days| ReclaimPolicy {
        no_follow_up_days: Some(0.0),
        pool_dispatch_days,
        max_reclaims_per_lead: None,
        ..ReclaimPolicy::default()
    };
    // No pool delay: without a guard the lead would go from rep to rep forever at one instant.
    let mut e = Engine::new(config(policy(0.0)), roster(3, 5));
    let t = Timestamp::from_days(1);
    e.handle_lead_created(t, lead(0));
    let mut n = 0;
    while let Some(at) = e.poll_timeout() {
        e.handle_timeout(at);
        n += 1;
        assert!(n < 10, "timers keep coming at {at:?}");
    }
    let d = drain(&mut e);
    assert!(matches!(d[0], Decision::Assigned { .. }), "{d:?}");
    assert!(
        matches!(d[1], Decision::Reclaimed { at, .. } if at == t),
        "{d:?}"
    );
    assert_eq!(
        d[2],
        Decision::GivenUp {
            lead: LeadId(Sym(0)),
            at: t
        }
    );
    assert_eq!(d.len(), 3);
    // With a pool delay time moves on, and the lead is handed on as usual: at t, t + 1 day
    // and t + 2 days, each time reclaimed at once.
    let mut e = Engine::new(config(policy(1.0)), roster(3, 5));
    e.handle_lead_created(t, lead(0));
    e.handle_timeout(t.add_days(2));
    let d = drain(&mut e);
    let assigned = d
        .iter()
        .filter(|d| matches!(d, Decision::Assigned { .. }))
        .count();
    assert_eq!(assigned, 3, "{d:?}");
    assert!(
        !d.iter().any(|d| matches!(d, Decision::GivenUp { .. })),
        "{d:?}"
    );
}
