//! Command-line interface. Exit codes: 0 success (`diff`: whatever the
//! delta), 1 drift (`check-tfvars`), an infeasible plan (`tfvars`: each
//! broken limit named, nothing written) or a plan `terraform/` would reject
//! (`tfvars`), 2 bad input (message names the field). A panic (101) is a bug.

use clap::{Parser, Subcommand, ValueEnum};
use kickoff::export::{
    bom, calibrate, cash, diff, first_view, inputs_table, optimize, report, scenario_file, share, tfvars,
};
use kickoff::model::{self, PriceBook, Scenario};
use std::path::{Path, PathBuf};

#[derive(Parser)]
#[command(
    name = "kickoff",
    version,
    about = "Capacity and cost planner for live sports commentary on AWS"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum PlanFormat {
    Text,
    Json,
    Markdown,
    Csv,
}

#[derive(Clone, Copy, ValueEnum)]
enum DiffFormat {
    Text,
    Markdown,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum OptimizeFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Clone, Copy, ValueEnum)]
enum ObjectiveArg {
    Monthly,
    #[value(name = "12-months")]
    TwelveMonths,
}

#[derive(Clone, Copy, ValueEnum)]
enum PriceFormat {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Print a scenario as JSON (a template to edit).
    Scenario {
        /// The default scenario (5,000 peak fans).
        #[arg(long, required = true)]
        defaults: bool,
        /// The seed's failing setup on the same demand, instead.
        #[arg(long)]
        seed: bool,
    },
    /// Plan a scenario: sizing, monthly cost, SLO verdicts, warnings.
    Plan {
        /// Scenario JSON, or a tfvars written by `kickoff tfvars`; defaults if omitted.
        #[arg(long)]
        scenario: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "text")]
        format: PlanFormat,
        /// Print the cash plan instead: the bill month by month for this many
        /// months (1–36), with audience growth and storage growth.
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=i64::from(model::cash::MAX_MONTHS)))]
        months: Option<u32>,
        /// Run drills on the plan and hold it to them (`survives_drills`):
        /// `all` or names, comma-separated; replaces `drills.selected`.
        #[arg(long, value_name = "all|NAME[,NAME]")]
        drills: Option<String>,
    },
    /// Compare two scenarios (JSON or `kickoff tfvars` files): monthly cost per
    /// service, capacity, SLO and drill verdicts, warnings. Exit 0 whatever the delta.
    Diff {
        base: PathBuf,
        head: PathBuf,
        #[arg(long, value_enum, default_value = "text")]
        format: DiffFormat,
        /// Heading of the Markdown section (e.g. the environment).
        #[arg(long, default_value = "Cost diff")]
        title: String,
        /// Price BASE with this price book (e.g. the base branch's
        /// src/model/prices_us_east_1.json) instead of the embedded one, so a
        /// price-book change shows in the diff. HEAD uses the embedded book.
        #[arg(long)]
        base_prices: Option<PathBuf>,
    },
    /// Run one match-day drill on the plan: errors, freshness, recovery,
    /// and the cheapest mitigation when it fails (docs/drills.md).
    Drill {
        /// cache-failover, db-failover, az-loss, deploy-mid-match,
        /// spot-reclaim or origin-outage.
        name: String,
        /// Seconds from kickoff the drill starts (replaces `drills.at_s`;
        /// default the scenario's, 0 = kickoff).
        #[arg(long, allow_hyphen_values = true)]
        at: Option<f64>,
        #[arg(long)]
        scenario: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "text")]
        format: PriceFormat,
    },
    /// Search the design choices for the cheapest design that passes every
    /// SLO, every selected drill and every AWS limit (docs/optimizer.md).
    Optimize {
        #[arg(long)]
        scenario: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "monthly")]
        objective: ObjectiveArg,
        #[arg(long, value_enum, default_value = "text")]
        format: OptimizeFormat,
        /// Write the best design here as a scenario file (`kickoff tfvars
        /// --scenario F` exports it).
        #[arg(long)]
        emit_scenario: Option<PathBuf>,
        /// Search only these inputs (paths, comma-separated); the rest keep
        /// the scenario's values. Default: every searchable input.
        #[arg(long, value_name = "PATH[,PATH]")]
        only: Option<String>,
    },
    /// Price an explicit bill of materials (JSON), like the AWS Pricing Calculator.
    Price {
        file: PathBuf,
        #[arg(long, value_enum, default_value = "text")]
        format: PriceFormat,
    },
    /// Write the planner-owned Terraform variables for a scenario; exit 1,
    /// writing nothing, when the plan is infeasible (each broken limit named).
    Tfvars {
        #[arg(long)]
        scenario: Option<PathBuf>,
        /// Write here instead of standard output.
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// Re-plan from the scenario embedded in FILE; exit 1 with a diff if FILE differs.
    CheckTfvars { file: PathBuf },
    /// Every scenario input: path, label, unit, default, allowed values (Markdown).
    Inputs,
    /// Write the default plan's first view into the planner's built page
    /// (`dist/index.html`, in place), so it shows before the wasm has loaded.
    FirstView {
        /// The page trunk built.
        index: PathBuf,
    },
    /// Fit coefficients from a load test's summary.json and write them, with
    /// their provenance, onto a scenario (docs/load-testing.md).
    Calibrate {
        /// The `summary.json` of `make loadtest` (or of the smoke run).
        #[arg(long)]
        k6_summary: PathBuf,
        /// The scenario to calibrate; defaults if omitted.
        #[arg(long)]
        scenario: Option<PathBuf>,
        /// Write the calibrated scenario (the fields that differ from the defaults) here.
        #[arg(long)]
        output: PathBuf,
    },
}

