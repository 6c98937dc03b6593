//! `cargo bench`: plan() for the default scenario, a 100-point fans sweep,
//! the match-day simulation alone (the API tier, nothing below it), and
//! every drill on the default plan with its mitigation search.

use criterion::{criterion_group, criterion_main, Criterion};
use kickoff::model::tiers::Tiers;
use kickoff::model::{autoscale, demand, fargate, plan, profile, PriceBook, Scenario};
use std::hint::black_box;

fn benches(c: &mut Criterion) {
    let book = PriceBook::embedded();
    let s = Scenario::default();
    c.bench_function("plan_default", |b| b.iter(|| plan(black_box(&s), &book).unwrap()));

    c.bench_function("plan_sweep_100_points", |b| {
        b.iter(|| {
            let mut total = 0.0;
            for i in 0..100 {
                let mut s = s.clone();
                // 1k to 1M fans, log-spaced.
                s.peak_concurrent_fans = (1_000.0 * 1_000f64.powf(f64::from(i) / 99.0)) as u32;
                total += plan(&s, &book).unwrap().total_monthly_usd;
            }
            total
        })
    });

    let mut drilled = s.clone();
    drilled.drills.selected = kickoff::model::drills::parse_list("all").unwrap();
    c.bench_function("plan_default_all_drills", |b| {
        b.iter(|| plan(black_box(&drilled), &book).unwrap())
    });

    let pts = profile::series(&s.match_day, demand::off_peak_share(&s), s.scaling.sim_step_s);
    let ds: Vec<_> = pts.iter().map(|p| demand::at_point(&s, p)).collect();
    let peak = ds.iter().copied().fold(demand::Demand::default(), |a, d| {
        if d.origin_rps > a.origin_rps {
            d
        } else {
            a
        }
    });
    let f = fargate::size(&s, &peak, &demand::off_peak(&s));
    c.bench_function("match_day_simulation", |b| {
        b.iter(|| autoscale::simulate(black_box(&s), &f, &Tiers::unbounded(), &pts, &ds, true))
    });
}

criterion_group!(plan_benches, benches);
criterion_main!(plan_benches);
