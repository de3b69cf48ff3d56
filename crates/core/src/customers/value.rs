//! CLV over the customer base: BG/NBD + Gamma-Gamma fitted on the orders (daily purchase
//! days up to `as_of`), the CLV distribution, and CLV by acquisition source and segment.

use super::{CustomerConfig, CustomerFacts};
use crate::Dataset;
use crate::clv::{
    BgNbdFit, ClvConfig, ClvError, ClvModel, CustomerSummary, CustomerValue, Distribution,
    GammaGammaFit, fit_clv,
};
use serde::Serialize;

#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct KeyValue {
    pub key: String,
    pub customers: usize,
    pub mean_clv: Option<f64>,
    pub total_clv: Option<f64>,
    pub mean_p_alive: f64,
}

#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct TopValue {
    pub customer_id: String,
    pub p_alive: f64,
    pub expected_purchases: f64,
    pub clv: Option<f64>,
}

#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct ClvSection {
    pub bgnbd: BgNbdFit,
    pub gamma_gamma: Option<GammaGammaFit>,
    pub settings: ClvConfig,
    pub p_alive: Option<Distribution>,
    pub clv: Option<Distribution>,
    pub by_source: Vec<KeyValue>,
    pub by_customer_type: Vec<KeyValue>,
    pub top: Vec<TopValue>,
    /// P(alive) per customer row (`None` without orders); for other measures, not reported.
    #[serde(skip)]
    pub p_alive_by_row: Vec<Option<f64>>,
    /// CLV per customer row (`None` without orders or without a spend model); not reported.
    #[serde(skip)]
    pub clv_by_row: Vec<Option<f64>>,
}

/// The summary (x, tₓ, T in days, mean repeat-day revenue) of customer row i.
pub fn summary_of(facts: &CustomerFacts, i: usize) -> Option<CustomerSummary> {
    let (days, revenue) = facts.days(i);
    let (&first, &last) = (days.first()?, days.last()?);
    let x = days.len() - 1;
    let repeat: i64 = revenue.get(1..).unwrap_or_default().iter().sum();
    Some(CustomerSummary {
        frequency: x as u32,
        recency: (last - first) as f64,
        t: (facts.as_of_day - first) as f64,
        monetary: Some(if x > 0 {
            repeat as f64 / 100.0 / x as f64
        } else {
            0.0
        }),
    })
}

/// BG/NBD + Gamma-Gamma fitted on every customer with orders in `facts`.
pub fn fit_customer_clv(
    facts: &CustomerFacts,
    config: &CustomerConfig,
) -> Result<ClvModel, ClvError> {
    fit_clv(&summaries(facts).1, config.clv)
}

/// The rows of the customers with orders and their summaries, in row order.
fn summaries(facts: &CustomerFacts) -> (Vec<u32>, Vec<CustomerSummary>) {
    let mut rows = Vec::with_capacity(facts.len());
    let mut data = Vec::with_capacity(facts.len());
    for i in 0..facts.len() {
        if let Some(s) = summary_of(facts, i) {
            rows.push(i as u32);
            data.push(s);
        }
    }
    (rows, data)
}

/// The CLV section, fitting the models on `facts`' customers.
pub fn clv_section(
    ds: &Dataset,
    facts: &CustomerFacts,
    config: &CustomerConfig,
) -> Result<ClvSection, ClvError> {
    let model = fit_customer_clv(facts, config)?;
    Ok(clv_section_with(ds, facts, config, &model))
}

/// The CLV fit over every customer and each customer's prediction under it: computed once per
/// as-of date, it gives the CLV section of any subset of those customers without predicting
/// again ([`clv_section_from`]).
#[derive(Clone, Debug)]
pub struct ClvBasis {
    pub model: ClvModel,
    /// The customer rows with orders, ascending, and the prediction of each.
    rows: Vec<u32>,
    values: Vec<CustomerValue>,
}

/// Fits the models on `facts`' customers and predicts each.
pub fn clv_basis(facts: &CustomerFacts, config: &CustomerConfig) -> Result<ClvBasis, ClvError> {
    let (rows, data) = summaries(facts);
    let model = fit_clv(&data, config.clv)?;
    let values = model.predict_all(&data);
    Ok(ClvBasis {
        model,
        rows,
        values,
    })
}

