//! Exports: tfvars for `terraform/`, scenario files, and reports.

pub mod report;
pub mod scenario_file;
pub mod share;
pub mod tfvars;
