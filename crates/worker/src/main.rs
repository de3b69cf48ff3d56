//! The Web Worker's entry point: answers the page's [`Request`]s by running [`jobs`] and posts
//! progress and results back. Trunk builds it (`data-type="worker"`) as `reallot-worker.js` +
//! `reallot-worker_bg.wasm`; the page starts it through `assets/worker-boot.js`, which loads
//! both and keeps the requests that come before `main` has set the handler.

use reallot_core::model::Timestamp;
use reallot_worker::jobs::{self, Session};
use reallot_worker::protocol::{DEMO_KEY, DEMO_QUERY, DEMO_SEED, Job, JobError, Reply, Request};
use reallot_worker::wire::{pack, unpack};
use std::cell::RefCell;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

fn post(scope: &DedicatedWorkerGlobalScope, reply: &Reply, bytes: &[&[u8]]) {
    // A message that cannot be packed or posted leaves the page waiting; it can then cancel.
    if let Ok(out) = pack(reply, bytes) {
        let _ = scope.post_message_with_transfer(&out.data, &out.transfer);
    }
}

thread_local! {
    static SESSION: RefCell<Session> = RefCell::new(Session::default());
}

fn failed_or(id: u32, result: Result<Reply, String>) -> Reply {
    result.unwrap_or_else(|error| Reply::Failed { id, error })
}

fn handle(scope: &DedicatedWorkerGlobalScope, ev: &MessageEvent) {
    let (request, bytes) = match unpack::<Request>(&ev.data()) {
        Ok(r) => r,
        Err(error) => {
            post(scope, &Reply::Failed { id: 0, error }, &[]);
            return;
        }
    };
    let id = request.id;
    match request.job {
        Job::Read { name, opts } => {
            let reply = match bytes.first() {
                Some(b) => match jobs::read(&name, b, &opts) {
                    Ok(file) => Reply::Read { id, file },
                    Err(error) => Reply::Refused { id, error },
                },
                None => Reply::Refused {
                    id,
                    error: JobError::NoBytes { file: name },
                },
            };
            post(scope, &reply, &[]);
        }
        Job::Import { files, as_of } => {
            SESSION.with_borrow_mut(|s| s.set_imported(None));
            let mut progress = |progress| post(scope, &Reply::Progress { id, progress }, &[]);
            match jobs::import(&files, &bytes, Timestamp(as_of), &mut progress) {
                Ok(out) => {
                    post(
                        scope,
                        &Reply::Imported {
                            id,
                            summary: out.summary,
                        },
                        &[&out.bytes],
                    );
                    SESSION.with_borrow_mut(|s| s.set_imported(Some(out.dataset)));
                }
                Err(error) => post(scope, &Reply::Refused { id, error }, &[]),
            }
        }
        Job::HoldImported { key } => {
            let reply = failed_or(
                id,
                SESSION
                    .with_borrow_mut(|s| s.hold_imported(&key))
                    .map(|summary| Reply::Opened { id, key, summary }),
            );
            post(scope, &reply, &[]);
        }
        Job::Open { key } => {
            let reply = match bytes.first() {
                Some(b) => failed_or(
                    id,
                    SESSION
                        .with_borrow_mut(|s| s.open(&key, b))
                        .map(|summary| Reply::Opened { id, key, summary }),
                ),
                None => Reply::Failed {
                    id,
                    error: format!("dataset {key}: no bytes sent"),
                },
            };
            post(scope, &reply, &[]);
        }
        Job::OpenDemo { key, seed } => {
            let summary = SESSION.with_borrow_mut(|s| s.open_demo(&key, seed));
            post(scope, &Reply::Opened { id, key, summary }, &[]);
        }
        Job::Overview {
            key,
            config,
            window_days,
        } => {
            let reply = SESSION.with_borrow(|s| s.overview(&key, &config, window_days));
            let reply = failed_or(id, reply.map(|numbers| Reply::Overview { id, numbers }));
            post(scope, &reply, &[]);
        }
        Job::ActiveCustomers {
            key,
            config,
            window_days,
        } => {
            let reply = SESSION.with_borrow(|s| s.active_customers(&key, &config, window_days));
            let reply = failed_or(
                id,
                reply.map(|expected_alive| Reply::ActiveCustomers { id, expected_alive }),
            );
            post(scope, &reply, &[]);
        }
        Job::Charts {
            key,
            page,
            config,
            window_days,
            lang,
        } => {
            let reply = SESSION.with_borrow(|s| s.charts(&key, page, &config, window_days, lang));
            let reply = failed_or(id, reply.map(|charts| Reply::Charts { id, charts }));
            post(scope, &reply, &[]);
        }
        Job::RepView {
            key,
            rep,
            config,
            window_days,
        } => {
            let reply = SESSION.with_borrow(|s| s.rep_view(&key, &rep, &config, window_days));
            let reply = failed_or(id, reply.map(|view| Reply::RepView { id, view }));
            post(scope, &reply, &[]);
        }
        Job::Simulate { key, scenario } => {
            let mut progress = |progress| post(scope, &Reply::Progress { id, progress }, &[]);
            let reply = SESSION.with_borrow(|s| s.simulate(&key, &scenario, &mut progress));
            let reply = failed_or(
                id,
                reply.map(|report_json| Reply::Simulated { id, report_json }),
            );
            post(scope, &reply, &[]);
        }
        Job::SimulateScenario { key, scenario } => {
            let mut progress = |progress| post(scope, &Reply::Progress { id, progress }, &[]);
            let reply =
                SESSION.with_borrow(|s| s.simulate_scenario(&key, &scenario, &mut progress));
            let reply = failed_or(
                id,
                reply.map(|report| Reply::SimulatedReport {
                    id,
                    report: Box::new(report),
                }),
            );
            post(scope, &reply, &[]);
        }
    }
}

fn main() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let inner = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
        handle(&inner, &ev);
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    // Started to show the demo first: build it now, while the page is still compiling its own
    // wasm; the page's `OpenDemo`, queued meanwhile, then finds it held.
    if scope.location().search() == DEMO_QUERY {
        SESSION.with_borrow_mut(|s| s.open_demo(DEMO_KEY, DEMO_SEED));
    }
}
