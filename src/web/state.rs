//! Pure app state and its reducer: scenario edits in, plans out. No DOM types.

use super::fields::{self, Field};
use crate::model::plan::{plan_lean, whole_runs, MatchDaySim};
use crate::model::sweep::{cost_curve, CostCurve};
use crate::model::{plan, FieldError, Plan, PriceBook, Scenario, ValidationErrors};
use std::collections::BTreeMap;
use std::rc::Rc;
use yew::Reducible;

/// An `Rc` compared by pointer, so props compare in O(1).
#[derive(Debug)]
pub struct Shared<T>(pub Rc<T>);

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(Rc::clone(&self.0))
    }
}
impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}
impl<T> std::ops::Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}
impl<T> Shared<T> {
    pub fn new(v: T) -> Self {
        Shared(Rc::new(v))
    }
}

/// The embedded price book, parsed once per page (and once per worker): the
/// state, the timeline's runs, the print sheet and the worker's answers all
/// read this one instead of parsing the 30 KB of JSON again.
pub fn book() -> &'static PriceBook {
    static BOOK: std::sync::OnceLock<PriceBook> = std::sync::OnceLock::new();
    BOOK.get_or_init(PriceBook::embedded)
}

/// A scenario that planned, with its plan.
#[derive(Debug, PartialEq)]
pub struct Good {
    pub scenario: Scenario,
    pub plan: Plan,
}

/// "Today's setup" (`Scenario::seed_setup`) planned, for comparison with
/// the plan. It is planned once typing pauses ([`Action::Today`]), not per
/// keystroke: while the plan shown has another seed, the results show this
/// one dimmed and busy ([`Today::is_for`]).
#[derive(Debug, PartialEq)]
pub struct Today {
    pub seed: Scenario,
    /// None if today's setup does not validate for the scenario.
    pub plan: Option<Plan>,
}

impl Today {
    fn of(s: &Scenario) -> Today {
        let seed = s.seed_setup();
        Today {
            plan: plan_lean(&seed.without_drills(), book()).ok(),
            seed,
        }
    }

    /// Whether this is today's setup of `s` (else it is an earlier one's).
    pub fn is_for(&self, s: &Scenario) -> bool {
        self.seed == s.seed_setup()
    }
}

impl Good {
    /// The plan's match-day runs, both made: an edit's plan leaves out the
    /// one without pre-scaling when pre-scaling is chosen (only the
    /// timeline draws it), so it is made here, when the chart is drawn.
    pub fn runs(&self) -> std::borrow::Cow<'_, MatchDaySim> {
        whole_runs(&self.plan, &self.scenario.without_drills(), book())
    }
}

/// A message for the user (import, share link, clipboard, reset).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Notice {
    pub error: bool,
    pub text: String,
    /// The scenario an "Undo" button brings back (what a load or reset replaced).
    pub undo: Option<Rc<Scenario>>,
    /// A link to show in a selectable field (the share link).
    pub link: Option<String>,
}

impl Notice {
    pub fn info(text: impl Into<String>) -> Notice {
        Notice {
            text: text.into(),
            ..Notice::default()
        }
    }

    pub fn error(text: impl Into<String>) -> Notice {
        Notice {
            error: true,
            text: text.into(),
            ..Notice::default()
        }
    }

    /// With an "Undo" button that brings `before` back, unless it is `now`.
    pub fn undoing(mut self, before: &Scenario, now: &Scenario) -> Notice {
        if before != now {
            self.undo = Some(Rc::new(before.clone()));
        }
        self
    }
}

