//! App-wide state in context: the active dataset and the stored datasets list.
//!
//! The page holds no copy of the active dataset: the worker holds it (it measures and
//! simulates there) and sends back what the page shows of it, a [`DatasetSummary`]. The
//! built-in demo dataset is virtual: the worker rebuilds it from [`DEMO_SEED`] whenever no
//! stored dataset is active (first visit, or after the active one was deleted), so it costs
//! no storage and no download. The active dataset id survives reloads in localStorage.

use crate::filters::use_filters;
use crate::i18n::Lang;
use crate::settings::{stored_lang, use_settings};
use crate::storage::{DEMO_ID, DatasetMeta, idb, open_error_message, unreadable_message};
use crate::worker;
use gloo_storage::{LocalStorage, Storage};
use js_sys::{Function, Promise};
use leptos::prelude::*;
use leptos::task::spawn_local;
use reallot_core::metrics::MeasureConfig;
use reallot_worker::protocol::{Job, Reply};
use reallot_worker::summary::DatasetSummary;
use std::cell::RefCell;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

/// The seed of the built-in demo dataset, so every visitor sees the same demo organisation.
pub use reallot_worker::protocol::DEMO_SEED;

/// localStorage key of the active dataset id.
const ACTIVE_KEY: &str = "reallot.active";

/// The dataset every page reads, and the stored datasets.
#[derive(Clone, Copy)]
pub struct DatasetState {
    pub id: RwSignal<String>,
    pub name: RwSignal<String>,
    /// What the worker reported of the active dataset; `None` until it has opened it.
    pub summary: RwSignal<Option<DatasetSummary>>,
    pub stored: RwSignal<Vec<DatasetMeta>>,
    /// Storage problems not yet dismissed, oldest first.
    pub errors: RwSignal<Vec<String>>,
    /// Names of imports a closed tab cut short (found in the journal at start).
    pub interrupted: RwSignal<Vec<String>>,
    /// Bytes used and available, as reported by the browser.
    pub estimate: RwSignal<Option<(f64, f64)>>,
    pub persisted: RwSignal<Option<bool>>,
    /// A stored dataset is being opened at start (the demo is not shown meanwhile).
    pub loading: RwSignal<bool>,
}

pub fn provide_dataset() {
    let active = LocalStorage::get::<String>(ACTIVE_KEY)
        .ok()
        .filter(|id| id != DEMO_ID);
    let state = DatasetState {
        id: RwSignal::new(DEMO_ID.to_owned()),
        name: RwSignal::new("demo".to_owned()),
        summary: RwSignal::new(None),
        stored: RwSignal::new(Vec::new()),
        errors: RwSignal::new(Vec::new()),
        interrupted: RwSignal::new(Vec::new()),
        estimate: RwSignal::new(None),
        persisted: RwSignal::new(None),
        loading: RwSignal::new(active.is_some()),
    };
    provide_context(state);
    // The worker opens the active dataset as soon as it is known — on a first visit before
    // the first paint — so that it starts, compiles and builds the demo while the page renders.
    Effect::new(move |_| {
        let key = state.id.get();
        if state.loading.get() {
            return;
        }
        spawn_local(async move {
            if let Err(e) = ensure_in_worker(state, &key).await
                && e != worker::CANCELLED
            {
                state.report(e);
            }
        });
    });
    spawn_local(async move {
        // With the demo shown first, storage can wait until the worker has answered the first
        // screen: its reads would otherwise run on the page between the first render and the
        // worker's answers.
        if active.is_none() {
            worker::after_first_answers().await;
        }
        match idb::take_interrupted().await {
            Ok(cut) => state
                .interrupted
                .set(cut.into_iter().map(|p| p.name).collect()),
            Err(e) => state.report(e),
        }
        refresh(state).await;
        if let Some(id) = active
            && let Err(e) = open_stored(state, &id).await
        {
            state.report(e);
            show_demo(state);
        }
        // Only a change re-runs the pages' worker jobs.
        if state.loading.get_untracked() {
            state.loading.set(false);
        }
        state.persisted.set(Some(idb::request_persistence().await));
    });
}

impl DatasetState {
    /// `f` of what the worker reported of the active dataset (tracked), or the empty value
    /// before it has reported.
    pub fn summarised<T: Default>(&self, f: impl FnOnce(&DatasetSummary) -> T) -> T {
        self.summary.with(|s| s.as_ref().map(f).unwrap_or_default())
    }

    /// Shows a storage problem to the user (once, however often it recurs).
    pub fn report(&self, message: String) {
        self.errors.update(|all| {
            if !all.contains(&message) {
                all.push(message);
            }
        });
    }
}

pub fn use_dataset() -> DatasetState {
    expect_context::<DatasetState>()
}

/// Reloads the stored datasets list and the storage estimate.
pub async fn refresh(state: DatasetState) {
    match idb::list().await {
        Ok((list, unreadable)) => {
            state.stored.set(list);
            if unreadable > 0 {
                state.report(unreadable_message(stored_lang(), unreadable));
            }
        }
        Err(e) => state.report(e),
    }
    state.estimate.set(idb::estimate().await);
}

/// Switches to the demo dataset (the worker rebuilds it).
pub fn show_demo(state: DatasetState) {
    set_active(state, DEMO_ID, "demo", None);
}

/// Makes a stored dataset the active one (after an import or a restore stored it), with the
/// worker's summary when the worker holds it already; otherwise the worker reads it from
/// IndexedDB when a page first needs it.
pub fn activate(state: DatasetState, meta: &DatasetMeta, summary: Option<DatasetSummary>) {
    set_active(state, &meta.id, &meta.name, summary);
}

