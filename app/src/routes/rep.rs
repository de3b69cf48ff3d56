//! The rep view (tablet first): "I am rep X", then today's suggested visits, my open leads by
//! expected value with their reclaim countdown, my customers due to reorder and those at
//! risk. The worker computes it ([`reallot_core::repview::rep_view`]); user strings (ids,
//! names) are text nodes.

use crate::i18n::{Key, t};
use crate::repview::{
    Urgency, countdown, cycle, money_short, percent, reason, reorder_due, since_last, store_rep,
    stored_rep,
};
use crate::settings::use_settings;
use crate::state::{ensure_in_worker, use_dataset};
use crate::worker;
use leptos::prelude::*;
use leptos::task::spawn_local;
use reallot_core::repview::{RepView, RepViewConfig};
use reallot_worker::protocol::{Job, Reply};

#[component]
pub fn RepPage() -> impl IntoView {
    let state = use_dataset();
    let settings = use_settings();
    let lang = move || settings.with(|s| s.lang);
    let label = move |k: Key| move || t(lang(), k);
    let rep = RwSignal::new(stored_rep());
    let view_of = RwSignal::new(None::<RepView>);
    let failure = RwSignal::new(None::<String>);
    // Ask the worker again whenever the dataset, the rep or the definitions change.
    Effect::new(move |_| {
        let key = state.id.get();
        let rep = rep.get();
        let (window_days, overdue_k) =
            settings.with(|s| (i64::from(s.window_days), s.overdue_factor));
        if state.loading.get() {
            return;
        }
        spawn_local(async move {
            let job = Job::RepView {
                key: key.clone(),
                rep,
                config: Box::new(RepViewConfig {
                    overdue_k,
                    ..RepViewConfig::default()
                }),
                window_days,
            };
            let reply = async {
                ensure_in_worker(state, &key).await?;
                match worker::run(job, &[], |_| {}).await?.0 {
                    Reply::RepView { view, .. } => Ok(view),
                    _ => Err("the worker gave an unexpected answer".to_owned()),
                }
            }
            .await;
            match reply {
                Ok(v) => {
                    failure.set(None);
                    view_of.set(Some(v));
                }
                Err(e) if e == worker::CANCELLED => {}
                Err(e) => failure.set(Some(e)),
            }
        });
    });
    let money = move |minor: i64| settings.with(|s| money_short(s.lang, &s.currency, minor));
    let choices = move || view_of.with(|v| v.as_ref().map(|v| v.reps.clone()).unwrap_or_default());
    view! {
        <section class="page rep" data-testid="page-rep">
            <h1>{label(Key::RepView)}</h1>
            <label class="rep-pick">
                <span>{label(Key::RepPick)}</span>
                <select
                    data-testid="rep-pick"
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        store_rep(&v);
                        rep.set(v);
                    }
                    prop:value=move || {
                        choices();
                        rep.get()
                    }
                >
                    <option value="">{label(Key::RepPickPrompt)}</option>
                    {move || {
                        choices()
                            .into_iter()
                            .map(|r| {
                                let text = match &r.name {
                                    Some(n) => format!("{n} ({})", r.rep_id),
                                    None => r.rep_id.clone(),
                                };
                                let selected = rep.with_untracked(|x| *x == r.rep_id);
                                view! { <option value=r.rep_id selected=selected>{text}</option> }
                            })
                            .collect_view()
                    }}
                </select>
            </label>
            {move || failure.get().map(|e| view! { <p class="error" data-testid="rep-error">{e}</p> })}
            {move || match view_of.get() {
                None => view! { <p class="muted">{label(Key::Computing)}</p> }.into_any(),
                Some(v) if !v.known => {
                    let hint = if v.rep.is_empty() { Key::RepPickHint } else { Key::RepUnknown };
                    view! { <p class="rep-hint" data-testid="rep-hint">{label(hint)}</p> }.into_any()
                }
                Some(v) => view! { <RepBody v money /> }.into_any(),
            }}
        </section>
    }
}

