//! `reallot-charts`: every chart of the app as a plain function from one of the core's report
//! types to a [`Chart`] model, which renders to SVG with plotters and lays out as a table for
//! "show the numbers" and CSV export. Nothing here touches the DOM, so every chart is tested
//! natively.

pub mod csv;
pub mod customers;
pub mod leads;
pub mod model;
pub mod pool;
pub mod sim;
pub mod svg;

pub use model::{Chart, IntervalRow, Kind, Lang, Series, Table};
pub use svg::{ChartError, render_svg};
