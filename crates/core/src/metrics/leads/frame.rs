//! The lead frame: one pass over the leads table keeps the leads in scope and lays out, column
//! by column, exactly what the lead measures read, with every categorical value turned into a
//! dense index, so each measure is a tight loop over a few small `Vec`s.

use crate::dataset::Dataset;
use crate::metrics::Scope;
use crate::model::{CustomerType, MonthMemo, SECS_PER_DAY, Stage, Sym, Timestamp};

/// A missing categorical value in a dense column.
pub const NONE: u32 = u32::MAX;
/// A missing time in a time column.
pub const NO_TIME: i64 = i64::MIN;
/// A missing customer type in the `ty` column.
pub const NO_TYPE: u8 = 4;

/// Largest cell count of the rep × day load grid; beyond it days are grouped.
const MAX_GRID_CELLS: usize = 4_000_000;

/// A grouping dimension of leads.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Dim {
    Rep,
    Team,
    Region,
    Source,
    Campaign,
    CustomerType,
    /// Calendar month of creation.
    Month,
}

impl Dim {
    pub const ALL: [Dim; 7] = [
        Dim::Rep,
        Dim::Team,
        Dim::Region,
        Dim::Source,
        Dim::Campaign,
        Dim::CustomerType,
        Dim::Month,
    ];
}

/// A rep as the frame knows it: from the reps table, or only named by leads.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct RepKey {
    pub id: Sym,
    /// Row in `ds.reps`, when the rep is in the reps table.
    pub row: Option<usize>,
    /// Dense team index or [`NONE`].
    pub team: u32,
}

/// Assigns dense indices to symbols in order of first sight.
#[derive(Default)]
struct Dense {
    slot: Vec<u32>,
    syms: Vec<Sym>,
}

impl Dense {
    fn id(&mut self, s: Sym) -> u32 {
        let i = s.index();
        if i >= self.slot.len() {
            self.slot.resize(i + 1, NONE);
        }
        if self.slot[i] == NONE {
            self.slot[i] = self.syms.len() as u32;
            self.syms.push(s);
        }
        self.slot[i]
    }

    fn opt(&mut self, s: Option<Sym>) -> u32 {
        s.map_or(NONE, |s| self.id(s))
    }
}

/// The leads in scope, as columns (index `i` is the same lead in every column).
#[derive(Clone, Debug)]
pub struct LeadFrame {
    pub as_of: Timestamp,
    /// Start of the window for prorating (the window's `from`, else the earliest lead).
    pub start: Timestamp,
    /// Exclusive end of the window.
    pub end: Timestamp,
    /// Row in `ds.leads`.
    pub row: Vec<u32>,
    pub lead_id: Vec<Sym>,
    pub created: Vec<i64>,
    /// Assignment time, [`NO_TIME`] when unassigned (by as-of).
    pub assigned: Vec<i64>,
    /// First contact, [`NO_TIME`] when none by as-of.
    pub contact: Vec<i64>,
    /// Won or lost time, [`NO_TIME`] while open at as-of.
    pub closed: Vec<i64>,
    pub won: Vec<bool>,
    /// Furthest funnel rank reached ([`Stage::funnel_rank`]).
    pub reached: Vec<u8>,
    /// Lead cost plus its share of its campaign's cost, minor units.
    pub cost: Vec<i64>,
    pub est_value: Vec<i64>,
    pub won_value: Vec<i64>,
    pub rep: Vec<u32>,
    pub region: Vec<u32>,
    pub source: Vec<u32>,
    pub campaign: Vec<u32>,
    /// Months since `first_month`.
    pub month: Vec<u32>,
    /// [`CustomerType::index`] or [`NO_TYPE`].
    pub ty: Vec<u8>,
    /// Open leads of the rep at the start of the assignment day ÷ capacity; NaN when unknown.
    pub load: Vec<f32>,
    pub reps: Vec<RepKey>,
    pub teams: Vec<Sym>,
    pub regions: Vec<Sym>,
    pub sources: Vec<Sym>,
    /// Campaign ids, with their row in `ds.campaigns` when known.
    pub campaigns: Vec<(Sym, Option<usize>)>,
    pub first_month: i64,
    pub n_months: u32,
    /// Open leads per rep per grid bin (rep-major): see [`LeadFrame::open_at`].
    pub open_grid: Vec<i32>,
    pub grid_start_day: i64,
    pub grid_unit_days: i64,
    pub grid_bins: usize,
}

