//! CLV benchmarks: BG/NBD + Gamma-Gamma maximum likelihood on simulated daily data at several
//! sizes, and the per-customer predictions. Run with `cargo bench -p reallot-core --bench clv`.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use reallot_core::clv::{
    BgNbdParams, ClvConfig, CustomerSummary, GammaGammaParams, fit_bgnbd, fit_clv, fit_gamma_gamma,
    simulate_summaries,
};
use std::hint::black_box;

fn data(n: usize) -> Vec<CustomerSummary> {
    // Daily data over two years, parameters of the order fitted on the demo orders.
    let bg = BgNbdParams {
        r: 0.8,
        alpha: 40.0,
        a: 0.8,
        b: 4.0,
    };
    let gg = GammaGammaParams {
        p: 6.0,
        q: 4.0,
        gamma: 15.0,
    };
    simulate_summaries(bg, Some(gg), n, 730.0, 1.0, 1).unwrap_or_default()
}

fn fit(c: &mut Criterion) {
    let mut g = c.benchmark_group("clv_fit");
    g.sample_size(10);
    for n in [2_357usize, 24_000, 240_000, 1_000_000] {
        let d = data(n);
        g.bench_with_input(BenchmarkId::new("bgnbd+gamma_gamma", n), &d, |b, d| {
            b.iter(|| {
                let bg = fit_bgnbd(black_box(d));
                let gg = fit_gamma_gamma(black_box(d));
                (bg.is_ok(), gg.is_ok())
            })
        });
    }
    g.finish();
}

fn predict(c: &mut Criterion) {
    let mut g = c.benchmark_group("clv_predict");
    g.sample_size(10);
    let d = data(240_000);
    if let Ok(model) = fit_clv(&d, ClvConfig::default()) {
        g.bench_function("predict_all/240000", |b| {
            b.iter(|| model.predict_all(black_box(&d)).len())
        });
    }
    g.finish();
}

criterion_group!(benches, fit, predict);
criterion_main!(benches);
