//! The form as a view over the table of inputs
//! ([`crate::model::inputs::INPUTS`]): every row marked `on_form`, grouped
//! into sections by the first part of its path, plus one input per price in
//! the embedded price book. No field has its own component or its own text
//! here; parsing and applying form text is `model::inputs` (native, tested
//! natively).

use crate::model::inputs::{self, Input, Kind as InputKind, Opt};
use crate::model::Scenario;

/// Which control a field gets.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// Whole number (`u32`).
    Int,
    /// Decimal number.
    Num,
    /// Checkbox.
    Bool,
    /// Select; (JSON value, label).
    Choice(&'static [(&'static str, &'static str)]),
    /// An optional whole number: empty = the planner decides.
    OptInt,
    /// An optional decimal: empty = the planner decides (for a price
    /// override: the embedded price).
    OptNum,
    /// An optional select: empty = the planner decides.
    OptChoice(&'static [(&'static str, &'static str)]),
    /// A checkbox per option; the text is the checked values joined by `,`.
    Flags(&'static [(&'static str, &'static str)]),
}

/// What a field edits: a row of the inputs table, or one price override.
#[derive(Debug, Clone, Copy)]
pub enum Target {
    Input(&'static Input),
    Price(&'static str),
}

/// One editable field.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// Dotted path as in the scenario JSON (and in `FieldError::field`).
    pub path: &'static str,
    pub label: &'static str,
    pub unit: &'static str,
    pub help: &'static str,
    pub kind: Kind,
    pub target: Target,
}

/// A group of fields shown as one fieldset.
#[derive(Debug, Clone, Copy)]
pub struct Section {
    pub id: &'static str,
    pub title: &'static str,
    /// Folded by default (`<details>`).
    pub folded: bool,
    pub fields: &'static [Field],
}

impl Field {
    /// The DOM id of the input: the path with dots as dashes
    /// (`peak_concurrent_fans`, `delivery-poll_interval_s`).
    pub fn dom_id(&self) -> String {
        self.path.replace('.', "-")
    }

    /// What the input shows for `s`.
    pub fn text(&self, s: &Scenario) -> String {
        match self.target {
            Target::Input(i) => inputs::text(i, s),
            Target::Price(id) => inputs::price_text(s, id),
        }
    }

    /// `s` with this field set from `raw`.
    ///
    /// # Errors
    /// What to enter instead.
    pub fn apply(&self, s: &Scenario, raw: &str) -> Result<Scenario, String> {
        match self.target {
            Target::Input(i) => inputs::apply(s, i, raw),
            Target::Price(id) => inputs::apply_price(s, id, raw),
        }
    }
}

/// Sections: (id, title, folded, the path groups they show).
const SECTIONS: [(&str, &str, bool, &[&str]); 10] = [
    ("audience", "Audience", false, &["peak_concurrent_fans", "audience"]),
    ("delivery", "Delivery", false, &["delivery"]),
    ("writes", "Writes", false, &["writes"]),
    ("app", "App tier", false, &["app"]),
    ("data", "Data tier", false, &["data"]),
    ("storage", "Storage", false, &["storage"]),
    ("platform", "Platform choices", false, &["platform", "scaling", "slo"]),
    ("drills", "Match-day drills", false, &["drills"]),
    (
        "overrides",
        "Overrides (what runs today, or a choice)",
        true,
        &["overrides"],
    ),
    ("prices", "Prices & coefficients", true, &["coefficients"]),
];

fn leak<T>(v: Vec<T>) -> &'static [T] {
    Box::leak(v.into_boxed_slice())
}

fn options(o: fn() -> Vec<Opt>) -> &'static [(&'static str, &'static str)] {
    leak(o().into_iter().map(|o| (o.value, o.label)).collect())
}

fn field(i: &'static Input) -> Field {
    let kind = match i.kind {
        InputKind::Int { .. } | InputKind::Days { .. } | InputKind::IntOneOf(_) => Kind::Int,
        InputKind::Num { .. } | InputKind::NumOneOf(_) => Kind::Num,
        InputKind::Bool => Kind::Bool,
        InputKind::Choice(o) => Kind::Choice(options(o)),
        InputKind::OptInt { .. } => Kind::OptInt,
        InputKind::OptNum => Kind::OptNum,
        InputKind::OptChoice(o) => Kind::OptChoice(options(o)),
        InputKind::Flags(o) => Kind::Flags(options(o)),
        InputKind::List => unreachable!("{} is not a form input", i.path),
    };
    Field {
        path: i.path,
        label: i.label,
        unit: i.unit,
        help: i.help,
        kind,
        target: Target::Input(i),
    }
}

/// Every section, built once from the inputs table; "Prices & coefficients"
/// ends with one input per price in the embedded price book (its unit on the
/// label; value, source and date as the help text), so any price can be
/// overridden. The strings live for the page's lifetime.
pub fn sections() -> &'static [Section] {
    static ALL: std::sync::OnceLock<&'static [Section]> = std::sync::OnceLock::new();
    ALL.get_or_init(|| {
        let leak_str = |t: String| -> &'static str { Box::leak(t.into_boxed_str()) };
        let book = super::state::book();
        let prices = book.prices.iter().map(|p| {
            let path = leak_str(format!("price_overrides.{}", p.id));
            Field {
                path,
                label: &path["price_overrides.".len()..],
                // The book's own unit: most are USD per something, but some
                // are shares, multipliers or free allowances.
                unit: leak_str(p.unit.clone()),
                help: leak_str(format!(
                    "Embedded: {} — {} ({}, confidence {}). Empty = this price.",
                    p.value, p.source, p.date, p.confidence
                )),
                kind: Kind::OptNum,
                target: Target::Price(&path["price_overrides.".len()..]),
            }
        });
        let group = |path: &str| path.split('.').next().unwrap_or(path).to_string();
        let mut sections: Vec<Section> = SECTIONS
            .iter()
            .map(|(id, title, folded, groups)| Section {
                id,
                title,
                folded: *folded,
                fields: leak(
                    inputs::INPUTS
                        .iter()
                        .filter(|i| i.on_form && groups.contains(&group(i.path).as_str()))
                        .map(field)
                        .collect(),
                ),
            })
            .collect();
        if let Some(last) = sections.last_mut() {
            last.fields = leak(last.fields.iter().copied().chain(prices).collect());
        }
        leak(sections)
    })
}

/// All fields in order.
pub fn all() -> impl Iterator<Item = &'static Field> {
    sections().iter().flat_map(|s| s.fields.iter())
}

/// (section index, index in the section) of the field at `path`.
pub fn position(path: &str) -> Option<(usize, usize)> {
    sections()
        .iter()
        .enumerate()
        .find_map(|(i, s)| s.fields.iter().position(|f| f.path == path).map(|j| (i, j)))
}

/// The field for a `FieldError::field` path, if it has an input.
pub fn by_path(path: &str) -> Option<&'static Field> {
    all().find(|f| f.path == path)
}
