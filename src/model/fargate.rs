//! ECS Fargate sizing for the commentary API: task size, and the task counts
//! that carry the peak, the quiet hours and the pre-kickoff window.

use super::catalog::{fargate_memory_options_gb, FARGATE_VCPU};
use super::cost::{LineItem, Service, ServiceCost};
use super::demand::Demand;
use super::limits::Quotas;
use super::prices::PriceBook;
use super::scenario::{Arch, Environment, Scenario};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FargateSizing {
    pub task_vcpu: f64,
    pub task_memory_gb: f64,
    pub arch: Arch,
    /// Requests/s one task serves at 100 % CPU.
    pub task_capacity_rps: f64,
    /// Single-threaded Node processes per task (one per whole vCPU, at least one).
    pub servers_per_task: u32,
    pub peak_origin_rps: f64,
    /// Tasks the design peak needs (CPU, memory, per-AZ floor) before any
    /// quota or override caps them.
    pub needed_tasks: u32,
    /// The ECS tasks-per-service quota in force.
    pub service_limit: u32,
    /// Tasks that carry the design peak at the target utilisation.
    pub peak_tasks: u32,
    /// Autoscaling floor outside kickoff windows.
    pub min_tasks: u32,
    /// Autoscaling ceiling.
    pub max_tasks: u32,
    /// Scheduled minimum during kickoff windows (= `min_tasks` when pre-scaling is off).
    pub prescale_tasks: u32,
    /// Minutes before kickoff the scheduled minimum is raised: the
    /// scenario's lead, or longer when the pre-game ramp would overload the
    /// floor before it (`autoscale::prescale_lead_minutes`). The simulation
    /// and the exported schedule both use it.
    pub prescale_lead_minutes: f64,
    pub on_demand_base_tasks: u32,
    pub spot_share: f64,
    /// ALBRequestCountPerTarget target, requests per task per minute.
    pub target_requests_per_task_per_minute: f64,
    pub target_cpu_percent: f64,
    pub connections_per_task_at_peak: f64,
    pub memory_needed_gb: f64,
    pub binding_constraint: String,
}

impl FargateSizing {
    /// Scheduled pre-scaling raises the kickoff minimum above the floor:
    /// the plan follows the pre-scaled match-day run.
    pub fn prescales(&self) -> bool {
        self.prescale_tasks > self.min_tasks
    }
}

/// ECS quota: tasks per service, the catalogue's default
/// (`fargate.tasks_per_service`; a test keeps them equal). The input table's
/// range for `overrides.min_tasks` / `max_tasks`.
pub const MAX_TASKS_PER_SERVICE: u32 = 5_000;

/// Memory headroom factor: a task is sized for 1.25 × the memory its process
/// and open connections need (25 % spare), so garbage-collection peaks,
/// connection bursts and estimation error in the per-connection cost do not
/// push a task into an out-of-memory kill.
pub const MEMORY_HEADROOM: f64 = 1.25;

/// Requests/s one vCPU serves for the scenario's payload: each response
/// costs `1 / app.rps_per_vcpu` plus `app.cpu_us_per_kb` per KB of
/// `delivery.payload_kb`.
pub fn rps_per_vcpu(s: &Scenario) -> f64 {
    1.0 / (1.0 / s.app.rps_per_vcpu + s.delivery.payload_kb * s.app.cpu_us_per_kb * 1e-6)
}

/// Tasks needed for `rps` at the target utilisation (`as` saturates).
fn tasks_for(rps: f64, capacity: f64, util: f64) -> u32 {
    (rps / (capacity * util)).ceil().max(1.0) as u32
}

/// ALB targets the service registers at worst: its autoscaling ceiling, or
/// a rolling deploy (200 % maximum) of its kickoff count, old and new tasks
/// both registered.
pub fn targets_at_worst(f: &FargateSizing) -> u32 {
    f.max_tasks.max(2 * f.prescale_tasks.max(f.peak_tasks))
}

/// The ALB's target ceiling for one service: the smaller of the targets per
/// target group and per load balancer quotas.
pub fn target_limit(q: &Quotas) -> u32 {
    q.get("alb.targets_per_target_group")
        .min(q.get("alb.targets_per_alb"))
        .min(f64::from(u32::MAX)) as u32
}

