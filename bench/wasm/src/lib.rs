//! The core's hot paths behind a small wasm-bindgen interface, so a JavaScript harness
//! (`bench/wasm/run.mjs`, Node or a browser) can time them in WebAssembly: the caller holds
//! the clock, the core stays without one. Each call returns a number derived from its result
//! so the work cannot be optimised away.

use reallot_core::Dataset;
use reallot_core::customers::{CustomerConfig, customer_report};
use reallot_core::demo::{DEMO_AS_OF, DemoConfig, Scale, demo_dataset};
use reallot_core::metrics::MeasureConfig;
use reallot_core::metrics::leads::{LeadFrame, lead_report};
use wasm_bindgen::prelude::*;

/// A demo dataset held in wasm memory between timed calls.
#[wasm_bindgen]
pub struct Bench {
    ds: Dataset,
}

#[wasm_bindgen]
impl Bench {
    /// Generates the demo at `scale` (`s`, `m` or `l`) with `seed`.
    #[wasm_bindgen(constructor)]
    pub fn new(scale: &str, seed: u64) -> Result<Bench, JsError> {
        let scale = Scale::parse(scale).ok_or_else(|| JsError::new("scale must be s, m or l"))?;
        Ok(Bench {
            ds: demo_dataset(&DemoConfig { scale, seed }),
        })
    }

    pub fn leads(&self) -> usize {
        self.ds.leads.len()
    }

    pub fn orders(&self) -> usize {
        self.ds.orders.len()
    }

    /// The lead frame alone; returns its length.
    pub fn lead_frame(&self) -> usize {
        let scope = MeasureConfig::default().scope(&self.ds);
        LeadFrame::build(&self.ds, &scope).len()
    }

    /// Every lead measure; returns the overall number of won leads.
    pub fn lead_report(&self) -> u64 {
        let scope = MeasureConfig::default().scope(&self.ds);
        lead_report(&self.ds, &scope).conversion.overall.won
    }

    /// Every customer measure, CLV included; returns the number of customers.
    pub fn customer_report(&self) -> usize {
        customer_report(&self.ds, &CustomerConfig::new(DEMO_AS_OF)).customers
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bench_calls_compute_on_the_demo() {
        let b = Bench::new("s", 42).map_err(|_| "scale").expect("scale s");
        assert!(b.leads() > 1000);
        assert_eq!(b.lead_frame(), b.leads());
        assert!(b.lead_report() > 0);
        assert!(b.customer_report() > 0);
    }
}
