//! The canonical data model: typed ids, money, timestamps, enums and the eight tables.

mod enums;
mod money;
mod names;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod proptests;
mod tables;
mod time;

pub use enums::*;
pub use money::Money;
pub use names::*;
pub use tables::*;
pub use time::*;
