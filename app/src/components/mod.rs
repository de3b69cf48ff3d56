//! Components shared by several pages.

pub mod filter_bar;
