//! Assignment strategies as data: eligibility filters, then a selector that picks one rep for
//! a lead (or, for batch-optimal, a whole batch). "No rep eligible" is `None`, not an error.

mod flow;

pub use flow::{
    BatchClass, BatchLead, Scratch as BatchScratch, optimal_batch, optimal_classes,
    optimal_classes_into,
};

use crate::dataset::Dataset;
use crate::model::{CustomerType, CustomerTypeSet, RepId, Role, Sym, Timestamp};
use serde::{Deserialize, Serialize};

/// A rep as the engine sees it.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct RosterRep {
    pub id: RepId,
    pub region: Option<Sym>,
    pub team: Option<Sym>,
    pub role: Option<Role>,
    /// Most open leads at once (`u32::MAX` when unknown).
    pub capacity: u32,
    pub skills: CustomerTypeSet,
    pub active_from: Option<Timestamp>,
    pub active_to: Option<Timestamp>,
    /// Weight for weighted round robin.
    pub weight: f64,
    /// Monthly cost in minor units.
    pub monthly_cost: i64,
}

impl RosterRep {
    pub fn is_active_at(&self, t: Timestamp) -> bool {
        self.active_from.is_none_or(|f| f <= t) && self.active_to.is_none_or(|e| t <= e)
    }
}

/// The reps, plus the text of the region and team names they use (so that strategies can
/// name territories in words).
#[derive(Clone, PartialEq, Debug, Default, Serialize, Deserialize)]
pub struct Roster {
    pub reps: Vec<RosterRep>,
    pub names: Vec<(Sym, String)>,
}

impl Roster {
    /// The roster of a dataset's reps table, in row order.
    pub fn from_dataset(ds: &Dataset) -> Self {
        let mut names: Vec<(Sym, String)> = Vec::new();
        let mut note = |s: Option<Sym>| {
            if let Some(s) = s
                && !names.iter().any(|(k, _)| *k == s)
            {
                names.push((s, ds.name(s).to_string()));
            }
        };
        for r in &ds.reps {
            note(r.region);
            note(r.team);
        }
        for l in &ds.leads {
            note(l.region);
        }
        let reps = ds
            .reps
            .iter()
            .map(|r| RosterRep {
                id: r.id,
                region: r.region,
                team: r.team,
                role: r.role,
                capacity: r.capacity.unwrap_or(u32::MAX),
                skills: r.skills,
                active_from: r.active_from,
                active_to: r.active_to,
                weight: r.capacity.map_or(1.0, |c| c.max(1) as f64),
                monthly_cost: r.monthly_cost.map_or(0, |m| m.0),
            })
            .collect();
        Self { reps, names }
    }

    /// The symbol of a region or team name.
    pub fn sym(&self, name: &str) -> Option<Sym> {
        self.names.iter().find(|(_, n)| n == name).map(|(s, _)| *s)
    }
}

/// How strictly a filter applies.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// Not applied.
    #[default]
    Off,
    /// Only reps that pass.
    Require,
    /// Reps that pass if there are any, otherwise all.
    Prefer,
}

/// Eligibility filters, applied before the selector.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Filters {
    /// Rep's region equals the lead's.
    pub region: Rule,
    /// Rep is skilled in the lead's customer type.
    pub skills: Rule,
    /// Rep is employed and available now.
    pub active: bool,
    /// Rep holds fewer open leads than their capacity.
    pub capacity: bool,
    /// Rep has received fewer leads today than their daily quota.
    pub daily_quota: bool,
    /// Overload guard: when the rep the selector picks already holds this many times their
    /// capacity, the lead waits in the pool instead (the rule "don't pile more on a swamped
    /// rep", applied after skills and region have had their say).
    pub max_load_ratio: Option<f64>,
}

impl Default for Filters {
    fn default() -> Self {
        Self {
            region: Rule::Require,
            skills: Rule::Prefer,
            active: true,
            capacity: true,
            daily_quota: false,
            max_load_ratio: None,
        }
    }
}

/// The daily quota derived from monthly capacity: `ceil(capacity × turnover / working_days)`.
#[derive(Clone, Copy, PartialEq, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Quota {
    /// How many times a month a rep's capacity turns over.
    pub turnover_per_month: f64,
    pub working_days: f64,
}

impl Default for Quota {
    fn default() -> Self {
        Self {
            turnover_per_month: 1.0,
            working_days: 22.0,
        }
    }
}