struct Assignment {
    rep: u32,
    day: i64,
    closed_day: i64,
}

impl LeadFrame {
    pub fn len(&self) -> usize {
        self.row.len()
    }

    pub fn is_empty(&self) -> bool {
        self.row.is_empty()
    }

    /// Builds the frame of the leads created in the window that pass the filter.
    pub fn build(ds: &Dataset, scope: &Scope) -> Self {
        let as_of = scope.as_of.0;
        let before = |t: Option<Timestamp>| t.filter(|t| t.0 < as_of);
        let cap = ds.leads.len();
        let mut f = LeadFrame {
            as_of: scope.as_of,
            start: scope.as_of,
            end: scope.to,
            row: Vec::with_capacity(cap),
            lead_id: Vec::with_capacity(cap),
            created: Vec::with_capacity(cap),
            assigned: Vec::with_capacity(cap),
            contact: Vec::with_capacity(cap),
            closed: Vec::with_capacity(cap),
            won: Vec::with_capacity(cap),
            reached: Vec::with_capacity(cap),
            cost: Vec::with_capacity(cap),
            est_value: Vec::with_capacity(cap),
            won_value: Vec::with_capacity(cap),
            rep: Vec::with_capacity(cap),
            region: Vec::with_capacity(cap),
            source: Vec::with_capacity(cap),
            campaign: Vec::with_capacity(cap),
            month: Vec::with_capacity(cap),
            ty: Vec::with_capacity(cap),
            load: Vec::new(),
            reps: Vec::new(),
            teams: Vec::new(),
            regions: Vec::new(),
            sources: Vec::new(),
            campaigns: Vec::new(),
            first_month: 0,
            n_months: 0,
            open_grid: Vec::new(),
            grid_start_day: 0,
            grid_unit_days: 1,
            grid_bins: 0,
        };
        let mut reps = Dense::default();
        let mut teams = Dense::default();
        let mut rep_rows: Vec<Option<usize>> = Vec::new();
        for (i, r) in ds.reps.iter().enumerate() {
            let id = reps.id(r.id.sym()) as usize;
            if id == rep_rows.len() {
                rep_rows.push(Some(i));
            }
        }
        let mut campaigns = Dense::default();
        let mut campaign_rows: Vec<Option<usize>> = Vec::new();
        for (i, c) in ds.campaigns.iter().enumerate() {
            let id = campaigns.id(c.id.sym()) as usize;
            if id == campaign_rows.len() {
                campaign_rows.push(Some(i));
            }
        }
        let mut campaign_leads: Vec<u64> = vec![0; campaign_rows.len()];
        let mut regions = Dense::default();
        let mut sources = Dense::default();
        let mut assignments: Vec<Assignment> = Vec::with_capacity(cap);
        // Months are counted back from the as-of month while the leads are read (every lead
        // kept is created before as-of), then turned around once the earliest is known.
        let mut months = MonthMemo::default();
        let as_of_month = scope.as_of.month_index();
        let mut months_back = 0u32;
        let mut earliest = i64::MAX;
        for (li, l) in ds.leads.iter().enumerate() {
            let camp = l.campaign.map_or(NONE, |c| {
                let id = campaigns.id(c.sym());
                if id as usize >= campaign_leads.len() {
                    campaign_leads.push(0);
                    campaign_rows.push(None);
                }
                campaign_leads[id as usize] += 1;
                id
            });
            let assigned = before(l.assigned_at).filter(|_| l.assigned_rep.is_some());
            let rep = match (l.assigned_rep, assigned) {
                (Some(r), Some(_)) => {
                    let id = reps.id(r.sym());
                    if id as usize >= rep_rows.len() {
                        rep_rows.push(None);
                    }
                    id
                }
                _ => NONE,
            };
            let won_at = before(l.won_at);
            let lost_at = before(l.lost_at).filter(|_| won_at.is_none());
            let won = won_at.is_some() || (l.won_at.is_none() && l.stage == Some(Stage::Won));
            let closed = won_at.or(lost_at);
            if let Some(a) = assigned {
                assignments.push(Assignment {
                    rep,
                    day: a.day(),
                    closed_day: closed.map_or(i64::MAX, |c| c.day().max(a.day())),
                });
            }
            let rep_row = rep_rows.get(rep as usize).copied().flatten();
            if l.created_at.0 >= as_of
                || !scope.in_window(l.created_at)
                || !scope.regions.keeps(l.region)
                || !scope.sources.keeps(l.source)
                || !scope.keeps_type(l.customer_type)
                || !scope.keeps_rep(rep_row.and_then(|r| ds.reps.get(r)))
            {
                continue;
            }
            let contact = before(l.first_contact_at).filter(|_| assigned.is_some());
            let mut reached = 0u8;
            if contact.is_some() {
                reached = 1;
            }
            if before(l.qualified_at).is_some() {
                reached = 2;
            }
            if won {
                reached = Stage::Won.funnel_rank();
            } else if closed.is_none()
                && let Some(s) = l.stage.filter(|s| !s.is_closed())
            {
                reached = reached.max(s.funnel_rank());
            }
            earliest = earliest.min(l.created_at.0);
            f.row.push(li as u32);
            f.lead_id.push(l.id.sym());
            f.created.push(l.created_at.0);
            f.assigned.push(assigned.map_or(NO_TIME, |t| t.0));
            f.contact.push(contact.map_or(NO_TIME, |t| t.0));
            f.closed.push(closed.map_or(NO_TIME, |t| t.0));
            f.won.push(won);
            f.reached.push(reached);
            f.cost.push(l.cost.map_or(0, |m| m.0));
            f.est_value.push(l.est_value.map_or(0, |m| m.0));
            f.won_value.push(if won {
                l.won_value.map_or(0, |m| m.0)
            } else {
                0
            });
            f.rep.push(rep);
            f.region.push(regions.opt(l.region));
            f.source.push(sources.opt(l.source));
            f.campaign.push(camp);
            let back = u32::try_from(as_of_month - months.month_index(l.created_at)).unwrap_or(0);
            months_back = months_back.max(back);
            f.month.push(back);
            f.ty.push(l.customer_type.map_or(NO_TYPE, |t| t.index() as u8));
        }
        // Campaign cost spread evenly over all of the campaign's leads (in whole minor units),
        // so a window holding part of a campaign carries its part of the cost.
        let share: Vec<i64> = campaign_rows
            .iter()
            .zip(&campaign_leads)
            .map(|(row, &n)| {
                let cost = row
                    .and_then(|r| ds.campaigns.get(r))
                    .and_then(|c| c.cost)
                    .map_or(0, |m| m.0);
                if n == 0 {
                    0
                } else {
                    (cost as f64 / n as f64).round() as i64
                }
            })
            .collect();
        for (c, &camp) in f.cost.iter_mut().zip(&f.campaign) {
            *c += share.get(camp as usize).copied().unwrap_or(0);
        }
        if !f.is_empty() {
            f.first_month = as_of_month - i64::from(months_back);
            for m in &mut f.month {
                *m = months_back - *m;
            }
            f.n_months = months_back + 1;
        }
        f.start = Timestamp(scope.from.map_or(earliest.min(as_of), |t| t.0));
        f.reps = reps
            .syms
            .iter()
            .zip(&rep_rows)
            .map(|(&id, &row)| RepKey {
                id,
                row,
                team: teams.opt(row.and_then(|r| ds.reps.get(r)).and_then(|r| r.team)),
            })
            .collect();
        f.teams = teams.syms;
        f.regions = regions.syms;
        f.sources = sources.syms;
        f.campaigns = campaigns.syms.into_iter().zip(campaign_rows).collect();
        f.build_load(ds, &assignments);
        f
    }

