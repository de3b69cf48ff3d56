//! Entry point of the browser app: takes on the Web Worker, then mounts the Leptos root component.

use wasm_bindgen::JsCast;

fn main() {
    console_error_panic_hook::set_once();
    // The worker loads and compiles its wasm on another thread while the page mounts.
    reallot_app::worker::prestart();
    // Its `Ready` may already wait in this thread's task queue: mounting in a later task lets
    // it be read first, so the jobs the first render asks for go out at once rather than
    // after the render and the first paint.
    let deferred = reallot_app::worker::awaiting_ready()
        && web_sys::window().is_some_and(|w| {
            let mount = wasm_bindgen::closure::Closure::once_into_js(|| {
                leptos::mount::mount_to_body(reallot_app::App);
            });
            w.set_timeout_with_callback(mount.unchecked_ref()).is_ok()
        });
    if !deferred {
        leptos::mount::mount_to_body(reallot_app::App);
    }
}
