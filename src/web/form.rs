//! The scenario form, generated from [`fields::sections`](super::fields::sections).

use super::fields::{sections, Field, Kind, Section};
use super::state::State;
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct FormProps {
    /// What each input shows, per section (see [`State::texts`]).
    pub texts: Vec<Rc<[String]>>,
    /// Per section: (index of the field, message), usually empty.
    pub errors: Vec<Vec<(usize, String)>>,
    /// Broken rules that have no input on the form.
    pub unplaced: Vec<String>,
    /// (field path, raw text)
    pub onedit: Callback<(&'static str, String)>,
    /// The field's edit is done (it lost focus): the next keystroke starts a new one.
    pub oncommit: Callback<&'static str>,
}

impl FormProps {
    pub fn of(st: &State, onedit: Callback<(&'static str, String)>, oncommit: Callback<&'static str>) -> FormProps {
        FormProps {
            texts: st.texts.clone(),
            errors: (0..st.texts.len()).map(|i| st.section_errors(i)).collect(),
            unplaced: st.unplaced_errors().iter().map(ToString::to_string).collect(),
            onedit,
            oncommit,
        }
    }
}

#[function_component(ScenarioForm)]
pub fn scenario_form(props: &FormProps) -> Html {
    html! {
        <form id="scenario-form" class="scenario" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())} novalidate=true>
            <h2>{"Scenario"}</h2>
            if !props.unplaced.is_empty() {
                <div class="form-errors" role="alert">
                    <p>{"Also invalid:"}</p>
                    <ul>{ for props.unplaced.iter().map(|e| html!{ <li>{ e }</li> }) }</ul>
                </div>
            }
            { for sections().iter().enumerate().map(|(i, s)| html! {
                <FormSection key={s.id} section={Static(s)} texts={props.texts[i].clone()} errors={props.errors[i].clone()} onedit={props.onedit.clone()} oncommit={props.oncommit.clone()} />
            }) }
        </form>
    }
}

/// An entry of the static field table (a [`Section`] or [`Field`]),
/// compared by address: the table never changes, so the same address is the
/// same entry, and props compare in O(1).
pub struct Static<T: 'static>(pub &'static T);

impl<T> Clone for Static<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Static<T> {}
impl<T> PartialEq for Static<T> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.0, other.0)
    }
}

