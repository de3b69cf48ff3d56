//! The Overview's KPI cards and alerts, as plain functions over the lead frame and the customer
//! facts under the global filter.
//!
//! The period is the filter's date range, or else the `window_days` before its end (the as-of
//! date); each card compares it with the period of the same length just before. Trends are per
//! calendar month over the last [`TREND_MONTHS`] months: counts, revenue, conversion and
//! response time of the month; repeat rate and retention over the period-long window ending
//! with the month, as the cards measure them.

use crate::protocol::{Alert, AlertItem, AlertKind, KpiCard, KpiKind};
use reallot_core::Dataset;
use reallot_core::customers::{CustomerConfig, CustomerFacts, CustomerScope, Tier};
use reallot_core::metrics::Scope;
use reallot_core::metrics::leads::LeadFrame;
use reallot_core::metrics::leads::frame::{NO_TIME, NONE};
use reallot_core::model::{CustomerType, EntityKind, SECS_PER_DAY, SECS_PER_HOUR, Timestamp};

/// Months in each card's trend.
pub const TREND_MONTHS: usize = 12;
/// Items listed per alert.
pub const ALERT_ITEMS: usize = 5;

/// What the cards and alerts are computed from.
pub struct OverviewInput<'a> {
    pub ds: &'a Dataset,
    /// The global filter resolved (its window sets the period).
    pub scope: &'a Scope,
    /// The leads under the filter from the beginning of the data up to the period's end.
    pub frame: &'a LeadFrame,
    /// The customers under the filter (restricted facts).
    pub facts: &'a CustomerFacts,
    pub customers: &'a CustomerScope,
    pub config: &'a CustomerConfig,
    pub window_days: i64,
}

/// The cards' period and trend months, the cards and the alerts.
#[derive(Clone, PartialEq, Debug)]
pub struct CardsAndAlerts {
    pub period_from: String,
    pub period_to: String,
    pub months: Vec<String>,
    pub cards: Vec<KpiCard>,
    pub alerts: Vec<Alert>,
}

/// Days `[from, to)`.
type Span = (i64, i64);

pub fn cards_and_alerts(inp: &OverviewInput) -> CardsAndAlerts {
    let end = inp.scope.to.day();
    let start = inp
        .scope
        .from
        .map_or(end - inp.window_days.max(1), |f| f.day())
        .min(end - 1);
    let len = end - start;
    let current = (start, end);
    let before = (start - len, start);
    let last_month = Timestamp::from_days(end - 1).month_index();
    let month_spans: Vec<Span> = (0..TREND_MONTHS as i64)
        .map(|k| {
            let m = last_month - (TREND_MONTHS as i64 - 1) + k;
            (
                Timestamp::from_month_index(m).day(),
                Timestamp::from_month_index(m + 1).day().min(end),
            )
        })
        .collect();
    let months = month_spans
        .iter()
        .map(|(d, _)| {
            let (y, m, _) = Timestamp::from_days(*d).ymd();
            format!("{y:04}-{m:02}")
        })
        .collect();
    let leads = LeadDays::of(inp.frame);
    let reclaim_days = reclaim_days(inp);
    let card = |kind: KpiKind, f: &dyn Fn(Span) -> Option<f64>, trailing: bool| KpiCard {
        kind,
        value: f(current),
        previous: f(before),
        trend: month_spans
            .iter()
            .map(|&(a, b)| f(if trailing { (b - len, b) } else { (a, b) }))
            .collect(),
    };
    let facts = inp.facts;
    let cards = vec![
        card(KpiKind::Leads, &|s| Some(leads.stats(s).0 as f64), false),
        card(KpiKind::Conversion, &|s| leads.stats(s).1, false),
        card(
            KpiKind::Revenue,
            &|(a, b)| {
                Some(
                    (0..facts.len())
                        .map(|i| facts.revenue_between(i, a, b))
                        .sum::<i64>() as f64,
                )
            },
            false,
        ),
        card(KpiKind::ResponseHours, &|s| leads.stats(s).2, false),
        card(KpiKind::RepeatRate, &|s| repeat_rate(facts, s), true),
        card(KpiKind::Retention, &|s| retention(facts, s), true),
        card(
            KpiKind::Reclaims,
            &|(a, b)| {
                Some(
                    (reclaim_days.partition_point(|d| *d < b)
                        - reclaim_days.partition_point(|d| *d < a)) as f64,
                )
            },
            false,
        ),
    ];
    CardsAndAlerts {
        period_from: Timestamp::from_days(start).date_string(),
        period_to: Timestamp::from_days(end - 1).date_string(),
        months,
        cards,
        alerts: vec![
            over_capacity(inp),
            uncontacted(inp),
            overdue_key_customers(inp),
        ],
    }
}

