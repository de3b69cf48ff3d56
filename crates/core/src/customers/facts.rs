//! Orders grouped by customer row and by day, as columns held per dataset ([`OrderColumns`]),
//! and the per-customer facts as of one date ([`CustomerFacts`]): a cut of those columns, with
//! the distinct purchase days the cycle, lifecycle and CLV measures use.

use super::{SegmentKeys, SymRows};
use crate::Dataset;
use crate::model::Timestamp;
use std::sync::Arc;

/// The orders of a dataset grouped by customer row and by day (same-day orders merged), as
/// columns: what every customer measure reads of the order table, laid out once per dataset
/// and held next to it (see [`crate::metrics::MeasureBase`]), so that the facts as of any
/// date are a cut of these columns ([`CustomerFacts::at`]) instead of a pass over the order
/// rows.
#[derive(Debug)]
pub struct OrderColumns {
    /// Customer row per interned customer id.
    row_of_sym: Arc<SymRows>,
    /// The orders grouped by customer row.
    g: Grouped,
    /// [`cycle_of`] each customer's days, shared by the cuts that keep all of them.
    cycle: Arc<Vec<Option<f64>>>,
    keys: Arc<SegmentKeys>,
    /// The first and last day over every customer; `None` without orders.
    span: Option<(i64, i64)>,
    /// The orders left out: those at or after this instant (`None`: none).
    before: Option<Timestamp>,
}

impl OrderColumns {
    /// Every order of `ds`, grouped.
    pub fn build(ds: &Dataset) -> Self {
        Self::grouped(
            ds,
            Arc::new(SymRows::new(ds.customers.iter().map(|c| c.id.0))),
            Arc::new(SegmentKeys::build(ds)),
            None,
        )
    }

    /// The orders of `ds` before `before` (all for `None`), grouped; `row_of_sym` and `keys`
    /// are those of `ds`.
    fn grouped(
        ds: &Dataset,
        row_of_sym: Arc<SymRows>,
        keys: Arc<SegmentKeys>,
        before: Option<Timestamp>,
    ) -> Self {
        let as_of = before.unwrap_or(Timestamp(i64::MAX));
        let g = match days_in_order(ds, &row_of_sym, as_of) {
            Some(g) => g,
            None => days_by_counting_sort(ds, &row_of_sym, as_of),
        };
        let cycle = g
            .day_start
            .windows(2)
            .map(|w| cycle_of(g.purchase_days.get(w[0]..w[1]).unwrap_or_default()))
            .collect();
        // Every stored day belongs to some customer's range, so one sequential pass over the
        // days (vectorised) replaces reading each customer's first and last day at random.
        let (lo, hi) = g
            .purchase_days
            .iter()
            .fold((i64::MAX, i64::MIN), |(lo, hi), &d| (lo.min(d), hi.max(d)));
        Self {
            row_of_sym,
            g,
            cycle: Arc::new(cycle),
            keys,
            span: (lo <= hi).then_some((lo, hi)),
            before,
        }
    }

    /// Customers (rows of the customers table).
    pub fn len(&self) -> usize {
        self.g.order_count.len()
    }

    pub fn is_empty(&self) -> bool {
        self.g.order_count.is_empty()
    }

    /// Customer i's range in the day columns.
    fn range(&self, i: usize) -> (usize, usize) {
        let lo = self.g.day_start.get(i).copied().unwrap_or(0);
        let hi = self.g.day_start.get(i + 1).copied().unwrap_or(lo);
        (lo, hi.max(lo))
    }
}

/// Per-customer order history up to (excluding) `as_of`: a view of [`OrderColumns`].
#[derive(Clone, Debug)]
pub struct CustomerFacts {
    orders: Arc<OrderColumns>,
    /// Per customer, the end of its days before `as_of` in the columns; `None`: all its days.
    day_end: Option<Vec<usize>>,
    /// Number of order rows per customer (several on one day count separately here).
    pub order_count: Vec<u32>,
    pub as_of_day: i64,
    /// Orders whose customer is not in the customers table.
    pub orphan_orders: usize,
    /// Median interval between purchase days per customer (see [`cycle_of`]), computed once
    /// for the several measures that need it.
    cycle: Arc<Vec<Option<f64>>>,
    /// Breakdown keys per customer as small integers.
    pub keys: Arc<SegmentKeys>,
    /// The customers in scope (`None`: all); see [`CustomerFacts::restrict`].
    in_scope: Option<Vec<bool>>,
}

