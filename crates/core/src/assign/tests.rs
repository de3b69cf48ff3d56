#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use super::*;
use crate::model::Sym;

/// Four reps: 0,1 in region A (0 skilled in small only, 1 in ka), 2 in region B, 3 in A but
/// employed only from day 100.
fn roster() -> Roster {
    let rep = |i: u32, region: u32, skills: &[CustomerType], role: Role| RosterRep {
        id: RepId(Sym(100 + i)),
        region: Some(Sym(region)),
        team: Some(Sym(10 + region)),
        role: Some(role),
        capacity: 2,
        skills: {
            let mut s = CustomerTypeSet::EMPTY;
            for t in skills {
                s.insert(*t);
            }
            s
        },
        active_from: None,
        active_to: None,
        weight: 1.0,
        monthly_cost: 0,
    };
    let mut reps = vec![
        rep(0, 1, &[CustomerType::Small], Role::Inside),
        rep(1, 1, &[CustomerType::Ka], Role::KeyAccount),
        rep(2, 2, &[CustomerType::Small], Role::Telesales),
        rep(3, 1, &[CustomerType::Small], Role::Inside),
    ];
    reps[3].active_from = Some(Timestamp::from_days(100));
    reps[1].weight = 3.0;
    Roster {
        reps,
        names: vec![
            (Sym(1), "A".into()),
            (Sym(2), "B".into()),
            (Sym(11), "A-team".into()),
            (Sym(12), "B-team".into()),
        ],
    }
}

fn strategy(selector: Selector) -> Strategy {
    Strategy {
        name: "t".into(),
        filters: Filters::default(),
        quota: Quota::default(),
        selector,
    }
}

fn ask(region: u32, ty: CustomerType) -> Ask {
    Ask {
        region: Some(Sym(region)),
        customer_type: Some(ty),
        owner: None,
        exclude: None,
    }
}

fn pick_with(a: &mut Assigner, states: &[RepState], day: i64, ask: &Ask) -> Option<usize> {
    let r = roster();
    let allow = |_: usize| true;
    let g = Gate {
        reps: &r.reps,
        states,
        now: Timestamp::from_days(day),
        allow: Some(&allow),
    };
    a.pick(&g, ask, &ValueTable::default())
}

#[test]
fn round_robin_skips_inactive_and_other_regions() {
    let r = roster();
    let mut f = strategy(Selector::RoundRobin);
    f.filters.skills = Rule::Off;
    let mut a = Assigner::new(f, &r);
    let st = vec![RepState::default(); 4];
    let picks: Vec<_> = (0..4)
        .map(|_| pick_with(&mut a, &st, 1, &ask(1, CustomerType::Small)))
        .collect();
    assert_eq!(picks, vec![Some(0), Some(1), Some(0), Some(1)]);
    // From day 100 rep 3 joins the rotation.
    let picks: Vec<_> = (0..3)
        .map(|_| pick_with(&mut a, &st, 100, &ask(1, CustomerType::Small)))
        .collect();
    assert_eq!(picks, vec![Some(3), Some(0), Some(1)]);
}

#[test]
fn skills_are_preferred_then_relaxed_and_capacity_is_hard() {
    let r = roster();
    let mut a = Assigner::new(strategy(Selector::LeastLoaded), &r);
    let mut st = vec![RepState::default(); 4];
    assert_eq!(
        pick_with(&mut a, &st, 1, &ask(1, CustomerType::Ka)),
        Some(1)
    );
    st[1].load = 2;
    // The KA rep is full: relax skills, stay in the region.
    assert_eq!(
        pick_with(&mut a, &st, 1, &ask(1, CustomerType::Ka)),
        Some(0)
    );
    st[0].load = 2;
    assert_eq!(pick_with(&mut a, &st, 1, &ask(1, CustomerType::Ka)), None);
}

#[test]
fn weighted_round_robin_follows_weights() {
    let r = roster();
    let mut s = strategy(Selector::WeightedRoundRobin);
    s.filters.skills = Rule::Off;
    s.filters.capacity = false;
    let mut a = Assigner::new(s, &r);
    let st = vec![RepState::default(); 4];
    let picks: Vec<_> = (0..8)
        .filter_map(|_| pick_with(&mut a, &st, 1, &ask(1, CustomerType::Small)))
        .collect();
    assert_eq!(picks.iter().filter(|&&p| p == 1).count(), 6);
    assert_eq!(picks.iter().filter(|&&p| p == 0).count(), 2);
}

