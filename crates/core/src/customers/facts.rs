//! Orders grouped by customer row in one pass (a counting sort into compressed rows), with the
//! per-customer distinct purchase days the cycle, lifecycle and CLV measures use.

use super::{SegmentKeys, SymRows};
use crate::Dataset;
use crate::model::Timestamp;

/// Per-customer order history up to (excluding) `as_of`.
#[derive(Clone, Debug)]
pub struct CustomerFacts {
    /// Customer row per interned customer id.
    row_of_sym: SymRows,
    /// `purchase_days[day_start[i]..day_start[i+1]]`: customer i's distinct order days, sorted.
    day_start: Vec<usize>,
    purchase_days: Vec<i64>,
    /// Revenue per distinct day, aligned with `purchase_days` (minor units).
    day_revenue: Vec<i64>,
    /// Number of order rows per customer (several on one day count separately here).
    pub order_count: Vec<u32>,
    pub as_of_day: i64,
    /// Orders whose customer is not in the customers table.
    pub orphan_orders: usize,
    /// Median interval between purchase days per customer (see [`cycle_of`]), computed once
    /// for the several measures that need it.
    cycle: Vec<Option<f64>>,
    /// Breakdown keys per customer as small integers.
    pub keys: SegmentKeys,
    /// The customers in scope (`None`: all); see [`CustomerFacts::restrict`].
    in_scope: Option<Vec<bool>>,
}

impl CustomerFacts {
    pub fn build(ds: &Dataset, as_of: Timestamp) -> Self {
        let row_of_sym = SymRows::new(ds.customers.iter().map(|c| c.id.0));
        let as_of_day = as_of.day();
        let (day_start, purchase_days, day_revenue, order_count, orphan_orders) =
            match days_in_order(ds, &row_of_sym, as_of) {
                Some(d) => d,
                None => days_by_counting_sort(ds, &row_of_sym, as_of),
            };
        let cycle = day_start
            .windows(2)
            .map(|w| cycle_of(purchase_days.get(w[0]..w[1]).unwrap_or_default()))
            .collect();
        Self {
            row_of_sym,
            day_start,
            purchase_days,
            day_revenue,
            order_count,
            as_of_day,
            orphan_orders,
            cycle,
            keys: SegmentKeys::build(ds),
            in_scope: None,
        }
    }

    /// These facts with only the customers `keep` marks (by customer row; rows past its end
    /// are left out): the others lose their orders, so every measure sees them as customers
    /// who never bought, and the measures that count customers without orders skip them
    /// through [`CustomerFacts::in_scope`]. One pass over the kept histories — far cheaper than
    /// grouping the orders again.
    pub fn restrict(&self, keep: &[bool]) -> Self {
        let n = self.len();
        let kept = |i: usize| keep.get(i).copied().unwrap_or(false);
        let mut day_start = Vec::with_capacity(n + 1);
        let mut purchase_days = Vec::new();
        let mut day_revenue = Vec::new();
        for i in 0..n {
            day_start.push(purchase_days.len());
            if kept(i) {
                let (d, r) = self.days(i);
                purchase_days.extend_from_slice(d);
                day_revenue.extend_from_slice(r);
            }
        }
        day_start.push(purchase_days.len());
        Self {
            row_of_sym: self.row_of_sym.clone(),
            day_start,
            purchase_days,
            day_revenue,
            order_count: (0..n)
                .map(|i| {
                    self.order_count
                        .get(i)
                        .copied()
                        .filter(|_| kept(i))
                        .unwrap_or(0)
                })
                .collect(),
            as_of_day: self.as_of_day,
            orphan_orders: self.orphan_orders,
            cycle: (0..n)
                .map(|i| self.cycle_days(i).filter(|_| kept(i)))
                .collect(),
            keys: self.keys.clone(),
            in_scope: Some((0..n).map(kept).collect()),
        }
    }

    /// Whether customer row i is in scope (always, unless [`CustomerFacts::restrict`]ed).
    pub fn in_scope(&self, i: usize) -> bool {
        self.in_scope
            .as_ref()
            .is_none_or(|k| k.get(i).copied().unwrap_or(false))
    }

    /// Customers in scope.
    pub fn customers_in_scope(&self) -> usize {
        self.in_scope
            .as_ref()
            .map_or(self.len(), |k| k.iter().filter(|x| **x).count())
    }

    pub fn len(&self) -> usize {
        self.order_count.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order_count.is_empty()
    }

