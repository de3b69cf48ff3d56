//! Repurchase cycle and overdue customers, lifecycle stages with their transitions, and the
//! loyalty index.

use super::{ClvSection, CustomerConfig, CustomerFacts, SegmentKeys, cycle_of};
use crate::Dataset;
use crate::clv::BgNbdParams;
use crate::model::{SurveyScale, Timestamp};
use serde::{Deserialize, Serialize};

/// Quartiles of a per-customer quantity for one key.
#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct KeyQuartiles {
    pub key: String,
    pub customers: usize,
    pub p25: f64,
    pub median: f64,
    pub p75: f64,
}

/// Quartiles as of the values sorted by total order, found by selection.
fn quartiles(key: String, mut v: Vec<f64>) -> Option<KeyQuartiles> {
    let mut q = |p| crate::stats::quantile_of_order(&mut v, p);
    let (p25, median, p75) = (q(0.25)?, q(0.5)?, q(0.75)?);
    Some(KeyQuartiles {
        key,
        customers: v.len(),
        p25,
        median,
        p75,
    })
}

/// Quartiles per key id of dimension `dim`, in label order.
fn by_key(
    keys: &SegmentKeys,
    dim: usize,
    items: impl Iterator<Item = (u32, f64)>,
) -> Vec<KeyQuartiles> {
    let mut groups: Vec<Vec<f64>> = vec![Vec::new(); keys.count(dim)];
    for (k, v) in items {
        if let Some(g) = groups.get_mut(k as usize) {
            g.push(v);
        }
    }
    groups
        .into_iter()
        .enumerate()
        .filter_map(|(id, v)| quartiles(keys.label(dim, id as u32).to_string(), v))
        .collect()
}

#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct OverdueCustomer {
    pub customer_id: String,
    pub customer_type: String,
    pub owner_rep_id: String,
    pub last_order: String,
    pub cycle_days: f64,
    pub days_since_last: i64,
    /// days_since_last / cycle_days.
    pub overdue_ratio: f64,
    pub next_expected: String,
}

#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct RepurchaseReport {
    /// Customers with ≥ 2 distinct purchase days (so with a cycle).
    pub customers_with_cycle: usize,
    pub cycle_days: Option<KeyQuartiles>,
    pub by_customer_type: Vec<KeyQuartiles>,
    pub by_channel: Vec<KeyQuartiles>,
    pub overdue_k: f64,
    pub overdue_count: usize,
    /// Customers whose next expected order (last + cycle) falls in the next 7 days.
    pub due_next_7_days: usize,
    /// The most overdue customers first, at most `list_limit`.
    pub overdue: Vec<OverdueCustomer>,
}

/// (overdue ratio, customer row, cycle, days since last, last day, next expected day).
type Overdue = (f64, usize, f64, i64, i64, i64);

pub fn repurchase_report(
    ds: &Dataset,
    facts: &CustomerFacts,
    config: &CustomerConfig,
) -> RepurchaseReport {
    let now = facts.as_of_day;
    let mut all = Vec::new();
    let mut typed = Vec::new();
    let mut overdue: Vec<Overdue> = Vec::new();
    let mut due = 0;
    let keys = &facts.keys;
    for i in 0..facts.len() {
        let days = facts.days(i).0;
        let (Some(cycle), Some(&last)) = (facts.cycle_days(i), days.last()) else {
            continue;
        };
        let k = keys.of(i);
        all.push(cycle);
        typed.push((k[0], k[1], cycle));
        let since = now - last;
        let next = last + cycle.round() as i64;
        if next >= now && next < now + 7 {
            due += 1;
        }
        if since as f64 > config.overdue_k * cycle {
            overdue.push((since as f64 / cycle.max(1.0), i, cycle, since, last, next));
        }
    }
    let overdue_count = overdue.len();
    let most_overdue = |a: &Overdue, b: &Overdue| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
    // Only the first `list_limit` are listed: select them, then sort just those.
    if config.list_limit < overdue.len() {
        overdue.select_nth_unstable_by(config.list_limit, most_overdue);
        overdue.truncate(config.list_limit);
    }
    overdue.sort_unstable_by(most_overdue);
    let list = overdue
        .into_iter()
        .filter_map(|(ratio, i, cycle, since, last, next)| {
            let c = ds.customers.get(i)?;
            let k = keys.of(i);
            Some(OverdueCustomer {
                customer_id: ds.name(c.id.0).to_string(),
                customer_type: keys.label(0, k[0]).to_string(),
                owner_rep_id: keys.label(3, k[3]).to_string(),
                last_order: Timestamp::from_days(last).date_string(),
                cycle_days: cycle,
                days_since_last: since,
                overdue_ratio: ratio,
                next_expected: Timestamp::from_days(next).date_string(),
            })
        })
        .collect();
    RepurchaseReport {
        customers_with_cycle: all.len(),
        cycle_days: quartiles("all".into(), all),
        by_customer_type: by_key(keys, 0, typed.iter().map(|t| (t.0, t.2))),
        by_channel: by_key(keys, 1, typed.iter().map(|t| (t.1, t.2))),
        overdue_k: config.overdue_k,
        overdue_count,
        due_next_7_days: due,
        overdue: list,
    }
}