#[test]
fn tiered_territory_sticky_and_quota() {
    let r = roster();
    let mut s = strategy(Selector::Tiered {
        tiers: default_tiers(),
    });
    s.filters.skills = Rule::Off;
    let mut a = Assigner::new(s, &r);
    let st = vec![RepState::default(); 4];
    assert_eq!(
        pick_with(&mut a, &st, 1, &ask(1, CustomerType::Ka)),
        Some(1)
    );
    assert_eq!(
        pick_with(&mut a, &st, 1, &ask(1, CustomerType::Small)),
        Some(0)
    );

    let mut s = strategy(Selector::Territory {
        territories: vec![Territory {
            region: "A".into(),
            team: "B-team".into(),
        }],
    });
    s.filters.region = Rule::Off;
    s.filters.skills = Rule::Off;
    let mut a = Assigner::new(s, &r);
    assert_eq!(
        pick_with(&mut a, &st, 1, &ask(1, CustomerType::Ka)),
        Some(2)
    );

    let mut s = strategy(Selector::StickyOwner {
        fallback: Box::new(Selector::LeastLoaded),
    });
    s.filters.skills = Rule::Off;
    let mut a = Assigner::new(s, &r);
    let mut sticky = ask(1, CustomerType::Small);
    sticky.owner = Some(1);
    assert_eq!(pick_with(&mut a, &st, 1, &sticky), Some(1));
    sticky.owner = Some(2); // other region: not eligible, fall back
    assert_eq!(pick_with(&mut a, &st, 1, &sticky), Some(0));

    let mut s = strategy(Selector::CapacityQuota);
    s.filters.daily_quota = true;
    s.filters.skills = Rule::Off;
    s.filters.capacity = false;
    // Capacity 2 turning over 11 times a month over 22 days: one lead a day each.
    s.quota.turnover_per_month = 11.0;
    let mut a = Assigner::new(s, &r);
    let mut st = vec![RepState::default(); 4];
    st[0] = RepState {
        day: 1,
        today: 1,
        ..RepState::default()
    };
    assert_eq!(
        pick_with(&mut a, &st, 1, &ask(1, CustomerType::Small)),
        Some(1)
    );
    st[1] = st[0];
    assert_eq!(
        pick_with(&mut a, &st, 1, &ask(1, CustomerType::Small)),
        None
    );
    assert_eq!(
        pick_with(&mut a, &st, 2, &ask(1, CustomerType::Small)),
        Some(0)
    );
}

#[test]
fn score_based_takes_the_highest_expected_value() {
    let r = roster();
    let mut a = Assigner::new(strategy(Selector::ScoreBased { load_penalty: 0.0 }), &r);
    let values = ValueTable {
        values: vec![
            [1.0, 0.0, 0.0, 5.0],
            [9.0, 0.0, 0.0, 7.0],
            [0.0; 4],
            [0.0; 4],
        ],
        untyped: vec![0.0; 4],
    };
    let st = vec![RepState::default(); 4];
    let allow = |_: usize| true;
    let g = Gate {
        reps: &r.reps,
        states: &st,
        now: Timestamp::from_days(1),
        allow: Some(&allow),
    };
    let mut small = ask(1, CustomerType::Small);
    // Skill "prefer" keeps the KA specialist out of small leads while rep 0 can take them.
    assert_eq!(a.pick(&g, &small, &values), Some(0));
    a.strategy.filters.skills = Rule::Off;
    assert_eq!(a.pick(&g, &small, &values), Some(1));
    small.exclude = Some(1);
    assert_eq!(a.pick(&g, &small, &values), Some(0));
}

#[test]
fn batch_optimal_maximises_total_value_under_capacity() {
    // Two reps with one slot each; rep 0 is better at both leads, but much better at lead 1,
    // so the optimum (8 + 3 = 11) gives lead 1 to rep 0 and lead 0 to rep 1, where greedy in
    // lead order would get 5 + 1 = 6.
    let values = ValueTable {
        values: vec![[5.0, 8.0, 0.0, 0.0], [3.0, 1.0, 0.0, 0.0]],
        untyped: vec![0.0; 2],
    };
    let leads = vec![
        BatchLead {
            candidates: vec![0, 1],
            customer_type: Some(CustomerType::Ka),
        },
        BatchLead {
            candidates: vec![0, 1],
            customer_type: Some(CustomerType::Large),
        },
        BatchLead {
            candidates: vec![1],
            customer_type: Some(CustomerType::Ka),
        },
    ];
    assert_eq!(
        optimal_batch(&leads, &[1, 1], &values, None),
        vec![Some(1), Some(0), None]
    );
    // With room for two at rep 1: all three served, most value.
    assert_eq!(
        optimal_batch(&leads, &[1, 2], &values, None),
        vec![Some(1), Some(0), Some(1)]
    );
    // A fairness cap of one lead per rep.
    assert_eq!(
        optimal_batch(&leads, &[5, 5], &values, Some(1)),
        vec![Some(1), Some(0), None]
    );
}

#[test]
fn strategies_read_from_toml_and_json() {
    let s: Strategy = toml::from_str(
        r#"
name = "best"
[filters]
region = "require"
skills = "off"
[selector]
kind = "batch_optimal"
batch_hours = 12
max_share = 0.2
"#,
    )
    .expect("valid strategy");
    assert_eq!(
        s.selector,
        Selector::BatchOptimal {
            batch_hours: 12.0,
            max_share: Some(0.2)
        }
    );
    assert!(s.filters.capacity);
    let json = serde_json::to_string(&s).expect("serialises");
    let back: Strategy = serde_json::from_str(&json).expect("round trip");
    assert_eq!(back, s);
    let sticky: Selector =
        serde_json::from_str(r#"{"kind":"sticky_owner","fallback":{"kind":"round_robin"}}"#)
            .expect("nested selector");
    assert_eq!(
        sticky,
        Selector::StickyOwner {
            fallback: Box::new(Selector::RoundRobin)
        }
    );
}

#[test]
fn least_loaded_compares_as_the_divided_ratios() {
    let caps = (1..48u64).chain([1000, 4096, u64::from(u32::MAX)]);
    let pairs: Vec<(u64, u64)> = caps
        .flat_map(|c| (0..48u64).chain([999, 1 << 19]).map(move |l| (l, c)))
        .collect();
    let mut lower = 0;
    for &a in &pairs {
        for &b in &pairs {
            let divided = (a.0 as f64 / a.1 as f64) < (b.0 as f64 / b.1 as f64);
            assert_eq!(super::lower_ratio(a, b), divided, "{a:?} against {b:?}");
            lower += usize::from(divided);
        }
    }
    assert!(lower > pairs.len() * pairs.len() / 3);
}
