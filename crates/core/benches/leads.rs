//! Benchmarks of the lead measures on demo data already loaded in memory: the whole lead
//! report, and the frame pass it starts with. `cargo bench -p reallot-core --bench leads`;
//! `REALLOT_BENCH_SCALE=s|m|l` picks the demo scale (default l, 1M leads).

use criterion::{Criterion, criterion_group, criterion_main};
use reallot_core::demo::{DemoConfig, Scale, demo_dataset};
use reallot_core::metrics::MeasureConfig;
use reallot_core::metrics::leads::{LeadFrame, lead_report};
use std::hint::black_box;

fn leads(c: &mut Criterion) {
    let scale = std::env::var("REALLOT_BENCH_SCALE")
        .ok()
        .and_then(|s| Scale::parse(&s))
        .unwrap_or(Scale::L);
    let ds = demo_dataset(&DemoConfig { scale, seed: 42 });
    let scope = MeasureConfig::default().scope(&ds);
    let name = format!("{scale:?}").to_lowercase();
    let mut g = c.benchmark_group(format!("leads_{name}_{}", ds.leads.len()));
    g.sample_size(10);
    g.bench_function("lead_report", |b| {
        b.iter(|| black_box(lead_report(black_box(&ds), &scope)))
    });
    g.bench_function("frame", |b| {
        b.iter(|| black_box(LeadFrame::build(black_box(&ds), &scope)))
    });
    g.finish();
}

criterion_group!(benches, leads);
criterion_main!(benches);
