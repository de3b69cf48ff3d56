//! KPIs per rep, region and team: sales growth of the window over the window before, customer
//! retention between the two windows, and satisfaction; plus monthly sales with growth.
//!
//! Customers (and their revenue) count for their owner (`owner_rep_id`), the owner's team, and
//! the customer's region; surveys count for the surveyed rep, its team and region.

use super::{CustomerConfig, CustomerFacts};
use crate::Dataset;
use crate::model::{SurveyScale, Sym, Timestamp};
use crate::stats::Proportion;
use rustc_hash::FxHashMap;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct KpiRow {
    pub key: String,
    /// Revenue in the window and the window before, minor units.
    pub revenue: i64,
    pub revenue_previous: i64,
    /// revenue / revenue_previous − 1; `None` without previous revenue.
    pub growth: Option<f64>,
    /// Customers buying in the previous window who bought again in this one.
    pub retention: Proportion,
    /// Mean survey score rescaled to [0, 1] (csat5: (s−1)/4, nps10: s/10) in the window.
    pub satisfaction: Option<f64>,
    pub surveys: u64,
}

#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct MonthSales {
    pub month: String,
    pub revenue: i64,
    pub growth: Option<f64>,
}

#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct KpiReport {
    pub window_days: i64,
    pub total: KpiRow,
    pub by_rep: Vec<KpiRow>,
    pub by_region: Vec<KpiRow>,
    pub by_team: Vec<KpiRow>,
    pub monthly: Vec<MonthSales>,
}

#[derive(Default, Clone)]
struct Acc {
    revenue: i64,
    previous: i64,
    active_before: u64,
    retained: u64,
    score: f64,
    surveys: u64,
}

impl Acc {
    fn add(&mut self, o: &Acc) {
        self.revenue += o.revenue;
        self.previous += o.previous;
        self.active_before += o.active_before;
        self.retained += o.retained;
        self.score += o.score;
        self.surveys += o.surveys;
    }

    fn row(&self, key: String) -> KpiRow {
        KpiRow {
            key,
            revenue: self.revenue,
            revenue_previous: self.previous,
            growth: (self.previous > 0).then(|| self.revenue as f64 / self.previous as f64 - 1.0),
            retention: Proportion::wilson(self.retained, self.active_before),
            satisfaction: (self.surveys > 0).then(|| self.score / self.surveys as f64),
            surveys: self.surveys,
        }
    }
}