/// Size the service for `peak` (the busiest step of the match day) and `off`
/// (quiet hours): the scenario's task size, or, when its task count breaks
/// the ALB's target quota or the ECS tasks-per-service quota, the smallest
/// larger Fargate size that does not (a larger task costs the same per vCPU
/// and registers fewer targets). Without one, the largest size (the fewest
/// targets, the most capacity) and the plan's limit checks report the
/// broken quota.
pub fn size(s: &Scenario, peak: &Demand, off: &Demand) -> FargateSizing {
    let q = Quotas::new(&s.limit_overrides);
    let fits = |f: &FargateSizing| f.needed_tasks <= f.service_limit && targets_at_worst(f) <= target_limit(&q);
    let first = size_for(s, peak, off, s.app.task_vcpu, &q);
    if fits(&first) || s.overrides.task_memory_gb.is_some() {
        return first;
    }
    FARGATE_VCPU
        .iter()
        .filter(|&&v| v > s.app.task_vcpu)
        .map(|&v| size_for(s, peak, off, v, &q))
        .find(fits)
        .map(|mut f| {
            f.binding_constraint = format!(
                "quota: {} task(s) of {} vCPU would register {} ALB targets or exceed {} tasks per service; {} vCPU tasks need {} ({} at most)",
                first.needed_tasks,
                first.task_vcpu,
                targets_at_worst(&first),
                first.service_limit,
                f.task_vcpu,
                targets_at_worst(&f),
                target_limit(&q)
            );
            f
        })
        .unwrap_or_else(|| {
            let largest = FARGATE_VCPU[FARGATE_VCPU.len() - 1];
            size_for(s, peak, off, largest.max(s.app.task_vcpu), &q)
        })
}

/// [`size`] at the scenario's own task size, whatever the quotas: the most
/// tasks (and so DB and cache connections) the service could run. The data
/// tier is sized for its pools, so that a larger task the ALB quota forces
/// never makes the database cheaper than at fewer fans.
pub fn size_at_scenario_task(s: &Scenario, peak: &Demand, off: &Demand) -> FargateSizing {
    size_for(s, peak, off, s.app.task_vcpu, &Quotas::new(&s.limit_overrides))
}

