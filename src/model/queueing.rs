//! M/M/c queueing: the latency and error share of `c` identical servers fed
//! by Poisson arrivals, used for the tasks behind the ALB (least outstanding
//! requests routing behaves close to one shared queue).
//!
//! Erlang C is computed through the Erlang B recursion, which stays finite
//! for thousands of servers (no factorials, no powers).

/// Outcome of offering `lambda` requests/s to `c` servers of rate `mu`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QueueStats {
    /// Offered load per server, λ / (c μ); above 1 the queue is unstable.
    pub utilization: f64,
    /// Probability that a request waits (Erlang C); 1 when overloaded.
    pub wait_probability: f64,
    /// Mean response time (wait + service), seconds; infinite when overloaded.
    pub mean_response_s: f64,
    /// 95th-percentile response time, seconds; infinite when overloaded.
    pub p95_response_s: f64,
    /// Share of requests that fail: those beyond capacity when overloaded,
    /// otherwise those whose response exceeds the timeout.
    pub error_share: f64,
}

/// Erlang B blocking probability for `c` servers and `a` Erlangs.
pub fn erlang_b(c: u32, a: f64) -> f64 {
    let mut b = 1.0;
    for k in 1..=c {
        b = a * b / (f64::from(k) + a * b);
        // B falls with every server; once it underflows it stays 0.
        if b < f64::MIN_POSITIVE {
            return 0.0;
        }
    }
    b
}

/// Erlang C: probability an arrival waits, for `c` servers and `a` = λ/μ
/// Erlangs. 1.0 when `a >= c`.
///
/// # Example
/// ```
/// let p = kickoff::model::queueing::erlang_c(3, 2.0);
/// assert!((p - 0.4444).abs() < 1e-4);
/// ```
pub fn erlang_c(c: u32, a: f64) -> f64 {
    if c == 0 || a >= f64::from(c) {
        return 1.0;
    }
    if a <= 0.0 {
        return 0.0;
    }
    let b = erlang_b(c, a);
    let rho = a / f64::from(c);
    b / (1.0 - rho * (1.0 - b))
}

/// P(response > t) and the response-time density at t for M/M/c: the
/// wait is 0 with probability 1 − C, else exponential with rate θ = cμ − λ;
/// the service is exponential with rate μ.
fn response_tail_and_density(c_wait: f64, theta: f64, mu: f64, t: f64) -> (f64, f64) {
    let es = (-mu * t).exp();
    let (sum_tail, sum_pdf) = if (theta - mu).abs() < 1e-9 * mu {
        ((1.0 + mu * t) * es, mu * mu * t * es)
    } else {
        let ew = (-theta * t).exp();
        (
            (theta * es - mu * ew) / (theta - mu),
            mu * theta * (es - ew) / (theta - mu),
        )
    };
    let tail = ((1.0 - c_wait) * es + c_wait * sum_tail).clamp(0.0, 1.0);
    let pdf = ((1.0 - c_wait) * mu * es + c_wait * sum_pdf).max(0.0);
    (tail, pdf)
}

fn response_tail(c_wait: f64, theta: f64, mu: f64, t: f64) -> f64 {
    response_tail_and_density(c_wait, theta, mu, t).0
}

/// The `q` quantile of the response time: Newton's method on the tail,
/// safeguarded by a bracket (bisection when a Newton step leaves it), to
/// 10⁻⁹ relative. A handful of iterations where plain bisection needs ~30.
fn response_quantile(c_wait: f64, theta: f64, mu: f64, q: f64) -> f64 {
    let target = 1.0 - q;
    // Exact for pure exponential service (C = 0) or a pure wait; close otherwise.
    let mut t = (1.0 / target).ln() * (1.0 / mu + c_wait / theta);
    let (mut lo, mut hi) = (0.0, f64::INFINITY);
    for _ in 0..200 {
        let (tail, pdf) = response_tail_and_density(c_wait, theta, mu, t);
        if tail > target {
            lo = t
        } else {
            hi = t
        }
        let newton = if pdf > 0.0 { t + (tail - target) / pdf } else { f64::NAN };
        let next = if newton > lo && newton < hi {
            newton
        } else if hi.is_infinite() {
            2.0 * t
        } else {
            0.5 * (lo + hi)
        };
        if (next - t).abs() <= 1e-9 * next {
            return next;
        }
        t = next;
    }
    t
}