/// What the results showed before the first keystroke in the field being
/// edited: shown again while that field holds a value that does not plan,
/// and the "before this edit" the results compare against.
#[derive(Debug, Clone, PartialEq)]
pub struct EditBase {
    pub path: &'static str,
    pub scenario: Scenario,
    pub good: Shared<Good>,
    curve: Shared<CostCurve>,
    curve_key: Scenario,
    plan_errors: Vec<FieldError>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct State {
    /// The scenario as entered; may be invalid.
    pub scenario: Scenario,
    /// What each input shows, one list per form section (same order as
    /// [`fields::sections`]): the scenario's value, or the raw text the user
    /// typed. An edit replaces one section's list, so the other sections
    /// compare equal by pointer and are not re-rendered.
    pub texts: Vec<Rc<[String]>>,
    /// Inputs whose text is not a value of the right type.
    pub parse_errors: BTreeMap<&'static str, String>,
    /// Rules the current scenario breaks (from `plan()`).
    pub plan_errors: Vec<FieldError>,
    /// The last scenario that planned: what the results show.
    pub good: Shared<Good>,
    /// Today's setup, planned for `good` once typing pauses.
    pub today: Shared<Today>,
    pub curve: Shared<CostCurve>,
    /// Scenario the curve was computed for, with fans zeroed (the curve
    /// does not depend on the fan count, only its marker does).
    curve_key: Scenario,
    pub notice: Option<Notice>,
    /// Bumped on every accepted plan (tests watch it).
    pub revision: u64,
    /// The state before the first keystroke in the field being edited.
    pub edit_base: Option<EditBase>,
    /// The plan before the last edit (kept after the field loses focus, so
    /// the results can show what the edit changed).
    pub before: Option<Shared<Good>>,
}

pub enum Action {
    /// The text of one input changed.
    Edit {
        path: &'static str,
        raw: String,
    },
    /// Replace the whole scenario (import, share link, storage).
    Load {
        scenario: Box<Scenario>,
        source: String,
        /// Said after "Loaded …" (what an import used and ignored).
        note: Option<String>,
    },
    /// The field lost focus: its edit is over, if its value planned.
    Commit(&'static str),
    /// Back to the defaults (with an undo).
    Reset,
    /// Bring back a scenario a load or reset replaced.
    Undo(Rc<Scenario>),
    Notify(Notice),
    Dismiss,
    /// The worker's drill outcomes for a scenario (`super::worker`).
    Drills(Box<(Scenario, Result<super::worker::Drills, String>)>),
    /// Typing paused: plan today's setup for the plan shown, if it changed.
    Today,
}

impl State {
    /// Start from `s`, or from the defaults when `s` does not plan.
    pub fn new(s: Scenario, notice: Option<Notice>) -> State {
        let (s, good, notice) = match good(&s, false) {
            Ok(g) => (s, g, notice),
            Err(e) => {
                let s = Scenario::default();
                let g = good(&s, false).expect("default scenario plans");
                let why = format!("The saved scenario is invalid ({}); using the defaults.", e.brief(1));
                (s, g, notice.or(Some(Notice::error(why))))
            }
        };
        let curve = cost_curve(&s.without_drills(), book());
        State {
            curve_key: curve_key(&s),
            texts: texts_of(&s),
            scenario: s,
            parse_errors: BTreeMap::new(),
            plan_errors: Vec::new(),
            today: Shared::new(Today::of(&good.scenario)),
            good: Shared::new(good),
            curve: Shared::new(curve),
            notice,
            revision: 0,
            edit_base: None,
            before: None,
        }
    }

    /// The plan before the last edit, when it differs from the one shown.
    pub fn before_edit(&self) -> Option<Shared<Good>> {
        self.before.clone().filter(|g| g.scenario != self.good.scenario)
    }

    /// Why the results are not those of the form, in words (None: they are).
    pub fn stale_reason(&self) -> Option<String> {
        if self.is_valid() {
            return None;
        }
        let field = self
            .parse_errors
            .keys()
            .copied()
            .chain(self.plan_errors.iter().map(|e| e.field.as_str()))
            .next()
            .unwrap_or_default();
        let label = fields::by_path(field).map_or(field, |f| f.label);
        Some(format!(
            "Showing the plan from before this edit: {label} holds a value that cannot be planned (see the message under it). The scenario saved in this browser is the one shown here."
        ))
    }

