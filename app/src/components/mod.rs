//! Components shared by several pages.

pub mod chart;
pub mod filter_bar;