impl Quota {
    pub fn daily(&self, capacity: u32) -> u32 {
        if capacity == u32::MAX {
            return u32::MAX;
        }
        let q = capacity as f64 * self.turnover_per_month / self.working_days.max(1.0);
        (q.ceil() as u32).max(1)
    }
}

/// A territory: the leads of a region go to a team.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Territory {
    pub region: String,
    pub team: String,
}

/// A tier: leads of a customer type go to reps of these roles.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Tier {
    pub customer_type: CustomerType,
    pub roles: Vec<Role>,
}

/// The default tiers: KA to key-account reps, large and medium to field sales, small to
/// inside sales and telesales.
pub fn default_tiers() -> Vec<Tier> {
    vec![
        Tier {
            customer_type: CustomerType::Ka,
            roles: vec![Role::KeyAccount],
        },
        Tier {
            customer_type: CustomerType::Large,
            roles: vec![Role::KeyAccount, Role::Field],
        },
        Tier {
            customer_type: CustomerType::Medium,
            roles: vec![Role::Field, Role::Inside],
        },
        Tier {
            customer_type: CustomerType::Small,
            roles: vec![Role::Inside, Role::Telesales],
        },
    ]
}

/// Which rep among the eligible ones gets the lead.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Selector {
    /// In turn, skipping reps that are not eligible.
    RoundRobin,
    /// In turn, in proportion to each rep's weight (smooth weighted round robin).
    WeightedRoundRobin,
    /// Lowest open leads / capacity.
    LeastLoaded,
    /// Lowest share of today's quota used.
    CapacityQuota,
    /// The region's team (least loaded within it); reps of other teams only if none is eligible.
    Territory { territories: Vec<Territory> },
    /// Reps whose role fits the customer type (least loaded among them), else anyone eligible.
    Tiered {
        #[serde(default = "default_tiers")]
        tiers: Vec<Tier>,
    },
    /// The customer's current owner when eligible, else the fallback selector.
    StickyOwner { fallback: Box<Selector> },
    /// Highest expected value of this lead for the rep (rep × segment win model), ties to the
    /// least loaded; `load_penalty` discounts the value by the rep's load ratio.
    ScoreBased {
        #[serde(default)]
        load_penalty: f64,
    },
    /// Collects leads for `batch_hours`, then maximises total expected value under capacities
    /// (min-cost flow). `max_share` caps any rep's share of one batch.
    BatchOptimal {
        #[serde(default = "default_batch_hours")]
        batch_hours: f64,
        #[serde(default)]
        max_share: Option<f64>,
    },
}

fn default_batch_hours() -> f64 {
    24.0
}

/// A complete strategy: a name, filters, quota and selector.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Strategy {
    pub name: String,
    #[serde(default)]
    pub filters: Filters,
    #[serde(default)]
    pub quota: Quota,
    pub selector: Selector,
}

/// Expected value (win probability × deal value, in major units) of a lead of each customer
/// type for each rep; the score-based and batch-optimal selectors read it.
#[derive(Clone, PartialEq, Debug, Default, Serialize, Deserialize)]
pub struct ValueTable {
    /// `values[rep][customer type index]`.
    pub values: Vec<[f64; 4]>,
    /// Value when the lead's customer type is unknown.
    pub untyped: Vec<f64>,
}

impl ValueTable {
    pub fn get(&self, rep: usize, ty: Option<CustomerType>) -> f64 {
        match ty {
            Some(t) => self
                .values
                .get(rep)
                .and_then(|v| v.get(t.index()))
                .copied()
                .unwrap_or(0.0),
            None => self.untyped.get(rep).copied().unwrap_or(0.0),
        }
    }
}

/// A rep's live counters, kept by the engine.
#[derive(Clone, Copy, PartialEq, Debug, Default)]
pub struct RepState {
    /// Open leads held.
    pub load: u32,
    /// Customers held (all, and those that have ordered).
    pub customers: u32,
    pub won_customers: u32,
    /// Availability set by the caller (`false`: on leave).
    pub away: bool,
    /// Day number and count of leads received that day.
    pub day: i64,
    pub today: u32,
    /// Day number and count of claims made that day.
    pub claim_day: i64,
    pub claims_today: u32,
}

impl RepState {
    pub fn today_count(&self, day: i64) -> u32 {
        if self.day == day { self.today } else { 0 }
    }