/// Lifecycle stage of a customer with at least one order.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LifecycleStage {
    Acquisition,
    Growth,
    Maturity,
    Decline,
    Churned,
}

impl LifecycleStage {
    pub const ALL: [LifecycleStage; 5] = [
        LifecycleStage::Acquisition,
        LifecycleStage::Growth,
        LifecycleStage::Maturity,
        LifecycleStage::Decline,
        LifecycleStage::Churned,
    ];
}

/// The lifecycle rules, checked in this order (first match wins):
/// 1. churned: P(alive) < `churn_p_alive`, or days since the last order > `churn_k` × own
///    cycle, or (no cycle yet) > `churn_days_without_cycle`;
/// 2. acquisition: ≤ `acquisition_max_purchases` purchase days and first order within
///    `acquisition_days`;
/// 3. decline: overdue (days since last > overdue k × cycle), or P(alive) < `decline_p_alive`,
///    or trend < `decline_trend`;
/// 4. growth: trend > `growth_trend`, or first order within `growth_days`;
/// 5. maturity: everything else.
///
/// Trend = purchase days in the last `trend_days` ÷ those in the `trend_days` before (∞ when
/// only the recent period has purchases).
#[derive(Clone, Copy, PartialEq, Debug, Serialize, Deserialize)]
pub struct LifecycleRules {
    pub churn_p_alive: f64,
    pub churn_k: f64,
    pub churn_days_without_cycle: i64,
    pub acquisition_max_purchases: usize,
    pub acquisition_days: i64,
    pub decline_p_alive: f64,
    pub decline_trend: f64,
    pub growth_trend: f64,
    pub growth_days: i64,
    pub trend_days: i64,
}

impl Default for LifecycleRules {
    fn default() -> Self {
        Self {
            churn_p_alive: 0.1,
            churn_k: 4.0,
            churn_days_without_cycle: 180,
            acquisition_max_purchases: 2,
            acquisition_days: 90,
            decline_p_alive: 0.5,
            decline_trend: 0.6,
            growth_trend: 1.5,
            growth_days: 180,
            trend_days: 90,
        }
    }
}

/// The stage of a customer at `day` from its purchase days before it; `None` without orders.
pub fn stage_at(
    days: &[i64],
    day: i64,
    rules: &LifecycleRules,
    overdue_k: f64,
    bgnbd: Option<&BgNbdParams>,
) -> Option<LifecycleStage> {
    let (&first, &last) = (days.first()?, days.last()?);
    let p_alive = bgnbd.map(|p| {
        p.p_alive(
            (days.len() - 1) as u32,
            (last - first) as f64,
            (day - first) as f64,
        )
    });
    stage_given(days, day, rules, overdue_k, cycle_of(days), p_alive)
}

/// [`stage_at`] with the cycle of `days` and the P(alive) at `day` already known.
pub(super) fn stage_given(
    days: &[i64],
    day: i64,
    rules: &LifecycleRules,
    overdue_k: f64,
    cycle: Option<f64>,
    p_alive: Option<f64>,
) -> Option<LifecycleStage> {
    let (&first, &last) = (days.first()?, days.last()?);
    let since = day - last;
    let tenure = day - first;
    let count_in = |from: i64, to: i64| {
        days.partition_point(|d| *d < to)
            .saturating_sub(days.partition_point(|d| *d < from))
    };
    let recent = count_in(day - rules.trend_days, day) as f64;
    let before = count_in(day - 2 * rules.trend_days, day - rules.trend_days) as f64;
    let trend = if before > 0.0 {
        recent / before
    } else if recent > 0.0 {
        f64::INFINITY
    } else {
        1.0
    };
    let churned = p_alive.is_some_and(|p| p < rules.churn_p_alive)
        || match cycle {
            Some(c) => since as f64 > rules.churn_k * c.max(1.0),
            None => since > rules.churn_days_without_cycle,
        };
    if churned {
        return Some(LifecycleStage::Churned);
    }
    if days.len() <= rules.acquisition_max_purchases && tenure <= rules.acquisition_days {
        return Some(LifecycleStage::Acquisition);
    }
    let overdue = cycle.is_some_and(|c| since as f64 > overdue_k * c.max(1.0));
    if overdue || p_alive.is_some_and(|p| p < rules.decline_p_alive) || trend < rules.decline_trend
    {
        return Some(LifecycleStage::Decline);
    }
    if trend > rules.growth_trend || tenure <= rules.growth_days {
        return Some(LifecycleStage::Growth);
    }
    Some(LifecycleStage::Maturity)
}

