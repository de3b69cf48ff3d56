//! At-risk customers: those in the lifecycle's decline stage, listed by the value at stake
//! (their CLV, else their revenue), for the Customers page's list and the rep view.

use super::{ClvSection, CustomerConfig, CustomerFacts, LifecycleStage, stage_given};
use crate::Dataset;
use crate::model::Timestamp;
use serde::Serialize;

#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct AtRiskCustomer {
    pub customer_id: String,
    pub customer_type: String,
    pub owner_rep_id: String,
    pub last_order: String,
    pub days_since_last: i64,
    /// Revenue over the whole history, minor units.
    pub revenue: i64,
    pub p_alive: Option<f64>,
    pub clv: Option<f64>,
}

/// Customers at risk and how many there are.
#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct AtRiskReport {
    pub count: usize,
    /// The most valuable first (CLV, then revenue, then row), at most `list_limit`.
    pub customers: Vec<AtRiskCustomer>,
}

/// The customers of `facts` whose lifecycle stage (under `config`'s rules, with the CLV
/// section's P(alive) as the lifecycle report uses it) is decline.
pub fn at_risk(
    ds: &Dataset,
    facts: &CustomerFacts,
    config: &CustomerConfig,
    clv: Option<&ClvSection>,
) -> AtRiskReport {
    let now = facts.as_of_day;
    let p_alive = |i: usize| clv.and_then(|c| c.p_alive_by_row.get(i).copied().flatten());
    let value = |i: usize| clv.and_then(|c| c.clv_by_row.get(i).copied().flatten());
    let mut rows: Vec<(f64, i64, usize)> = Vec::new();
    for i in 0..facts.len() {
        let days = facts.days(i).0;
        let stage = stage_given(
            days,
            now,
            &config.lifecycle,
            config.overdue_k,
            facts.cycle_days(i),
            p_alive(i),
        );
        if stage == Some(LifecycleStage::Decline) {
            rows.push((value(i).unwrap_or(0.0), facts.revenue(i), i));
        }
    }
    let count = rows.len();
    let most_valuable = |a: &(f64, i64, usize), b: &(f64, i64, usize)| {
        b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2))
    };
    if config.list_limit < rows.len() {
        rows.select_nth_unstable_by(config.list_limit, most_valuable);
        rows.truncate(config.list_limit);
    }
    rows.sort_unstable_by(most_valuable);
    let keys = &facts.keys;
    let customers = rows
        .into_iter()
        .filter_map(|(_, revenue, i)| {
            let c = ds.customers.get(i)?;
            let last = *facts.days(i).0.last()?;
            let k = keys.of(i);
            Some(AtRiskCustomer {
                customer_id: ds.name(c.id.0).to_string(),
                customer_type: keys.label(0, k[0]).to_string(),
                owner_rep_id: keys.label(3, k[3]).to_string(),
                last_order: Timestamp::from_days(last).date_string(),
                days_since_last: now - last,
                revenue,
                p_alive: p_alive(i),
                clv: value(i),
            })
        })
        .collect();
    AtRiskReport { count, customers }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::customers::{customer_report, fit_customer_clv};
    use crate::demo::{DEMO_AS_OF, DemoConfig, demo_dataset};

    #[test]
    fn at_risk_customers_are_the_lifecycle_decline_stage_most_valuable_first() {
        let ds = demo_dataset(&DemoConfig::default());
        let config = CustomerConfig {
            list_limit: 20,
            ..CustomerConfig::new(DEMO_AS_OF)
        };
        let facts = CustomerFacts::build(&ds, DEMO_AS_OF);
        let model = fit_customer_clv(&facts, &config).expect("fits");
        let clv = super::super::clv_section_with(&ds, &facts, &config, &model);
        let risk = at_risk(&ds, &facts, &config, Some(&clv));
        let report = customer_report(&ds, &config);
        let decline = report
            .lifecycle
            .stages
            .iter()
            .find(|s| s.stage == LifecycleStage::Decline)
            .map_or(0, |s| s.customers);
        assert!(decline > 20, "{decline}");
        assert_eq!(risk.count, decline);
        assert_eq!(risk.customers.len(), 20);
        let values: Vec<f64> = risk
            .customers
            .iter()
            .map(|c| c.clv.unwrap_or(0.0))
            .collect();
        assert!(values.windows(2).all(|w| w[0] >= w[1]), "{values:?}");
        assert!(risk.customers.iter().all(|c| c.days_since_last > 0));
        // Without a CLV model the same customers are listed by revenue.
        let plain = at_risk(&ds, &facts, &config, None);
        assert!(
            plain
                .customers
                .windows(2)
                .all(|w| w[0].revenue >= w[1].revenue)
        );
    }
}