    pub fn claims_on(&self, day: i64) -> u32 {
        if self.claim_day == day {
            self.claims_today
        } else {
            0
        }
    }
}

/// What the selector knows about a lead.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct Ask {
    pub region: Option<Sym>,
    pub customer_type: Option<CustomerType>,
    /// The current owner of the lead's customer, if any.
    pub owner: Option<usize>,
    /// A rep that may not get the lead (previous owner in cooldown).
    pub exclude: Option<usize>,
}

/// A strategy made ready for one roster: territory names resolved, cursors kept.
#[derive(Clone, Debug)]
pub struct Assigner {
    pub strategy: Strategy,
    territory: Vec<(Sym, Sym)>,
    cursor: usize,
    wrr: Vec<f64>,
    scratch: Vec<usize>,
    all: Vec<usize>,
    by_region: Vec<(Sym, Vec<usize>)>,
    /// What eligibility reads of each rep, in roster order.
    hot: Vec<HotRep>,
}

/// What the eligibility scan reads of a rep, packed in 32 bytes rather than spread over a
/// roster row of 80: a region's reps then take a few cache lines, which the scan of every
/// dispatched lead reads while the simulator's lead tables push them out of cache.
#[derive(Clone, Copy, Debug)]
struct HotRep {
    /// Active span in seconds, open ends as the extreme values.
    from: i64,
    to: i64,
    capacity: u32,
    region: Option<Sym>,
    skills: CustomerTypeSet,
    role: Option<Role>,
}

impl HotRep {
    fn of(r: &RosterRep) -> Self {
        Self {
            from: r.active_from.map_or(i64::MIN, |t| t.0),
            to: r.active_to.map_or(i64::MAX, |t| t.0),
            capacity: r.capacity,
            region: r.region,
            skills: r.skills,
            role: r.role,
        }
    }
}

/// Whether rep `i` passes the hard (non-"prefer") filters plus the extra holding check.
pub struct Gate<'a> {
    /// The roster the [`Assigner`] was made for (its region index and packed rep rows are
    /// built from it).
    pub reps: &'a [RosterRep],
    pub states: &'a [RepState],
    pub now: Timestamp,
    /// Extra per-rep test from the engine (holding cap), when there is one.
    pub allow: Option<&'a dyn Fn(usize) -> bool>,
}

impl Assigner {
    pub fn new(strategy: Strategy, roster: &Roster) -> Self {
        let territory = match &strategy.selector {
            Selector::Territory { territories } => territories
                .iter()
                .filter_map(|t| Some((roster.sym(&t.region)?, roster.sym(&t.team)?)))
                .collect(),
            _ => Vec::new(),
        };
        let mut by_region: Vec<(Sym, Vec<usize>)> = Vec::new();
        for (i, r) in roster.reps.iter().enumerate() {
            if let Some(reg) = r.region {
                match by_region.iter_mut().find(|(k, _)| *k == reg) {
                    Some((_, v)) => v.push(i),
                    None => by_region.push((reg, vec![i])),
                }
            }
        }
        Self {
            territory,
            all: (0..roster.reps.len()).collect(),
            by_region,
            hot: roster.reps.iter().map(HotRep::of).collect(),
            cursor: 0,
            wrr: vec![0.0; roster.reps.len()],
            scratch: Vec::new(),
            strategy,
        }
    }

    /// Whether this strategy assigns in batches, and the batch length in seconds.
    pub fn batch_secs(&self) -> Option<i64> {
        match self.strategy.selector {
            Selector::BatchOptimal { batch_hours, .. } => {
                Some((batch_hours.clamp(0.01, 24.0 * 365.0) * 3600.0) as i64)
            }
            _ => None,
        }
    }

