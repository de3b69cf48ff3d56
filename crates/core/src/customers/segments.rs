//! Segments, A/B/C value tiers by cumulative revenue share, RFM quintile scores and the
//! repeat-purchase rate by segment, rep and acquisition source.

use super::{CustomerConfig, CustomerFacts};
use crate::Dataset;
use crate::stats::Proportion;
use serde::Serialize;

/// A/B/C value tier.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Tier {
    A,
    B,
    C,
}

#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct TierStats {
    pub tier: Tier,
    pub customers: usize,
    /// Revenue in the window, minor units.
    pub revenue: i64,
    pub revenue_share: f64,
}

#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct TierReport {
    pub a_share: f64,
    pub b_share: f64,
    pub tiers: Vec<TierStats>,
}

/// Tier per customer row: customers sorted by window revenue (descending); A until the
/// cumulative share reaches `tier_a_share` (the customer crossing it included), then B until
/// `tier_b_share`, the rest (and customers without revenue) C.
pub fn tier_of_customers(facts: &CustomerFacts, config: &CustomerConfig) -> (Vec<Tier>, Vec<i64>) {
    let from = facts.as_of_day - config.window_days;
    let revenue: Vec<i64> = (0..facts.len())
        .map(|i| facts.revenue_between(i, from, facts.as_of_day).max(0))
        .collect();
    let total: i64 = revenue.iter().sum();
    // Only customers with revenue get tier A or B: sort just those, by revenue descending then
    // row (a total order, so the sequence is the same whatever the sort).
    let mut order: Vec<(i64, u32)> = revenue
        .iter()
        .enumerate()
        .filter(|(_, r)| **r > 0)
        .map(|(i, &r)| (-r, i as u32))
        .collect();
    order.sort_unstable();
    let mut tier = vec![Tier::C; facts.len()];
    let mut before = 0i64;
    for (neg, i) in order {
        let r = -neg;
        if total <= 0 {
            break;
        }
        let share_before = before as f64 / total as f64;
        if let Some(t) = tier.get_mut(i as usize) {
            *t = if share_before < config.tier_a_share {
                Tier::A
            } else if share_before < config.tier_b_share {
                Tier::B
            } else {
                Tier::C
            };
        }
        before += r;
    }
    (tier, revenue)
}

pub fn tiers(_ds: &Dataset, facts: &CustomerFacts, config: &CustomerConfig) -> TierReport {
    let (tier, revenue) = tier_of_customers(facts, config);
    let total: i64 = revenue.iter().sum();
    let tiers = [Tier::A, Tier::B, Tier::C]
        .into_iter()
        .map(|t| {
            let (customers, rev) = tier
                .iter()
                .zip(&revenue)
                .enumerate()
                .filter(|(i, (x, _))| **x == t && facts.in_scope(*i))
                .map(|(_, p)| p)
                .fold((0, 0i64), |(n, s), (_, r)| (n + 1, s + r));
            TierStats {
                tier: t,
                customers,
                revenue: rev,
                revenue_share: if total > 0 {
                    rev as f64 / total as f64
                } else {
                    0.0
                },
            }
        })
        .collect();
    TierReport {
        a_share: config.tier_a_share,
        b_share: config.tier_b_share,
        tiers,
    }
}

/// RFM scores 1–5 per dimension (5 best: most recent, most frequent, highest revenue).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
pub struct RfmScore {
    pub r: u8,
    pub f: u8,
    pub m: u8,
}

#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct RfmCell {
    pub code: String,
    pub customers: usize,
}

#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct RfmGroup {
    pub group: &'static str,
    pub customers: usize,
}

#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct RfmReport {
    pub customers: usize,
    /// Customers per R, F, M score 1..=5.
    pub r_counts: [usize; 5],
    pub f_counts: [usize; 5],
    pub m_counts: [usize; 5],
    /// Non-empty RFM cells ("545" …), most populated first.
    pub cells: Vec<RfmCell>,
    /// Named groups: champions (R≥4, F≥4), loyal (F≥4), new (F=1, R≥4), at_risk (R≤2, F≥3),
    /// hibernating (R≤2, F≤2), others.
    pub groups: Vec<RfmGroup>,
}

/// Quintile score 1..=5 of each value (higher value → higher score), ties sharing the score of
/// their first rank, so equal customers always score equally.
pub fn quintile_scores(values: &[f64]) -> Vec<u8> {
    quintile_scores_by_counting(values).unwrap_or_else(|| quintile_scores_by_sorting(values))
}

