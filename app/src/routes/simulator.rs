//! The Simulator page: a scenario form (strategies, baseline, backtest, eligibility, reclaim
//! policy, runs, sweep), a run in the worker with progress and cancel, the backtest verdict,
//! the side-by-side comparison with exports, the charts, and scenarios saved in IndexedDB.
//! What it decides is in [`crate::simulator`]; this file binds it to the view.

use crate::components::chart::ChartFigure;
use crate::download::download;
use crate::i18n::{Key, Lang, t as tk};
use crate::settings::use_settings;
use crate::simulator::text::{Text, t};
use crate::simulator::{
    Preset, SWEEP_PARAMETERS, SavedScenario, ScenarioForm, SweepForm, backtest_passed,
    backtest_text, chart_lang, comparison_grid, format_values, parameter_key, parse_optional,
    parse_values, saved_name,
};
use crate::state::{DatasetState, ensure_in_worker, use_dataset};
use crate::storage::idb;
use crate::worker;
use leptos::prelude::*;
use leptos::task::spawn_local;
use reallot_charts::csv::table_csv;
use reallot_charts::sim::{Metric, comparison_table, parameter_label};
use reallot_core::assign::{Rule, Territory};
use reallot_core::sim::SimReport;
use reallot_worker::protocol::{Job, Progress, Reply, Stage};

type Form = RwSignal<ScenarioForm>;

/// What the page keeps while the app runs, so that leaving the page and coming back (or a run
/// finishing meanwhile) loses nothing: the form, the last report with the dataset it was run
/// on, and the number of the latest run (the answer of a cancelled run never lands after a
/// newer one).
#[derive(Default)]
struct Kept {
    form: Option<ScenarioForm>,
    report: Option<(String, SimReport)>,
    run: u32,
}

thread_local! {
    static KEPT: std::cell::RefCell<Kept> = std::cell::RefCell::default();
}

/// Starts a new run (or cancels the current one): its number.
fn next_run() -> u32 {
    KEPT.with_borrow_mut(|k| {
        k.run = k.run.wrapping_add(1);
        k.run
    })
}

fn is_latest(run: u32) -> bool {
    KEPT.with_borrow(|k| k.run == run)
}

/// A labelled text input for a number; `empty_ok` lets an empty field mean "rule off".
/// A value that does not parse is shown as invalid and leaves the form unchanged.
fn number_input(
    form: Form,
    lang: Signal<Lang>,
    label: Text,
    id: &'static str,
    empty_ok: bool,
    get: fn(&ScenarioForm) -> Option<f64>,
    set: fn(&mut ScenarioForm, Option<f64>),
) -> impl IntoView {
    let invalid = RwSignal::new(false);
    view! {
        <label class="field">
            <span>{move || t(lang.get(), label)}</span>
            <input
                type="text"
                inputmode="decimal"
                data-testid=format!("sim-{id}")
                aria-invalid=move || invalid.get().to_string()
                prop:value=move || form.with(|f| get(f).map(|v| v.to_string()).unwrap_or_default())
                on:change=move |ev| match parse_optional(&event_target_value(&ev)) {
                    Ok(v) if v.is_some() || empty_ok => {
                        invalid.set(false);
                        form.update(|f| set(f, v));
                    }
                    _ => invalid.set(true),
                }
            />
            {move || invalid.get().then(|| view! { <small class="invalid">{t(lang.get(), Text::InvalidNumber)}</small> })}
        </label>
    }
}

