//! Pure app state and its reducer: scenario edits in, plans out. No DOM types.

use super::fields::{self, Field};
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

/// A scenario that planned, with its plan and the "today's setup" plan.
#[derive(Debug, PartialEq)]
pub struct Good {
    pub scenario: Scenario,
    pub plan: Plan,
    /// `scenario.seed_setup()` planned (None if it does not validate).
    pub today: Option<Plan>,
}

/// A message for the user (import, share link, clipboard).
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub error: bool,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct State {
    pub book: Shared<PriceBook>,
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
    pub curve: Shared<CostCurve>,
    /// Scenario the curve was computed for, with fans zeroed (the curve
    /// does not depend on the fan count, only its marker does).
    curve_key: Scenario,
    pub notice: Option<Notice>,
    /// Bumped on every accepted plan (tests watch it).
    pub revision: u64,
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
    },
    Reset,
    Notify(Notice),
    Dismiss,
}

impl State {
    /// Start from `s`, or from the defaults when `s` does not plan.
    pub fn new(s: Scenario, notice: Option<Notice>) -> State {
        let book = PriceBook::embedded();
        let (s, notice) = match plan(&s, &book) {
            Ok(_) => (s, notice),
            Err(e) => (
                Scenario::default(),
                notice.or(Some(Notice {
                    error: true,
                    text: format!("The saved scenario is invalid ({}); using the defaults.", e.brief(1)),
                })),
            ),
        };
        let good = good(&s, &book).expect("default scenario plans");
        let curve = cost_curve(&s, &book);
        State {
            book: Shared::new(book),
            curve_key: curve_key(&s),
            texts: texts_of(&s),
            scenario: s,
            parse_errors: BTreeMap::new(),
            plan_errors: Vec::new(),
            good: Shared::new(good),
            curve: Shared::new(curve),
            notice,
            revision: 0,
        }
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
    }

    pub fn is_valid(&self) -> bool {
        self.parse_errors.is_empty() && self.plan_errors.is_empty()
    }

    fn replan(&mut self) {
        match good(&self.scenario, &self.book) {
            Ok(g) => {
                self.plan_errors.clear();
                let key = curve_key(&self.scenario);
                if key != self.curve_key {
                    self.curve = Shared::new(cost_curve(&self.scenario, &self.book));
                    self.curve_key = key;
                } else {
                    let mut c = (*self.curve).clone();
                    c.current = Some((f64::from(g.scenario.peak_concurrent_fans), g.plan.total_monthly_usd));
                    self.curve = Shared::new(c);
                }
                self.good = Shared::new(g);
                self.revision += 1;
            }
            Err(errs) => self.plan_errors = errs.0,
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

fn good(s: &Scenario, book: &PriceBook) -> Result<Good, ValidationErrors> {
    let p = plan(s, book)?;
    let today = plan(&s.seed_setup(), book).ok();
    Ok(Good {
        scenario: s.clone(),
        plan: p,
        today,
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
                match field.apply(&st.scenario, &raw) {
                    Ok(s) => {
                        st.parse_errors.remove(field.path);
                        st.scenario = s;
                        st.replan();
                    }
                    Err(e) => {
                        st.parse_errors.insert(field.path, e);
                    }
                }
            }
            Action::Load { scenario, source } => match plan(&scenario, &st.book) {
                Ok(_) => {
                    st.set_scenario(*scenario);
                    st.parse_errors.clear();
                    st.replan();
                    st.notice = Some(Notice {
                        error: false,
                        text: format!("Loaded the scenario from {source}."),
                    });
                }
                Err(errs) => {
                    st.notice = Some(Notice {
                        error: true,
                        text: format!(
                            "{source} holds an invalid scenario ({}); nothing changed.",
                            errs.brief(3)
                        ),
                    });
                }
            },
            Action::Reset => {
                st.set_scenario(Scenario::default());
                st.parse_errors.clear();
                st.replan();
                st.notice = Some(Notice {
                    error: false,
                    text: "Reset to the defaults.".into(),
                });
            }
            Action::Notify(n) => st.notice = Some(n),
            Action::Dismiss => st.notice = None,
        }
        Rc::new(st)
    }
}