/// The frame's leads by creation day, for counting any span.
struct LeadDays<'a> {
    frame: &'a LeadFrame,
    /// Creation day per frame lead.
    day: Vec<i64>,
}

impl<'a> LeadDays<'a> {
    fn of(frame: &'a LeadFrame) -> Self {
        Self {
            frame,
            day: frame
                .created
                .iter()
                .map(|c| c.div_euclid(SECS_PER_DAY))
                .collect(),
        }
    }

    /// Leads created in the span; won ÷ assigned of them; median hours from assignment to
    /// first contact of those contacted.
    fn stats(&self, (a, b): Span) -> (u64, Option<f64>, Option<f64>) {
        let f = self.frame;
        let (mut n, mut assigned, mut won) = (0u64, 0u64, 0u64);
        let mut hours = Vec::new();
        for (i, &d) in self.day.iter().enumerate() {
            if d < a || d >= b {
                continue;
            }
            n += 1;
            if f.rep.get(i).is_none_or(|r| *r == NONE) {
                continue;
            }
            assigned += 1;
            won += u64::from(f.won.get(i).copied().unwrap_or(false));
            if let (Some(&at), Some(&c)) = (f.assigned.get(i), f.contact.get(i))
                && at != NO_TIME
                && c != NO_TIME
            {
                hours.push((c - at).max(0) as f64 / SECS_PER_HOUR as f64);
            }
        }
        (
            n,
            (assigned > 0).then(|| won as f64 / assigned as f64),
            reallot_core::stats::quantile_select(&mut hours, 0.5),
        )
    }
}

/// Customers with ≥ 2 purchase days in the span among those with ≥ 1.
fn repeat_rate(facts: &CustomerFacts, (a, b): Span) -> Option<f64> {
    let (mut buyers, mut repeat) = (0u64, 0u64);
    for i in 0..facts.len() {
        let n = facts.purchases_between(i, a, b);
        buyers += u64::from(n >= 1);
        repeat += u64::from(n >= 2);
    }
    (buyers > 0).then(|| repeat as f64 / buyers as f64)
}

/// Customers buying in the span of the same length before who bought again in this one.
fn retention(facts: &CustomerFacts, (a, b): Span) -> Option<f64> {
    let before = a - (b - a);
    let (mut active, mut kept) = (0u64, 0u64);
    for i in 0..facts.len() {
        if facts.purchases_between(i, before, a) > 0 {
            active += 1;
            kept += u64::from(facts.purchases_between(i, a, b) > 0);
        }
    }
    (active > 0).then(|| kept as f64 / active as f64)
}

/// Days of the reclaims of the customers and leads in scope, sorted.
fn reclaim_days(inp: &OverviewInput) -> Vec<i64> {
    let ds = inp.ds;
    let leads = ds.lead_index();
    let end = inp.scope.as_of.day();
    let mut days: Vec<i64> = ds
        .ownership
        .iter()
        .filter(|e| e.reason.is_some_and(|r| r.is_reclaim()) && e.at.day() < end)
        .filter(|e| match e.entity_kind {
            EntityKind::Customer => inp
                .facts
                .row(e.entity)
                .map_or(inp.customers.is_all(), |r| inp.facts.in_scope(r)),
            EntityKind::Lead => leads
                .get(&reallot_core::model::LeadId(e.entity))
                .map_or(inp.customers.is_all(), |&r| inp.customers.keeps_lead(r)),
        })
        .map(|e| e.at.day())
        .collect();
    days.sort_unstable();
    days
}

