//! Benchmarks of the lead measures on demo data already loaded in memory: laying the data out
//! for measuring (once per dataset), the whole lead report and the frame it starts with, with
//! no filter and under a region filter. `cargo bench -p reallot-core --bench leads`;
//! `REALLOT_BENCH_SCALE=s|m|l` picks the demo scale (default l, 1M leads).

use criterion::{Criterion, criterion_group, criterion_main};
use reallot_core::demo::{DemoConfig, Scale, demo_dataset};
use reallot_core::metrics::leads::{LeadFrame, lead_report_of};
use reallot_core::metrics::{Filter, MeasureBase, MeasureConfig};
use std::hint::black_box;

fn leads(c: &mut Criterion) {
    let scale = std::env::var("REALLOT_BENCH_SCALE")
        .ok()
        .and_then(|s| Scale::parse(&s))
        .unwrap_or(Scale::L);
    let ds = demo_dataset(&DemoConfig { scale, seed: 42 });
    let base = MeasureBase::new(&ds);
    let scope = base.scope(&ds, &MeasureConfig::default());
    // One region of several: the filter pass over the columns.
    let region = ds.leads.first().and_then(|l| l.region).map(|r| ds.name(r));
    let filtered = base.scope(
        &ds,
        &MeasureConfig {
            filter: Filter {
                regions: region.into_iter().map(str::to_owned).collect(),
                ..Filter::default()
            },
            ..MeasureConfig::default()
        },
    );
    let name = format!("{scale:?}").to_lowercase();
    let mut g = c.benchmark_group(format!("leads_{name}_{}", ds.leads.len()));
    g.sample_size(10);
    g.bench_function("measure_base", |b| {
        b.iter(|| black_box(MeasureBase::new(black_box(&ds))))
    });
    g.bench_function("lead_report", |b| {
        b.iter(|| black_box(lead_report_of(black_box(&ds), &base.leads, &scope)))
    });
    g.bench_function("frame", |b| {
        b.iter(|| black_box(LeadFrame::of(black_box(&ds), &base.leads, &scope)))
    });
    g.bench_function("lead_report_filtered", |b| {
        b.iter(|| black_box(lead_report_of(black_box(&ds), &base.leads, &filtered)))
    });
    g.bench_function("frame_filtered", |b| {
        b.iter(|| black_box(LeadFrame::of(black_box(&ds), &base.leads, &filtered)))
    });
    g.finish();
}

criterion_group!(benches, leads);
criterion_main!(benches);