/// Queue statistics for `c` servers of `mu` requests/s each, offered
/// `lambda` requests/s, where a response slower than `timeout_s` fails.
pub fn mmc(c: u32, mu: f64, lambda: f64, timeout_s: f64) -> QueueStats {
    let capacity = f64::from(c) * mu;
    if lambda <= 0.0 {
        let p95 = if mu > 0.0 { 20f64.ln() / mu } else { 0.0 };
        return QueueStats {
            utilization: 0.0,
            wait_probability: 0.0,
            mean_response_s: 1.0 / mu,
            p95_response_s: p95,
            error_share: 0.0,
        };
    }
    if c == 0 || mu <= 0.0 || lambda >= capacity {
        return QueueStats {
            utilization: if capacity > 0.0 {
                lambda / capacity
            } else {
                f64::INFINITY
            },
            wait_probability: 1.0,
            mean_response_s: f64::INFINITY,
            p95_response_s: f64::INFINITY,
            error_share: 1.0 - capacity / lambda,
        };
    }
    let a = lambda / mu;
    let cw = erlang_c(c, a);
    let theta = capacity - lambda;
    let mean = cw / theta + 1.0 / mu;
    QueueStats {
        utilization: lambda / capacity,
        wait_probability: cw,
        mean_response_s: mean,
        p95_response_s: response_quantile(cw, theta, mu, 0.95),
        error_share: response_tail(cw, theta, mu, timeout_s),
    }
}

/// One step of a FIFO queue without admission control, as a fluid: `lambda`
/// requests/s arrive at a tier serving `cap` requests/s, on top of a
/// `backlog` of requests already waiting. A request waits
/// backlog ÷ `cap` seconds; one that would wait longer than `timeout_s`
/// fails (the client or the ALB gives up), but the tier still works
/// through it: a Node process cannot tell that a queued request's client
/// has gone, so the backlog drains only at `cap − lambda`. Errors therefore
/// depend on how long an overload lasts: a short spike only delays, a long
/// one fails every request until the backlog it built has drained.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FluidStep {
    /// Requests served in the step (dead ones included).
    pub served: f64,
    /// Requests waiting at the end of the step.
    pub backlog: f64,
    /// Share of the step's arrivals that wait longer than the timeout.
    pub late_share: f64,
    /// 95th percentile of the step's arrivals' waits, seconds.
    pub wait_p95_s: f64,
    /// Seconds of the step with a queue (the rest is the stable regime).
    pub queued_s: f64,
}

/// The fluid queue over one step of `dt` seconds; see [`FluidStep`].
///
/// # Example
/// ```
/// use kickoff::model::queueing::fluid_step;
/// // 1,200 req/s on 1,000 req/s for 10 s: the backlog grows by 2,000, the
/// // wait from 0 to 2 s, below a 5 s timeout: nothing fails yet.
/// let a = fluid_step(0.0, 1_200.0, 1_000.0, 10.0, 5.0);
/// assert_eq!((a.backlog, a.late_share), (2_000.0, 0.0));
/// // Ten more such steps: the wait passes 5 s and arrivals start failing.
/// let b = fluid_step(20_000.0, 1_200.0, 1_000.0, 10.0, 5.0);
/// assert_eq!(b.late_share, 1.0);
/// ```
pub fn fluid_step(backlog: f64, lambda: f64, cap: f64, dt: f64, timeout_s: f64) -> FluidStep {
    let lambda = lambda.max(0.0);
    let b0 = backlog.max(0.0);
    if cap <= 0.0 {
        return FluidStep {
            served: 0.0,
            backlog: b0 + lambda * dt,
            late_share: if lambda > 0.0 { 1.0 } else { 0.0 },
            wait_p95_s: f64::INFINITY,
            queued_s: dt,
        };
    }
    let slope = lambda - cap;
    let limit = cap * timeout_s;
    // B(t) = max(0, b0 + slope·t); an arrival at t fails when B(t) > limit.
    let (late_time, queued_s, end) = if slope >= 0.0 {
        let late = if b0 > limit {
            dt
        } else if slope > 0.0 {
            (dt - (limit - b0) / slope).clamp(0.0, dt)
        } else {
            0.0
        };
        let queued = if b0 > 0.0 || slope > 0.0 { dt } else { 0.0 };
        (late, queued, b0 + slope * dt)
    } else {
        let late = ((b0 - limit) / -slope).clamp(0.0, dt);
        let empty_at = (b0 / -slope).min(dt);
        (late, empty_at, (b0 + slope * dt).max(0.0))
    };
    let wait_at = |t: f64| (b0 + slope * t).max(0.0) / cap;
    let wait_p95_s = if slope >= 0.0 {
        wait_at(0.95 * dt)
    } else {
        wait_at(0.05 * dt)
    };
    FluidStep {
        served: b0 + lambda * dt - end,
        backlog: end,
        late_share: late_time / dt,
        wait_p95_s,
        queued_s,
    }
}

/// The API tier over one step: M/M/c while it is stable and has no backlog
/// (`mmc`), the fluid queue ([`fluid_step`]) while arrivals exceed capacity
/// or a backlog drains, the two weighted by the time spent in each.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TierStep {
    pub fluid: FluidStep,
    /// Share of the step's requests that fail.
    pub error_share: f64,
    /// p95 response (wait + service), seconds, at most the timeout.
    pub p95_s: f64,
}

