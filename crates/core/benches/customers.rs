//! Customer-measure benchmarks: `customer_report_of` (every measure, CLV fit included, from
//! the dataset's held columns) on the demo organisation, each of its two halves (which the CLI
//! runs on two threads), and laying out those columns. Scale m by default; set `REALLOT_BENCH_SCALE=l` for the 6M-order scale.
//! Run with `cargo bench -p reallot-core --bench customers`.

use criterion::{Criterion, criterion_group, criterion_main};
use reallot_core::customers::{
    CustomerColumns, CustomerConfig, CustomerFacts, CustomerReportParts, customer_report,
    customer_report_of,
};
use reallot_core::demo::{DEMO_AS_OF, DemoConfig, Scale, demo_dataset};
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let scale = std::env::var("REALLOT_BENCH_SCALE")
        .ok()
        .and_then(|s| Scale::parse(&s))
        .unwrap_or(Scale::M);
    let ds = demo_dataset(&DemoConfig { scale, seed: 42 });
    let config = CustomerConfig::new(DEMO_AS_OF);
    let mut g = c.benchmark_group("customers");
    g.sample_size(10);
    let label = format!("{scale:?}").to_lowercase();
    g.bench_function(format!("facts/{label}"), |b| {
        b.iter(|| CustomerFacts::build(black_box(&ds), DEMO_AS_OF).len())
    });
    g.bench_function(format!("customer_columns/{label}"), |b| {
        b.iter(|| {
            let columns = CustomerColumns::build(black_box(&ds));
            columns.reclaims(&ds);
            columns
        })
    });
    let columns = CustomerColumns::build(&ds);
    columns.reclaims(&ds);
    g.bench_function(format!("customer_report/{label}"), |b| {
        b.iter(|| customer_report_of(black_box(&ds), &columns, &config).customers)
    });
    let parts = CustomerReportParts::of(&ds, &columns, &config);
    g.bench_function(format!("clv_half/{label}"), |b| {
        b.iter(|| black_box(&parts).clv_half())
    });
    g.bench_function(format!("other_half/{label}"), |b| {
        b.iter(|| black_box(&parts).other_half())
    });
    // The one-off form, laying out what it needs on every call.
    g.bench_function(format!("customer_report_one_off/{label}"), |b| {
        b.iter(|| customer_report(black_box(&ds), &config).customers)
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
