//! Application Load Balancer: LCUs by dimension, and the settings that keep
//! deploys and streams clean.

use super::cost::{LineItem, Service, ServiceCost};
use super::demand::{Demand, Month, GB};
use super::prices::PriceBook;
use super::scenario::{DeliveryMode, Scenario};
use serde::Serialize;

/// LCU dimensions (aws.amazon.com/elasticloadbalancing/pricing): the bill
/// uses the largest.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Lcu {
    /// New connections per second ÷ 25.
    pub new_connections: f64,
    /// Active connections ÷ 3,000.
    pub active_connections: f64,
    /// GB processed per hour ÷ 1.
    pub processed_bytes: f64,
    /// Rule evaluations per second (requests × rules beyond 10 free) ÷ 1,000.
    pub rule_evaluations: f64,
}

impl Lcu {
    pub fn of(d: &Demand, rules: u32) -> Lcu {
        Lcu {
            new_connections: d.alb_new_connections_per_s / 25.0,
            active_connections: d.origin_connections / 3_000.0,
            processed_bytes: d.origin_bytes_per_s * 3600.0 / GB,
            rule_evaluations: d.origin_rps * f64::from(rules.saturating_sub(10)) / 1_000.0,
        }
    }

    pub fn billed(&self) -> f64 {
        self.new_connections
            .max(self.active_connections)
            .max(self.processed_bytes)
            .max(self.rule_evaluations)
    }

    pub fn binding(&self) -> &'static str {
        let b = self.billed();
        if b == self.active_connections {
            "active connections"
        } else if b == self.new_connections {
            "new connections"
        } else if b == self.processed_bytes {
            "processed bytes"
        } else {
            "rule evaluations"
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlbSizing {
    pub peak: Lcu,
    pub peak_lcu: f64,
    pub lcu_hours_per_month: f64,
    pub idle_timeout_s: u32,
    pub deregistration_delay_s: u32,
    /// Target group routing algorithm (`least_outstanding_requests` or
    /// `round_robin`), Terraform's `alb_load_balancing_algorithm`.
    pub routing_algorithm: &'static str,
    /// Slow start for new targets; 0 unless the routing is round robin.
    pub slow_start_s: u32,
}

/// How the ALB spreads requests over the tasks. ELB accepts slow start only
/// with round robin: "You cannot enable both least outstanding requests and
/// slow start mode" (ALB user guide, target group attributes, routing
/// algorithm), and Terraform rejects the pair (`alb_slow_start_seconds`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Routing {
    /// Each request goes to the task with the fewest requests in flight.
    LeastOutstandingRequests,
    /// Round robin, ramping a new task up to its share over `slow_start_s`.
    RoundRobin { slow_start_s: u32 },
}

impl Routing {
    /// The target group's `load_balancing_algorithm_type`.
    pub fn algorithm(self) -> &'static str {
        match self {
            Routing::LeastOutstandingRequests => "least_outstanding_requests",
            Routing::RoundRobin { .. } => "round_robin",
        }
    }

    pub fn slow_start_s(self) -> u32 {
        match self {
            Routing::LeastOutstandingRequests => 0,
            Routing::RoundRobin { slow_start_s } => slow_start_s,
        }
    }
}

/// Settings: the idle timeout stays above twice the SSE heartbeat; draining
/// lasts a request timeout (polling) or two heartbeats (SSE, clients reconnect).
///
/// Routing is least outstanding requests, without slow start, because that
/// is what the model assumes: the kickoff simulation (`autoscale.rs`) counts
/// a new task at its full capacity as soon as it passes its health checks,
/// and the queueing model is checked against a simulation of
/// least-outstanding-requests routing (docs/model-validation.md). Slow start
/// would hold new tasks below their share for its whole ramp, in the minute
/// a kickoff needs them most; least outstanding requests already sends less
/// to a task that answers slowly while it warms up, and keeps long SSE
/// streams from piling onto one task.
pub fn settings(s: &Scenario) -> (u32, u32, Routing) {
    let hb = s.delivery.sse_heartbeat_s;
    let routing = Routing::LeastOutstandingRequests;
    match s.delivery.mode {
        DeliveryMode::Polling => (60, (s.app.request_timeout_s.ceil() as u32 + 5).max(10), routing),
        DeliveryMode::Sse => (
            ((hb * 2.0).ceil() as u32).max(60),
            ((hb * 2.0).ceil() as u32).max(30),
            routing,
        ),
    }
}