/// [`quintile_scores`] of any values, from one sort.
pub(super) fn quintile_scores_by_sorting(values: &[f64]) -> Vec<u8> {
    let n = values.len();
    // (value, position) pairs sorted by value: the same value sequence as sorting positions by
    // value, without an indirection per comparison.
    let mut order: Vec<(f64, u32)> = values
        .iter()
        .enumerate()
        .map(|(i, &v)| (v, i as u32))
        .collect();
    order.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    let mut out = vec![1u8; n];
    let mut first_rank = 0;
    let mut previous: Option<f64> = None;
    for (rank, &(v, i)) in order.iter().enumerate() {
        if previous.is_some_and(|p| p != v) {
            first_rank = rank;
        }
        previous = Some(v);
        if let Some(o) = out.get_mut(i as usize) {
            *o = (1 + 5 * first_rank / n.max(1)).min(5) as u8;
        }
    }
    out
}

/// [`quintile_scores`] of whole numbers spanning a range no wider than a few times their
/// count (days since the last order, purchase days): the first rank of a value is the number
/// of values below it, read from counts per value, with no sort. `None` for other values.
pub(super) fn quintile_scores_by_counting(values: &[f64]) -> Option<Vec<u8>> {
    let n = values.len();
    let (lo, hi) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        });
    let span = hi - lo;
    if !(span >= 0.0 && span <= (4 * n).max(1024) as f64) || values.iter().any(|v| v.fract() != 0.0)
    {
        return None;
    }
    // Whole numbers within the span: each value's offset from `lo` is exact.
    let offset = |v: f64| (v - lo) as usize;
    let mut below = vec![0usize; span as usize + 2];
    for &v in values {
        if let Some(c) = below.get_mut(offset(v) + 1) {
            *c += 1;
        }
    }
    for k in 1..below.len() {
        below[k] += below[k - 1];
    }
    Some(
        values
            .iter()
            .map(|&v| {
                let first_rank = below.get(offset(v)).copied().unwrap_or(0);
                (1 + 5 * first_rank / n.max(1)).min(5) as u8
            })
            .collect(),
    )
}

/// RFM scores for customers with at least one order (`None` for the others).
pub fn rfm_scores(facts: &CustomerFacts) -> Vec<Option<RfmScore>> {
    let rows: Vec<usize> = (0..facts.len())
        .filter(|&i| !facts.days(i).0.is_empty())
        .collect();
    let recency: Vec<f64> = rows
        .iter()
        .map(|&i| {
            let last = facts.days(i).0.last().copied().unwrap_or(0);
            -((facts.as_of_day - last) as f64)
        })
        .collect();
    let freq: Vec<f64> = rows.iter().map(|&i| facts.days(i).0.len() as f64).collect();
    let money: Vec<f64> = rows.iter().map(|&i| facts.revenue(i) as f64).collect();
    let (r, f, m) = (
        quintile_scores(&recency),
        quintile_scores(&freq),
        quintile_scores(&money),
    );
    let mut out = vec![None; facts.len()];
    for (k, &i) in rows.iter().enumerate() {
        out[i] = Some(RfmScore {
            r: r[k],
            f: f[k],
            m: m[k],
        });
    }
    out
}

pub fn rfm(facts: &CustomerFacts, _config: &CustomerConfig) -> RfmReport {
    let scores = rfm_scores(facts);
    let mut r_counts = [0; 5];
    let mut f_counts = [0; 5];
    let mut m_counts = [0; 5];
    let mut cells = vec![0usize; 125];
    let names = [
        "champions",
        "loyal",
        "new",
        "at_risk",
        "hibernating",
        "others",
    ];
    let mut groups = [0usize; 6];
    let mut customers = 0;
    for s in scores.iter().flatten() {
        customers += 1;
        let (r, f, m) = (s.r as usize - 1, s.f as usize - 1, s.m as usize - 1);
        r_counts[r] += 1;
        f_counts[f] += 1;
        m_counts[m] += 1;
        cells[r * 25 + f * 5 + m] += 1;
        let g = if s.r >= 4 && s.f >= 4 {
            0
        } else if s.f >= 4 {
            1
        } else if s.f == 1 && s.r >= 4 {
            2
        } else if s.r <= 2 && s.f >= 3 {
            3
        } else if s.r <= 2 {
            4
        } else {
            5
        };
        groups[g] += 1;
    }
    let mut cells: Vec<RfmCell> = cells
        .iter()
        .enumerate()
        .filter(|(_, n)| **n > 0)
        .map(|(k, &n)| RfmCell {
            code: format!("{}{}{}", k / 25 + 1, (k / 5) % 5 + 1, k % 5 + 1),
            customers: n,
        })
        .collect();
    cells.sort_by(|a, b| b.customers.cmp(&a.customers).then(a.code.cmp(&b.code)));
    RfmReport {
        customers,
        r_counts,
        f_counts,
        m_counts,
        cells,
        groups: names
            .iter()
            .zip(groups)
            .map(|(g, n)| RfmGroup {
                group: g,
                customers: n,
            })
            .collect(),
    }
}