/// The worst few by `value / limit`, highest first (ties by id).
fn top(mut items: Vec<AlertItem>) -> Vec<AlertItem> {
    let ratio = |i: &AlertItem| i.value / i.limit.max(1e-9);
    items.sort_by(|a, b| ratio(b).total_cmp(&ratio(a)).then_with(|| a.id.cmp(&b.id)));
    items.truncate(ALERT_ITEMS);
    items
}

/// Reps under the filter (team and region) with more open leads at the as-of date than their
/// capacity.
fn over_capacity(inp: &OverviewInput) -> Alert {
    let (ds, f, scope) = (inp.ds, inp.frame, inp.scope);
    let day = scope.as_of.day();
    let items: Vec<AlertItem> = f
        .reps
        .iter()
        .enumerate()
        .filter_map(|(k, key)| {
            let rep = ds.reps.get(key.row?)?;
            let capacity = rep.capacity.filter(|c| *c > 0)?;
            if !scope.keeps_rep(Some(rep)) || !scope.regions.keeps(rep.region) {
                return None;
            }
            let open = f.open_at(k as u32, day);
            (open > capacity as i32).then(|| AlertItem {
                id: ds.name(key.id).to_owned(),
                value: f64::from(open),
                limit: f64::from(capacity),
            })
        })
        .collect();
    Alert {
        kind: AlertKind::OverCapacity,
        count: items.len(),
        top: top(items),
    }
}

/// Open assigned leads under the filter, never contacted, assigned longer ago than the SLA.
fn uncontacted(inp: &OverviewInput) -> Alert {
    let (ds, f, scope) = (inp.ds, inp.frame, inp.scope);
    let now = scope.as_of.0;
    let items: Vec<AlertItem> = (0..f.len())
        .filter_map(|i| {
            let at = *f.assigned.get(i)?;
            if at == NO_TIME || *f.contact.get(i)? != NO_TIME || *f.closed.get(i)? != NO_TIME {
                return None;
            }
            let waiting = (now - at) as f64 / SECS_PER_HOUR as f64;
            let id = *f.lead_id.get(i)?;
            (waiting > scope.sla_hours).then(|| AlertItem {
                id: ds.name(id).to_owned(),
                value: waiting,
                limit: scope.sla_hours,
            })
        })
        .collect();
    Alert {
        kind: AlertKind::Uncontacted,
        count: items.len(),
        top: top(items),
    }
}

/// KA customers and value-tier A customers under the filter whose days since the last order
/// exceed k × their own cycle; listed by revenue in the window, the most valuable first.
fn overdue_key_customers(inp: &OverviewInput) -> Alert {
    let (ds, facts, config) = (inp.ds, inp.facts, inp.config);
    let (tier, revenue) = reallot_core::customers::tier_of_customers(facts, config);
    let now = facts.as_of_day;
    let mut items: Vec<(i64, AlertItem)> = (0..facts.len())
        .filter_map(|i| {
            let c = ds.customers.get(i)?;
            let key = c.customer_type == Some(CustomerType::Ka) || tier.get(i) == Some(&Tier::A);
            let cycle = facts.cycle_days(i)?;
            let since = now - *facts.days(i).0.last()?;
            (key && since as f64 > config.overdue_k * cycle).then(|| {
                (
                    revenue.get(i).copied().unwrap_or(0),
                    AlertItem {
                        id: ds.name(c.id.0).to_owned(),
                        value: since as f64,
                        limit: config.overdue_k * cycle,
                    },
                )
            })
        })
        .collect();
    let count = items.len();
    items.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.id.cmp(&b.1.id)));
    Alert {
        kind: AlertKind::OverdueKey,
        count,
        top: items
            .into_iter()
            .take(ALERT_ITEMS)
            .map(|(_, item)| item)
            .collect(),
    }
}