/// A failure to report: message and exit code.
struct Failure(String, i32);

fn bad_input(msg: impl Into<String>) -> Failure {
    Failure(msg.into(), 2)
}

fn read(path: &Path) -> Result<String, Failure> {
    let meta = std::fs::metadata(path).map_err(|e| bad_input(format!("{}: {e}", path.display())))?;
    if meta.len() > scenario_file::MAX_IMPORT_BYTES as u64 {
        return Err(bad_input(format!(
            "{}: {} bytes; the limit is {}",
            path.display(),
            meta.len(),
            scenario_file::MAX_IMPORT_BYTES
        )));
    }
    std::fs::read_to_string(path).map_err(|e| bad_input(format!("{}: {e}", path.display())))
}

fn load_scenario(path: Option<&Path>) -> Result<Scenario, Failure> {
    match path {
        None => Ok(Scenario::default()),
        Some(p) => scenario_file::import(&read(p)?).map_err(|e| bad_input(format!("{}: {e}", p.display()))),
    }
}

fn plan_of(s: &Scenario) -> Result<model::Plan, Failure> {
    model::plan(s, &PriceBook::embedded()).map_err(|errs| bad_input(errs.to_string()))
}

fn execute(cli: Cli) -> Result<String, Failure> {
    match cli.command {
        Command::Scenario { seed, .. } => {
            let s = if seed {
                Scenario::default().seed_setup()
            } else {
                Scenario::default()
            };
            Ok(serde_json::to_string_pretty(&s).expect("scenario serialises") + "\n")
        }
        Command::Plan {
            scenario,
            format,
            months,
            drills,
        } => {
            let mut s = load_scenario(scenario.as_deref())?;
            if let Some(list) = drills {
                s.drills.selected = model::drills::parse_list(&list).map_err(bad_input)?;
            }
            if let Some(months) = months {
                let c = model::cash::cash_plan(&s, &PriceBook::embedded(), months)
                    .map_err(|errs| bad_input(errs.to_string()))?;
                return Ok(match format {
                    PlanFormat::Text => cash::text(&c),
                    PlanFormat::Json => cash::json(&c) + "\n",
                    PlanFormat::Markdown => cash::markdown(&c),
                    PlanFormat::Csv => cash::csv(&c),
                });
            }
            let p = plan_of(&s)?;
            Ok(match format {
                PlanFormat::Text => report::text(&p),
                PlanFormat::Json => report::json(&p) + "\n",
                PlanFormat::Markdown => {
                    let c = model::cash::cash_plan(&s, &PriceBook::embedded(), 12)
                        .map_err(|errs| bad_input(errs.to_string()))?;
                    report::markdown(&p) + &format!("\n## Cash plan\n\n{}\n", cash::sentence(&c))
                }
                PlanFormat::Csv => report::csv(&p),
            })
        }
        Command::Diff {
            base,
            head,
            format,
            title,
            base_prices,
        } => {
            let embedded = PriceBook::embedded();
            let base_book = match &base_prices {
                None => embedded.clone(),
                Some(path) => {
                    let other = PriceBook::from_json(&read(path)?)
                        .map_err(|e| bad_input(format!("{}: {e}", path.display())))?;
                    let changed = embedded.differing_values(&other);
                    match embedded.with_overrides(&changed) {
                        Ok(book) => book.into_owned(),
                        Err(_) => unreachable!("differing_values returns only ids the book has"),
                    }
                }
            };
            let planned = |path: &Path, book: &PriceBook| -> Result<(Scenario, model::Plan), Failure> {
                let s = load_scenario(Some(path))?;
                let p = model::plan(&s, book).map_err(|errs| bad_input(format!("{}: {errs}", path.display())))?;
                Ok((s, p))
            };
            let ((bs, bp), (hs, hp)) = (planned(&base, &base_book)?, planned(&head, &embedded)?);
            let mut d = diff::diff((&bs, &bp), (&hs, &hp));
            d.prices = diff::price_changes(&base_book, &embedded);
            Ok(match format {
                DiffFormat::Text => diff::text(&d),
                DiffFormat::Markdown => diff::markdown(&d, &title),
                DiffFormat::Json => diff::json(&d) + "\n",
            })
        }
        Command::Drill {
            name,
            at,
            scenario,
            format,
        } => {
            let mut s = load_scenario(scenario.as_deref())?;
            let kinds = model::drills::parse_list(&name).map_err(bad_input)?;
            if let Some(at) = at {
                s.drills.at_s = at;
            }
            s.drills.selected = kinds;
            let p = plan_of(&s)?;
            Ok(match format {
                PriceFormat::Text => report::drills_text(&p.drills),
                PriceFormat::Json => {
                    serde_json::to_string_pretty(&serde_json::json!({ "drills": p.drills })).expect("drills serialise")
                        + "\n"
                }
            })
        }
        Command::Optimize {
            scenario,
            objective,
            format,
            emit_scenario,
            only,
        } => {
            let s = load_scenario(scenario.as_deref())?;
            let book = PriceBook::embedded();
            let options = model::optimize::Options {
                objective: match objective {
                    ObjectiveArg::Monthly => model::optimize::Objective::Monthly,
                    ObjectiveArg::TwelveMonths => model::optimize::Objective::TwelveMonths,
                },
                ..model::optimize::Options::default()
            };
            // Validate the scenario first: its errors name its fields.
            plan_of(&s)?;
            let space = match &only {
                None => model::optimize::Space::of(&s, &book),
                Some(list) => {
                    let paths: Vec<&str> = list.split(',').map(str::trim).filter(|p| !p.is_empty()).collect();
                    model::optimize::Space::restricted(&s, &book, &paths).map_err(|errs| {
                        bad_input(format!(
                            "--only: {}",
                            errs.0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
                        ))
                    })?
                }
            };
            let r =
                model::optimize::optimize_in(&s, &book, options, space).map_err(|errs| bad_input(errs.to_string()))?;
            if let Some(path) = emit_scenario {
                let Some(best) = &r.best else {
                    return Err(Failure(
                        format!(
                            "nothing written to {}: no design in the space passes every SLO and limit",
                            path.display()
                        ),
                        1,
                    ));
                };
                let text = serde_json::to_string_pretty(&best.scenario).expect("scenario serialises") + "\n";
                std::fs::write(&path, text).map_err(|e| bad_input(format!("{}: {e}", path.display())))?;
            }
            Ok(match format {
                OptimizeFormat::Text => optimize::text(&r),
                OptimizeFormat::Json => optimize::json(&r) + "\n",
                OptimizeFormat::Markdown => optimize::markdown(&r),
            })
        }
        Command::Price { file, format } => {
            let bill = bom::from_json(&read(&file)?).map_err(|e| bad_input(format!("{}: {e}", file.display())))?;
            let priced =
                bom::price(&bill, &PriceBook::embedded()).map_err(|e| bad_input(format!("{}: {e}", file.display())))?;
            Ok(match format {
                PriceFormat::Text => bom::text(&priced),
                PriceFormat::Json => serde_json::to_string_pretty(&priced).expect("priced bill serialises") + "\n",
            })
        }
        Command::Tfvars { scenario, output } => {
            let s = load_scenario(scenario.as_deref())?;
            let p = plan_of(&s)?;
            if let Some(why) = tfvars::refusal(&p) {
                let lines: Vec<String> = p.broken_limits().iter().map(|l| format!("  {l}")).collect();
                return Err(Failure(format!("{why}\n{}", lines.join("\n")), 1));
            }
            let blockers = tfvars::blockers(&s);
            if !blockers.is_empty() {
                return Err(Failure(
                    format!("nothing written: terraform/ would reject\n  {}", blockers.join("\n  ")),
                    1,
                ));
            }
            let text = tfvars::render(&s, &p);
            match output {
                None => Ok(text),
                Some(path) => {
                    std::fs::write(&path, text).map_err(|e| bad_input(format!("{}: {e}", path.display())))?;
                    Ok(String::new())
                }
            }
        }
        Command::Inputs => Ok(inputs_table::markdown()),
        Command::FirstView { index } => {
            let s = Scenario::default();
            let p = plan_of(&s)?;
            let page = first_view::inject(&read(&index)?, &s, &p)
                .map_err(|e| bad_input(format!("{}: {e}", index.display())))?;
            std::fs::write(&index, page).map_err(|e| bad_input(format!("{}: {e}", index.display())))?;
            Ok(String::new())
        }
        Command::Calibrate {
            k6_summary,
            scenario,
            output,
        } => {
            let base = load_scenario(scenario.as_deref())?;
            let summary = read(&k6_summary)?;
            let fit = calibrate::fit(&summary).map_err(|e| bad_input(format!("{}: {e}", k6_summary.display())))?;
            let rows = calibrate::predicted_vs_measured(&summary, &fit)
                .map_err(|e| bad_input(format!("{}: {e}", k6_summary.display())))?;
            let s = calibrate::apply(&base, &fit, &k6_summary.display().to_string())
                .map_err(|e| bad_input(e.to_string()))?;
            let text = serde_json::to_string_pretty(&share::diff_from_default(&s)).expect("scenario serialises") + "\n";
            std::fs::write(&output, text).map_err(|e| bad_input(format!("{}: {e}", output.display())))?;
            Ok(format!(
                "{}\nThe planner on the stack's own scenario (one task, one vCPU, one cache tier) against the run:\n{}\nWrote {}\n",
                calibrate::report(&fit, &base),
                calibrate::comparison_table(&rows),
                output.display()
            ))
        }
        Command::CheckTfvars { file } => {
            let current = read(&file)?;
            let s = scenario_file::from_tfvars(&current).map_err(|e| bad_input(format!("{}: {e}", file.display())))?;
            let p = plan_of(&s)?;
            if let Some(why) = tfvars::refusal(&p) {
                return Err(Failure(format!("{}: {why}", file.display()), 1));
            }
            let expected = tfvars::render(&s, &p);
            if expected == current {
                Ok(format!("{}: up to date\n", file.display()))
            } else {
                let diff = similar::TextDiff::from_lines(&current, &expected)
                    .unified_diff()
                    .header(
                        &format!("{} (committed)", file.display()),
                        "regenerated by kickoff tfvars",
                    )
                    .to_string();
                Err(Failure(
                    format!(
                        "{}: drift; regenerate with `kickoff tfvars --scenario {} --output {}`\n{diff}",
                        file.display(),
                        file.display(),
                        file.display()
                    ),
                    1,
                ))
            }
        }
    }
}

pub fn run() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    match execute(cli) {
        Ok(out) => {
            print!("{out}");
            0
        }
        Err(Failure(msg, code)) => {
            eprintln!("kickoff: {msg}");
            code
        }
    }
}
