//! The demo organisation: a deterministic synthetic FMCG sales history written as the eight
//! canonical tables, with planted structure for every measure to find (see `docs/demo-data.md`).
//!
//! Generation streams: rows go to a [`DemoSink`] as soon as they are final, and the generator
//! keeps only per-rep state and the open leads, so scale `l` runs in bounded memory.

mod sample;
mod world;

pub use world::*;

use crate::dataset::{Dataset, TableSizes};
use crate::model::{CustomerType, Role, TableKind, Timestamp};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use sample::*;
use serde::{Deserialize, Serialize};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// How big a demo organisation to generate.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scale {
    /// About 10k leads and 50k orders.
    S,
    /// About 100k leads and 1M orders.
    M,
    /// About 1M leads and 5M orders.
    L,
}

impl Scale {
    /// About how many rows of each table the demo of this scale has (those of seed 42, rounded
    /// up), to build it without regrowing its tables.
    fn rows(self) -> TableSizes {
        let (reps, customers, leads, orders, activities, ownership, surveys) = match self {
            Scale::S => (40, 4_000, 10_000, 68_000, 40_000, 24_000, 3_200),
            Scale::M => (200, 55_000, 100_000, 1_080_000, 550_000, 290_000, 44_000),
            Scale::L => (
                1_000, 410_000, 980_000, 7_000_000, 4_200_000, 2_550_000, 325_000,
            ),
        };
        TableSizes {
            reps,
            customers,
            leads,
            orders,
            activities,
            ownership,
            campaigns: 16,
            surveys,
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "s" => Some(Scale::S),
            "m" => Some(Scale::M),
            "l" => Some(Scale::L),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct DemoConfig {
    pub scale: Scale,
    pub seed: u64,
}

impl Default for DemoConfig {
    fn default() -> Self {
        Self {
            scale: Scale::S,
            seed: 42,
        }
    }
}

/// Receives the demo's rows as canonical text values (canonical field order of the table).
pub trait DemoSink {
    fn row(&mut self, table: TableKind, fields: &[&str]);
}

impl DemoSink for Dataset {
    fn row(&mut self, table: TableKind, fields: &[&str]) {
        // The generator only writes valid canonical records; an issue here is a generator bug
        // that the determinism and round-trip tests catch.
        self.push_record(table, fields);
    }
}

/// The world (reps, campaigns, hidden truths) of a configuration, exactly as the generator
/// builds it first.
pub fn world(config: &DemoConfig) -> DemoWorld {
    let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
    DemoWorld::new(config.scale, &mut rng)
}

/// Generates the demo into a new [`Dataset`].
pub fn demo_dataset(config: &DemoConfig) -> Dataset {
    let mut ds = Dataset::new();
    // Ids like "O0001234": nine bytes on average at every scale.
    ds.reserve(&config.scale.rows(), 9);
    generate(config, &mut ds);
    ds
}

/// Streams the whole demo history into `sink`.
pub fn generate(config: &DemoConfig, sink: &mut impl DemoSink) {
    let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
    let world = DemoWorld::new(config.scale, &mut rng);
    let mut g = Generator::new(&world, rng, sink);
    g.run();
}

/// Builds one row's text in a reused buffer.
struct RowBuf {
    buf: String,
    ends: Vec<usize>,
}

impl RowBuf {
    fn end(&mut self) {
        self.ends.push(self.buf.len());
    }
    fn s(&mut self, v: &str) -> &mut Self {
        self.buf.push_str(v);
        self.end();
        self
    }
    fn none(&mut self) -> &mut Self {
        self.end();
        self
    }
    fn id(&mut self, prefix: char, n: u64, width: usize) -> &mut Self {
        self.buf.push(prefix);
        let mut b = itoa::Buffer::new();
        let d = b.format(n);
        for _ in d.len()..width {
            self.buf.push('0');
        }
        self.buf.push_str(d);
        self.end();
        self
    }
    /// An optional id; empty when `None`.
    fn opt_id(&mut self, prefix: char, n: Option<u64>, width: usize) -> &mut Self {
        match n {
            Some(n) => self.id(prefix, n, width),
            None => self.none(),
        }
    }
    /// An optional text; empty when `None`.
    fn opt_s(&mut self, v: Option<&str>) -> &mut Self {
        self.s(v.unwrap_or(""))
    }
    fn ts(&mut self, t: Option<Timestamp>) -> &mut Self {
        if let Some(t) = t {
            t.write_canonical(&mut self.buf);
        }
        self.end();
        self
    }
    fn date(&mut self, t: Timestamp) -> &mut Self {
        t.write_date(&mut self.buf);
        self.end();
        self
    }
    /// An amount in yuan, written with two decimals.
    fn yuan(&mut self, v: Option<f64>) -> &mut Self {
        if let Some(v) = v {
            let fen = (v * 100.0).round() as i64;
            let mut b = itoa::Buffer::new();
            self.buf.push_str(b.format(fen / 100));
            self.buf.push('.');
            let f = (fen % 100).unsigned_abs();
            if f < 10 {
                self.buf.push('0');
            }
            self.buf.push_str(b.format(f));
        }
        self.end();
        self
    }
    fn u(&mut self, v: u64) -> &mut Self {
        self.buf.push_str(itoa::Buffer::new().format(v));
        self.end();
        self
    }
    fn emit(&mut self, table: TableKind, sink: &mut impl DemoSink) {
        let mut cells = [""; 18];
        let mut start = 0;
        for (i, &e) in self.ends.iter().enumerate().take(18) {
            cells[i] = &self.buf[start..e];
            start = e;
        }
        sink.row(table, &cells[..self.ends.len().min(18)]);
        self.buf.clear();
        self.ends.clear();
    }
}

const LOST_REASONS: &[&str] = &["价格太高", "选择竞品", "暂无预算", "联系不上", "需求变化"];
const CATEGORIES: &[&str] = &["饮料", "零食", "乳制品", "方便食品", "调味品", "个护"];
/// The historical reclaim rules the demo organisation ran (the backtest's "policy used").
pub const HIST_NO_FOLLOW_UP_HOURS: f64 = 72.0;
pub const HIST_NO_DEAL_DAYS: i64 = 60;
pub const HIST_CUSTOMER_IDLE_DAYS: i64 = 90;

/// How one ownership spell of a lead ended.
enum SpellEnd {
    Won(Timestamp),
    Lost(Timestamp),
    /// Reclaimed to the pool at the time, for the reason.
    Reclaimed(Timestamp, &'static str, bool),
}

struct Generator<'w, 's, S: DemoSink> {
    w: &'w DemoWorld,
    rng: ChaCha8Rng,
    sink: &'s mut S,
    row: RowBuf,
    by_region: Vec<Vec<usize>>,
    load: Vec<u32>,
    open: BinaryHeap<Reverse<(i64, u32)>>,
    next_lead: u64,
    next_customer: u64,
    next_order: u64,
    next_activity: u64,
}

impl<'w, 's, S: DemoSink> Generator<'w, 's, S> {
    fn new(w: &'w DemoWorld, rng: ChaCha8Rng, sink: &'s mut S) -> Self {
        let mut by_region = vec![Vec::new(); REGIONS.len()];
        for (i, r) in w.reps.iter().enumerate() {
            by_region[r.region].push(i);
        }
        Self {
            w,
            rng,
            sink,
            row: RowBuf {
                buf: String::with_capacity(256),
                ends: Vec::with_capacity(18),
            },
            by_region,
            load: vec![0; w.reps.len()],
            open: BinaryHeap::new(),
            next_lead: 0,
            next_customer: 0,
            next_order: 0,
            next_activity: 0,
        }
    }

    fn run(&mut self) {
        self.write_reps();
        self.write_campaigns();
        for _ in 0..self.w.initial_customers {
            self.existing_customer();
        }
        let demand: Vec<f64> = SOURCES.iter().map(|s| s.share).collect();
        for day in 0..DEMO_DAYS {
            let d = DEMO_START.add_days(day);
            let weekday = if d.weekday() >= 5 { 0.55 } else { 1.1 };
            let mut arrivals: Vec<(usize, Option<usize>)> = Vec::new();
            let n = poisson(
                &mut self.rng,
                self.w.base_leads_per_day * DemoWorld::season(d) * weekday,
            );
            for _ in 0..n {
                arrivals.push((pick_weighted(&mut self.rng, &demand), None));
            }
            for (c, camp) in self.w.campaigns.iter().enumerate() {
                if camp.start <= d && d <= camp.end {
                    for _ in 0..poisson(&mut self.rng, camp.leads_per_day) {
                        arrivals.push((camp.source, Some(c)));
                    }
                }
            }
            // Arrival times through the working day, in order.
            let mut times: Vec<i64> = arrivals
                .iter()
                .map(|_| 8 * 3600 + rng_below(&mut self.rng, 12 * 60) as i64 * 60)
                .collect();
            times.sort_unstable();
            for ((source, campaign), secs) in arrivals.into_iter().zip(times) {
                self.lead(d.add_secs(secs), source, campaign);
            }
        }
    }

    fn write_reps(&mut self) {
        for r in &self.w.reps {
            let skills = r.skills.to_canonical();
            self.row
                .s(&r.id)
                .s(&r.name)
                .s(&r.team)
                .s(REGIONS[r.region].name)
                .s(r.role.as_str())
                .u(r.capacity as u64)
                .s(&skills)
                .ts(r.active_from)
                .ts(r.active_to)
                .yuan(Some(r.monthly_cost))
                .emit(TableKind::Reps, self.sink);
        }
    }

    fn write_campaigns(&mut self) {
        for c in &self.w.campaigns {
            self.row
                .s(&c.id)
                .s(&c.name)
                .s(SOURCES[c.source].name)
                .yuan(Some(c.cost))
                .date(c.start)
                .date(c.end)
                .emit(TableKind::Campaigns, self.sink);
        }
    }

    /// Releases the capacity of lead spells that ended by `t`.
    fn release(&mut self, t: Timestamp) {
        while let Some(&Reverse((end, rep))) = self.open.peek() {
            if end > t.0 {
                break;
            }
            self.open.pop();
            self.load[rep as usize] = self.load[rep as usize].saturating_sub(1);
        }
    }

    fn load_ratio(&self, rep: usize) -> f64 {
        self.load[rep] as f64 / self.w.reps[rep].capacity.max(1) as f64
    }

    /// The historical assignment rule: an active rep of the region, skilled in the type if
    /// any is, least loaded relative to capacity, with some managerial noise.
    fn pick_rep(
        &mut self,
        t: Timestamp,
        region: usize,
        ty: CustomerType,
        exclude: Option<usize>,
    ) -> Option<usize> {
        let mut best: Option<(f64, usize)> = None;
        for skilled in [true, false] {
            for k in 0..self.by_region[region].len() {
                let i = self.by_region[region][k];
                let r = &self.w.reps[i];
                if Some(i) == exclude || !r.is_active_at(t) || (skilled && !r.skills.contains(ty)) {
                    continue;
                }
                let score = self.load_ratio(i) + 0.3 * rng_f64(&mut self.rng);
                if best.is_none_or(|(s, _)| score < s) {
                    best = Some((score, i));
                }
            }
            if best.is_some() {
                break;
            }
        }
        best.map(|(_, i)| i)
    }

    fn lead(&mut self, created: Timestamp, source: usize, campaign: Option<usize>) {
        self.release(created);
        let w = self.w;
        let src = &SOURCES[source];
        self.next_lead += 1;
        let lead_no = self.next_lead;
        let region = pick_weighted(
            &mut self.rng,
            &REGIONS.iter().map(|r| r.demand).collect::<Vec<_>>(),
        );
        let ty = CustomerType::ALL[pick_weighted(&mut self.rng, &src.type_mix)];
        let seg = &SEGMENTS[ty.index()];
        let est_value = seg.deal_value * lognormal(&mut self.rng, 0.0, 0.5);
        let cost = campaign
            .is_none()
            .then(|| src.cost_per_lead * lognormal(&mut self.rng, 0.0, 0.2));

        // Ownership spells: the first owner, then up to two more after reclaims.
        let mut owner = self.pick_rep(created, region, ty, None);
        if let Some(r) = owner
            && self.load_ratio(r) >= 1.5
            && bernoulli(&mut self.rng, 0.5)
        {
            owner = None; // everyone is swamped: the lead waits in the pool, unassigned
        }
        let mut assigned_at = created.add_secs(300 + rng_below(&mut self.rng, 4 * 3600) as i64);
        let mut extra_log_odds = 0.0;
        let mut spell = 0;
        let mut final_owner: Option<(usize, Timestamp)> = None;
        let mut contact: Option<Timestamp> = None;
        let mut delay_hours: Option<f64> = None;
        let mut qualified: Option<Timestamp> = None;
        let mut end = None;
        let mut proposal_at: Option<Timestamp> = None;
        while let Some(rep) = owner {
            spell += 1;
            let reason = if spell == 1 {
                "assign"
            } else if bernoulli(&mut self.rng, 0.5) {
                "claim"
            } else {
                "assign"
            };
            self.ownership("lead", 'L', lead_no, 7, Some(rep), assigned_at, reason);
            final_owner = Some((rep, assigned_at));
            let ratio = self.load_ratio(rep);
            self.load[rep] += 1;
            contact = None;
            qualified = None;
            proposal_at = None;
            let never = bernoulli(&mut self.rng, DemoWorld::p_never_contacted(ratio));
            let delay = (!never)
                .then(|| lognormal(&mut self.rng, w.response_median_hours(rep, ratio).ln(), 0.9));
            delay_hours = delay;
            let outcome = match delay {
                Some(h) if h <= HIST_NO_FOLLOW_UP_HOURS => {
                    let c = assigned_at.add_secs((h * 3600.0) as i64);
                    contact = Some(c);
                    let p = logistic(
                        w.win_log_odds(rep, ty, source, campaign)
                            - RESPONSE_DECAY * (1.0 + h / 24.0).ln()
                            + extra_log_odds,
                    );
                    if bernoulli(&mut self.rng, p) {
                        let days = gamma(&mut self.rng, 2.0, seg.sales_cycle_days);
                        let won = c.add_secs((days * 86_400.0) as i64 + 3600);
                        qualified = Some(c.add_secs((days * 0.35 * 86_400.0) as i64 + 1800));
                        proposal_at = Some(c.add_secs((days * 0.7 * 86_400.0) as i64 + 2400));
                        SpellEnd::Won(won)
                    } else if bernoulli(&mut self.rng, 0.72) {
                        let days = gamma(&mut self.rng, 1.5, 15.0);
                        let lost = c.add_secs((days * 86_400.0) as i64 + 3600);
                        if bernoulli(&mut self.rng, 0.4) {
                            qualified = Some(c.add_secs((days * 0.4 * 86_400.0) as i64 + 1800));
                        }
                        SpellEnd::Lost(lost)
                    } else {
                        if bernoulli(&mut self.rng, 0.5) {
                            qualified = Some(c.add_days(3 + rng_below(&mut self.rng, 10) as i64));
                        }
                        SpellEnd::Reclaimed(
                            assigned_at.add_days(HIST_NO_DEAL_DAYS),
                            "reclaim_no_deal",
                            true,
                        )
                    }
                }
                _ => SpellEnd::Reclaimed(
                    assigned_at.add_secs((HIST_NO_FOLLOW_UP_HOURS * 3600.0) as i64),
                    "reclaim_no_follow_up",
                    false,
                ),
            };
            if let Some(c) = contact.filter(|c| *c < DEMO_AS_OF) {
                let kind = match w.reps[rep].role {
                    Role::Telesales | Role::Inside => "call",
                    _ => "visit",
                };
                self.activity(rep, Some(lead_no), None, c, kind, "首次联系");
                if let Some(q) = qualified.filter(|q| *q < DEMO_AS_OF) {
                    self.activity(rep, Some(lead_no), None, q, "meeting", "需求确认");
                }
            }
            let end_t = match outcome {
                SpellEnd::Won(t) | SpellEnd::Lost(t) | SpellEnd::Reclaimed(t, _, _) => t,
            };
            self.open.push(Reverse((end_t.0, rep as u32)));
            match outcome {
                SpellEnd::Reclaimed(t, reason, stale) if t < DEMO_AS_OF && spell < 3 => {
                    self.ownership("lead", 'L', lead_no, 7, None, t, reason);
                    let pool_hours = exponential(&mut self.rng, if stale { 120.0 } else { 36.0 });
                    assigned_at = t.add_secs((pool_hours * 3600.0) as i64 + 60);
                    extra_log_odds = if stale {
                        REASSIGN_STALE_LOG_ODDS
                    } else {
                        REASSIGN_FRESH_LOG_ODDS
                    };
                    owner = if assigned_at < DEMO_AS_OF {
                        self.pick_rep(assigned_at, region, ty, Some(rep))
                    } else {
                        None
                    };
                    final_owner = None;
                    if owner.is_none() {
                        end = None;
                    }
                    contact = None;
                    qualified = None;
                    delay_hours = None;
                }
                SpellEnd::Reclaimed(t, reason, _) if t < DEMO_AS_OF => {
                    // Third reclaim: the organisation gives up on the lead.
                    self.ownership("lead", 'L', lead_no, 7, None, t, reason);
                    end = Some(SpellEnd::Lost(t));
                    final_owner = None;
                    owner = None;
                }
                other => {
                    end = Some(other);
                    owner = None;
                }
            }
        }

        // The lead's state as of the end of the history.
        let won_at = match end {
            Some(SpellEnd::Won(t)) if t < DEMO_AS_OF => Some(t),
            _ => None,
        };
        let lost_at = match end {
            Some(SpellEnd::Lost(t)) if t < DEMO_AS_OF => Some(t),
            _ => None,
        };
        let qualified = qualified.filter(|q| *q < DEMO_AS_OF);
        let stage = if won_at.is_some() {
            "won"
        } else if lost_at.is_some() {
            "lost"
        } else if proposal_at.is_some_and(|p| p < DEMO_AS_OF) {
            "proposal"
        } else if qualified.is_some() {
            "qualified"
        } else if contact.is_some_and(|c| c < DEMO_AS_OF) {
            "contacted"
        } else {
            "new"
        };
        let won_value = won_at.map(|_| est_value * lognormal(&mut self.rng, 0.0, 0.3));
        let lost_reason = lost_at
            .map(|_| LOST_REASONS[rng_below(&mut self.rng, LOST_REASONS.len() as u64) as usize]);
        let customer_no = match (won_at, final_owner) {
            (Some(t), Some((rep, _))) => {
                Some(self.new_customer(t, ty, region, rep, source, won_value.unwrap_or(est_value)))
            }
            _ => None,
        };
        if let (Some(t), Some((rep, _))) = (won_at, final_owner)
            && bernoulli(&mut self.rng, 0.4)
        {
            let late = delay_hours.is_some_and(|h| h > 24.0);
            let score = (4.0 + w.reps[rep].satisfaction + 0.7 * normal(&mut self.rng)
                - if late { 0.4 } else { 0.0 })
            .round()
            .clamp(1.0, 5.0);
            let at = t.add_days(3);
            if at < DEMO_AS_OF {
                self.survey(rep, Some(lead_no), customer_no, at, score as u64, "csat5");
            }
        }
        let (rep_field, assigned_field) = match final_owner {
            Some((rep, at)) if at < DEMO_AS_OF => (Some(rep), Some(at)),
            _ => (None, None),
        };
        let contact = contact.filter(|c| *c < DEMO_AS_OF && rep_field.is_some());
        let r = &mut self.row;
        r.id('L', lead_no, 7).ts(Some(created)).s(src.name);
        r.opt_s(campaign.map(|c| w.campaigns[c].id.as_str()));
        r.s(REGIONS[region].name)
            .s(ty.as_str())
            .yuan(Some(est_value))
            .yuan(cost);
        r.opt_s(rep_field.map(|rep| w.reps[rep].id.as_str()));
        r.ts(assigned_field)
            .ts(contact)
            .s(stage)
            .ts(qualified)
            .ts(won_at)
            .ts(lost_at)
            .yuan(won_value)
            .s(lost_reason.unwrap_or(""));
        r.opt_id('C', customer_no, 6);
        r.emit(TableKind::Leads, self.sink);
    }

    #[allow(clippy::too_many_arguments)]
    fn ownership(
        &mut self,
        kind: &str,
        prefix: char,
        no: u64,
        width: usize,
        rep: Option<usize>,
        at: Timestamp,
        reason: &str,
    ) {
        if at >= DEMO_AS_OF {
            return;
        }
        let r = &mut self.row;
        r.s(kind).id(prefix, no, width);
        r.opt_s(rep.map(|rep| self.w.reps[rep].id.as_str()));
        r.ts(Some(at))
            .s(reason)
            .emit(TableKind::Ownership, self.sink);
    }

    fn activity(
        &mut self,
        rep: usize,
        lead: Option<u64>,
        customer: Option<u64>,
        at: Timestamp,
        kind: &str,
        outcome: &str,
    ) {
        if at >= DEMO_AS_OF {
            return;
        }
        self.next_activity += 1;
        let r = &mut self.row;
        r.id('A', self.next_activity, 8).s(&self.w.reps[rep].id);
        r.opt_id('L', lead, 7);
        r.opt_id('C', customer, 6);
        r.ts(Some(at))
            .s(kind)
            .s(outcome)
            .emit(TableKind::Activities, self.sink);
    }

    fn survey(
        &mut self,
        rep: usize,
        lead: Option<u64>,
        customer: Option<u64>,
        at: Timestamp,
        score: u64,
        scale: &str,
    ) {
        let r = &mut self.row;
        r.s(&self.w.reps[rep].id);
        r.opt_id('L', lead, 7);
        r.opt_id('C', customer, 6);
        r.ts(Some(at))
            .u(score)
            .s(scale)
            .emit(TableKind::Surveys, self.sink);
    }

    /// A customer who already bought before the history starts.
    fn existing_customer(&mut self) {
        let shares: Vec<f64> = SEGMENTS.iter().map(|s| s.base_share).collect();
        let ty = CustomerType::ALL[pick_weighted(&mut self.rng, &shares)];
        let region = pick_weighted(
            &mut self.rng,
            &REGIONS.iter().map(|r| r.demand).collect::<Vec<_>>(),
        );
        let created = DEMO_START
            .add_days(-(30 + rng_below(&mut self.rng, 1_065) as i64))
            .add_secs(10 * 3600);
        let owner = self.pick_rep(DEMO_START, region, ty, None);
        let source = pick_weighted(
            &mut self.rng,
            &SOURCES.iter().map(|s| s.share).collect::<Vec<_>>(),
        );
        self.next_customer += 1;
        let no = self.next_customer;
        let cycle = SEGMENTS[ty.index()].cycle_days;
        let first = DEMO_START.add_secs((rng_f64(&mut self.rng) * cycle * 1.5 * 86_400.0) as i64);
        self.customer_life(no, created, ty, region, owner, source, first, None);
    }

    /// A customer won from a lead at `won_at`; returns its number.
    fn new_customer(
        &mut self,
        won_at: Timestamp,
        ty: CustomerType,
        region: usize,
        rep: usize,
        source: usize,
        first_amount: f64,
    ) -> u64 {
        self.next_customer += 1;
        let no = self.next_customer;
        self.customer_life(
            no,
            won_at,
            ty,
            region,
            Some(rep),
            source,
            won_at,
            Some(first_amount),
        );
        no
    }

    /// Orders, visits, surveys and reclaims of one customer, then its row.
    #[allow(clippy::too_many_arguments)]
    fn customer_life(
        &mut self,
        no: u64,
        created: Timestamp,
        ty: CustomerType,
        region: usize,
        mut owner: Option<usize>,
        source: usize,
        first_order: Timestamp,
        first_amount: Option<f64>,
    ) {
        let w = self.w;
        let seg = &SEGMENTS[ty.index()];
        let channel = channel_for(ty, &mut self.rng);
        let cycle =
            seg.cycle_days * channel_cycle_factor(channel) * lognormal(&mut self.rng, 0.0, 0.25);
        let spend = seg.order_value * lognormal(&mut self.rng, 0.0, 0.5);
        let city = REGIONS[region].cities
            [rng_below(&mut self.rng, REGIONS[region].cities.len() as u64) as usize];
        self.ownership("customer", 'C', no, 6, owner, created, "assign");

        let dropout =
            |rep: Option<usize>| seg.dropout * (1.6 - rep.map_or(0.3, |r| w.reps[r].diligence));
        let mut t = first_order;
        let mut amount = first_amount;
        let mut reclaims = 0;
        loop {
            if t >= DEMO_AS_OF {
                break;
            }
            self.order(no, t, amount.take().unwrap_or(0.0), spend, owner, channel);
            if let Some(rep) = owner {
                if bernoulli(&mut self.rng, 0.5 * w.reps[rep].diligence) {
                    let at = t
                        .add_secs(-(rng_below(&mut self.rng, 3 * 86_400) as i64))
                        .max(created);
                    self.activity(rep, None, Some(no), at, "visit", "补货拜访");
                }
                if bernoulli(&mut self.rng, 0.03) {
                    let score =
                        (7.5 + 2.0 * w.reps[rep].satisfaction + 1.5 * normal(&mut self.rng))
                            .round()
                            .clamp(0.0, 10.0);
                    let at = t.add_days(2);
                    if at < DEMO_AS_OF {
                        self.survey(rep, None, Some(no), at, score as u64, "nps10");
                    }
                }
            }
            let alive = !bernoulli(&mut self.rng, dropout(owner));
            let gap_days = gamma(&mut self.rng, 4.0, cycle);
            let next = if alive {
                Some(t.add_secs((gap_days * 86_400.0) as i64))
            } else {
                None
            };
            let idle_at = t.add_days(HIST_CUSTOMER_IDLE_DAYS);
            // The historical customer rule: idle 90 days → back to the pool, then claimed.
            if next.is_none_or(|n| n > idle_at)
                && idle_at < DEMO_AS_OF
                && owner.is_some()
                && reclaims < 3
            {
                reclaims += 1;
                self.ownership("customer", 'C', no, 6, None, idle_at, "reclaim_no_deal");
                let back =
                    idle_at.add_secs((exponential(&mut self.rng, 10.0) * 86_400.0) as i64 + 3600);
                let prev = owner;
                owner = if back < DEMO_AS_OF {
                    self.pick_rep(back, region, ty, prev)
                } else {
                    None
                };
                if let Some(rep) = owner {
                    self.ownership("customer", 'C', no, 6, Some(rep), back, "claim");
                    match next {
                        Some(n) => t = n,
                        None => {
                            // A lapsed customer may come back under a diligent new owner.
                            let p = 0.1 + 0.4 * w.reps[rep].diligence;
                            if bernoulli(&mut self.rng, p) {
                                let days = gamma(&mut self.rng, 2.0, 20.0);
                                t = back.add_secs((days * 86_400.0) as i64);
                                self.activity(
                                    rep,
                                    None,
                                    Some(no),
                                    back.add_days(1),
                                    "visit",
                                    "回访激活",
                                );
                            } else {
                                break;
                            }
                        }
                    }
                    continue;
                }
                if next.is_none() {
                    break;
                }
            }
            match next {
                Some(n) => t = n,
                None => break,
            }
        }

        let r = &mut self.row;
        r.id('C', no, 6);
        let name = format!(
            "{}{}{}",
            city,
            SURNAMES_SHOP[(no % SURNAMES_SHOP.len() as u64) as usize],
            shop_suffix(channel)
        );
        r.s(&name)
            .s(ty.as_str())
            .s(channel.as_str())
            .s(REGIONS[region].name)
            .s(city);
        let level = match ty {
            CustomerType::Ka => "A",
            CustomerType::Large => "B",
            _ => "C",
        };
        r.s(level).ts(Some(created));
        match owner {
            Some(rep) => r.s(&w.reps[rep].id),
            None => r.none(),
        };
        r.s(SOURCES[source].name)
            .emit(TableKind::Customers, self.sink);
    }

    fn order(
        &mut self,
        customer: u64,
        t: Timestamp,
        amount: f64,
        spend: f64,
        rep: Option<usize>,
        channel: crate::model::Channel,
    ) {
        let amount = if amount > 0.0 {
            amount
        } else {
            gamma(&mut self.rng, 3.0, spend)
        };
        self.next_order += 1;
        let category = CATEGORIES[rng_below(&mut self.rng, CATEGORIES.len() as u64) as usize];
        let qty = (amount / 45.0).ceil().max(1.0) as u64;
        let r = &mut self.row;
        r.id('O', self.next_order, 8)
            .id('C', customer, 6)
            .date(t)
            .yuan(Some(amount));
        r.opt_s(rep.map(|rep| self.w.reps[rep].id.as_str()));
        r.s(channel.as_str())
            .s(category)
            .u(qty)
            .emit(TableKind::Orders, self.sink);
    }
}

const SURNAMES_SHOP: &[&str] = &[
    "华联",
    "永辉",
    "好又多",
    "佳佳",
    "万家",
    "惠民",
    "鑫源",
    "福满",
    "乐购",
    "金龙",
];

fn shop_suffix(ch: crate::model::Channel) -> &'static str {
    use crate::model::Channel::*;
    match ch {
        Hypermarket => "大卖场",
        Supermarket => "超市",
        Convenience => "便利店",
        Wholesale => "批发部",
        Online => "网店",
        Catering => "餐厅",
        Other => "商行",
    }
}

#[cfg(test)]
mod tests;
