//! Simulator throughput on the demo at scale M (≈ 100k leads, 200 reps): one Monte Carlo run
//! per strategy of examples/compare-strategies.toml, and the model fit.
//! Run: `cargo bench -p reallot-core --bench sim`.

use criterion::{Criterion, criterion_group, criterion_main};
use reallot_core::demo::{DemoConfig, Scale, demo_dataset};
use reallot_core::sim::{Job, Scenario, Simulation};
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let ds = demo_dataset(&DemoConfig {
        scale: Scale::M,
        seed: 42,
    });
    let scenario = Scenario::from_toml(include_str!("../../../examples/compare-strategies.toml"))
        .expect("example scenario parses");
    let sim = Simulation::prepare(&ds).expect("demo prepares");
    let variants = scenario.variants();
    let mut g = c.benchmark_group("sim_m");
    g.sample_size(10);
    for (k, (strategy, _)) in variants.iter().enumerate() {
        g.bench_function(format!("run/{}", strategy.name), |b| {
            b.iter(|| black_box(sim.job(&scenario, &variants, Job { variant: k, run: 0 })))
        });
    }
    g.bench_function("prepare", |b| {
        b.iter(|| black_box(Simulation::prepare(&ds)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
