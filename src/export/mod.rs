//! Formats in and out: tfvars for `terraform/`, scenario files, share links,
//! reports, and bills of materials (`kickoff price`).

pub mod bom;
pub mod calibrate;
pub mod cash;
pub mod diff;
pub mod inputs_table;
pub mod limits_table;
pub mod report;
pub mod scenario_file;
pub mod share;
pub mod tfvars;
