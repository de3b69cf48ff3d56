//! The canonical data model: typed ids, money, timestamps, enums and the eight tables.

mod enums;
mod money;
mod names;
mod tables;
mod time;

pub use enums::*;
pub use money::Money;
pub use names::*;
pub use tables::*;
pub use time::*;
