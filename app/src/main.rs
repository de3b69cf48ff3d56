//! Entry point of the browser app: starts the Web Worker, then mounts the Leptos root component.

fn main() {
    console_error_panic_hook::set_once();
    // The worker loads and compiles its wasm on another thread while the page mounts.
    reallot_app::worker::prestart();
    leptos::mount::mount_to_body(reallot_app::App);
}