    /// Fills the open-lead grid from every assignment in the data (not only those in scope: a
    /// rep's load is all of their leads) and each lead's load ratio at its assignment.
    fn build_load(&mut self, ds: &Dataset, assignments: &[Assignment]) {
        let Some(d0) = assignments.iter().map(|a| a.day).min() else {
            self.load = vec![f32::NAN; self.len()];
            return;
        };
        let last = self.as_of.day().max(d0);
        let days = (last - d0 + 1) as usize;
        let n_reps = self.reps.len().max(1);
        let unit = days.saturating_mul(n_reps).div_ceil(MAX_GRID_CELLS).max(1);
        let bins = days.div_ceil(unit) + 1;
        let mut grid = vec![0i32; n_reps * bins];
        let bin = |day: i64| ((day - d0).max(0) as usize / unit).min(bins - 1);
        for a in assignments {
            let base = a.rep as usize * bins;
            // Open from the bin after assignment until the bin after closing.
            if let Some(c) = grid.get_mut(base + (bin(a.day) + 1).min(bins - 1)) {
                *c += 1;
            }
            if a.closed_day != i64::MAX
                && let Some(c) = grid.get_mut(base + (bin(a.closed_day) + 1).min(bins - 1))
            {
                *c -= 1;
            }
        }
        for r in grid.chunks_mut(bins) {
            let mut acc = 0;
            for c in r {
                acc += *c;
                *c = acc;
            }
        }
        let capacity: Vec<f32> = self
            .reps
            .iter()
            .map(|k| {
                k.row
                    .and_then(|r| ds.reps.get(r))
                    .and_then(|r| r.capacity)
                    .filter(|&c| c > 0)
                    .map_or(f32::NAN, |c| c as f32)
            })
            .collect();
        self.load = self
            .rep
            .iter()
            .zip(&self.assigned)
            .map(|(&rep, &a)| {
                if rep == NONE || a == NO_TIME {
                    return f32::NAN;
                }
                let open = grid
                    .get(rep as usize * bins + bin(a.div_euclid(SECS_PER_DAY)))
                    .copied()
                    .unwrap_or(0);
                open as f32 / capacity.get(rep as usize).copied().unwrap_or(f32::NAN)
            })
            .collect();
        self.open_grid = grid;
        self.grid_start_day = d0;
        self.grid_unit_days = unit as i64;
        self.grid_bins = bins;
    }