/// A rate for one key of a breakdown.
#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct KeyRate {
    pub key: String,
    pub customers: u64,
    pub repeat: u64,
    pub rate: f64,
    pub ci_low: f64,
    pub ci_high: f64,
}

/// Customer counts and window revenue by one segment dimension.
#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct SegmentCount {
    pub key: String,
    pub customers: usize,
    pub revenue: i64,
}

#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct SegmentReport {
    pub window_days: i64,
    pub by_customer_type: Vec<SegmentCount>,
    pub by_channel: Vec<SegmentCount>,
    pub by_region: Vec<SegmentCount>,
    /// Repeat-purchase rate: customers with ≥ 2 distinct purchase days in the window among
    /// those with ≥ 1, with Wilson 95 % intervals.
    pub repeat_rate: Proportion,
    pub repeat_by_customer_type: Vec<KeyRate>,
    pub repeat_by_channel: Vec<KeyRate>,
    pub repeat_by_region: Vec<KeyRate>,
    pub repeat_by_rep: Vec<KeyRate>,
    pub repeat_by_source: Vec<KeyRate>,
}

/// The breakdown keys of every customer row — customer type, channel, region, owner rep and
/// source — as small integers per dimension, numbered in the order of their labels: counting
/// into a `Vec` by key id and reading it in id order gives the label-sorted breakdown without
/// comparing strings per customer. Equal labels share an id.
#[derive(Clone, Debug, Default)]
pub struct SegmentKeys {
    /// Per customer row, the key id in each dimension.
    pub ids: Vec<[u32; 5]>,
    /// Per dimension, the label of each id (sorted, distinct).
    pub labels: [Vec<String>; 5],
}

/// The label of a missing key.
const UNKNOWN: &str = "(unknown)";

impl SegmentKeys {
    pub fn build(ds: &Dataset) -> Self {
        // Raw keys first: enum index (its `ALL.len()` for none) or a number per distinct symbol,
        // remembering the previous symbol since neighbouring rows often share it.
        #[derive(Default)]
        struct SymIds {
            index: rustc_hash::FxHashMap<Option<crate::model::Sym>, u32>,
            syms: Vec<Option<crate::model::Sym>>,
            last: Option<(Option<crate::model::Sym>, u32)>,
        }
        impl SymIds {
            fn of(&mut self, s: Option<crate::model::Sym>) -> u32 {
                if let Some((l, id)) = self.last
                    && l == s
                {
                    return id;
                }
                let n = self.syms.len() as u32;
                let id = *self.index.entry(s).or_insert(n);
                if id == n {
                    self.syms.push(s);
                }
                self.last = Some((s, id));
                id
            }
        }
        let mut sym_ids: [SymIds; 3] = Default::default();
        let types = crate::model::CustomerType::ALL.len() as u32;
        let channels = crate::model::Channel::ALL.len() as u32;
        let mut ids: Vec<[u32; 5]> = ds
            .customers
            .iter()
            .map(|c| {
                let [region, owner, source] = &mut sym_ids;
                [
                    c.customer_type.map_or(types, |t| t.index() as u32),
                    c.channel.map_or(channels, |t| t.index() as u32),
                    region.of(c.region),
                    owner.of(c.owner.map(|r| r.0)),
                    source.of(c.source),
                ]
            })
            .collect();
        let raw_labels: [Vec<&str>; 5] = [
            crate::model::CustomerType::ALL
                .iter()
                .map(|t| t.as_str())
                .chain([UNKNOWN])
                .collect(),
            crate::model::Channel::ALL
                .iter()
                .map(|t| t.as_str())
                .chain([UNKNOWN])
                .collect(),
            sym_labels(ds, &sym_ids[0].syms),
            sym_labels(ds, &sym_ids[1].syms),
            sym_labels(ds, &sym_ids[2].syms),
        ];
        let mut labels: [Vec<String>; 5] = Default::default();
        let mut remap: [Vec<u32>; 5] = Default::default();
        for ((raw, out), map) in raw_labels.iter().zip(&mut labels).zip(&mut remap) {
            let mut sorted: Vec<&str> = raw.clone();
            sorted.sort_unstable();
            sorted.dedup();
            *map = raw
                .iter()
                .map(|l| sorted.partition_point(|x| x < l) as u32)
                .collect();
            *out = sorted.into_iter().map(str::to_string).collect();
        }
        for row in &mut ids {
            for (id, map) in row.iter_mut().zip(&remap) {
                *id = map.get(*id as usize).copied().unwrap_or(0);
            }
        }
        Self { ids, labels }
    }