impl CustomerFacts {
    /// The facts of `ds` as of `as_of`, grouping its orders before `as_of` (for one call; a
    /// caller holding the data holds [`OrderColumns`] and cuts them with [`CustomerFacts::at`]).
    pub fn build(ds: &Dataset, as_of: Timestamp) -> Self {
        let orders = OrderColumns::grouped(
            ds,
            Arc::new(SymRows::new(ds.customers.iter().map(|c| c.id.0))),
            Arc::new(SegmentKeys::build(ds)),
            Some(as_of),
        );
        Self::whole(Arc::new(orders), as_of)
    }

    /// The facts as of `as_of` from `orders`, the held [`OrderColumns`] of `ds`: each
    /// customer's days before the as-of day (none copied when the as-of date is after every
    /// order). An as-of instant within a day splits that day's orders, which the day columns do
    /// not record, so the orders are grouped again (as [`CustomerFacts::build`] does).
    pub fn at(ds: &Dataset, orders: &Arc<OrderColumns>, as_of: Timestamp) -> Self {
        let cuttable = as_of.is_midnight() && orders.before.is_none_or(|b| as_of <= b);
        if !cuttable {
            let regrouped = OrderColumns::grouped(
                ds,
                orders.row_of_sym.clone(),
                orders.keys.clone(),
                Some(as_of),
            );
            return Self::whole(Arc::new(regrouped), as_of);
        }
        let now = as_of.day();
        if orders.span.is_none_or(|(_, last)| last < now) {
            return Self::whole(orders.clone(), as_of);
        }
        let n = orders.len();
        let mut day_end = Vec::with_capacity(n);
        let mut order_count = Vec::with_capacity(n);
        let mut cycle = Vec::with_capacity(n);
        for i in 0..n {
            let (lo, hi) = orders.range(i);
            let days = orders.g.purchase_days.get(lo..hi).unwrap_or_default();
            if days.last().is_none_or(|&d| d < now) {
                day_end.push(hi);
                order_count.push(orders.g.order_count.get(i).copied().unwrap_or(0));
                cycle.push(orders.cycle.get(i).copied().flatten());
                continue;
            }
            let k = days.partition_point(|&d| d < now);
            day_end.push(lo + k);
            let through = k
                .checked_sub(1)
                .and_then(|k| orders.g.orders_through.get(lo + k));
            order_count.push(through.copied().unwrap_or(0));
            cycle.push(cycle_of(days.get(..k).unwrap_or_default()));
        }
        Self {
            orders: orders.clone(),
            day_end: Some(day_end),
            order_count,
            as_of_day: now,
            orphan_orders: orders.g.orphan_orders,
            cycle: Arc::new(cycle),
            keys: orders.keys.clone(),
            in_scope: None,
        }
    }

    /// Every day of `orders` (grouped before `as_of` or earlier).
    fn whole(orders: Arc<OrderColumns>, as_of: Timestamp) -> Self {
        Self {
            day_end: None,
            order_count: orders.g.order_count.clone(),
            as_of_day: as_of.day(),
            orphan_orders: orders.g.orphan_orders,
            cycle: orders.cycle.clone(),
            keys: orders.keys.clone(),
            in_scope: None,
            orders,
        }
    }