/// Line items of one load balancer running `hours` and billed `lcu_hours`
/// (`lcu_note` says how the LCUs were counted). The plan and `kickoff price`
/// both price the ALB here.
pub fn items(book: &PriceBook, hours: f64, lcu_hours: f64, lcu_note: &str) -> Vec<LineItem> {
    vec![
        LineItem::new(
            book,
            Service::Alb,
            "Load balancer hours",
            hours,
            "hours",
            "alb.hour",
            1.0,
        ),
        LineItem::new(
            book,
            Service::Alb,
            format!("LCU-hours ({lcu_note})"),
            lcu_hours,
            "LCU-hours",
            "alb.lcu_hour",
            1.0,
        ),
    ]
}

pub fn plan(
    s: &Scenario,
    book: &PriceBook,
    peak: &Demand,
    day: &[Demand],
    off: &Demand,
    month: &Month,
) -> (AlbSizing, ServiceCost) {
    let rules = s.coefficients.alb_rules;
    let step_h = s.scaling.sim_step_s / 3600.0;
    let lcu_day: f64 = day.iter().map(|d| Lcu::of(d, rules).billed() * step_h).sum();
    let lcu_hours =
        lcu_day * f64::from(s.audience.match_days_per_month) + Lcu::of(off, rules).billed() * month.off_peak_hours;
    let peak_lcu = Lcu::of(peak, rules);
    let (idle, dereg, routing) = settings(s);
    let hours = s.coefficients.hours_per_month;
    let items = items(book, hours, lcu_hours, "largest dimension each step");
    let cost = ServiceCost::new(
        Service::Alb,
        "1 ALB, HTTPS, least outstanding requests".into(),
        format!("peak {:.2} LCU", peak_lcu.billed()),
        format!("LCU: {} at peak ({:.2} LCU)", peak_lcu.binding(), peak_lcu.billed()),
        items,
    );
    let sizing = AlbSizing {
        peak: peak_lcu,
        peak_lcu: peak_lcu.billed(),
        lcu_hours_per_month: lcu_hours,
        idle_timeout_s: idle,
        deregistration_delay_s: dereg,
        routing_algorithm: routing.algorithm(),
        slow_start_s: routing.slow_start_s(),
    };
    (sizing, cost)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lcu_is_the_largest_dimension() {
        let d = Demand {
            alb_new_connections_per_s: 50.0,
            origin_connections: 3_000.0,
            origin_bytes_per_s: 1e9 / 3600.0 * 0.5,
            origin_rps: 1_000.0,
            ..Demand::default()
        };
        let l = Lcu::of(&d, 12);
        assert_eq!(l.new_connections, 2.0);
        assert_eq!(l.active_connections, 1.0);
        assert!((l.processed_bytes - 0.5).abs() < 1e-9);
        assert_eq!(l.rule_evaluations, 2.0);
        assert_eq!(l.billed(), 2.0);
    }

    #[test]
    fn sse_settings_follow_the_heartbeat() {
        let mut s = Scenario::default();
        s.delivery.mode = DeliveryMode::Sse;
        s.delivery.sse_heartbeat_s = 45.0;
        let lor = Routing::LeastOutstandingRequests;
        assert_eq!(settings(&s), (90, 90, lor));
        assert_eq!(settings(&Scenario::default()), (60, 10, lor));
    }

    #[test]
    fn slow_start_only_with_round_robin() {
        // The pair ELB rejects can never be produced.
        let lor = Routing::LeastOutstandingRequests;
        assert_eq!((lor.algorithm(), lor.slow_start_s()), ("least_outstanding_requests", 0));
        let rr = Routing::RoundRobin { slow_start_s: 30 };
        assert_eq!((rr.algorithm(), rr.slow_start_s()), ("round_robin", 30));
    }
}
