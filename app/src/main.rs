//! Entry point of the browser app: takes on the Web Worker, then mounts the Leptos root
//! component once the worker's loader has run.

fn main() {
    console_error_panic_hook::set_once();
    // The worker loads and compiles its wasm on another thread while the page mounts.
    let booted = reallot_app::worker::prestart();
    // Mounting is one long task; until the page has heard (between two of its tasks) that the
    // worker's loader ran, the jobs the first render sends would wait in the page behind it.
    wasm_bindgen_futures::spawn_local(async move {
        if let Some(booted) = booted {
            let _ = wasm_bindgen_futures::JsFuture::from(booted).await;
        }
        leptos::mount::mount_to_body(reallot_app::App);
    });
}