    /// These facts with only the customers `keep` marks (by customer row; rows past its end
    /// are left out): the others lose their orders, so every measure sees them as customers
    /// who never bought, and the measures that count customers without orders skip them
    /// through [`CustomerFacts::in_scope`]. One pass over the customers; no day is copied.
    pub fn restrict(&self, keep: &[bool]) -> Self {
        let n = self.len();
        let kept = |i: usize| keep.get(i).copied().unwrap_or(false);
        Self {
            orders: self.orders.clone(),
            day_end: Some(
                (0..n)
                    .map(|i| {
                        let (lo, hi) = self.range(i);
                        if kept(i) { hi } else { lo }
                    })
                    .collect(),
            ),
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
            cycle: Arc::new(
                (0..n)
                    .map(|i| self.cycle_days(i).filter(|_| kept(i)))
                    .collect(),
            ),
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
        self.orders.row_of_sym.get(sym)
    }

    /// Customer i's range of days in the columns.
    #[inline]
    fn range(&self, i: usize) -> (usize, usize) {
        let (lo, hi) = self.orders.range(i);
        match &self.day_end {
            None => (lo, hi),
            Some(end) => (lo, end.get(i).copied().unwrap_or(lo).clamp(lo, hi)),
        }
    }

    /// Customer i's distinct purchase days (sorted) and the revenue of each.
    #[inline]
    pub fn days(&self, i: usize) -> (&[i64], &[i64]) {
        let (lo, hi) = self.range(i);
        (
            self.orders.g.purchase_days.get(lo..hi).unwrap_or_default(),
            self.orders.g.day_revenue.get(lo..hi).unwrap_or_default(),
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
        if self.day_end.is_none() {
            return self.orders.span;
        }
        let (lo, hi) = (0..self.len())
            .filter_map(|i| {
                let d = self.days(i).0;
                Some((*d.first()?, *d.last()?))
            })
            .fold((i64::MAX, i64::MIN), |(lo, hi), (a, b)| {
                (lo.min(a), hi.max(b))
            });
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

/// Orders grouped by customer row.
#[derive(Debug)]
struct Grouped {
    /// `purchase_days[day_start[i]..day_start[i+1]]`: customer i's distinct order days, sorted.
    day_start: Vec<usize>,
    purchase_days: Vec<i64>,
    /// Revenue per distinct day, aligned with `purchase_days` (minor units).
    day_revenue: Vec<i64>,
    /// The customer's order rows up to and including each day (several on one day count
    /// separately), aligned with `purchase_days`: a cut's order count is one read.
    orders_through: Vec<u32>,
    /// Order rows per customer.
    order_count: Vec<u32>,
    /// Orders whose customer is not in the customers table, whatever their date.
    orphan_orders: usize,
}

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
    let mut orders_through: Vec<u32> = Vec::with_capacity(ds.orders.len());
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
        let same_customer = purchase_days.len() > opened;
        match purchase_days.last() {
            Some(&last) if same_customer && last == day => {
                if let (Some(v), Some(c)) = (day_revenue.last_mut(), orders_through.last_mut()) {
                    *v += o.amount.0;
                    *c += 1;
                }
            }
            Some(&last) if same_customer && last > day => return None,
            _ => {
                let before = if same_customer {
                    orders_through.last().copied().unwrap_or(0)
                } else {
                    0
                };
                purchase_days.push(day);
                day_revenue.push(o.amount.0);
                orders_through.push(before + 1);
            }
        }
        if let Some(c) = order_count.get_mut(r) {
            *c += 1;
        }
    }
    while day_start.len() <= n {
        day_start.push(purchase_days.len());
    }
    Some(Grouped {
        day_start,
        purchase_days,
        day_revenue,
        orders_through,
        order_count,
        orphan_orders,
    })
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
    let mut orders_through = Vec::with_capacity(total);
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
        let mut through = 0u32;
        for &(d, a) in &pairs {
            through += 1;
            if purchase_days.len() > day_start[i] && purchase_days.last() == Some(&d) {
                if let (Some(last), Some(c)) = (day_revenue.last_mut(), orders_through.last_mut()) {
                    *last += a;
                    *c = through;
                }
            } else {
                purchase_days.push(d);
                day_revenue.push(a);
                orders_through.push(through);
            }
        }
    }
    day_start.push(purchase_days.len());
    Grouped {
        day_start,
        purchase_days,
        day_revenue,
        orders_through,
        order_count,
        orphan_orders,
    }
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