/// [`size`] for tasks of `vcpu`.
fn size_for(s: &Scenario, peak: &Demand, off: &Demand, vcpu: f64, q: &Quotas) -> FargateSizing {
    let app = &s.app;
    let service_limit = q.get("fargate.tasks_per_service").min(f64::from(u32::MAX)) as u32;
    let task_capacity_rps = rps_per_vcpu(s) * vcpu;
    let floor = match s.platform.environment {
        Environment::Prod => s.platform.az_count,
        Environment::Staging => 1,
    };
    let cpu_tasks = tasks_for(peak.origin_rps, task_capacity_rps, app.target_utilization);

    // Memory: the process plus its share of open connections, with
    // `MEMORY_HEADROOM` spare.
    let base_gb = app.process_base_memory_mb / 1_000.0;
    let conn_gb_total = peak.origin_connections * app.connection_memory_kb / 1e6;
    let options = fargate_memory_options_gb(vcpu);
    let largest = options.last().copied().unwrap_or(0.5);
    let usable_per_task = (largest / MEMORY_HEADROOM - base_gb).max(0.01);
    let mem_tasks = (conn_gb_total / usable_per_task).ceil().max(1.0) as u32;

    let needed_tasks = cpu_tasks.max(mem_tasks).max(floor);
    let mut peak_tasks = needed_tasks;
    let mut why = format!(
        "CPU: {:.0} req/s at peak ÷ ({:.0} req/s per task × {:.0} % target) = {} task(s)",
        peak.origin_rps,
        task_capacity_rps,
        app.target_utilization * 100.0,
        cpu_tasks
    );
    if mem_tasks > cpu_tasks && mem_tasks >= floor {
        why = format!(
            "memory: {:.0} open connections × {} KB need {} task(s) of at most {} GB",
            peak.origin_connections, app.connection_memory_kb, mem_tasks, largest
        );
    } else if floor > cpu_tasks.max(mem_tasks) {
        why = format!("{why}; raised to {floor} by the one-task-per-AZ floor");
    }

    if peak_tasks > service_limit {
        why = format!("ECS quota: the peak needs {peak_tasks} tasks; one service runs at most {service_limit}");
        peak_tasks = service_limit;
    }
    // The autoscaling ceiling never exceeds what the service and the ALB
    // take: tasks beyond the target quota would never receive traffic.
    let ceiling = service_limit.min(target_limit(q)).max(peak_tasks);
    let min_auto = tasks_for(off.origin_rps, task_capacity_rps, app.target_utilization)
        .max(floor)
        .min(service_limit);
    let min_tasks = s.overrides.min_tasks.unwrap_or(min_auto);
    let max_auto = ((f64::from(peak_tasks) * s.scaling.max_tasks_over_peak).ceil() as u32)
        .min(ceiling)
        .max(min_tasks);
    let max_tasks = s.overrides.max_tasks.unwrap_or(max_auto).max(min_tasks);
    if max_tasks < peak_tasks {
        why = format!("pinned: overrides allow at most {max_tasks} task(s), the peak needs {peak_tasks}");
        peak_tasks = max_tasks;
    }
    let prescale_tasks = if s.scaling.prescale_enabled {
        peak_tasks.max(min_tasks)
    } else {
        min_tasks
    };

    // Memory fits the connections one task holds at the target load, counted
    // in fractional tasks: a task count rounded up must not shrink every
    // task's memory (or more fans would cost less). Memory-bound services
    // get the largest size.
    let load_tasks = (peak.origin_rps / (task_capacity_rps * app.target_utilization)).max(1.0);
    let memory_bound = mem_tasks > cpu_tasks;
    let connections_per_task_at_peak = if memory_bound {
        peak.origin_connections / f64::from(peak_tasks)
    } else {
        peak.origin_connections / load_tasks
    };
    let memory_needed_gb = if memory_bound {
        largest
    } else {
        (base_gb + connections_per_task_at_peak * app.connection_memory_kb / 1e6) * MEMORY_HEADROOM
    };
    let task_memory_gb = s.overrides.task_memory_gb.unwrap_or_else(|| {
        options
            .iter()
            .copied()
            .find(|&gb| gb >= memory_needed_gb)
            .unwrap_or(largest)
    });

    FargateSizing {
        task_vcpu: vcpu,
        task_memory_gb,
        arch: app.arch,
        task_capacity_rps,
        servers_per_task: (vcpu.floor() as u32).max(1),
        peak_origin_rps: peak.origin_rps,
        needed_tasks,
        service_limit,
        peak_tasks,
        min_tasks,
        max_tasks,
        prescale_tasks,
        prescale_lead_minutes: s.scaling.prescale_lead_minutes,
        on_demand_base_tasks: app.on_demand_base_tasks.min(min_tasks),
        spot_share: app.spot_share,
        target_requests_per_task_per_minute: (task_capacity_rps * app.target_utilization * 60.0).round(),
        target_cpu_percent: (app.target_utilization * 100.0).round(),
        connections_per_task_at_peak,
        memory_needed_gb,
        binding_constraint: why,
    }
}

/// The simulated match day's task-hours, as [`task_hours`] needs them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DayHours {
    /// Hours the simulation covers.
    pub window_h: f64,
    /// Task-hours billed over the window, all capacity.
    pub task_hours: f64,
    /// Of which on Fargate Spot.
    pub spot_task_hours: f64,
}

/// Task-hours a month: the floor outside match windows plus the simulated
/// match day, `match_days_per_month` times. Returns (on-demand, Spot).
pub fn task_hours(s: &Scenario, f: &FargateSizing, day: DayHours) -> (f64, f64) {
    let days = f64::from(s.audience.match_days_per_month);
    let quiet_h = (s.coefficients.hours_per_month - days * day.window_h).max(0.0);
    let quiet_total = f64::from(f.min_tasks) * quiet_h;
    let quiet_spot = f64::from(f.min_tasks.saturating_sub(f.on_demand_base_tasks)) * f.spot_share * quiet_h;
    let total = quiet_total + day.task_hours * days;
    let spot = quiet_spot + day.spot_task_hours * days;
    (total - spot, spot)
}