    /// The error to show next to `field`, if any.
    pub fn error_for(&self, field: &Field) -> Option<String> {
        if let Some(e) = self.parse_errors.get(field.path) {
            return Some(e.clone());
        }
        self.plan_errors
            .iter()
            .find(|e| e.field == field.path)
            .map(|e| e.rule.clone())
    }

    /// Plan errors that have no input on the form.
    pub fn unplaced_errors(&self) -> Vec<&FieldError> {
        self.plan_errors
            .iter()
            .filter(|e| fields::by_path(&e.field).is_none())
            .collect()
    }

    /// Errors of the fields of section `i`, as (index in the section, message).
    pub fn section_errors(&self, i: usize) -> Vec<(usize, String)> {
        if self.is_valid() {
            return Vec::new();
        }
        fields::sections()[i]
            .fields
            .iter()
            .enumerate()
            .filter_map(|(j, f)| self.error_for(f).map(|e| (j, e)))
            .collect()
    }

    /// Replace the scenario (load, reset): every input shows its value again.
    fn set_scenario(&mut self, s: Scenario) {
        self.texts = texts_of(&s);
        self.scenario = s;
        self.edit_base = None;
        self.before = None;
    }

    /// Start an edit of `path`: remember what the results show now.
    fn begin_edit(&mut self, path: &'static str) {
        if self.edit_base.as_ref().is_some_and(|b| b.path == path) {
            return;
        }
        self.before = Some(self.good.clone());
        self.edit_base = Some(EditBase {
            path,
            scenario: self.scenario.clone(),
            good: self.good.clone(),
            curve: self.curve.clone(),
            curve_key: self.curve_key.clone(),
            plan_errors: self.plan_errors.clone(),
        });
    }

    /// The edit holds a value that does not plan: show (and save) what the
    /// results showed before its first keystroke, never a prefix of it.
    fn show_edit_base(&mut self) {
        if let Some(b) = &self.edit_base {
            if self.good != b.good {
                self.good = b.good.clone();
                self.curve = b.curve.clone();
                self.curve_key = b.curve_key.clone();
                self.revision += 1;
            }
        }
    }

    pub fn is_valid(&self) -> bool {
        self.parse_errors.is_empty() && self.plan_errors.is_empty()
    }