/// `stable`: the M/M/c statistics at this step's arrival rate (used only
/// when λ < cμ); `service_p95_s`: the p95 of one service time.
pub fn tier_step(
    backlog: f64,
    lambda: f64,
    cap: f64,
    dt: f64,
    timeout_s: f64,
    stable: Option<QueueStats>,
    service_p95_s: f64,
) -> TierStep {
    let fluid = fluid_step(backlog, lambda, cap, dt, timeout_s);
    let stable_share = 1.0 - fluid.queued_s / dt;
    let (mmc_error, mmc_p95) = match stable {
        Some(q) if lambda < cap && q.p95_response_s.is_finite() => (q.error_share, q.p95_response_s),
        _ => (0.0, service_p95_s),
    };
    let queued_share = fluid.queued_s / dt;
    let error_share = (fluid.late_share + stable_share * mmc_error).min(1.0);
    let queued_p95 = fluid.wait_p95_s + service_p95_s;
    let p95 = if queued_share >= 0.05 {
        queued_p95.max(mmc_p95)
    } else {
        mmc_p95
    };
    TierStep {
        fluid,
        error_share,
        p95_s: p95.min(timeout_s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn textbook_erlang_c() {
        // 3 servers, 2 Erlangs: 4/9.
        assert!((erlang_c(3, 2.0) - 4.0 / 9.0).abs() < 1e-12);
        // 1 server: C = rho.
        assert!((erlang_c(1, 0.7) - 0.7).abs() < 1e-12);
        // 2 servers, 1 Erlang: 1/3.
        assert!((erlang_c(2, 1.0) - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(erlang_c(4, 4.0), 1.0);
    }

    #[test]
    fn stable_for_many_servers() {
        for c in [500u32, 1000, 5000] {
            for rho in [0.5, 0.9, 0.99] {
                let p = erlang_c(c, rho * f64::from(c));
                assert!(p.is_finite() && (0.0..=1.0).contains(&p), "c={c} rho={rho} p={p}");
            }
        }
        assert!(erlang_c(1000, 500.0) < 1e-10);
    }

    #[test]
    fn mm1_closed_forms() {
        // M/M/1: mean response 1/(mu - lambda); P(R > t) = exp(-(mu - lambda) t).
        let q = mmc(1, 10.0, 8.0, 1.0);
        assert!((q.mean_response_s - 0.5).abs() < 1e-9);
        assert!((q.p95_response_s - 20f64.ln() / 2.0).abs() < 1e-6);
        assert!((q.error_share - (-2.0f64).exp()).abs() < 1e-9);
    }

    #[test]
    fn p95_solves_the_tail_equation() {
        for (c, mu, lambda) in [
            (1u32, 10.0, 8.0),
            (4, 100.0, 390.0),
            (50, 1000.0, 30_000.0),
            (3, 5.0, 0.01),
            (2, 1.0, 1.0),
        ] {
            let q = mmc(c, mu, lambda, 5.0);
            let theta = f64::from(c) * mu - lambda;
            let tail = response_tail(q.wait_probability, theta, mu, q.p95_response_s);
            assert!((tail - 0.05).abs() < 1e-9, "c={c} tail={tail}");
        }
    }

    #[test]
    fn fluid_errors_depend_on_how_long_the_overload_lasts() {
        // 2,000 req/s offered to 1,000 req/s, 5 s timeout: the wait passes
        // 5 s after 5 s of overload.
        let run = |seconds: u32| {
            let (mut b, mut late) = (0.0, 0.0);
            for i in 0..60 {
                let lambda = if i < seconds { 2_000.0 } else { 500.0 };
                let st = fluid_step(b, lambda, 1_000.0, 1.0, 5.0);
                late += st.late_share * lambda;
                b = st.backlog;
            }
            late
        };
        assert_eq!(run(1), 0.0);
        assert!(run(30) > 0.0);
        assert!(run(30) < run(50));
        // Draining: a backlog of 10 s of work at 500 req/s spare takes 20 s
        // to clear; arrivals fail while the wait is above 5 s (the first 10 s).
        let st = fluid_step(10_000.0, 500.0, 1_000.0, 20.0, 5.0);
        assert!((st.late_share - 0.5).abs() < 1e-12);
        assert_eq!(st.backlog, 0.0);
        assert_eq!(st.served, 20_000.0);
    }

    #[test]
    fn overload_fails_the_excess() {
        let q = mmc(2, 100.0, 400.0, 5.0);
        assert_eq!(q.error_share, 0.5);
        assert!(q.p95_response_s.is_infinite());
    }
}
