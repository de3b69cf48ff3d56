//! The page's side of the Web Worker (`reallot-worker`): takes on the worker that
//! `assets/worker-start.js` started while the page loaded (or starts one), sends it requests
//! at once (its loader keeps those that come before its wasm is ready), routes its replies to
//! the waiting job, and cancels by terminating it (the next job starts a fresh one). See
//! `reallot_worker::protocol`.

use reallot_worker::protocol::{Job, Progress, Reply, Request};
use reallot_worker::summary::DatasetSummary;
use reallot_worker::wire::{Outgoing, pack, unpack};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen_futures::JsFuture;
use web_sys::{MessageEvent, Worker};

/// The worker's loader (`assets/worker-boot.js`): it loads `reallot-worker.js` and its wasm,
/// keeping the jobs sent meanwhile for the worker's handler.
const WORKER_URL: &str = "/worker-boot.js";

/// The error of a job that was cancelled.
pub const CANCELLED: &str = "cancelled";
/// The client's own failures (the page words them in the user's language, see
/// `messages::problem_text`).
pub const NOT_STARTED: &str = "the worker could not be started";
pub const CRASHED: &str = "the worker stopped with an error; try again";
pub const NOT_RUNNING: &str = "the worker is not running";
pub const NO_ANSWER: &str = "the worker gave no answer";

type Answer = Result<(Reply, Vec<Vec<u8>>), String>;

struct Pending {
    resolve: js_sys::Function,
    answer: Rc<RefCell<Option<Answer>>>,
    on_progress: Rc<dyn Fn(Progress)>,
}

struct Running {
    worker: Worker,
    // Kept alive as long as the worker.
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

#[derive(Default)]
struct Client {
    running: Option<Running>,
    pending: HashMap<u32, Pending>,
    next_id: u32,
    /// The key of the dataset the running worker holds (see [`ensure_open`]).
    opened: Option<String>,
}

thread_local! {
    static CLIENT: RefCell<Client> = RefCell::new(Client::default());
}

/// The worker `assets/worker-start.js` started while the page loaded, with the promise that
/// settles once its loader has run; `None` once claimed, or if it failed to start. Claimed
/// once: a worker restarted after a cancel is a fresh one.
fn adopt_early() -> Option<(Worker, Option<js_sys::Promise>)> {
    let window: js_sys::Object = web_sys::window()?.into();
    let key = wasm_bindgen::JsValue::from_str("reallotEarlyWorker");
    let early = js_sys::Reflect::get(&window, &key).ok()?;
    let _ = js_sys::Reflect::delete_property(&window, &key);
    let field = |name: &str| js_sys::Reflect::get(&early, &wasm_bindgen::JsValue::from_str(name));
    let worker: Worker = field("worker").ok()?.dyn_into().ok()?;
    if field("failed").ok()?.as_bool() != Some(false) {
        worker.terminate();
        return None;
    }
    let booted = field("booted").ok().and_then(|p| p.dyn_into().ok());
    Some((worker, booted))
}

/// Starts a worker, or takes on the early one (then also returning when its loader has run).
fn start() -> Result<(Running, Option<js_sys::Promise>), String> {
    let (worker, booted) = match adopt_early() {
        Some(early) => early,
        None => (
            Worker::new(WORKER_URL).map_err(|_| NOT_STARTED.to_owned())?,
            None,
        ),
    };
    let on_message =
        Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| on_message(&ev));
    let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
        stop(CRASHED);
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    Ok((
        Running {
            worker,
            _on_message: on_message,
            _on_error: on_error,
        },
        booted,
    ))
}

fn post(worker: &Worker, out: &Outgoing) {
    let _ = worker.post_message_with_transfer(&out.data, &out.transfer);
}