fn set_active(state: DatasetState, id: &str, name: &str, summary: Option<DatasetSummary>) {
    if summary.is_some() || state.id.get_untracked() != id {
        state.summary.set(summary);
    }
    state.id.set(id.to_owned());
    state.name.set(name.to_owned());
    let _ = LocalStorage::set(ACTIVE_KEY, id);
}

/// Has the worker open a stored dataset from IndexedDB and makes it active; a damaged one is
/// named in the error and left stored, and the active dataset stays as it was.
pub async fn open_stored(state: DatasetState, id: &str) -> Result<(), String> {
    let meta = state
        .stored
        .get_untracked()
        .into_iter()
        .find(|m| m.id == id)
        .ok_or_else(|| format!("dataset {id} is not stored"))?;
    let fail = |detail: String| open_error_message(stored_lang(), &meta.name, &detail);
    let bytes = idb::load_bytes(id).await.map_err(fail)?;
    let summary = worker::open(id, worker::Source::Bytes(&bytes))
        .await
        .map_err(fail)?;
    activate(state, &meta, Some(summary));
    Ok(())
}

/// Makes the worker hold the dataset `key` (it measures and simulates there): the demo is
/// rebuilt by the worker, a stored dataset is read from IndexedDB and sent once. The worker's
/// summary of it becomes the page's while `key` is the active dataset.
pub async fn ensure_in_worker(state: DatasetState, key: &str) -> Result<(), String> {
    if worker::holds(key) {
        return Ok(());
    }
    let summary = if key == DEMO_ID {
        worker::open(key, worker::Source::Demo(DEMO_SEED)).await?
    } else {
        // Another caller is reading this dataset from storage: once it has sent it, the
        // worker runs this caller's jobs after the open, so waiting is enough.
        if let Some(sent) = Reading::of(key) {
            let _ = JsFuture::from(sent).await;
            return if worker::holds(key) {
                Ok(())
            } else {
                Err(worker::CANCELLED.to_owned())
            };
        }
        let reading = Reading::start(key);
        let bytes = idb::load_bytes(key).await;
        // `open` counts the dataset as held as soon as it is called.
        let open = bytes
            .as_deref()
            .map(|b| worker::open(key, worker::Source::Bytes(b)));
        drop(reading);
        open.map_err(Clone::clone)?.await?
    };
    if state.id.get_untracked() == key {
        state.summary.set(Some(summary));
    }
    Ok(())
}

thread_local! {
    /// The stored datasets being read for the worker, each with a promise that settles once it
    /// has been sent (or the read failed).
    static READING: RefCell<Vec<(String, Promise, Function)>> = const { RefCell::new(Vec::new()) };
}

/// One caller's read of a stored dataset for the worker: two pages' jobs asking at once (after
/// a cancel emptied the worker) read and send it once, not twice.
struct Reading(String);

impl Reading {
    /// The promise of a read of `key` under way, if there is one.
    fn of(key: &str) -> Option<Promise> {
        READING.with_borrow(|r| r.iter().find(|(k, ..)| k == key).map(|(_, p, _)| p.clone()))
    }

    fn start(key: &str) -> Reading {
        let mut resolve = None;
        let promise = Promise::new(&mut |res, _| resolve = Some(res));
        if let Some(resolve) = resolve {
            READING.with_borrow_mut(|r| r.push((key.to_owned(), promise, resolve)));
        }
        Reading(key.to_owned())
    }
}

impl Drop for Reading {
    /// The read is over (sent or failed): callers waiting on it go on.
    fn drop(&mut self) {
        let done = READING.with_borrow_mut(|r| {
            r.iter()
                .position(|(k, ..)| *k == self.0)
                .map(|i| r.swap_remove(i))
        });
        if let Some((_, _, resolve)) = done {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        }
    }
}

/// Asks the worker for `job(key, config, window_days, lang)` on the active dataset whenever the
/// dataset, the filters or the settings change, so the page never blocks on measuring. The
/// first signal holds the latest answer `pick` takes from the reply, the second the latest
/// failure. Replies come back in request order, so the answer shown is the latest filters'.
pub fn watch_in_worker<T: Send + Sync + 'static>(
    job: impl Fn(String, MeasureConfig, i64, Lang) -> Job + Copy + Send + Sync + 'static,
    pick: fn(Reply) -> Option<T>,
) -> (RwSignal<Option<T>>, RwSignal<Option<String>>) {
    let state = use_dataset();
    let settings = use_settings();
    let filters = use_filters();
    let answer = RwSignal::new(None::<T>);
    let failure = RwSignal::new(None::<String>);
    // The job's inputs, compared with the last ones: setting a filter or a setting to the
    // value it has (a reset of reset filters, the start-up settling) asks the worker nothing.
    // A dataset id names one content for good.
    let inputs = Memo::new(move |_| {
        let config = filters.with(|f| settings.with(|s| f.config(s)));
        let (window_days, lang) = settings.with(|s| (i64::from(s.window_days), s.lang));
        (state.id.get(), config, window_days, lang)
    });
    Effect::new(move |_| {
        let (key, config, window_days, lang) = inputs.get();
        if state.loading.get() {
            return;
        }
        spawn_local(async move {
            let reply = async {
                ensure_in_worker(state, &key).await?;
                let (reply, _) =
                    worker::run(job(key, config, window_days, lang), &[], |_| {}).await?;
                pick(reply).ok_or_else(|| "the worker gave an unexpected answer".to_owned())
            }
            .await;
            match reply {
                Ok(a) => {
                    failure.set(None);
                    answer.set(Some(a));
                }
                Err(e) if e == worker::CANCELLED => {}
                Err(e) => failure.set(Some(e)),
            }
        });
    });
    (answer, failure)
}