pub fn kpi_report(ds: &Dataset, facts: &CustomerFacts, config: &CustomerConfig) -> KpiReport {
    let now = facts.as_of_day;
    let w = config.window_days.max(1);
    let rep_row: rustc_hash::FxHashMap<crate::model::RepId, usize> = ds.rep_index();
    let rep_keys = |rep: Option<crate::model::RepId>| -> [Option<Sym>; 3] {
        let r = rep
            .and_then(|r| rep_row.get(&r))
            .and_then(|&i| ds.reps.get(i));
        [
            rep.map(|r| r.0),
            r.and_then(|r| r.region),
            r.and_then(|r| r.team),
        ]
    };
    // Keyed by symbol while counting; labelled (and merged by label) once at the end.
    let mut groups: [FxHashMap<Option<Sym>, Acc>; 3] = Default::default();
    let mut total = Acc::default();
    // Customers add up per owner and per region first (one look-up each per customer); each
    // owner's rep and team are looked up once afterwards. Customers carry no survey score, so
    // the order in which their sums reach the groups changes no value.
    let mut by_owner: FxHashMap<Option<Sym>, Acc> = FxHashMap::default();
    let mut by_region: FxHashMap<Option<Sym>, Acc> = FxHashMap::default();
    for (i, c) in ds.customers.iter().enumerate() {
        if !facts.in_scope(i) {
            continue;
        }
        // Purchase days split at the window bounds once: [p0, p1) the window before,
        // [p1, p2) the window.
        let (d, r) = facts.days(i);
        let at = |day: i64| d.partition_point(|x| *x < day);
        let (p0, p1, p2) = (at(now - 2 * w), at(now - w), at(now));
        let sum = |lo: usize, hi: usize| -> i64 {
            r.get(lo..hi.max(lo)).unwrap_or_default().iter().sum()
        };
        let prev = p1 > p0;
        let cur = p2 > p1;
        let a = Acc {
            revenue: sum(p1, p2),
            previous: sum(p0, p1),
            active_before: u64::from(prev),
            retained: u64::from(prev && cur),
            ..Acc::default()
        };
        by_owner.entry(c.owner.map(|r| r.0)).or_default().add(&a);
        by_region.entry(c.region).or_default().add(&a);
        total.add(&a);
    }
    for (owner, a) in &by_owner {
        let [rep, _, team] = rep_keys(owner.map(crate::model::RepId));
        groups[0].entry(rep).or_default().add(a);
        groups[2].entry(team).or_default().add(a);
    }
    for (region, a) in &by_region {
        groups[1].entry(*region).or_default().add(a);
    }
    for s in &ds.surveys {
        let d = s.at.day();
        if d < now - w || d >= now {
            continue;
        }
        // Under a filter, a survey of a customer counts with its customer.
        if s.customer
            .and_then(|c| facts.row(c.0))
            .is_some_and(|i| !facts.in_scope(i))
        {
            continue;
        }
        let v = match s.scale {
            Some(SurveyScale::Csat5) => (s.score - 1.0) / 4.0,
            _ => s.score / 10.0,
        }
        .clamp(0.0, 1.0);
        let a = Acc {
            score: v,
            surveys: 1,
            ..Acc::default()
        };
        for (g, key) in groups.iter_mut().zip(rep_keys(s.rep)) {
            g.entry(key).or_default().add(&a);
        }
        total.add(&a);
    }
    let [by_rep, by_region, by_team] = groups.map(|g| {
        let mut labelled: BTreeMap<String, Acc> = BTreeMap::new();
        for (k, a) in g {
            let label = k.map_or_else(|| "(none)".to_string(), |s| ds.name(s).to_string());
            labelled.entry(label).or_default().add(&a);
        }
        labelled
            .into_iter()
            .map(|(k, a)| a.row(k))
            .collect::<Vec<_>>()
    });
    // Monthly revenue over all purchase days: summed per distinct day first (days index a
    // `Vec` over the observed range), so that the calendar arithmetic runs once per day
    // rather than once per purchase.
    // Without orders the range is empty (lo > hi), so no day is counted.
    let (lo, hi) = facts.day_span().unwrap_or((0, -1));
    let span = usize::try_from(hi.saturating_sub(lo).saturating_add(1)).unwrap_or(0);
    let mut daily: Vec<Option<i64>> = vec![None; span];
    for i in 0..facts.len() {
        let (d, r) = facts.days(i);
        for (day, rev) in d.iter().zip(r) {
            if let Some(x) = usize::try_from(day - lo)
                .ok()
                .and_then(|k| daily.get_mut(k))
            {
                *x = Some(x.unwrap_or(0) + rev);
            }
        }
    }
    let mut monthly: BTreeMap<i64, i64> = BTreeMap::new();
    for (k, rev) in daily.into_iter().enumerate() {
        if let Some(rev) = rev {
            *monthly
                .entry(Timestamp::from_days(lo + k as i64).month_index())
                .or_default() += rev;
        }
    }
    let mut prev: Option<i64> = None;
    let monthly = monthly
        .into_iter()
        .map(|(m, revenue)| {
            let growth = prev
                .filter(|p| *p > 0)
                .map(|p| revenue as f64 / p as f64 - 1.0);
            prev = Some(revenue);
            let (y, mo, _) = Timestamp::from_month_index(m).ymd();
            MonthSales {
                month: format!("{y:04}-{mo:02}"),
                revenue,
                growth,
            }
        })
        .collect();
    KpiReport {
        window_days: w,
        total: total.row("all".into()),
        by_rep,
        by_region,
        by_team,
        monthly,
    }
}