#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct StageCount {
    pub stage: LifecycleStage,
    pub customers: usize,
}

#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct KeyStages {
    pub key: String,
    /// Customers per stage, in `LifecycleStage::ALL` order.
    pub customers: [usize; 5],
    /// Share churned among staged customers.
    pub churned_share: f64,
}

#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct Transition {
    /// `None`: no order yet at the earlier date.
    pub from: Option<LifecycleStage>,
    pub to: LifecycleStage,
    pub customers: usize,
}

#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct LifecycleReport {
    pub rules: LifecycleRules,
    pub stages: Vec<StageCount>,
    pub by_customer_type: Vec<KeyStages>,
    pub transitions_from: String,
    pub transitions_to: String,
    pub transitions: Vec<Transition>,
}

pub fn lifecycle_report(
    _ds: &Dataset,
    facts: &CustomerFacts,
    config: &CustomerConfig,
    value: Option<&ClvSection>,
) -> LifecycleReport {
    let rules = &config.lifecycle;
    let params = value.map(|v| &v.bgnbd.params);
    let now = facts.as_of_day;
    let from_day = config
        .transitions_from
        .map_or(now - 90, |t| t.day())
        .min(now);
    let keys = &facts.keys;
    let mut counts = [0usize; 5];
    let mut by_type = vec![[0usize; 5]; keys.count(0)];
    let mut trans = [[0usize; 5]; 6];
    for i in 0..facts.len() {
        let days = facts.days(i).0;
        // The CLV section computed P(alive) at `as_of` with the same parameters and summary.
        let p_alive = params.and(value.and_then(|v| v.p_alive_by_row.get(i).copied().flatten()));
        let stage = match (params, p_alive) {
            (Some(p), None) => stage_at(days, now, rules, config.overdue_k, Some(p)),
            _ => stage_given(
                days,
                now,
                rules,
                config.overdue_k,
                facts.cycle_days(i),
                p_alive,
            ),
        };
        let Some(stage) = stage else {
            continue;
        };
        let s = stage as usize;
        counts[s] += 1;
        if let Some(t) = by_type.get_mut(keys.of(i)[0] as usize) {
            t[s] += 1;
        }
        let before = facts.days_before(i, from_day);
        let prev = match (before.first(), before.last()) {
            // No purchase since `from_day`: the same history, so the same cycle.
            (Some(&first), Some(&last)) if before.len() == days.len() => {
                let p_alive = params.map(|p| {
                    p.p_alive(
                        (before.len() - 1) as u32,
                        (last - first) as f64,
                        (from_day - first) as f64,
                    )
                });
                let cycle = facts.cycle_days(i);
                stage_given(before, from_day, rules, config.overdue_k, cycle, p_alive)
            }
            _ => stage_at(before, from_day, rules, config.overdue_k, params),
        };
        trans[prev.map_or(5, |p| p as usize)][s] += 1;
    }
    let mut transitions = Vec::new();
    for (f, row) in trans.iter().enumerate() {
        for (t, &n) in row.iter().enumerate() {
            if n > 0 {
                transitions.push(Transition {
                    from: LifecycleStage::ALL.get(f).copied(),
                    to: LifecycleStage::ALL[t],
                    customers: n,
                });
            }
        }
    }
    LifecycleReport {
        rules: *rules,
        stages: LifecycleStage::ALL
            .iter()
            .map(|&stage| StageCount {
                stage,
                customers: counts[stage as usize],
            })
            .collect(),
        by_customer_type: by_type
            .into_iter()
            .enumerate()
            .filter(|(_, c)| c.iter().sum::<usize>() > 0)
            .map(|(id, c)| {
                let total: usize = c.iter().sum();
                KeyStages {
                    key: keys.label(0, id as u32).to_string(),
                    customers: c,
                    churned_share: if total > 0 {
                        c[4] as f64 / total as f64
                    } else {
                        0.0
                    },
                }
            })
            .collect(),
        transitions_from: Timestamp::from_days(from_day).date_string(),
        transitions_to: Timestamp::from_days(now).date_string(),
        transitions,
    }
}