    /// The customer row of an interned customer id.
    pub fn row(&self, sym: crate::model::Sym) -> Option<usize> {
        self.row_of_sym.get(sym)
    }

    /// Customer i's distinct purchase days (sorted) and the revenue of each.
    pub fn days(&self, i: usize) -> (&[i64], &[i64]) {
        let lo = self.day_start.get(i).copied().unwrap_or(0);
        let hi = self.day_start.get(i + 1).copied().unwrap_or(lo);
        (
            self.purchase_days.get(lo..hi).unwrap_or_default(),
            self.day_revenue.get(lo..hi).unwrap_or_default(),
        )
    }

    /// Customer i's distinct purchase days before `day` (exclusive).
    pub fn days_before(&self, i: usize, day: i64) -> &[i64] {
        let (d, _) = self.days(i);
        let k = d.partition_point(|x| *x < day);
        d.get(..k).unwrap_or_default()
    }

    pub fn revenue(&self, i: usize) -> i64 {
        self.days(i).1.iter().sum()
    }

    /// Revenue of customer i on days in [from, to).
    pub fn revenue_between(&self, i: usize, from: i64, to: i64) -> i64 {
        let (d, r) = self.days(i);
        let lo = d.partition_point(|x| *x < from);
        let hi = d.partition_point(|x| *x < to);
        r.get(lo..hi.max(lo)).unwrap_or_default().iter().sum()
    }

    /// Number of purchase days of customer i in [from, to).
    pub fn purchases_between(&self, i: usize, from: i64, to: i64) -> usize {
        let (d, _) = self.days(i);
        d.partition_point(|x| *x < to)
            .saturating_sub(d.partition_point(|x| *x < from))
    }

    /// The first and last purchase day over every customer; `None` without orders.
    pub fn day_span(&self) -> Option<(i64, i64)> {
        // Every stored day belongs to some customer's range, so one sequential pass over the
        // days (vectorised) replaces reading each customer's first and last day at random.
        let (lo, hi) = self
            .purchase_days
            .iter()
            .fold((i64::MAX, i64::MIN), |(lo, hi), &d| (lo.min(d), hi.max(d)));
        (lo <= hi).then_some((lo, hi))
    }

    pub fn with_orders(&self) -> usize {
        self.order_count.iter().filter(|c| **c > 0).count()
    }

    /// Median interval between consecutive purchase days, `None` with fewer than two.
    pub fn cycle_days(&self, i: usize) -> Option<f64> {
        self.cycle.get(i).copied().flatten()
    }
}

/// Distinct purchase days (with their revenue), order rows per customer, and orphan orders:
/// compressed rows `(day_start, purchase_days, day_revenue)` indexed by customer row.
type Grouped = (Vec<usize>, Vec<i64>, Vec<i64>, Vec<u32>, usize);

/// The customer row of each interned symbol, read once per run of orders of one customer.
fn row_lookup(row_of_sym: &SymRows) -> impl FnMut(crate::model::Sym) -> u32 + '_ {
    let mut last: Option<(crate::model::Sym, u32)> = None;
    move |sym| match last {
        Some((s, r)) if s == sym => r,
        _ => {
            let r = row_of_sym.get(sym).map_or(u32::MAX, |r| r as u32);
            last = Some((sym, r));
            r
        }
    }
}

/// The common case of orders listed customer by customer (in customer-table order) and by
/// date within each: one pass writes the compressed rows directly. `None` as soon as an order
/// breaks that order.
fn days_in_order(ds: &Dataset, row_of_sym: &SymRows, as_of: Timestamp) -> Option<Grouped> {
    let n = ds.customers.len();
    let mut row = row_lookup(row_of_sym);
    let mut day_start: Vec<usize> = Vec::with_capacity(n + 1);
    // At most one day per order; pages past the last day written are never touched.
    let mut purchase_days: Vec<i64> = Vec::with_capacity(ds.orders.len());
    let mut day_revenue: Vec<i64> = Vec::with_capacity(ds.orders.len());
    let mut order_count = vec![0u32; n];
    let mut orphan_orders = 0;
    for o in &ds.orders {
        let r = row(o.customer.0);
        if r == u32::MAX {
            orphan_orders += 1;
            continue;
        }
        if o.date >= as_of {
            continue;
        }
        let r = r as usize;
        if r + 1 < day_start.len() {
            return None;
        }
        while day_start.len() <= r {
            day_start.push(purchase_days.len());
        }
        let day = o.date.day();
        let opened = day_start.get(r).copied().unwrap_or(0);
        match purchase_days.last() {
            Some(&last) if purchase_days.len() > opened && last == day => {
                if let Some(v) = day_revenue.last_mut() {
                    *v += o.amount.0;
                }
            }
            Some(&last) if purchase_days.len() > opened && last > day => return None,
            _ => {
                purchase_days.push(day);
                day_revenue.push(o.amount.0);
            }
        }
        if let Some(c) = order_count.get_mut(r) {
            *c += 1;
        }
    }
    while day_start.len() <= n {
        day_start.push(purchase_days.len());
    }
    Some((
        day_start,
        purchase_days,
        day_revenue,
        order_count,
        orphan_orders,
    ))
}