    /// Key ids of customer row i (all 0 past the last row).
    pub fn of(&self, i: usize) -> [u32; 5] {
        self.ids.get(i).copied().unwrap_or([0; 5])
    }

    /// The label of key `id` in dimension `dim`.
    pub fn label(&self, dim: usize, id: u32) -> &str {
        self.labels
            .get(dim)
            .and_then(|l| l.get(id as usize))
            .map_or(UNKNOWN, String::as_str)
    }

    /// Number of distinct keys in dimension `dim`.
    pub fn count(&self, dim: usize) -> usize {
        self.labels.get(dim).map_or(0, Vec::len)
    }
}

fn sym_labels<'a>(ds: &'a Dataset, syms: &[Option<crate::model::Sym>]) -> Vec<&'a str> {
    syms.iter()
        .map(|s| s.map_or(UNKNOWN, |s| ds.name(s)))
        .collect()
}

/// Rates from (customers, successes) per key id of dimension `dim`, in label order; keys
/// without customers are left out.
fn rate_rows(keys: &SegmentKeys, dim: usize, counts: &[(u64, u64)]) -> Vec<KeyRate> {
    counts
        .iter()
        .enumerate()
        .filter(|(_, (n, _))| *n > 0)
        .map(|(id, &(n, k))| {
            let p = Proportion::wilson(k, n);
            KeyRate {
                key: keys.label(dim, id as u32).to_string(),
                customers: n,
                repeat: k,
                rate: p.rate,
                ci_low: p.ci_low,
                ci_high: p.ci_high,
            }
        })
        .collect()
}

pub fn segment_report(
    _ds: &Dataset,
    facts: &CustomerFacts,
    config: &CustomerConfig,
) -> SegmentReport {
    let from = facts.as_of_day - config.window_days;
    let keys = &facts.keys;
    // One pass: window revenue and purchase days per customer, counted into every dimension.
    let mut counts: [Vec<(usize, i64)>; 3] = std::array::from_fn(|d| vec![(0, 0); keys.count(d)]);
    let mut active: [Vec<(u64, u64)>; 5] = std::array::from_fn(|d| vec![(0, 0); keys.count(d)]);
    let (mut buyers, mut repeat) = (0u64, 0u64);
    for i in 0..facts.len() {
        if !facts.in_scope(i) {
            continue;
        }
        let (d, r) = facts.days(i);
        let lo = d.partition_point(|x| *x < from);
        let hi = d.partition_point(|x| *x < facts.as_of_day);
        let revenue: i64 = r.get(lo..hi.max(lo)).unwrap_or_default().iter().sum();
        let n = hi.saturating_sub(lo);
        let k = keys.of(i);
        for (c, &id) in counts.iter_mut().zip(&k) {
            if let Some(e) = c.get_mut(id as usize) {
                e.0 += 1;
                e.1 += revenue;
            }
        }
        if n >= 1 {
            buyers += 1;
            repeat += u64::from(n >= 2);
            for (a, &id) in active.iter_mut().zip(&k) {
                if let Some(e) = a.get_mut(id as usize) {
                    e.0 += 1;
                    e.1 += u64::from(n >= 2);
                }
            }
        }
    }
    let [by_customer_type, by_channel, by_region] = std::array::from_fn(|dim| {
        counts
            .get(dim)
            .into_iter()
            .flatten()
            .enumerate()
            .filter(|(_, (n, _))| *n > 0)
            .map(|(id, &(n, r))| SegmentCount {
                key: keys.label(dim, id as u32).to_string(),
                customers: n,
                revenue: r,
            })
            .collect::<Vec<_>>()
    });
    let [t, c, g, r, s] =
        std::array::from_fn(|dim| rate_rows(keys, dim, active.get(dim).map_or(&[], Vec::as_slice)));
    SegmentReport {
        window_days: config.window_days,
        by_customer_type,
        by_channel,
        by_region,
        repeat_rate: Proportion::wilson(repeat, buyers),
        repeat_by_customer_type: t,
        repeat_by_channel: c,
        repeat_by_region: g,
        repeat_by_rep: r,
        repeat_by_source: s,
    }
}