    /// Visits the eligible reps of a lead in roster order, strict rules first, then relaxing
    /// the "prefer" ones: `visit` sees every rep that passes at the first level where any
    /// does, and may stop the scan by returning `true`. Whether any rep passed.
    fn scan(&self, g: &Gate, ask: &Ask, mut visit: impl FnMut(usize) -> bool) -> bool {
        let f = &self.strategy.filters;
        let day = g.now.day();
        let now = g.now.0;
        let quota = f.daily_quota.then_some(&self.strategy.quota);
        // Each test reads one rep's row and counters once, without branching on the rules
        // that are off (they are folded into the flags), so the scan of a region is a tight
        // loop; the holding-cap test, a call through the engine, only runs when it has one.
        let (active, capacity) = (f.active, f.capacity);
        let hot = &self.hot;
        let hard = |i: usize| {
            let (Some(r), Some(s)) = (hot.get(i), g.states.get(i)) else {
                return false;
            };
            let live = (r.from <= now) & (now <= r.to) & !s.away;
            (Some(i) != ask.exclude) & (!active | live) & (!capacity | (s.load < r.capacity))
                && quota.is_none_or(|q| s.today_count(day) < q.daily(r.capacity))
                && g.allow.is_none_or(|allow| allow(i))
        };
        let region_ok =
            |i: usize| ask.region.is_none() || hot.get(i).is_some_and(|r| r.region == ask.region);
        let skill_ok = |i: usize| {
            ask.customer_type
                .is_none_or(|t| hot.get(i).is_some_and(|r| r.skills.contains(t)))
        };
        // Every non-Off rule first; then skills "prefer" is dropped, then region "prefer"
        // (a lead goes out of its skill before it goes out of its region).
        let levels = [
            (f.region != Rule::Off, f.skills != Rule::Off),
            (f.region != Rule::Off, f.skills == Rule::Require),
            (f.region == Rule::Require, f.skills == Rule::Require),
        ];
        let mut last = None;
        for level in levels {
            if last == Some(level) {
                continue;
            }
            last = Some(level);
            let (by_region, by_skill) = level;
            // Reps of the lead's region come from the index rather than a scan of all reps,
            // and need no region test.
            let (pool, indexed): (&[usize], bool) = match (by_region, ask.region) {
                (true, Some(r)) => (
                    self.by_region
                        .iter()
                        .find(|(k, _)| *k == r)
                        .map_or(&[], |(_, v)| v.as_slice()),
                    true,
                ),
                _ => (&self.all, false),
            };
            let check_region = by_region && !indexed;
            let mut any = false;
            for &i in pool {
                if hard(i) && (!check_region || region_ok(i)) && (!by_skill || skill_ok(i)) {
                    any = true;
                    if visit(i) {
                        return true;
                    }
                }
            }
            if any {
                return true;
            }
        }
        false
    }

    /// The eligible reps for a lead into `self.scratch`.
    fn eligible(&mut self, g: &Gate, ask: &Ask) {
        let mut scratch = std::mem::take(&mut self.scratch);
        self.candidates_into(g, ask, &mut scratch);
        self.scratch = scratch;
    }

    /// The pick of a selector that needs one look at each eligible rep in roster order, made
    /// during the eligibility scan itself: no candidate list is written and read back, and
    /// round robin stops at the first eligible rep at or after its cursor. The same rep as
    /// [`Assigner::eligible`] followed by [`Assigner::select`] (test
    /// `assign::proptests::the_one_pass_pick_is_the_two_pass_pick`). `None` for the
    /// selectors it does not cover.
    fn pick_in_scan(&mut self, g: &Gate, ask: &Ask, values: &ValueTable) -> Option<Option<usize>> {
        let hot = &self.hot;
        let lower = |best: &mut Lowest, i: usize| keep_least_loaded(best, hot, g, i);
        let pick = match &self.strategy.selector {
            Selector::RoundRobin => {
                let cursor = self.cursor;
                let (mut first, mut after) = (None, None);
                self.scan(g, ask, |i| {
                    first = first.or(Some(i));
                    if i >= cursor {
                        after = Some(i);
                    }
                    after.is_some()
                });
                let pick = after.or(first);
                if let Some(p) = pick {
                    self.cursor = (p + 1) % g.reps.len().max(1);
                }
                pick
            }
            Selector::LeastLoaded | Selector::BatchOptimal { .. } => {
                let mut best = None;
                self.scan(g, ask, |i| {
                    lower(&mut best, i);
                    false
                });
                best.map(|(_, _, i)| i)
            }
            Selector::Tiered { tiers } => {
                let roles = tier_roles(tiers, ask);
                let (mut tiered, mut any) = (None, None);
                self.scan(g, ask, |i| {
                    if hot
                        .get(i)
                        .is_some_and(|r| r.role.is_some_and(|r| roles.contains(&r)))
                    {
                        lower(&mut tiered, i);
                    }
                    lower(&mut any, i);
                    false
                });
                tiered.or(any).map(|(_, _, i)| i)
            }
            Selector::ScoreBased { load_penalty } => {
                let mut best = None;
                self.scan(g, ask, |i| {
                    score_candidate(&mut best, g, ask, values, *load_penalty, i);
                    false
                });
                best.map(|(_, _, i)| i)
            }
            _ => return None,
        };
        Some(pick)
    }