/// A labelled select of an eligibility rule.
fn rule_select(
    form: Form,
    lang: Signal<Lang>,
    label: Text,
    id: &'static str,
    get: fn(&ScenarioForm) -> Rule,
    set: fn(&mut ScenarioForm, Rule),
) -> impl IntoView {
    let rules = [
        (Rule::Off, "off", Text::RuleOff),
        (Rule::Require, "require", Text::RuleRequire),
        (Rule::Prefer, "prefer", Text::RulePrefer),
    ];
    view! {
        <label class="field">
            <span>{move || t(lang.get(), label)}</span>
            <select
                data-testid=format!("sim-{id}")
                on:change=move |ev| {
                    let v = event_target_value(&ev);
                    if let Some((r, _, _)) = rules.iter().find(|(_, k, _)| *k == v) {
                        form.update(|f| set(f, *r));
                    }
                }
            >
                {rules
                    .into_iter()
                    .map(|(r, k, text)| {
                        view! {
                            <option value=k prop:selected=move || form.with(|f| get(f) == r)>
                                {move || t(lang.get(), text)}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </label>
    }
}

/// A labelled checkbox.
fn check(
    form: Form,
    lang: Signal<Lang>,
    label: Text,
    id: &'static str,
    get: fn(&ScenarioForm) -> bool,
    set: fn(&mut ScenarioForm, bool),
) -> impl IntoView {
    view! {
        <label class="check">
            <input
                type="checkbox"
                data-testid=format!("sim-{id}")
                prop:checked=move || form.with(get)
                on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    form.update(|f| set(f, on));
                }
            />
            <span>{move || t(lang.get(), label)}</span>
        </label>
    }
}

/// A select among the chosen strategies; `none` adds a "none" option.
fn strategy_select(
    form: Form,
    lang: Signal<Lang>,
    label: Text,
    id: &'static str,
    none: Option<Text>,
    get: fn(&ScenarioForm) -> Option<Preset>,
    set: fn(&mut ScenarioForm, Option<Preset>),
) -> impl IntoView {
    view! {
        <label class="field">
            <span>{move || t(lang.get(), label)}</span>
            <select
                data-testid=format!("sim-{id}")
                on:change=move |ev| {
                    let p = Preset::from_key(&event_target_value(&ev));
                    form.update(|f| set(f, p));
                }
            >
                {none
                    .map(|n| {
                        view! {
                            <option value="" prop:selected=move || form.with(|f| get(f).is_none())>
                                {move || t(lang.get(), n)}
                            </option>
                        }
                    })}
                {move || {
                    form.with(|f| f.strategies.clone())
                        .into_iter()
                        .map(|p| {
                            view! {
                                <option value=p.key() prop:selected=move || form.with(|f| get(f) == Some(p))>
                                    {move || p.label(lang.get())}
                                </option>
                            }
                        })
                        .collect_view()
                }}
            </select>
        </label>
    }
}

/// The progress line: the model fit, then runs done of all runs.
fn progress_text(p: &Progress, lang: Lang) -> String {
    match p.stage {
        Stage::Simulate => format!("{} / {} {}", p.done, p.total, t(lang, Text::JobsDone)),
        _ => t(lang, Text::Fitting).to_owned(),
    }
}

/// A file name from the scenario's name (letters, digits and `-` kept).
fn file_stem(name: &str) -> String {
    let stem: String = name
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect();
    format!("simulation-{}", stem.trim_matches('-'))
}

#[component]
pub fn SimulatorPage() -> impl IntoView {
    let settings = use_settings();
    let state = use_dataset();
    let lang = Signal::derive(move || settings.with(|s| s.lang));
    let kept_form = KEPT.with_borrow(|k| k.form.clone()).unwrap_or_default();
    let form: Form = RwSignal::new(kept_form);
    let running = RwSignal::new(false);
    let progress = RwSignal::new(None::<Progress>);
    let status = RwSignal::new(None::<String>);
    let dataset_id = state.id.get_untracked();
    let report = RwSignal::new(KEPT.with_borrow(|k| {
        k.report
            .as_ref()
            .filter(|(id, _)| *id == dataset_id)
            .map(|(_, r)| r.clone())
    }));
    let saved = RwSignal::new(Vec::<SavedScenario>::new());
    Effect::new(move |_| {
        let f = form.get();
        KEPT.with_borrow_mut(|k| k.form = Some(f));
    });

    let refresh_saved = move || {
        spawn_local(async move {
            match idb::list_scenarios().await {
                Ok(list) => saved.set(list),
                Err(e) => state.report(e),
            }
        });
    };
    refresh_saved();
    // A report belongs to the dataset it was run on.
    Effect::new(move |prev: Option<String>| {
        let id = state.id.get();
        if prev.is_some_and(|p| p != id) {
            report.set(None);
            KEPT.with_borrow_mut(|k| k.report = None);
        }
        id
    });

    let form_error = Memo::new(move |_| {
        form.with(|f| f.to_scenario(lang.get(), &[], 0.3).err())
            .map(|e| e.text(lang.get()))
    });

    let run = move |_| {
        let l = lang.get_untracked();
        let margin = settings.with_untracked(|s| s.margin);
        let terr = territories(state);
        let Ok(scenario) = form.with_untracked(|f| f.to_scenario(l, &terr, margin)) else {
            return;
        };
        let key = state.id.get_untracked();
        let mine = next_run();
        running.set(true);
        progress.set(None);
        status.set(None);
        spawn_local(async move {
            let result = async {
                ensure_in_worker(state, &key).await?;
                let job = Job::SimulateScenario {
                    key: key.clone(),
                    scenario: Box::new(scenario),
                };
                let on_progress = move |p| {
                    if is_latest(mine) {
                        progress.try_set(Some(p));
                    }
                };
                match worker::run(job, &[], on_progress).await? {
                    (Reply::SimulatedReport { report, .. }, _) => Ok(*report),
                    _ => Err("the worker gave an unexpected answer".to_owned()),
                }
            }
            .await;
            if !is_latest(mine) {
                return;
            }
            // The page may have been left meanwhile: its signals are then gone (`try_set`),
            // and the report waits in `KEPT` for the next visit.
            running.try_set(false);
            progress.try_set(None);
            match result {
                Ok(r) => {
                    KEPT.with_borrow_mut(|k| k.report = Some((key, r.clone())));
                    report.try_set(Some(r));
                }
                Err(e) if e == worker::CANCELLED => {
                    let l = settings.with_untracked(|s| s.lang);
                    status.try_set(Some(t(l, Text::Cancelled).to_owned()));
                }
                Err(e) => {
                    status.try_set(Some(e));
                }
            }
        });
    };
    let cancel = move |_| {
        next_run();
        worker::cancel();
        running.set(false);
        progress.set(None);
        status.set(Some(t(lang.get_untracked(), Text::Cancelled).to_owned()));
    };

    let save = move |_| {
        let l = lang.get_untracked();
        let mut f = form.get_untracked();
        f.name = saved_name(&f, l);
        form.update(|g| g.name = f.name.clone());
        let record = SavedScenario {
            id: f.name.clone(),
            saved_ms: js_sys::Date::now(),
            form: f,
        };
        spawn_local(async move {
            match idb::save_scenario(&record).await {
                Ok(()) => refresh_saved(),
                Err(e) => state.report(e),
            }
        });
    };

    let export = move |kind: &'static str| {
        let l = lang.get_untracked();
        let out = report.with_untracked(|r| {
            let r = r.as_ref()?;
            let stem = file_stem(&r.scenario);
            Some(match kind {
                "csv" => (
                    format!("{stem}.csv"),
                    "text/csv;charset=utf-8",
                    table_csv(&comparison_table(r)),
                ),
                _ => (
                    format!("{stem}.json"),
                    "application/json",
                    serde_json::to_string_pretty(r).unwrap_or_default(),
                ),
            })
        });
        let scenario = (kind == "scenario")
            .then(|| {
                let terr = territories(state);
                let margin = settings.with_untracked(|s| s.margin);
                form.with_untracked(|f| f.to_scenario(l, &terr, margin))
                    .ok()
            })
            .flatten()
            .map(|sc| {
                (
                    format!("{}-scenario.json", file_stem(&sc.name)),
                    "application/json",
                    serde_json::to_string_pretty(&sc).unwrap_or_default(),
                )
            });
        if let Some((name, mime, text)) = if kind == "scenario" { scenario } else { out }
            && let Err(e) = download(&name, mime, text.as_bytes())
        {
            state.report(e);
        }
    };

    let tr = move |k: Text| move || t(lang.get(), k);
    view! {
        <section class="page" data-testid="page-simulator">
            <h1>{move || tk(lang.get(), Key::Simulator)}</h1>
            <p class="muted">{tr(Text::Intro)}</p>
            <p class="muted">{move || tk(lang.get(), Key::DatasetLabel)} ": " {move || state.name.get()}</p>
            <div class="card" data-testid="sim-form">
                <h2>{tr(Text::Scenario)}</h2>
                <label class="field">
                    <span>{tr(Text::ScenarioName)}</span>
                    <input
                        type="text"
                        data-testid="sim-name"
                        prop:value=move || form.with(|f| f.name.clone())
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            form.update(|f| f.name = v);
                        }
                    />
                </label>
                <fieldset>
                    <legend>{tr(Text::Strategies)}</legend>
                    <div class="checks">
                        {Preset::ALL
                            .into_iter()
                            .map(|p| {
                                view! {
                                    <label class="check">
                                        <input
                                            type="checkbox"
                                            data-testid=format!("sim-strategy-{}", p.key())
                                            prop:checked=move || form.with(|f| f.strategies.contains(&p))
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                form.update(|f| f.toggle(p, on));
                                            }
                                        />
                                        <span>{move || p.label(lang.get())}</span>
                                    </label>
                                }
                            })
                            .collect_view()}
                    </div>
                    <div class="form-grid">
                        {strategy_select(form, lang, Text::Baseline, "baseline", None, |f| Some(f.baseline), |f, p| {
                            if let Some(p) = p {
                                f.baseline = p;
                            }
                        })}
                        {strategy_select(form, lang, Text::BacktestStrategy, "backtest-strategy", Some(Text::NoBacktest), |f| f.backtest, |f, p| f.backtest = p)}
                    </div>
                </fieldset>
                <fieldset>
                    <legend>{tr(Text::Eligibility)}</legend>
                    <div class="form-grid">
                        {rule_select(form, lang, Text::RegionRule, "region", |f| f.filters.region, |f, r| f.filters.region = r)}
                        {rule_select(form, lang, Text::SkillsRule, "skills", |f| f.filters.skills, |f, r| f.filters.skills = r)}
                        {number_input(form, lang, Text::MaxLoadRatio, "max-load", true, |f| f.filters.max_load_ratio, |f, v| f.filters.max_load_ratio = v)}
                        {number_input(form, lang, Text::LoadPenalty, "load-penalty", false, |f| Some(f.load_penalty), |f, v| f.load_penalty = v.unwrap_or(0.0))}
                        {number_input(form, lang, Text::BatchHours, "batch-hours", false, |f| Some(f.batch_hours), |f, v| f.batch_hours = v.unwrap_or(4.0).max(1.0))}
                    </div>
                    <div class="checks">
                        {check(form, lang, Text::CapacityFilter, "capacity", |f| f.filters.capacity, |f, on| f.filters.capacity = on)}
                        {check(form, lang, Text::DailyQuotaFilter, "daily-quota", |f| f.filters.daily_quota, |f, on| f.filters.daily_quota = on)}
                    </div>
                </fieldset>
                <fieldset>
                    <legend>{tr(Text::Policy)}</legend>
                    <p class="muted">{tr(Text::EmptyIsOff)}</p>
                    <div class="form-grid">
                        {number_input(form, lang, Text::NoFollowUpDays, "no-follow-up", true, |f| f.policy.no_follow_up_days, |f, v| f.policy.no_follow_up_days = v)}
                        {number_input(form, lang, Text::NoDealDays, "no-deal", true, |f| f.policy.no_deal_days, |f, v| f.policy.no_deal_days = v)}
                        {number_input(form, lang, Text::ProtectionDays, "protection", true, |f| f.policy.protection_days, |f, v| f.policy.protection_days = v)}
                        {number_input(form, lang, Text::ProtectionExtensionDays, "protection-extension", true, |f| f.policy.protection_extension_days, |f, v| f.policy.protection_extension_days = v)}
                        {number_input(form, lang, Text::ProtectionMaxDays, "protection-max", true, |f| f.policy.protection_max_days, |f, v| f.policy.protection_max_days = v)}
                        {number_input(form, lang, Text::HoldingCap, "holding-cap", true, |f| f.policy.holding_cap.map(f64::from), |f, v| f.policy.holding_cap = v.map(|v| v as u32))}
                        {number_input(form, lang, Text::DailyClaimLimit, "claim-limit", true, |f| f.policy.daily_claim_limit.map(f64::from), |f, v| f.policy.daily_claim_limit = v.map(|v| v as u32))}
                        {number_input(form, lang, Text::CooldownDays, "cooldown", true, |f| f.policy.cooldown_days, |f, v| f.policy.cooldown_days = v)}
                        {number_input(form, lang, Text::ReminderDays, "reminder", true, |f| f.policy.reminder_days, |f, v| f.policy.reminder_days = v)}
                        {number_input(form, lang, Text::PoolDispatchDays, "dispatch", false, |f| Some(f.policy.pool_dispatch_days), |f, v| f.policy.pool_dispatch_days = v.unwrap_or(0.0))}
                        {number_input(form, lang, Text::MaxReclaims, "max-reclaims", true, |f| f.policy.max_reclaims_per_lead.map(f64::from), |f, v| f.policy.max_reclaims_per_lead = v.map(|v| v as u32))}
                    </div>
                    <div class="checks">
                        {check(form, lang, Text::ExemptWon, "exempt-won", |f| f.policy.exempt.won, |f, on| f.policy.exempt.won = on)}
                        {check(form, lang, Text::ExemptLocked, "exempt-locked", |f| f.policy.exempt.locked, |f, on| f.policy.exempt.locked = on)}
                        {check(form, lang, Text::ExemptOpen, "exempt-open", |f| f.policy.exempt.open_opportunity, |f, on| f.policy.exempt.open_opportunity = on)}
                    </div>
                </fieldset>
                <fieldset>
                    <legend>{tr(Text::RunsAndSeed)}</legend>
                    <div class="form-grid">
                        {number_input(form, lang, Text::Runs, "runs", false, |f| Some(f64::from(f.runs)), |f, v| f.runs = v.unwrap_or(1.0).clamp(1.0, 500.0) as u32)}
                        {number_input(form, lang, Text::Seed, "seed", false, |f| Some(f.seed as f64), |f, v| f.seed = v.unwrap_or(0.0) as u64)}
                    </div>
                    {check(form, lang, Text::SyntheticStream, "synthetic", |f| f.synthetic, |f, on| f.synthetic = on)}
                </fieldset>
                <fieldset>
                    <legend>{tr(Text::Sweep)}</legend>
                    {check(form, lang, Text::SweepOn, "sweep-on", |f| f.sweep.is_some(), |f, on| {
                        f.sweep = on.then(|| SweepForm {
                            strategy: f.baseline,
                            ..ScenarioForm::default().sweep.unwrap_or(SweepForm {
                                parameter: reallot_core::sim::SweepParameter::NoFollowUpDays,
                                strategy: f.baseline,
                                values: vec![3.0, 7.0, 14.0, 30.0],
                            })
                        });
                    })}
                    {move || form.with(|f| f.sweep.is_some()).then(|| view! { <SweepFields form lang /> })}
                </fieldset>
                <div class="row">
                    <button
                        class="primary"
                        data-testid="sim-run"
                        disabled=move || running.get() || form_error.get().is_some()
                        on:click=run
                    >
                        {tr(Text::Run)}
                    </button>
                    {move || running.get().then(|| view! {
                        <button data-testid="sim-cancel" on:click=cancel>{move || tk(lang.get(), Key::Cancel)}</button>
                    })}
                    {move || form_error.get().map(|e| view! { <span class="error" data-testid="sim-form-error">{e}</span> })}
                </div>
                {move || running.get().then(|| {
                    let p = progress.get();
                    let (done, total) = p.as_ref().map_or((0, 1), |p| (p.done, p.total.max(1)));
                    let label = p.as_ref().map_or_else(|| t(lang.get(), Text::Fitting).to_owned(), |p| progress_text(p, lang.get()));
                    view! {
                        <div class="row" data-testid="sim-running">
                            <progress data-testid="sim-progress" max=total value=done aria-label=label.clone()></progress>
                            <span data-testid="sim-progress-text">{label}</span>
                        </div>
                    }
                })}
                {move || status.get().map(|s| view! { <p class="notice" role="status" data-testid="sim-status">{s}</p> })}
            </div>
            <div class="card" data-testid="sim-saved">
                <h2>{tr(Text::SavedScenarios)}</h2>
                <div class="row">
                    <button data-testid="sim-save" on:click=save>{tr(Text::SaveScenario)}</button>
                    <button data-testid="sim-export-scenario" disabled=move || form_error.get().is_some() on:click=move |_| export("scenario")>
                        {tr(Text::ExportScenario)}
                    </button>
                </div>
                {move || {
                    let list = saved.get();
                    if list.is_empty() {
                        return view! { <p class="muted">{tr(Text::NoneSaved)}</p> }.into_any();
                    }
                    view! {
                        <table class="table">
                            <tbody>
                                {list
                                    .into_iter()
                                    .map(|s| {
                                        let (id, f) = (s.id.clone(), s.form.clone());
                                        view! {
                                            <tr data-testid=format!("sim-saved-{}", s.id)>
                                                <td>{s.id.clone()}</td>
                                                <td class="actions">
                                                    <button data-testid="sim-load" on:click=move |_| {
                                                        form.set(f.clone());
                                                    }>{tr(Text::Load)}</button>
                                                    " "
                                                    <button data-testid="sim-delete" on:click=move |_| {
                                                        let id = id.clone();
                                                        spawn_local(async move {
                                                            match idb::delete_scenario(&id).await {
                                                                Ok(()) => refresh_saved(),
                                                                Err(e) => state.report(e),
                                                            }
                                                        });
                                                    }>{move || tk(lang.get(), Key::Delete)}</button>
                                                </td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    }
                    .into_any()
                }}
            </div>
            {move || report.with(|r| r.as_ref().map(|r| view! { <Results report=r.clone() lang export /> }))}
        </section>
    }
}

/// The sweep's parameter, strategy and values.
#[component]
fn SweepFields(form: Form, lang: Signal<Lang>) -> impl IntoView {
    let invalid = RwSignal::new(false);
    view! {
        <div class="form-grid">
            <label class="field">
                <span>{move || t(lang.get(), Text::SweepParameter)}</span>
                <select
                    data-testid="sim-sweep-parameter"
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        if let Some(p) = SWEEP_PARAMETERS.into_iter().find(|p| parameter_key(*p) == v) {
                            form.update(|f| {
                                if let Some(s) = f.sweep.as_mut() {
                                    s.parameter = p;
                                }
                            });
                        }
                    }
                >
                    {SWEEP_PARAMETERS
                        .into_iter()
                        .map(|p| view! {
                            <option value=parameter_key(p) prop:selected=move || form.with(|f| f.sweep.as_ref().is_some_and(|s| s.parameter == p))>
                                {move || parameter_label(p, chart_lang(lang.get()))}
                            </option>
                        })
                        .collect_view()}
                </select>
            </label>
            {strategy_select(form, lang, Text::SweepStrategy, "sweep-strategy", None, |f| f.sweep.as_ref().map(|s| s.strategy), |f, p| {
                if let (Some(s), Some(p)) = (f.sweep.as_mut(), p) {
                    s.strategy = p;
                }
            })}
            <label class="field">
                <span>{move || t(lang.get(), Text::SweepValues)}</span>
                <input
                    type="text"
                    data-testid="sim-sweep-values"
                    aria-invalid=move || invalid.get().to_string()
                    prop:value=move || form.with(|f| f.sweep.as_ref().map(|s| format_values(&s.values)).unwrap_or_default())
                    on:change=move |ev| match parse_values(&event_target_value(&ev)) {
                        Ok(values) => {
                            invalid.set(false);
                            form.update(|f| {
                                if let Some(s) = f.sweep.as_mut() {
                                    s.values = values;
                                }
                            });
                        }
                        Err(_) => invalid.set(true),
                    }
                />
                {move || invalid.get().then(|| view! { <small class="invalid">{t(lang.get(), Text::InvalidNumber)}</small> })}
            </label>
        </div>
    }
}

/// A finished run: the backtest verdict, the comparison with its exports, and the charts.
#[component]
fn Results(
    report: SimReport,
    lang: Signal<Lang>,
    export: impl Fn(&'static str) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let settings = use_settings();
    let currency = move || settings.with(|s| s.currency.clone());
    let backtest = report.backtest.clone();
    let names: Vec<String> = report.strategies.iter().map(|s| s.name.clone()).collect();
    let baseline = report.baseline.clone();
    let grid_report = report.clone();
    let charts_report = report;
    view! {
        <div class="card" data-testid="sim-results">
            <h2>{move || t(lang.get(), Text::Results)}</h2>
            {match backtest {
                Some(b) => {
                    let passed = backtest_passed(&b);
                    view! {
                        <div class=if passed { "verdict pass" } else { "verdict fail" } data-testid="sim-backtest" data-passed=passed.to_string() role="status">
                            <strong>
                                {move || t(lang.get(), Text::BacktestTitle)} ": "
                                {move || t(lang.get(), if passed { Text::BacktestPassed } else { Text::BacktestFailed })}
                            </strong>
                            <p>{move || backtest_text(&b, lang.get(), &currency())}</p>
                        </div>
                    }
                    .into_any()
                }
                None => view! { <p class="muted" data-testid="sim-backtest">{move || t(lang.get(), Text::NoBacktestRun)}</p> }.into_any(),
            }}
            <h3>{move || t(lang.get(), Text::Comparison)}</h3>
            <div class="scroll">
                <table class="table wide comparison" data-testid="sim-comparison">
                    <thead>
                        <tr>
                            <th scope="col">{move || t(lang.get(), Text::Outcome)}</th>
                            {names
                                .into_iter()
                                .map(|n| {
                                    let is_base = n == baseline;
                                    view! {
                                        <th scope="col" class="num">
                                            {n}
                                            {is_base.then(|| view! { <div class="muted small">{move || t(lang.get(), Text::IsBaseline)}</div> })}
                                        </th>
                                    }
                                })
                                .collect_view()}
                        </tr>
                    </thead>
                    <tbody>
                        {move || {
                            comparison_grid(&grid_report, &currency())
                                .into_iter()
                                .map(|row| {
                                    let m: Metric = row.metric;
                                    view! {
                                        <tr data-testid=format!("sim-row-{}", m.key())>
                                            <th scope="row">{move || m.label(chart_lang(lang.get()))}</th>
                                            {row
                                                .cells
                                                .into_iter()
                                                .map(|c| {
                                                    let class = match c.better {
                                                        Some(true) => "good small",
                                                        Some(false) => "bad small",
                                                        None => "muted small",
                                                    };
                                                    view! {
                                                        <td class="num">
                                                            <div>{c.mean}</div>
                                                            <div class="muted small">{c.interval}</div>
                                                            {c.uplift.map(|u| view! { <div class=class>"Δ " {u}</div> })}
                                                        </td>
                                                    }
                                                })
                                                .collect_view()}
                                        </tr>
                                    }
                                })
                                .collect_view()
                        }}
                    </tbody>
                </table>
            </div>
            <div class="row">
                <button data-testid="sim-export-csv" on:click=move |_| export("csv")>{move || tk(lang.get(), Key::ExportCsv)}</button>
                <button data-testid="sim-export-json" on:click=move |_| export("json")>{move || t(lang.get(), Text::ExportJson)}</button>
            </div>
        </div>
        <div class="charts">
            {move || reallot_charts::sim::all(&charts_report, chart_lang(lang.get())).into_iter().map(|chart| view! { <ChartFigure chart /> }).collect_view()}
        </div>
    }
}

/// The active dataset's territories as the worker reported them (none before it has opened it).
fn territories(state: DatasetState) -> Vec<Territory> {
    state.summary.with_untracked(|s| {
        s.as_ref()
            .map(|s| s.territories.clone())
            .unwrap_or_default()
    })
}
