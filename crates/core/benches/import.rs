//! Import throughput on a leads CSV: read (decode, sniff, parse, map), then read + load into a
//! dataset + the quality check. Uses `$REALLOT_BENCH_LEADS`, else /tmp/demo-m/leads.csv if
//! present, else the demo S leads generated in memory.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use reallot_core::Dataset;
use reallot_core::demo::{DemoConfig, Scale, demo_dataset};
use reallot_core::import::{ReadOptions, load_into, read_file};
use reallot_core::model::{TableKind, Timestamp};
use reallot_core::quality;
use reallot_core::write::table_csv;
use std::hint::black_box;

fn leads_csv() -> (String, Vec<u8>) {
    let path =
        std::env::var("REALLOT_BENCH_LEADS").unwrap_or_else(|_| "/tmp/demo-m/leads.csv".into());
    match std::fs::read(&path) {
        Ok(b) => (path, b),
        Err(_) => {
            let ds = demo_dataset(&DemoConfig {
                scale: Scale::S,
                seed: 42,
            });
            (
                "demo s leads (generated)".into(),
                table_csv(&ds, TableKind::Leads),
            )
        }
    }
}

fn bench(c: &mut Criterion) {
    let (label, bytes) = leads_csv();
    eprintln!("import bench input: {label}, {} bytes", bytes.len());
    let opts = ReadOptions::default();
    let as_of = Timestamp::parse("2026-01-01").unwrap_or(Timestamp(0));
    let mut g = c.benchmark_group("import_leads");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(bytes.len() as u64));
    g.bench_function("read", |b| {
        b.iter(|| black_box(read_file("leads.csv", &bytes, &opts).map(|p| p.rows())))
    });
    g.bench_function("read_load_check", |b| {
        b.iter(|| {
            let Ok(p) = read_file("leads.csv", &bytes, &opts) else {
                return 0;
            };
            let Some(m) = p.mapping.as_ref() else {
                return 0;
            };
            let mut ds = Dataset::new();
            let r = load_into(&mut ds, &p, m);
            drop(p);
            let q = quality::check(&ds, as_of);
            black_box(r.rows_kept + q.findings.len())
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
