//! ECS Fargate sizing for the commentary API: task size, and the task counts
//! that carry the peak, the quiet hours and the pre-kickoff window.

use super::catalog::fargate_memory_options_gb;
use super::cost::{LineItem, Service, ServiceCost};
use super::demand::Demand;
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
    /// Tasks that carry the design peak at the target utilisation.
    pub peak_tasks: u32,
    /// Autoscaling floor outside kickoff windows.
    pub min_tasks: u32,
    /// Autoscaling ceiling.
    pub max_tasks: u32,
    /// Scheduled minimum during kickoff windows (= `min_tasks` when pre-scaling is off).
    pub prescale_tasks: u32,
    pub on_demand_base_tasks: u32,
    pub spot_share: f64,
    /// ALBRequestCountPerTarget target, requests per task per minute.
    pub target_requests_per_task_per_minute: f64,
    pub target_cpu_percent: f64,
    pub connections_per_task_at_peak: f64,
    pub memory_needed_gb: f64,
    pub binding_constraint: String,
}

/// ECS quota: tasks per service
/// (docs.aws.amazon.com/AmazonECS/latest/developerguide/service-quotas.html).
pub const MAX_TASKS_PER_SERVICE: u32 = 5_000;

/// Memory headroom factor: a task is sized for 1.25 × the memory its process
/// and open connections need (25 % spare), so garbage-collection peaks,
/// connection bursts and estimation error in the per-connection cost do not
/// push a task into an out-of-memory kill.
pub const MEMORY_HEADROOM: f64 = 1.25;

/// Tasks needed for `rps` at the target utilisation (`as` saturates).
fn tasks_for(rps: f64, capacity: f64, util: f64) -> u32 {
    (rps / (capacity * util)).ceil().max(1.0) as u32
}

/// Size the service for `peak` (the busiest step of the match day) and `off`
/// (quiet hours).
pub fn size(s: &Scenario, peak: &Demand, off: &Demand) -> FargateSizing {
    let app = &s.app;
    let task_capacity_rps = app.rps_per_vcpu * app.task_vcpu;
    let floor = match s.platform.environment {
        Environment::Prod => s.platform.az_count,
        Environment::Staging => 1,
    };
    let cpu_tasks = tasks_for(peak.origin_rps, task_capacity_rps, app.target_utilization);

    // Memory: the process plus its share of open connections, with
    // `MEMORY_HEADROOM` spare.
    let base_gb = app.process_base_memory_mb / 1_000.0;
    let conn_gb_total = peak.origin_connections * app.connection_memory_kb / 1e6;
    let options = fargate_memory_options_gb(app.task_vcpu);
    let largest = options.last().copied().unwrap_or(0.5);
    let usable_per_task = (largest / MEMORY_HEADROOM - base_gb).max(0.01);
    let mem_tasks = (conn_gb_total / usable_per_task).ceil().max(1.0) as u32;

    let mut peak_tasks = cpu_tasks.max(mem_tasks).max(floor);
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

    if peak_tasks > MAX_TASKS_PER_SERVICE {
        why = format!("ECS quota: the peak needs {peak_tasks} tasks; one service runs at most {MAX_TASKS_PER_SERVICE}");
        peak_tasks = MAX_TASKS_PER_SERVICE;
    }
    let min_auto = tasks_for(off.origin_rps, task_capacity_rps, app.target_utilization)
        .max(floor)
        .min(MAX_TASKS_PER_SERVICE);
    let min_tasks = s.overrides.min_tasks.unwrap_or(min_auto);
    let max_auto = ((f64::from(peak_tasks) * s.scaling.max_tasks_over_peak).ceil() as u32)
        .min(MAX_TASKS_PER_SERVICE)
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
        task_vcpu: app.task_vcpu,
        task_memory_gb,
        arch: app.arch,
        task_capacity_rps,
        servers_per_task: (app.task_vcpu.floor() as u32).max(1),
        peak_origin_rps: peak.origin_rps,
        peak_tasks,
        min_tasks,
        max_tasks,
        prescale_tasks,
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
        let s = Scenario::default();
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