    /// Open leads of a dense rep at the start of `day` (per the grid's resolution).
    pub fn open_at(&self, rep: u32, day: i64) -> i32 {
        if self.grid_bins == 0 || day < self.grid_start_day {
            return 0;
        }
        let b =
            (((day - self.grid_start_day) / self.grid_unit_days) as usize).min(self.grid_bins - 1);
        self.open_grid
            .get(rep as usize * self.grid_bins + b)
            .copied()
            .unwrap_or(0)
    }

    /// Number of distinct keys of a dimension.
    pub fn key_count(&self, dim: Dim) -> usize {
        match dim {
            Dim::Rep => self.reps.len(),
            Dim::Team => self.teams.len(),
            Dim::Region => self.regions.len(),
            Dim::Source => self.sources.len(),
            Dim::Campaign => self.campaigns.len(),
            Dim::CustomerType => CustomerType::ALL.len(),
            Dim::Month => self.n_months as usize,
        }
    }

    /// The key of lead `i` in a dimension, or [`NONE`].
    #[inline]
    pub fn key(&self, dim: Dim, i: usize) -> u32 {
        match dim {
            Dim::Rep => self.rep[i],
            Dim::Team => match self.rep[i] {
                NONE => NONE,
                r => self.reps[r as usize].team,
            },
            Dim::Region => self.region[i],
            Dim::Source => self.source[i],
            Dim::Campaign => self.campaign[i],
            Dim::CustomerType => match self.ty[i] {
                NO_TYPE => NONE,
                t => t as u32,
            },
            Dim::Month => self.month[i],
        }
    }

    /// The display name of a key; `(none)` for [`NONE`].
    pub fn key_name(&self, ds: &Dataset, dim: Dim, key: u32) -> String {
        if key == NONE {
            return "(none)".into();
        }
        let k = key as usize;
        let sym = |v: &[Sym]| v.get(k).map_or(String::new(), |s| ds.name(*s).to_owned());
        match dim {
            Dim::Rep => self
                .reps
                .get(k)
                .map_or(String::new(), |r| ds.name(r.id).to_owned()),
            Dim::Team => sym(&self.teams),
            Dim::Region => sym(&self.regions),
            Dim::Source => sym(&self.sources),
            Dim::Campaign => self
                .campaigns
                .get(k)
                .map_or(String::new(), |c| ds.name(c.0).to_owned()),
            Dim::CustomerType => CustomerType::ALL
                .get(k)
                .map_or(String::new(), |t| t.as_str().to_owned()),
            Dim::Month => {
                let (y, m, _) = Timestamp::from_month_index(self.first_month + k as i64).ymd();
                format!("{y:04}-{m:02}")
            }
        }
    }
}
