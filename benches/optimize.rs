//! `cargo bench --bench optimize`: the optimizer's whole search for the
//! default scenario and for 200,000 peak fans (docs/performance.md gives
//! plans evaluated per second and the time to the optimum).

use criterion::{criterion_group, criterion_main, Criterion};
use kickoff::model::optimize::{optimize, Options};
use kickoff::model::{PriceBook, Scenario};
use std::hint::black_box;
use std::time::Duration;

fn benches(c: &mut Criterion) {
    let book = PriceBook::embedded();
    let mut g = c.benchmark_group("optimizer");
    // Each search plans thousands of designs: a few samples are enough.
    g.sample_size(10).measurement_time(Duration::from_secs(30));
    let s = Scenario::default();
    g.bench_function("optimize_default", |b| {
        b.iter(|| optimize(black_box(&s), &book, Options::default()).unwrap())
    });
    // 200,000 fans poll the edge faster than CloudFront's default quota
    // (250,000 requests/s per distribution): with no raise, no design
    // passes and the search ends at once; with one, it plans ~180,000.
    let mut big = Scenario::default();
    big.peak_concurrent_fans = 200_000;
    big.limit_overrides
        .insert("cdn.requests_per_s_per_distribution".to_string(), 1_000_000.0);
    g.bench_function("optimize_200k_fans", |b| {
        b.iter(|| optimize(black_box(&big), &book, Options::default()).unwrap())
    });
    g.finish();
}

criterion_group!(optimize_benches, benches);
criterion_main!(optimize_benches);