    /// The candidate with the lowest load ratio; capacities come from the packed rows, not
    /// the wide roster rows.
    fn least_loaded(hot: &[HotRep], g: &Gate, cands: impl Iterator<Item = usize>) -> Option<usize> {
        let mut best = None;
        for i in cands {
            keep_least_loaded(&mut best, hot, g, i);
        }
        best.map(|(_, _, i)| i)
    }

    /// Picks a rep for one lead; `None` when no rep is eligible.
    pub fn pick(&mut self, g: &Gate, ask: &Ask, values: &ValueTable) -> Option<usize> {
        let pick = match self.pick_in_scan(g, ask, values) {
            Some(pick) => pick?,
            None => self.pick_from_candidates(g, ask, values)?,
        };
        (!self.swamped(g, pick)).then_some(pick)
    }

    /// The candidate list first, then the selector over it.
    fn pick_from_candidates(&mut self, g: &Gate, ask: &Ask, values: &ValueTable) -> Option<usize> {
        self.eligible(g, ask);
        if self.scratch.is_empty() {
            return None;
        }
        // Lent out for the call rather than cloned: a tiered selector's lists would otherwise
        // be copied for every lead.
        let selector = std::mem::replace(&mut self.strategy.selector, Selector::RoundRobin);
        let pick = self.select(&selector, g, ask, values);
        self.strategy.selector = selector;
        pick
    }

    /// Whether rep `pick` already holds `max_load_ratio` times its capacity (the lead waits).
    fn swamped(&self, g: &Gate, pick: usize) -> bool {
        self.strategy.filters.max_load_ratio.is_some_and(|m| {
            let r = &g.reps[pick];
            r.capacity != u32::MAX && g.states[pick].load as f64 >= m * r.capacity.max(1) as f64
        })
    }

    fn select(
        &mut self,
        sel: &Selector,
        g: &Gate,
        ask: &Ask,
        values: &ValueTable,
    ) -> Option<usize> {
        let (c, hot) = (&self.scratch, &self.hot);
        match sel {
            Selector::RoundRobin => {
                let n = g.reps.len().max(1);
                // The first eligible rep at or after the cursor, in roster order.
                let pick = c
                    .iter()
                    .copied()
                    .find(|&i| i >= self.cursor)
                    .or_else(|| c.first().copied())?;
                self.cursor = (pick + 1) % n;
                Some(pick)
            }
            Selector::WeightedRoundRobin => {
                let total: f64 = c.iter().map(|&i| g.reps[i].weight.max(0.0)).sum();
                let mut best: Option<(f64, usize)> = None;
                for &i in c {
                    if let Some(w) = self.wrr.get_mut(i) {
                        *w += g.reps[i].weight.max(0.0);
                        if best.is_none_or(|(b, _)| *w > b) {
                            best = Some((*w, i));
                        }
                    }
                }
                let (_, pick) = best?;
                if let Some(w) = self.wrr.get_mut(pick) {
                    *w -= total;
                }
                Some(pick)
            }
            Selector::LeastLoaded | Selector::BatchOptimal { .. } => {
                Self::least_loaded(hot, g, c.iter().copied())
            }
            Selector::CapacityQuota => {
                let day = g.now.day();
                let q = &self.strategy.quota;
                let mut best: Option<(f64, usize)> = None;
                for &i in c {
                    let used =
                        g.states[i].today_count(day) as f64 / q.daily(g.reps[i].capacity) as f64;
                    if best.is_none_or(|(b, _)| used < b) {
                        best = Some((used, i));
                    }
                }
                best.map(|(_, i)| i)
            }
            Selector::Territory { .. } => {
                let team = self
                    .territory
                    .iter()
                    .find(|(r, _)| Some(*r) == ask.region)
                    .map(|(_, t)| *t);
                let in_team = team.and_then(|t| {
                    Self::least_loaded(
                        hot,
                        g,
                        c.iter().copied().filter(|&i| g.reps[i].team == Some(t)),
                    )
                });
                in_team.or_else(|| Self::least_loaded(hot, g, c.iter().copied()))
            }
            Selector::Tiered { tiers } => {
                let roles = tier_roles(tiers, ask);
                let tiered = Self::least_loaded(
                    hot,
                    g,
                    c.iter()
                        .copied()
                        .filter(|&i| g.reps[i].role.is_some_and(|r| roles.contains(&r))),
                );
                tiered.or_else(|| Self::least_loaded(hot, g, c.iter().copied()))
            }
            Selector::StickyOwner { fallback } => match ask.owner {
                Some(o) if c.contains(&o) => Some(o),
                _ => self.select(fallback, g, ask, values),
            },
            Selector::ScoreBased { load_penalty } => {
                let mut best = None;
                for &i in c {
                    score_candidate(&mut best, g, ask, values, *load_penalty, i);
                }
                best.map(|(_, _, i)| i)
            }
        }
    }

