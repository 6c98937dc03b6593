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
    fn overload_fails_the_excess() {
        let q = mmc(2, 100.0, 400.0, 5.0);
        assert_eq!(q.error_share, 0.5);
        assert!(q.p95_response_s.is_infinite());
    }
}