/// Any order of orders: a counting sort by customer row, then each customer's days sorted
/// and merged.
fn days_by_counting_sort(ds: &Dataset, row_of_sym: &SymRows, as_of: Timestamp) -> Grouped {
    let n = ds.customers.len();
    let mut row = row_lookup(row_of_sym);
    let mut counts = vec![0usize; n + 1];
    let mut orphan_orders = 0;
    let mut row_of_order: Vec<u32> = Vec::with_capacity(ds.orders.len());
    for o in &ds.orders {
        let r = row(o.customer.0);
        if r == u32::MAX {
            orphan_orders += 1;
        } else if o.date < as_of {
            if let Some(c) = counts.get_mut(r as usize + 1) {
                *c += 1;
            }
            row_of_order.push(r);
            continue;
        }
        row_of_order.push(u32::MAX);
    }
    for i in 0..n {
        counts[i + 1] += counts[i];
    }
    let total = counts[n];
    let mut fill = counts.clone();
    let mut days = vec![0i64; total];
    let mut amounts = vec![0i64; total];
    for (o, &r) in ds.orders.iter().zip(&row_of_order) {
        if r == u32::MAX {
            continue;
        }
        if let Some(pos) = fill.get_mut(r as usize) {
            if let (Some(d), Some(a)) = (days.get_mut(*pos), amounts.get_mut(*pos)) {
                *d = o.date.day();
                *a = o.amount.0;
            }
            *pos += 1;
        }
    }
    let mut order_count = vec![0u32; n];
    let mut day_start = Vec::with_capacity(n + 1);
    let mut purchase_days = Vec::with_capacity(total);
    let mut day_revenue = Vec::with_capacity(total);
    let mut pairs: Vec<(i64, i64)> = Vec::new();
    for i in 0..n {
        day_start.push(purchase_days.len());
        let (lo, hi) = (counts[i], counts[i + 1]);
        order_count[i] = (hi - lo) as u32;
        pairs.clear();
        pairs.extend(
            days.get(lo..hi)
                .unwrap_or_default()
                .iter()
                .copied()
                .zip(amounts.get(lo..hi).unwrap_or_default().iter().copied()),
        );
        if !pairs.is_sorted_by_key(|p| p.0) {
            pairs.sort_unstable_by_key(|p| p.0);
        }
        for &(d, a) in &pairs {
            if purchase_days.len() > day_start[i] && purchase_days.last() == Some(&d) {
                if let Some(last) = day_revenue.last_mut() {
                    *last += a;
                }
            } else {
                purchase_days.push(d);
                day_revenue.push(a);
            }
        }
    }
    day_start.push(purchase_days.len());
    (
        day_start,
        purchase_days,
        day_revenue,
        order_count,
        orphan_orders,
    )
}

/// Median gap between consecutive sorted days; `None` with fewer than two days. Runs for every
/// customer in several measures, so the gaps of the usual short histories stay on the stack
/// and the median is a selection, not a sort.
pub fn cycle_of(days: &[i64]) -> Option<f64> {
    let n = days.len().checked_sub(1).filter(|n| *n > 0)?;
    let mut stack = [0i64; 64];
    let mut heap = Vec::new();
    let gaps: &mut [i64] = if n <= stack.len() {
        stack.get_mut(..n)?
    } else {
        heap.resize(n, 0);
        &mut heap
    };
    for (g, w) in gaps.iter_mut().zip(days.windows(2)) {
        *g = w[1] - w[0];
    }
    let (below, &mut upper, _) = gaps.select_nth_unstable(n / 2);
    let upper = upper as f64;
    if n % 2 == 1 {
        return Some(upper);
    }
    // Even count: the midpoint of the two middle gaps, as `stats::quantile_sorted` computes it.
    let lower = below.iter().copied().max()? as f64;
    Some(lower + 0.5 * (upper - lower))
}
