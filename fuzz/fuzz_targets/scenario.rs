//! Fuzz target: the scenario loader (TOML, or JSON by the first byte). A scenario that loads
//! is then run, one Monte Carlo run per variant and at most three sweep points, on a small
//! fixed dataset: whatever numbers a scenario holds, the simulator must finish without panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reallot_core::Dataset;
use reallot_core::sim::{Scenario, Simulation, run_scenario};
use std::sync::OnceLock;

/// Three reps, a handful of leads with contacts, wins and a reclaim: enough for every part of
/// the simulator to run.
const DATA: &[(&str, &str)] = &[
    (
        "reps",
        "rep_id,region,role,capacity,skills\nR1,east,field,3,ka;small\nR2,east,inside,2,small\nR3,west,key_account,5,ka\n",
    ),
    (
        "leads",
        "lead_id,created_at,region,customer_type,assigned_rep_id,assigned_at,first_contact_at,stage,won_at,won_value\nL1,2024-01-01,east,small,R1,2024-01-01,2024-01-02,won,2024-01-10,100\nL2,2024-01-02,east,ka,R2,2024-01-02,,lost,,\nL3,2024-01-03,west,ka,R3,2024-01-03 10:00,2024-01-03 12:00,new,,\nL4,2024-01-05,east,small,,,,new,,\n",
    ),
    (
        "ownership",
        "entity_kind,entity_id,rep_id,at,reason\nlead,L2,R2,2024-01-02,assign\nlead,L2,,2024-01-06,reclaim_no_follow_up\n",
    ),
];

fn simulation() -> Option<&'static Simulation> {
    static SIM: OnceLock<Option<Simulation>> = OnceLock::new();
    SIM.get_or_init(|| {
        let mut ds = Dataset::new();
        for (kind, csv) in DATA {
            let name = format!("{kind}.csv");
            let parsed =
                reallot_core::import::read_file(&name, csv.as_bytes(), &Default::default()).ok()?;
            let m = parsed.mapping.clone()?;
            reallot_core::import::load_into(&mut ds, &parsed, &m);
        }
        Simulation::prepare(&ds).ok()
    })
    .as_ref()
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let parsed = if selector & 1 == 0 {
        Scenario::from_toml(text)
    } else {
        Scenario::from_json(text)
    };
    let Ok(mut scenario) = parsed else {
        return;
    };
    let _ = scenario.variants();
    if selector & 2 == 0 {
        return;
    }
    scenario.runs = 1;
    scenario.strategies.truncate(3);
    if let Some(sw) = &mut scenario.sweep {
        sw.values.truncate(3);
    }
    if scenario.check().is_err() {
        return;
    }
    if let Some(sim) = simulation() {
        let _ = run_scenario(sim, &scenario, &mut |_| true);
    }
});