/// Fargate storage every task gets without charge, GB.
pub const FREE_EPHEMERAL_GB: f64 = 20.0;

/// The price-book id of a Fargate rate (`vcpu_hour`, `gb_hour`) for `arch`.
fn rate_id(arch: Arch, rate: &str) -> String {
    let arch = match arch {
        Arch::Arm64 => "arm",
        Arch::X86_64 => "x86",
    };
    format!("fargate.{arch}.{rate}")
}

/// Line items of tasks of `vcpu` / `memory_gb` running `on_demand_h` task-hours
/// on demand and `spot_h` on Spot (Spot lines only when there are Spot hours).
/// The plan and `kickoff price` both price Fargate here.
pub fn items(book: &PriceBook, arch: Arch, vcpu: f64, memory_gb: f64, on_demand_h: f64, spot_h: f64) -> Vec<LineItem> {
    let vcpu_id = rate_id(arch, "vcpu_hour");
    let gb_id = rate_id(arch, "gb_hour");
    let spot_factor = 1.0 - book.get("fargate.spot_discount");
    let mut items = vec![
        LineItem::new(
            book,
            Service::Fargate,
            "On-demand vCPU",
            on_demand_h * vcpu,
            "vCPU-hours",
            &vcpu_id,
            1.0,
        ),
        LineItem::new(
            book,
            Service::Fargate,
            "On-demand memory",
            on_demand_h * memory_gb,
            "GB-hours",
            &gb_id,
            1.0,
        ),
    ];
    if spot_h > 0.0 {
        items.push(LineItem::new(
            book,
            Service::Fargate,
            "Spot vCPU (on-demand price × (1 − Spot discount))",
            spot_h * vcpu,
            "vCPU-hours",
            &vcpu_id,
            spot_factor,
        ));
        items.push(LineItem::new(
            book,
            Service::Fargate,
            "Spot memory (on-demand price × (1 − Spot discount))",
            spot_h * memory_gb,
            "GB-hours",
            &gb_id,
            spot_factor,
        ));
    }
    items
}

/// Ephemeral storage above the free [`FREE_EPHEMERAL_GB`] for `task_h` task-hours.
pub fn ephemeral_item(book: &PriceBook, task_h: f64, ephemeral_gb: f64) -> Option<LineItem> {
    (ephemeral_gb > FREE_EPHEMERAL_GB).then(|| {
        LineItem::new(
            book,
            Service::Fargate,
            "Ephemeral storage above 20 GB",
            task_h * (ephemeral_gb - FREE_EPHEMERAL_GB),
            "GB-hours",
            "fargate.ephemeral_gb_hour",
            1.0,
        )
    })
}

