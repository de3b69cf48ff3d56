//! The customer measures as the native commands compute them: the core's two independent
//! halves of the report ([`CustomerReportParts`]) on two threads when the machine has a
//! second core, assembled into the same report as the core's sequential `customer_report_of`
//! (which the app's wasm worker runs).

use reallot_core::Dataset;
use reallot_core::customers::{
    CustomerColumns, CustomerConfig, CustomerReport, CustomerReportParts, customer_report_of,
};

/// Every customer measure of `ds` under `config` from its held `columns`: the CLV half on a
/// second thread while this one computes the other sections (with one core, the core's
/// sequential report).
pub fn customer_report(
    ds: &Dataset,
    columns: &CustomerColumns,
    config: &CustomerConfig,
) -> CustomerReport {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if threads < 2 {
        return customer_report_of(ds, columns, config);
    }
    let parts = CustomerReportParts::of(ds, columns, config);
    let (clv, others) = std::thread::scope(|s| {
        let clv = s.spawn(|| parts.clv_half());
        let others = parts.other_half();
        match clv.join() {
            Ok(clv) => (clv, others),
            // A panic there is one here, as if it had been computed on this thread.
            Err(panic) => std::panic::resume_unwind(panic),
        }
    });
    parts.assemble(clv, others)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reallot_core::demo::{DEMO_AS_OF, DemoConfig, Scale, demo_dataset};
    use reallot_core::model::Timestamp;

    #[test]
    fn two_threads_give_the_sequential_report() {
        let ds = demo_dataset(&DemoConfig {
            scale: Scale::S,
            seed: 7,
        });
        let columns = CustomerColumns::build(&ds);
        let mid_year = Timestamp::parse("2025-07-15").unwrap_or(DEMO_AS_OF);
        for as_of in [DEMO_AS_OF, mid_year] {
            let config = CustomerConfig::new(as_of);
            let threaded = customer_report(&ds, &columns, &config);
            let sequential = customer_report_of(&ds, &columns, &config);
            assert!(threaded.clv.is_some(), "the demo fits a CLV model");
            assert_eq!(
                serde_json::to_string(&threaded).ok(),
                serde_json::to_string(&sequential).ok()
            );
        }
    }
}