/// The four lists of a known rep.
#[component]
fn RepBody(
    v: RepView,
    money: impl Fn(i64) -> String + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let settings = use_settings();
    let lang = move || settings.with(|s| s.lang);
    let label = move |k: Key| move || t(lang(), k);
    let empty = move || view! { <p class="muted">{label(Key::NothingToday)}</p> };
    let RepView {
        as_of,
        visits,
        leads,
        open_leads,
        reorder,
        reorder_count,
        at_risk,
        at_risk_count,
        ..
    } = v;
    view! {
        <p class="muted">{label(Key::AsOfDate)} " " {as_of.date_string()}</p>
        <div class="rep-grid">
            <section class="card" data-testid="rep-visits">
                <h2>{label(Key::VisitList)}</h2>
                {visits.is_empty().then(empty)}
                <ol class="rep-list">
                    {visits
                        .into_iter()
                        .map(|x| {
                            let title = x.name.clone().unwrap_or_else(|| x.id.clone());
                            let sub = x.name.is_some().then(|| x.id.clone());
                            view! {
                                <li class="rep-item" data-testid="rep-visit" data-stake=x.at_stake>
                                    <div class="rep-title">{title}</div>
                                    <div class="rep-meta">
                                        {sub.map(|s| view! { <span class="muted">{s}</span> })}
                                        {x.reasons
                                            .iter()
                                            .map(|r| {
                                                let r = *r;
                                                view! { <span class="chip">{move || reason(lang(), r)}</span> }
                                            })
                                            .collect_view()}
                                        <span class="rep-money">{label(Key::AtStake)} " " {let v = x.at_stake; move || money(v)}</span>
                                    </div>
                                </li>
                            }
                        })
                        .collect_view()}
                </ol>
            </section>
            <section class="card" data-testid="rep-leads">
                <h2>{label(Key::MyOpenLeads)} " (" {open_leads} ")"</h2>
                {leads.is_empty().then(empty)}
                <ol class="rep-list">
                    {leads
                        .into_iter()
                        .map(|l| {
                            let urgency = Urgency::of(l.reclaim_in_secs);
                            let secs = l.reclaim_in_secs;
                            view! {
                                <li
                                    class="rep-item"
                                    data-testid="rep-lead"
                                    data-ev=l.expected_value
                                    data-secs=secs.map(|s| s.to_string())
                                >
                                    <div class="rep-title">
                                        {l.lead_id}
                                        {l.customer.map(|c| view! { <span class="rep-sub">" · " {c}</span> })}
                                    </div>
                                    <div class="rep-meta">
                                        <span class=urgency.class() data-testid="rep-countdown">
                                            {move || countdown(lang(), secs)}
                                        </span>
                                        <span>{label(Key::WinChance)} " " {percent(l.p_win)}</span>
                                        <span class="rep-money">{label(Key::ExpectedValue)} " " {let v = l.expected_value; move || money(v)}</span>
                                        <span class="muted">{l.stage}</span>
                                    </div>
                                </li>
                            }
                        })
                        .collect_view()}
                </ol>
            </section>
            <section class="card" data-testid="rep-reorder">
                <h2>{label(Key::ReorderList)} " (" {reorder_count} ")"</h2>
                {reorder.is_empty().then(empty)}
                <ol class="rep-list">
                    {reorder
                        .into_iter()
                        .map(|c| {
                            let title = c.name.clone().unwrap_or_else(|| c.customer_id.clone());
                            let (days, cyc) = (c.days_until, c.cycle_days);
                            let class = if c.overdue { "badge overdue" } else { "badge soon" };
                            view! {
                                <li class="rep-item" data-testid="rep-reorder-item" data-ratio=c.overdue_ratio>
                                    <div class="rep-title">{title}</div>
                                    <div class="rep-meta">
                                        <span class=class>{move || reorder_due(lang(), days)}</span>
                                        <span>{move || cycle(lang(), cyc)}</span>
                                        <span class="rep-money">{label(Key::AverageOrder)} " " {let v = c.average_order; move || money(v)}</span>
                                    </div>
                                </li>
                            }
                        })
                        .collect_view()}
                </ol>
            </section>
            <section class="card" data-testid="rep-at-risk">
                <h2>{label(Key::AtRiskList)} " (" {at_risk_count} ")"</h2>
                {at_risk.is_empty().then(empty)}
                <ol class="rep-list">
                    {at_risk
                        .into_iter()
                        .map(|c| {
                            let title = c.name.clone().unwrap_or_else(|| c.customer_id.clone());
                            let since = c.days_since_last;
                            view! {
                                <li class="rep-item" data-testid="rep-at-risk-item">
                                    <div class="rep-title">{title}</div>
                                    <div class="rep-meta">
                                        <span class="badge soon">{move || since_last(lang(), since)}</span>
                                        {c.p_alive.map(|p| view! { <span>{label(Key::AliveChance)} " " {percent(p)}</span> })}
                                        {match c.clv {
                                            Some(v) => view! { <span class="rep-money">"CLV " {move || money(v)}</span> }.into_any(),
                                            None => view! {
                                                <span class="rep-money">{label(Key::LastYear)} " " {let v = c.revenue_last_year; move || money(v)}</span>
                                            }.into_any(),
                                        }}
                                    </div>
                                </li>
                            }
                        })
                        .collect_view()}
                </ol>
            </section>
        </div>
    }
}