/// The CLV section of `facts`' customers (any subset of those `basis` was computed for, e.g.
/// [`CustomerFacts::restrict`]ed) from the basis' predictions.
pub fn clv_section_from(
    ds: &Dataset,
    facts: &CustomerFacts,
    config: &CustomerConfig,
    basis: &ClvBasis,
) -> ClvSection {
    let has_orders = |i: u32| !facts.days(i as usize).0.is_empty();
    if basis.rows.iter().all(|&i| has_orders(i)) {
        return section(ds, facts, config, &basis.model, &basis.rows, &basis.values);
    }
    let (rows, values): (Vec<u32>, Vec<CustomerValue>) = basis
        .rows
        .iter()
        .zip(&basis.values)
        .filter(|(i, _)| has_orders(**i))
        .map(|(i, v)| (*i, *v))
        .unzip();
    section(ds, facts, config, &basis.model, &rows, &values)
}

/// The CLV section of `facts`' customers under an already fitted `model`.
pub fn clv_section_with(
    ds: &Dataset,
    facts: &CustomerFacts,
    config: &CustomerConfig,
    model: &ClvModel,
) -> ClvSection {
    let (rows, data) = summaries(facts);
    let values = model.predict_all(&data);
    section(ds, facts, config, model, &rows, &values)
}

/// The section from the predictions `values` of customer rows `rows`.
fn section(
    ds: &Dataset,
    facts: &CustomerFacts,
    config: &CustomerConfig,
    model: &ClvModel,
    rows: &[u32],
    values: &[CustomerValue],
) -> ClvSection {
    let mut p_alive_by_row = vec![None; facts.len()];
    let mut clv_by_row = vec![None; facts.len()];
    // Per key id of the source and customer-type dimensions: customers, CLV sum, P(alive)
    // sum, and whether any CLV was present.
    let dims = [4, 0];
    let keys = &facts.keys;
    let mut groups: [Vec<(usize, f64, f64, bool)>; 2] =
        dims.map(|d| vec![(0, 0.0, 0.0, false); keys.count(d)]);
    for (&i, v) in rows.iter().zip(values) {
        let i = i as usize;
        if let Some(slot) = p_alive_by_row.get_mut(i) {
            *slot = Some(v.p_alive);
        }
        if let Some(slot) = clv_by_row.get_mut(i) {
            *slot = v.clv;
        }
        let k = keys.of(i);
        for (g, &d) in groups.iter_mut().zip(&dims) {
            if let Some(e) = k.get(d).and_then(|&id| g.get_mut(id as usize)) {
                e.0 += 1;
                e.1 += v.clv.unwrap_or(0.0);
                e.2 += v.p_alive;
                e.3 |= v.clv.is_some();
            }
        }
    }
    let [by_source, by_type] = [0, 1].map(|g| {
        let dim = dims[g];
        std::mem::take(&mut groups[g])
            .into_iter()
            .enumerate()
            .filter(|(_, e)| e.0 > 0)
            .map(|(id, (n, clv, p, has))| KeyValue {
                key: keys.label(dim, id as u32).to_string(),
                customers: n,
                mean_clv: has.then(|| clv / n as f64),
                total_clv: has.then_some(clv),
                mean_p_alive: p / n as f64,
            })
            .collect::<Vec<_>>()
    });
    let mut order: Vec<usize> = (0..values.len()).collect();
    let rank = |k: usize| {
        values
            .get(k)
            .map_or(0.0, |v| v.clv.unwrap_or(v.expected_purchases))
    };
    let by_rank = |a: &usize, b: &usize| rank(*b).total_cmp(&rank(*a)).then(a.cmp(b));
    // Only the first `list_limit` are listed: select them, then sort just those.
    if config.list_limit < order.len() {
        order.select_nth_unstable_by(config.list_limit, by_rank);
        order.truncate(config.list_limit);
    }
    order.sort_unstable_by(by_rank);
    let top = order
        .into_iter()
        .filter_map(|k| {
            let i = rows.get(k)?;
            let v = values.get(k)?;
            Some(TopValue {
                customer_id: ds.name(ds.customers.get(*i as usize)?.id.0).to_string(),
                p_alive: v.p_alive,
                expected_purchases: v.expected_purchases,
                clv: v.clv,
            })
        })
        .collect();
    ClvSection {
        p_alive: Distribution::of(values.iter().map(|v| v.p_alive), 10),
        clv: Distribution::of(values.iter().filter_map(|v| v.clv), 20),
        bgnbd: model.bgnbd.clone(),
        gamma_gamma: model.gamma_gamma.clone(),
        settings: model.config,
        by_source,
        by_customer_type: by_type,
        top,
        p_alive_by_row,
        clv_by_row,
    }
}