    /// Plan the scenario; true when it planned.
    fn replan(&mut self) -> bool {
        match good(&self.scenario, true) {
            Ok(g) => {
                self.plan_errors.clear();
                let key = curve_key(&self.scenario);
                if key != self.curve_key {
                    self.curve = Shared::new(cost_curve(&self.scenario.without_drills(), book()));
                    self.curve_key = key;
                } else {
                    let mut c = (*self.curve).clone();
                    c.current = Some((f64::from(g.scenario.peak_concurrent_fans), g.plan.total_monthly_usd));
                    self.curve = Shared::new(c);
                }
                self.good = Shared::new(g);
                self.revision += 1;
                true
            }
            Err(errs) => {
                self.plan_errors = errs.0;
                false
            }
        }
    }
}

/// What every input shows for the scenario, per section.
fn texts_of(s: &Scenario) -> Vec<Rc<[String]>> {
    fields::sections()
        .iter()
        .map(|sec| sec.fields.iter().map(|f| f.text(s)).collect())
        .collect()
}

fn curve_key(s: &Scenario) -> Scenario {
    let mut k = s.clone();
    k.peak_concurrent_fans = 0;
    k
}

/// `plan()` as the page runs it: without the selected drills, which run in
/// the worker ([`super::worker`]), too slow for a keystroke; their outcomes
/// join the plan when it answers ([`Action::Drills`]).
pub fn plan_here(s: &Scenario, book: &PriceBook) -> Result<Plan, ValidationErrors> {
    plan(&s.without_drills(), book)
}

/// Plan `s` (as the page does, without drills).
///
/// `lean` for an edit's plan (`plan::plan_lean`: without the run without
/// pre-scaling, which only the timeline draws, [`Good::runs`]); the first
/// plan is whole, as the pre-rendered first view's.
fn good(s: &Scenario, lean: bool) -> Result<Good, ValidationErrors> {
    let p = if lean {
        plan_lean(&s.without_drills(), book())?
    } else {
        plan_here(s, book())?
    };
    Ok(Good {
        scenario: s.clone(),
        plan: p,
    })
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut st = (*self).clone();
        match action {
            Action::Edit { path, raw } => {
                let Some((i, j)) = fields::position(path) else {
                    return self;
                };
                let field = &fields::sections()[i].fields[j];
                let mut texts = st.texts[i].to_vec();
                texts[j] = raw.clone();
                st.texts[i] = texts.into();
                st.begin_edit(field.path);
                match field.apply(&st.scenario, &raw) {
                    Ok(s) => {
                        st.parse_errors.remove(field.path);
                        st.scenario = s;
                        if !st.replan() {
                            st.show_edit_base();
                        }
                    }
                    Err(e) => {
                        // Text that is no value: the field keeps its value
                        // from before the edit (the scenario differs from the
                        // base only in this field).
                        if let Some(b) = &st.edit_base {
                            st.scenario = b.scenario.clone();
                            st.plan_errors = b.plan_errors.clone();
                        }
                        st.parse_errors.insert(field.path, e);
                        st.show_edit_base();
                    }
                }
            }
            Action::Load { scenario, source, note } => match plan_here(&scenario, book()) {
                Ok(_) => {
                    let before = st.good.scenario.clone();
                    st.set_scenario(*scenario);
                    st.parse_errors.clear();
                    st.replan();
                    let text = match note {
                        Some(n) => format!("Loaded the scenario from {source}. {n}"),
                        None => format!("Loaded the scenario from {source}."),
                    };
                    st.notice = Some(Notice::info(text).undoing(&before, &st.scenario));
                }
                Err(errs) => {
                    st.notice = Some(Notice::error(format!(
                        "{source} holds an invalid scenario ({}); nothing changed.",
                        errs.brief(3)
                    )));
                }
            },
            Action::Reset => {
                let before = st.good.scenario.clone();
                st.set_scenario(Scenario::default());
                st.parse_errors.clear();
                st.replan();
                st.notice = Some(Notice::info("Reset to the defaults.").undoing(&before, &st.scenario));
            }
            Action::Undo(s) => {
                st.set_scenario((*s).clone());
                st.parse_errors.clear();
                st.replan();
                st.notice = Some(Notice::info("Undone: your earlier scenario is back."));
            }
            Action::Commit(path) => {
                if st.edit_base.as_ref().is_some_and(|b| b.path == path) && st.is_valid() {
                    st.edit_base = None;
                } else {
                    return self;
                }
            }
            Action::Notify(n) => st.notice = Some(n),
            Action::Dismiss => st.notice = None,
            Action::Drills(answer) => {
                let (s, found) = *answer;
                // Only for the plan shown, and once.
                if st.good.scenario != s || !st.good.plan.drills.is_empty() {
                    return self;
                }
                match found {
                    // Planned again rather than cloned: a `Plan` clone costs
                    // 4 KB of bundle, a plan about a millisecond per answer.
                    Ok(outcomes) => {
                        if let Ok(mut g) = good(&s, true) {
                            g.plan.slo.push(crate::model::drills::verdict(&s, &outcomes));
                            g.plan.drills = outcomes;
                            st.good = Shared::new(g);
                        }
                    }
                    Err(e) => st.notice = Some(Notice::error(format!("The drills could not run: {e}."))),
                }
            }
            Action::Today => {
                if st.today.is_for(&st.good.scenario) {
                    return self;
                }
                st.today = Shared::new(Today::of(&st.good.scenario));
            }
        }
        Rc::new(st)
    }
}