/// Weights of the loyalty index components (they sum to 1).
pub const LOYALTY_WEIGHTS: [(&str, f64); 4] = [
    ("frequency", 0.3),
    ("tenure", 0.2),
    ("regularity", 0.3),
    ("satisfaction", 0.2),
];

#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct LoyaltyReport {
    pub weights: Vec<(&'static str, f64)>,
    pub customers: usize,
    pub index: Option<KeyQuartiles>,
    pub by_customer_type: Vec<KeyQuartiles>,
}

/// Loyalty index in [0, 100] per customer with orders:
/// 100 · (0.3·F + 0.2·T + 0.3·R + 0.2·S) where F is the percentile rank of purchase days per
/// year of tenure, T = min(1, tenure / 730 days), R = 1 / (1 + CV of the inter-purchase gaps)
/// (0 with fewer than two gaps), S the mean survey score rescaled to [0, 1] (csat5: (s−1)/4,
/// nps10: s/10; 0.5 when the customer has no survey).
pub fn loyalty_index(ds: &Dataset, facts: &CustomerFacts) -> Vec<Option<f64>> {
    let now = facts.as_of_day;
    let mut sat = vec![(0.0f64, 0u32); facts.len()];
    for s in &ds.surveys {
        let Some(i) = s.customer.and_then(|c| facts.row(c.0)) else {
            continue;
        };
        if s.at.day() >= now {
            continue;
        }
        let v = match s.scale {
            Some(SurveyScale::Csat5) => (s.score - 1.0) / 4.0,
            _ => s.score / 10.0,
        };
        if let Some(e) = sat.get_mut(i) {
            e.0 += v.clamp(0.0, 1.0);
            e.1 += 1;
        }
    }
    let rate: Vec<Option<f64>> = (0..facts.len())
        .map(|i| {
            let d = facts.days(i).0;
            let first = *d.first()?;
            let years = ((now - first) as f64 / 365.25).max(1.0 / 12.0);
            Some(d.len() as f64 / years)
        })
        .collect();
    // Percentile rank of each rate: the mean of the ranks below and up to its value, from one
    // sort rather than two binary searches per customer. Rates are finite and positive.
    let mut sorted: Vec<(f64, u32)> = rate
        .iter()
        .enumerate()
        .filter_map(|(i, r)| Some(((*r)?, i as u32)))
        .collect();
    sorted.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    let mut pct = vec![0.0; facts.len()];
    let n = sorted.len().max(1) as f64;
    let mut below = 0;
    while below < sorted.len() {
        let v = sorted.get(below).map_or(0.0, |s| s.0);
        let upto = below
            + sorted
                .get(below..)
                .unwrap_or_default()
                .partition_point(|x| x.0 <= v);
        for &(_, i) in sorted.get(below..upto).unwrap_or_default() {
            if let Some(p) = pct.get_mut(i as usize) {
                *p = (below + upto) as f64 / 2.0 / n;
            }
        }
        below = upto.max(below + 1);
    }
    (0..facts.len())
        .map(|i| {
            let d = facts.days(i).0;
            let first = *d.first()?;
            rate.get(i).copied().flatten()?;
            let f = pct.get(i).copied().unwrap_or(0.0);
            let t = ((now - first) as f64 / 730.0).min(1.0);
            let r = if d.len() >= 3 {
                // Two passes over the gaps without collecting them: this runs per customer.
                let gaps = d.windows(2).map(|w| (w[1] - w[0]) as f64);
                let n = (d.len() - 1) as f64;
                let mean = gaps.clone().sum::<f64>() / n;
                let var = gaps.map(|g| (g - mean).powi(2)).sum::<f64>() / n;
                1.0 / (1.0 + var.sqrt() / mean.max(1e-9))
            } else {
                0.0
            };
            let s = match sat.get(i) {
                Some((sum, n)) if *n > 0 => sum / f64::from(*n),
                _ => 0.5,
            };
            Some(100.0 * (0.3 * f + 0.2 * t + 0.3 * r + 0.2 * s))
        })
        .collect()
}

pub fn loyalty_report(
    ds: &Dataset,
    facts: &CustomerFacts,
    _config: &CustomerConfig,
) -> LoyaltyReport {
    let idx = loyalty_index(ds, facts);
    let all: Vec<f64> = idx.iter().flatten().copied().collect();
    LoyaltyReport {
        weights: LOYALTY_WEIGHTS.to_vec(),
        customers: all.len(),
        index: quartiles("all".into(), all),
        by_customer_type: by_key(
            &facts.keys,
            0,
            idx.iter()
                .enumerate()
                .filter_map(|(i, v)| Some((facts.keys.of(i)[0], (*v)?))),
        ),
    }
}
