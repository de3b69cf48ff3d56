//! `reallot bench` end to end at scale s: every step is in the JSON, took time, and worked
//! through as many rows as the demo has (no timed assertions: this checks what was measured).

use reallot_core::demo::{DemoConfig, Scale, demo_dataset};
use reallot_core::model::TableKind;
use serde_json::Value;
use std::collections::HashSet;
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_reallot"))
}

#[test]
fn json_has_every_step_with_the_demo_row_counts() {
    let out = bin()
        .args(["bench", "--scale", "s", "--json", "--runs", "1"])
        .output()
        .expect("runs bench");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");

    let ds = demo_dataset(&DemoConfig {
        scale: Scale::S,
        seed: 42,
    });
    let sizes = ds.sizes();
    let total: usize = TableKind::ALL.iter().map(|&k| sizes.get(k)).sum();
    for kind in TableKind::ALL {
        assert_eq!(
            v["tables"][kind.as_str()].as_u64(),
            Some(sizes.get(kind) as u64),
            "{}",
            kind.as_str()
        );
    }

    let steps = v["steps"].as_array().expect("steps");
    let names: Vec<&str> = steps.iter().filter_map(|s| s["name"].as_str()).collect();
    assert_eq!(
        names,
        [
            "demo",
            "write_csv",
            "import",
            "measure_base",
            "lead_measures",
            "customer_measures",
            "customer_measures_one_thread",
            "conversion_by_rep",
            "repeat_by_segment",
            "clv_fit",
            "simulation"
        ]
    );
    let ordered: HashSet<_> = ds.orders.iter().map(|o| o.customer).collect();
    let customers_with_orders = ds
        .customers
        .iter()
        .filter(|c| ordered.contains(&c.id))
        .count();
    let expected_rows = [
        total,
        total,
        total,
        sizes.leads,
        sizes.leads,
        sizes.orders,
        sizes.orders,
        sizes.leads,
        sizes.orders,
        customers_with_orders,
        sizes.leads * 5,
    ];
    for (s, rows) in steps.iter().zip(expected_rows) {
        let name = s["name"].as_str().unwrap_or("?");
        assert!(s["wall_ms"].as_f64().unwrap_or(0.0) > 0.0, "{name}: {s}");
        assert!(s["rows_per_s"].as_f64().unwrap_or(0.0) > 0.0, "{name}: {s}");
        assert_eq!(s["rows"].as_u64(), Some(rows as u64), "{name}");
    }
    let import = &steps[2];
    assert!(
        import["bytes"].as_u64().unwrap_or(0) > 1_000_000,
        "{import}"
    );
    assert!(import["mb_per_s"].as_f64().unwrap_or(0.0) > 0.0, "{import}");
    assert_eq!(v["machine"]["cpus"].as_u64().map(|c| c > 0), Some(true));
}

#[test]
fn a_bad_scale_is_a_usage_error() {
    let out = bin()
        .args(["bench", "--scale", "xl"])
        .output()
        .expect("runs bench");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("reallot: --scale: expected s, m or l, got \"xl\""),
        "{err}"
    );
}
