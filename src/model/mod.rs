//! The capacity and cost model: pure functions from a [`Scenario`] to a [`Plan`].

pub mod alb;
pub mod autoscale;
pub mod cache;
pub mod cash;
pub mod catalog;
pub mod cdn;
pub mod checks;
pub mod cost;
pub mod demand;
pub mod drills;
pub mod fargate;
pub mod fault;
pub mod inputs;
pub mod levers;
pub mod limits;
pub mod network;
pub mod observability;
pub mod optimize;
pub mod plan;
pub mod prices;
pub mod profile;
pub mod queueing;
pub mod rds;
pub mod scenario;
pub mod slo;
pub mod storage;
pub mod sweep;
pub mod tiers;
pub mod validate;

pub use plan::{plan, Plan};
pub use prices::PriceBook;
pub use scenario::Scenario;
pub use validate::{FieldError, ValidationErrors};