fn on_message(ev: &MessageEvent) {
    let answer = unpack::<Reply>(&ev.data());
    // A reply that cannot be read cannot be routed; the page can still cancel.
    let Ok((reply, _)) = &answer else { return };
    let id = reply.id();
    if let Reply::Progress { progress, .. } = reply {
        let callback = CLIENT.with_borrow(|c| c.pending.get(&id).map(|p| p.on_progress.clone()));
        if let Some(f) = callback {
            f(progress.clone());
        }
        return;
    }
    let (waiting, idle) = CLIENT.with_borrow_mut(|c| {
        let p = c.pending.remove(&id);
        (p, c.pending.is_empty())
    });
    if let Some(p) = waiting {
        *p.answer.borrow_mut() = Some(answer);
        let _ = p.resolve.call0(&wasm_bindgen::JsValue::UNDEFINED);
    }
    if idle {
        settled();
    }
}

/// The first moment the worker had answered every job asked for so far (or stopped): the first
/// screen has its numbers. Work the first screen does not need waits for it (see
/// [`after_first_answers`]), and the page's loader (`boot.js`, see
/// `scripts/externalize-boot.sh`) registers the service worker on its [`SETTLED_EVENT`], so
/// that fetching the app shell does not slow the first screen down.
struct Settled {
    done: bool,
    /// Resolves the promise [`after_first_answers`] waits on.
    resolve: Option<js_sys::Function>,
    promise: Option<js_sys::Promise>,
}

thread_local! {
    static SETTLED: RefCell<Settled> = const {
        RefCell::new(Settled {
            done: false,
            resolve: None,
            promise: None,
        })
    };
}

fn settled() {
    let resolve = SETTLED.with_borrow_mut(|s| {
        if s.done {
            return None;
        }
        s.done = true;
        Some(s.resolve.take())
    });
    let Some(resolve) = resolve else { return };
    if let Some(f) = resolve {
        let _ = f.call0(&wasm_bindgen::JsValue::UNDEFINED);
    }
    if let (Some(window), Ok(ev)) = (web_sys::window(), web_sys::Event::new(SETTLED_EVENT)) {
        let _ = window.dispatch_event(&ev);
    }
}

/// How long [`after_first_answers`] waits at most, in milliseconds: a worker that never
/// answers must not keep the page from its storage.
const SETTLE_WAIT_MS: i32 = 5_000;

/// Waits until the worker has answered the first screen's jobs (at once if it has), or
/// [`SETTLE_WAIT_MS`].
pub async fn after_first_answers() {
    let promise = SETTLED.with_borrow_mut(|s| {
        if s.done {
            return None;
        }
        if s.promise.is_none() {
            let mut resolve = None;
            s.promise = Some(js_sys::Promise::new(&mut |ok, _| {
                if let Some(w) = web_sys::window() {
                    let _ = w
                        .set_timeout_with_callback_and_timeout_and_arguments_0(&ok, SETTLE_WAIT_MS);
                }
                resolve = Some(ok);
            }));
            s.resolve = resolve;
        }
        s.promise.clone()
    });
    if let Some(p) = promise {
        let _ = JsFuture::from(p).await;
    }
}

/// The event [`settled`] dispatches on `window`.
pub const SETTLED_EVENT: &str = "reallot:settled";

/// Terminates the worker and fails every waiting job with `error`.
fn stop(error: &str) {
    let pending: Vec<Pending> = CLIENT.with_borrow_mut(|c| {
        if let Some(r) = c.running.take() {
            r.worker.terminate();
        }
        c.opened = None;
        c.pending.drain().map(|(_, p)| p).collect()
    });
    for p in pending {
        *p.answer.borrow_mut() = Some(Err(error.to_owned()));
        let _ = p.resolve.call0(&wasm_bindgen::JsValue::UNDEFINED);
    }
    // Nothing is left to wait for.
    settled();
}

/// Takes on the worker the page started early (or starts one) if none runs, so that jobs go
/// to it as soon as the app sends them: the app calls this first thing, before its first
/// render. Returns, for the early worker, a promise that settles once its loader has run:
/// the app mounts after it (see `assets/worker-start.js`).
pub fn prestart() -> Option<js_sys::Promise> {
    CLIENT.with_borrow_mut(|c| {
        if c.running.is_some() {
            return None;
        }
        // A worker that cannot start is reported by the first job, which tries again.
        let (running, booted) = start().ok()?;
        c.running = Some(running);
        booted
    })
}

