#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use super::*;
use crate::demo::{DemoConfig, demo_dataset};

const COMPARE: &str = include_str!("../../../../examples/compare-strategies.toml");

#[test]
fn explore() {
    let ds = demo_dataset(&DemoConfig::default());
    let sim = Simulation::prepare(&ds).expect("demo prepares");
    let mut sc = Scenario::from_toml(COMPARE).expect("example parses");
    sc.runs = 8;
    let r = run_scenario(&sim, &sc, &mut |_| true).expect("runs");
    println!("{}", serde_json::to_string_pretty(&r).unwrap());
}