#[derive(Properties, PartialEq)]
pub struct SectionProps {
    pub section: Static<Section>,
    /// What each input shows, in field order. Replaced (a new `Rc`) only
    /// when one of this section's inputs changes.
    pub texts: Rc<[String]>,
    /// (index of the field, message), usually empty.
    pub errors: Vec<(usize, String)>,
    pub onedit: Callback<(&'static str, String)>,
    pub oncommit: Callback<&'static str>,
}

/// One fieldset. Its props are equal unless one of its inputs or errors
/// changed, so a keystroke re-renders one section, not all nine.
#[function_component(FormSection)]
fn form_section(props: &SectionProps) -> Html {
    let s = props.section.0;
    let error = |j: usize| props.errors.iter().find(|(k, _)| *k == j).map(|(_, e)| e.clone());
    let body = html! {
        <div class="fields">
            { for s.fields.iter().enumerate().map(|(j, f)| html! {
                <FieldRow key={f.path} field={Static(f)} text={props.texts[j].clone()} error={error(j)} onedit={props.onedit.clone()} oncommit={props.oncommit.clone()} />
            }) }
        </div>
    };
    if s.folded {
        html! { <details id={format!("section-{}", s.id)} class="section" open={!props.errors.is_empty()}><summary><h3>{ s.title }</h3></summary>{ body }</details> }
    } else {
        html! { <fieldset id={format!("section-{}", s.id)} class="section"><legend><h3>{ s.title }</h3></legend>{ body }</fieldset> }
    }
}

#[derive(Properties, PartialEq)]
pub struct FieldRowProps {
    pub field: Static<Field>,
    /// What the input shows: the scenario's value, or the user's draft.
    pub text: String,
    pub error: Option<String>,
    pub onedit: Callback<(&'static str, String)>,
    pub oncommit: Callback<&'static str>,
}

/// One labelled input. Its props are plain values, so Yew re-renders only
/// the rows whose text or error changed (one per keystroke, not every row
/// of the section).
#[function_component(FieldRow)]
fn field_row(props: &FieldRowProps) -> Html {
    let f = props.field.0;
    let onedit = &props.onedit;
    let text = props.text.clone();
    let error = props.error.clone();
    let id = f.dom_id();
    let help_id = format!("{id}-help");
    let err_id = format!("{id}-error");
    let described = if error.is_some() {
        format!("{help_id} {err_id}")
    } else {
        help_id.clone()
    };
    let path = f.path;
    let unit = if f.unit.is_empty() {
        html! {}
    } else {
        html! { <span class="unit">{ format!(" ({})", f.unit) }</span> }
    };
    let control = match f.kind {
        Kind::Bool => {
            let cb = onedit.reform(move |e: Event| {
                (
                    path,
                    e.target_unchecked_into::<HtmlInputElement>().checked().to_string(),
                )
            });
            html! { <input type="checkbox" id={id.clone()} name={path} checked={text == "true"} onchange={cb} aria-describedby={described} /> }
        }
        Kind::Choice(options) | Kind::OptChoice(options) => {
            let cb = onedit.reform(move |e: Event| (path, e.target_unchecked_into::<HtmlSelectElement>().value()));
            let optional = matches!(f.kind, Kind::OptChoice(_));
            html! {
                <select id={id.clone()} name={path} onchange={cb} aria-describedby={described} aria-invalid={error.is_some().to_string()}>
                    if optional {
                        <option value="" selected={text.is_empty()}>{ "planner decides" }</option>
                    }
                    { for options.iter().map(|(v, label)| html!{ <option value={*v} selected={*v == text}>{ *label }</option> }) }
                </select>
            }
        }
        Kind::Flags(options) => {
            // One checkbox per option; a change sends the whole set as text.
            let boxes = options.iter().map(|(v, label)| {
                let checked = text.split(',').any(|t| t == *v);
                let current = text.clone();
                let cb = onedit.reform(move |e: Event| {
                    let on = e.target_unchecked_into::<HtmlInputElement>().checked();
                    let mut set: Vec<&str> = current.split(',').filter(|t| !t.is_empty() && t != v).collect();
                    if on {
                        set.push(v);
                    }
                    (path, set.join(","))
                });
                let box_id = format!("{id}-{v}");
                html! {
                    <label class="flag" for={box_id.clone()}>
                        <input type="checkbox" id={box_id} name={path} value={*v} checked={checked} onchange={cb} />
                        { format!(" {v}: {label}") }
                    </label>
                }
            });
            html! { <div class="flags" id={id.clone()} role="group" aria-label={f.label} aria-describedby={described}>{ for boxes }</div> }
        }
        Kind::Int | Kind::Num | Kind::OptInt | Kind::OptNum => {
            let cb = onedit.reform(move |e: InputEvent| (path, e.target_unchecked_into::<HtmlInputElement>().value()));
            let done = props.oncommit.reform(move |_: Event| path);
            let mode = if matches!(f.kind, Kind::Int | Kind::OptInt) {
                "numeric"
            } else {
                "decimal"
            };
            let placeholder = match f.kind {
                _ if f.path.starts_with("price_overrides.") => "embedded price",
                Kind::OptInt | Kind::OptNum => "planner decides",
                _ => "",
            };
            html! {
                <input type="text" inputmode={mode} id={id.clone()} name={path} value={text} oninput={cb} autocomplete="off" spellcheck="false"
                    placeholder={placeholder} aria-describedby={described} aria-invalid={error.is_some().to_string()} onchange={done} />
            }
        }
    };
    let class = if error.is_some() { "field invalid" } else { "field" };
    html! {
        <div class={class} data-field={path}>
            <label for={id.clone()}>{ f.label }{ unit }</label>
            { control }
            <small id={help_id} class="help">{ f.help }</small>
            if let Some(e) = error {
                <p id={err_id} class="field-error">{ e }</p>
            }
        </div>
    }
}