/// The service's cost from its monthly (on-demand, Spot) task-hours.
pub fn cost(book: &PriceBook, f: &FargateSizing, (on_demand_h, spot_h): (f64, f64)) -> ServiceCost {
    let items = items(book, f.arch, f.task_vcpu, f.task_memory_gb, on_demand_h, spot_h);
    let arch_name = match f.arch {
        Arch::Arm64 => "arm64",
        Arch::X86_64 => "x86_64",
    };
    ServiceCost::new(
        Service::Fargate,
        format!(
            "{}–{} tasks of {} vCPU / {} GB ({arch_name})",
            f.min_tasks, f.max_tasks, f.task_vcpu, f.task_memory_gb
        ),
        format!("peak {} tasks, {} before kickoff", f.peak_tasks, f.prescale_tasks),
        f.binding_constraint.clone(),
        items,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::demand;

    #[test]
    fn cpu_sets_the_count_above_the_floor() {
        let mut s = Scenario::default();
        s.app.cpu_us_per_kb = 0.0; // 1,000 req/s per vCPU whatever the payload
        let peak = Demand {
            origin_rps: 3_000.0,
            ..Demand::default()
        };
        let f = size(&s, &peak, &demand::off_peak(&s));
        assert_eq!(f.peak_tasks, 5); // 3000 / (1000 × 0.6)
        assert_eq!(f.min_tasks, 2);
        assert_eq!(f.max_tasks, 10);
        assert_eq!(f.prescale_tasks, 5);
        assert_eq!(f.task_memory_gb, 2.0);
        assert_eq!(f.target_requests_per_task_per_minute, 36_000.0);
        assert!(f.binding_constraint.starts_with("CPU"));
    }

    #[test]
    fn floor_is_one_task_per_az_in_prod() {
        let s = Scenario::default();
        let peak = Demand {
            origin_rps: 10.0,
            ..Demand::default()
        };
        let f = size(&s, &peak, &Demand::default());
        assert_eq!(f.peak_tasks, 2);
        assert!(f.binding_constraint.contains("per-AZ floor"));
    }

    #[test]
    fn sse_connections_can_bind_on_memory() {
        let mut s = Scenario::default();
        s.app.task_vcpu = 0.25;
        s.app.connection_memory_kb = 100.0;
        let peak = Demand {
            origin_rps: 10.0,
            origin_connections: 100_000.0,
            ..Demand::default()
        };
        let f = size(&s, &peak, &Demand::default());
        // 10 GB of connections, at most 2 GB tasks (1.6 GB usable minus 0.3 base).
        assert_eq!(f.peak_tasks, 8);
        assert!(f.binding_constraint.starts_with("memory"));
    }

    #[test]
    fn larger_payloads_cost_cpu() {
        let mut s = Scenario::default();
        // 1 ms + 4 KB × 10 µs = 1.04 ms a request.
        assert!((rps_per_vcpu(&s) - 1.0 / 1.04e-3).abs() < 1e-9);
        s.delivery.payload_kb = 100.0;
        assert!((rps_per_vcpu(&s) - 500.0).abs() < 1e-9);
    }

    #[test]
    fn the_alb_target_quota_picks_a_larger_task() {
        let mut s = Scenario::default();
        s.app.cpu_us_per_kb = 0.0;
        // 600,000 req/s at 600 req/s per 1 vCPU task: 1,000 tasks, 2,000
        // targets during a deploy; 2 vCPU tasks need 500 (1,000 targets).
        let peak = Demand {
            origin_rps: 600_000.0,
            ..Demand::default()
        };
        let f = size(&s, &peak, &Demand::default());
        assert_eq!(f.task_vcpu, 2.0);
        assert_eq!(f.peak_tasks, 500);
        assert!(targets_at_worst(&f) <= 1_000);
        assert!(f.binding_constraint.starts_with("quota"), "{}", f.binding_constraint);
        // A raised quota keeps the scenario's size.
        s.limit_overrides.insert("alb.targets_per_target_group".into(), 5_000.0);
        s.limit_overrides.insert("alb.targets_per_alb".into(), 5_000.0);
        let f = size(&s, &peak, &Demand::default());
        assert_eq!((f.task_vcpu, f.peak_tasks), (1.0, 1_000));
    }

    #[test]
    fn one_service_stops_at_the_ecs_quota() {
        let s = Scenario::default();
        let peak = Demand {
            origin_rps: 1e8,
            ..Demand::default()
        };
        let f = size(&s, &peak, &Demand::default());
        assert_eq!(
            (f.peak_tasks, f.max_tasks),
            (MAX_TASKS_PER_SERVICE, MAX_TASKS_PER_SERVICE)
        );
        assert!(
            f.binding_constraint.starts_with("ECS quota"),
            "{}",
            f.binding_constraint
        );
    }

    #[test]
    fn overrides_pin_counts() {
        let s = Scenario::default().seed_setup();
        let peak = Demand {
            origin_rps: 3_000.0,
            ..Demand::default()
        };
        let f = size(&s, &peak, &Demand::default());
        assert_eq!((f.min_tasks, f.max_tasks, f.peak_tasks), (1, 1, 1));
        assert_eq!(f.task_memory_gb, 0.5);
        assert!(f.binding_constraint.starts_with("pinned"));
    }
}