    /// [`Assigner::pick`] the long way, as it was before the one-pass pick: the candidate
    /// list first, then the selector over it (the reference of the property test).
    #[cfg(test)]
    fn pick_two_pass(&mut self, g: &Gate, ask: &Ask, values: &ValueTable) -> Option<usize> {
        let pick = self.pick_from_candidates(g, ask, values)?;
        (!self.swamped(g, pick)).then_some(pick)
    }

    /// The eligible reps of a lead, for a batch (a copy of the candidate list).
    pub fn candidates(&mut self, g: &Gate, ask: &Ask) -> Vec<usize> {
        let mut out = Vec::new();
        self.candidates_into(g, ask, &mut out);
        out
    }

    /// The eligible reps of a lead into `out` (cleared first), in roster order.
    pub fn candidates_into(&self, g: &Gate, ask: &Ask, out: &mut Vec<usize>) {
        out.clear();
        self.scan(g, ask, |i| {
            out.push(i);
            false
        });
    }
}

/// The lowest open/capacity ratio so far, as (open, capacity, rep).
type Lowest = Option<(u64, u64, usize)>;

/// Least-loaded selection over one candidate `i`: keeps in `best` the lowest open/capacity
/// ratio, the earlier candidate on ties; capacities come from the packed rows. Ratios are
/// compared as fractions in integers (both sides below 2^32, so the cross products fit), with
/// no division per rep; for loads below 2^20 that orders reps exactly as their rounded `f64`
/// ratios do (test `assign::tests::least_loaded_compares_as_the_divided_ratios`).
fn keep_least_loaded(best: &mut Lowest, hot: &[HotRep], g: &Gate, i: usize) {
    let cap = u64::from(hot.get(i).map_or(1, |r| r.capacity.max(1)));
    let load = u64::from(g.states.get(i).map_or(0, |s| s.load));
    if best.is_none_or(|(bl, bc, _)| lower_ratio((load, cap), (bl, bc))) {
        *best = Some((load, cap, i));
    }
}

/// Whether `a.0 / a.1 < b.0 / b.1`, both parts below 2^32.
fn lower_ratio(a: (u64, u64), b: (u64, u64)) -> bool {
    a.0 * b.1 < b.0 * a.1
}

/// The roles a tiered selector prefers for the lead's customer type (none: any rep).
fn tier_roles<'t>(tiers: &'t [Tier], ask: &Ask) -> &'t [Role] {
    ask.customer_type
        .and_then(|t| tiers.iter().find(|x| x.customer_type == t))
        .map_or(&[], |x| x.roles.as_slice())
}

/// Score-based selection over one candidate `i`: keeps in `best` (value, load ratio, rep) the
/// highest expected value for the lead less the load penalty, the lower load ratio among equal
/// values, and the earlier candidate among equal both.
fn score_candidate(
    best: &mut Option<(f64, f64, usize)>,
    g: &Gate,
    ask: &Ask,
    values: &ValueTable,
    load_penalty: f64,
    i: usize,
) {
    let ratio = g.states[i].load as f64 / g.reps[i].capacity.max(1) as f64;
    let v = values.get(i, ask.customer_type) * (1.0 - load_penalty * ratio);
    let better = match *best {
        None => true,
        Some((bv, br, _)) => v > bv || (v == bv && ratio < br),
    };
    if better {
        *best = Some((v, ratio, i));
    }
}

#[cfg(test)]
mod tests;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod proptests;