/// Cancels every running and queued job: their `run` returns `Err(CANCELLED)`.
pub fn cancel() {
    stop(CANCELLED);
}

/// Runs `job` with `bytes` in the worker; `on_progress` sees its progress events. Returns the
/// result reply and its bytes, or the job's error (a located message, or [`CANCELLED`]).
pub async fn run(
    job: Job,
    bytes: &[&[u8]],
    on_progress: impl Fn(Progress) + 'static,
) -> Result<(Reply, Vec<Vec<u8>>), String> {
    let id = CLIENT.with_borrow_mut(|c| {
        c.next_id = c.next_id.wrapping_add(1);
        c.next_id
    });
    let out = pack(&Request { id, job }, bytes)?;
    let answer = Rc::new(RefCell::new(None));
    let mut job = Some((out, Rc::new(on_progress) as Rc<dyn Fn(Progress)>));
    let mut queued = Ok(());
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let Some((out, on_progress)) = job.take() else {
            return;
        };
        queued = CLIENT.with_borrow_mut(|c| {
            if c.running.is_none() {
                c.running = Some(start()?.0);
            }
            let r = c.running.as_mut().ok_or(NOT_RUNNING)?;
            post(&r.worker, &out);
            c.pending.insert(
                id,
                Pending {
                    resolve,
                    answer: answer.clone(),
                    on_progress,
                },
            );
            Ok::<_, String>(())
        });
    });
    queued?;
    let _ = JsFuture::from(promise).await;
    let answer = answer
        .borrow_mut()
        .take()
        .unwrap_or_else(|| Err(NO_ANSWER.to_owned()));
    match answer? {
        (Reply::Failed { error, .. }, _) => Err(error),
        ok => Ok(ok),
    }
}

/// Where the worker gets a dataset from.
pub enum Source<'a> {
    /// The built-in demo of this seed, which the worker builds itself.
    Demo(u64),
    /// A dataset in the core's codec format.
    Bytes(&'a [u8]),
    /// The dataset the worker built in the last import.
    Imported,
}

/// Whether the worker holds the dataset `key`, or has been sent it first.
pub fn holds(key: &str) -> bool {
    CLIENT.with_borrow(|c| c.opened.as_deref() == Some(key))
}

/// Makes the worker hold the dataset `key` from `source`, for the measure and simulation jobs;
/// returns what the worker reports of it. The dataset counts as held from this call on, before
/// the returned future is first polled.
pub fn open<'a>(
    key: &'a str,
    source: Source<'a>,
) -> impl Future<Output = Result<DatasetSummary, String>> + 'a {
    // The worker runs jobs in the order sent, so jobs on `key` may be sent as soon as this
    // open is: they run after it. Counting it as held now spares a second open (and a round
    // trip through a page that may be busy) for every job asked for meanwhile.
    CLIENT.with_borrow_mut(|c| c.opened = Some(key.to_owned()));
    send_open(key, source)
}

async fn send_open(key: &str, source: Source<'_>) -> Result<DatasetSummary, String> {
    let (job, bytes) = match source {
        Source::Demo(seed) => (
            Job::OpenDemo {
                key: key.to_owned(),
                seed,
            },
            Vec::new(),
        ),
        Source::Bytes(b) => (
            Job::Open {
                key: key.to_owned(),
            },
            vec![b],
        ),
        Source::Imported => (
            Job::HoldImported {
                key: key.to_owned(),
            },
            Vec::new(),
        ),
    };
    let answer = run(job, &bytes, |_| {}).await;
    let failed = |e: String| {
        CLIENT.with_borrow_mut(|c| {
            if c.opened.as_deref() == Some(key) {
                c.opened = None;
            }
        });
        Err(e)
    };
    match answer {
        Ok((
            Reply::Opened {
                key: held, summary, ..
            },
            _,
        )) if held == key => Ok(summary),
        Ok(_) => failed("the worker gave an unexpected answer".to_owned()),
        Err(e) => failed(e),
    }
}
