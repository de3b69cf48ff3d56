//! The lead frame: the leads in scope, column by column, exactly what the lead measures read,
//! with every categorical value turned into a dense index, so each measure is a tight loop
//! over a few small columns. It is a filter over the [`LeadColumns`] laid out when the data
//! was loaded, or those columns themselves when the scope keeps every lead.

use super::columns::{Dense, LeadColumns, outcome, reached};
use super::satisfaction::SurveyJoin;
use crate::dataset::Dataset;
use crate::metrics::{Scope, SymSet};
use crate::model::{CustomerType, SECS_PER_DAY, Sym, Timestamp};
use std::ops::Deref;
use std::sync::Arc;

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

/// A column of a frame, shared (not copied) with the [`LeadColumns`] it was built from when
/// the frame keeps every lead; it reads as a slice. The slice's address and length sit in the
/// frame itself, so a loop over a column reads them once, as it would a `Vec`'s.
#[derive(Clone, PartialEq, Debug)]
pub struct Column<T>(Arc<[T]>);

impl<T> Column<T> {
    pub fn new(values: Vec<T>) -> Self {
        Self(values.into())
    }
}

impl<T> Default for Column<T> {
    fn default() -> Self {
        Self::new(Vec::new())
    }
}

impl<T> From<Vec<T>> for Column<T> {
    fn from(values: Vec<T>) -> Self {
        Self::new(values)
    }
}

impl<T> Deref for Column<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        &self.0
    }
}

impl<'a, T> IntoIterator for &'a Column<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// The per-lead columns a frame reads (index `i` is the same lead in every column): the
/// [`LeadColumns`] hold them for every lead, each seen after all of its dates, and a frame of
/// every lead shares them.
#[derive(Clone, Debug, Default)]
pub struct FrameColumns {
    /// Row in `ds.leads`.
    pub row: Column<u32>,
    pub lead_id: Column<Sym>,
    pub created: Column<i64>,
    /// Assignment time, [`NO_TIME`] when unassigned (by as-of).
    pub assigned: Column<i64>,
    /// First contact, [`NO_TIME`] when none by as-of.
    pub contact: Column<i64>,
    /// Won or lost time, [`NO_TIME`] while open at as-of.
    pub closed: Column<i64>,
    pub won: Column<bool>,
    /// Furthest funnel rank reached ([`crate::model::Stage::funnel_rank`]).
    pub reached: Column<u8>,
    /// Lead cost plus its share of its campaign's cost, minor units.
    pub cost: Column<i64>,
    pub est_value: Column<i64>,
    /// Won value of a won lead, else 0.
    pub won_value: Column<i64>,
    pub rep: Column<u32>,
    pub region: Column<u32>,
    pub source: Column<u32>,
    pub campaign: Column<u32>,
    /// Months since the frame's `first_month`.
    pub month: Column<u32>,
    /// [`CustomerType::index`] or [`NO_TYPE`].
    pub ty: Column<u8>,
    /// The lead's combination of the lead score's factor values: an index into the frame's
    /// `combos`.
    pub combo: Column<u32>,
}

/// The leads in scope, as columns: [`FrameColumns`] (read through the frame, which derefs to
/// them) and what the measures need besides.
#[derive(Clone, Debug)]
pub struct LeadFrame {
    pub as_of: Timestamp,
    /// Start of the window for prorating (the window's `from`, else the earliest lead).
    pub start: Timestamp,
    /// Exclusive end of the window.
    pub end: Timestamp,
    cols: FrameColumns,
    /// Open leads of the rep at the start of the assignment day ÷ capacity; NaN when unknown.
    pub load: Column<f32>,
    /// Each combination of the lead score's factor values (source, region, type, campaign) as
    /// the frame's keys ([`NONE`] or [`NO_TYPE`] for no value).
    pub combos: Column<[u32; 4]>,
    /// The surveys joined to the leads and customers, as the columns found them.
    pub(super) surveys: Arc<SurveyJoin>,
    pub reps: Vec<RepKey>,
    pub teams: Vec<Sym>,
    pub regions: Vec<Sym>,
    pub sources: Vec<Sym>,
    /// Campaign ids, with their row in `ds.campaigns` when known.
    pub campaigns: Vec<(Sym, Option<usize>)>,
    pub first_month: i64,
    pub n_months: u32,
    /// Open leads per rep per grid bin (rep-major): see [`LeadFrame::open_at`].
    pub open_grid: Column<i32>,
    pub grid_start_day: i64,
    pub grid_unit_days: i64,
    pub grid_bins: usize,
}

struct Assignment {
    rep: u32,
    day: i64,
    closed_day: i64,
}

/// The day an assigned lead stops being open: its closing day (never before its assignment
/// day), or `i64::MAX` while open.
fn closed_day(assigned_day: i64, closed: i64) -> i64 {
    if closed == NO_TIME {
        i64::MAX
    } else {
        closed.div_euclid(SECS_PER_DAY).max(assigned_day)
    }
}

impl Deref for LeadFrame {
    type Target = FrameColumns;

    fn deref(&self) -> &FrameColumns {
        &self.cols
    }
}

impl LeadFrame {
    pub fn len(&self) -> usize {
        self.row.len()
    }

    pub fn is_empty(&self) -> bool {
        self.row.is_empty()
    }

    /// Builds the frame of the leads created in the window that pass the filter, laying the
    /// leads out first: callers that measure the same data again hold a [`LeadColumns`] and
    /// call [`LeadFrame::of`].
    pub fn build(ds: &Dataset, scope: &Scope) -> Self {
        Self::of(ds, &LeadColumns::build(ds), scope)
    }

    /// The frame of the leads created in the window that pass the filter, from the leads of
    /// `ds` laid out as `columns` (laid out again when they are not those of `ds`). With no
    /// filter, a window holding every lead and an as-of after every lead date, the frame
    /// shares the columns and copies nothing.
    pub fn of(ds: &Dataset, columns: &LeadColumns, scope: &Scope) -> Self {
        if columns.len() != ds.leads.len() {
            return Self::build(ds, scope);
        }
        let c = columns;
        let whole = scope.as_of.0 > c.latest
            && scope.from.is_none_or(|f| f.0 <= c.first_created)
            && scope.to.0 > c.last_created
            && scope.regions.is_all()
            && scope.sources.is_all()
            && scope.teams.is_all()
            && scope.customer_types.is_empty();
        if whole {
            Self::whole(ds, c, scope)
        } else {
            Self::filtered(ds, c, scope)
        }
    }

    /// An empty frame with the scope's times and the dictionaries of `c`, columns to fill.
    fn empty(c: &LeadColumns, scope: &Scope) -> Self {
        LeadFrame {
            as_of: scope.as_of,
            start: scope.as_of,
            end: scope.to,
            cols: FrameColumns::default(),
            load: Column::default(),
            combos: Column::default(),
            surveys: c.surveys.clone(),
            reps: c.reps.clone(),
            teams: c.teams.clone(),
            regions: c.regions.clone(),
            sources: c.sources.clone(),
            campaigns: c.campaigns.clone(),
            first_month: 0,
            n_months: 0,
            open_grid: Column::default(),
            grid_start_day: 0,
            grid_unit_days: 1,
            grid_bins: 0,
        }
    }

    /// Sets the month range from the earliest month kept (the as-of month ends it).
    fn set_months(&mut self, first_month: i64) {
        if !self.is_empty() {
            self.first_month = first_month;
            self.n_months = u32::try_from(self.as_of.month_index() - first_month).unwrap_or(0) + 1;
        }
    }

    /// Every lead, each after all of its dates: the columns themselves.
    fn whole(ds: &Dataset, c: &LeadColumns, scope: &Scope) -> Self {
        let mut f = Self::empty(c, scope);
        f.cols = c.cols.clone();
        f.combos = c.combos.clone();
        f.set_months(c.first_month);
        f.start = Timestamp(
            scope
                .from
                .map_or(c.first_created.min(scope.as_of.0), |t| t.0),
        );
        // The load as of the day the columns were prepared for is already there.
        f.set_load(match &c.load {
            Some(g) if g.as_of_day == scope.as_of.day() => g.clone(),
            _ => whole_load(ds, c, scope.as_of),
        });
        f
    }

    /// The leads that pass the scope, as of its as-of date.
    pub(super) fn filtered(ds: &Dataset, c: &LeadColumns, scope: &Scope) -> Self {
        let as_of = scope.as_of.0;
        let n = c.len();
        let mut f = Self::empty(c, scope);
        // Reps as the frame numbers them: the table's, then those of leads assigned before
        // as-of in order of first sight; and every such assignment, for the load grid.
        let mut rep_of: Vec<u32> = (0..c.reps.len() as u32)
            .map(|r| if (r as usize) < c.table_reps { r } else { NONE })
            .collect();
        let mut reps: Vec<RepKey> = c.reps.iter().take(c.table_reps).copied().collect();
        let mut assignments: Vec<Assignment> = Vec::with_capacity(n);
        for i in 0..n {
            let a = c.cols.assigned[i];
            if a == NO_TIME || a >= as_of {
                continue;
            }
            let g = c.cols.rep[i] as usize;
            let Some(slot) = rep_of.get_mut(g) else {
                continue;
            };
            if *slot == NONE {
                *slot = reps.len() as u32;
                reps.extend(c.reps.get(g).copied());
            }
            let day = a.div_euclid(SECS_PER_DAY);
            assignments.push(Assignment {
                rep: *slot,
                day,
                closed_day: closed_day(day, outcome(c, i, as_of).1),
            });
        }
        let mut teams = Dense::default();
        for k in &mut reps {
            k.team = teams.opt(k.row.and_then(|r| ds.reps.get(r)).and_then(|r| r.team));
        }
        // Which dense values pass the filter (the last slot: no value).
        let keeps = |syms: &[Sym], set: &SymSet| -> Vec<bool> {
            syms.iter()
                .map(|&s| set.keeps(Some(s)))
                .chain([set.keeps(None)])
                .collect()
        };
        let region_keep = keeps(&c.regions, &scope.regions);
        let source_keep = keeps(&c.sources, &scope.sources);
        let type_keep: Vec<bool> = (0..=NO_TYPE)
            .map(|t| scope.keeps_type(CustomerType::ALL.get(usize::from(t)).copied()))
            .collect();
        let rep_keep: Vec<bool> = reps
            .iter()
            .map(|k| scope.keeps_rep(k.row.and_then(|r| ds.reps.get(r))))
            .chain([scope.keeps_rep(None)])
            .collect();
        let slot = |k: u32, len: usize| if k == NONE { len - 1 } else { k as usize };
        let mut regions = vec![NONE; c.regions.len()];
        let mut sources = vec![NONE; c.sources.len()];
        let mut region_syms = Vec::new();
        let mut source_syms = Vec::new();
        let local = |map: &mut Vec<u32>, syms: &mut Vec<Sym>, all: &[Sym], k: u32| -> u32 {
            match map.get_mut(k as usize) {
                None => NONE,
                Some(m) => {
                    if *m == NONE {
                        *m = syms.len() as u32;
                        syms.extend(all.get(k as usize).copied());
                    }
                    *m
                }
            }
        };
        let w = &c.cols;
        let mut row = Vec::new();
        let mut lead_id = Vec::new();
        let mut created = Vec::new();
        let mut assigned = Vec::new();
        let mut contact = Vec::new();
        let mut closed = Vec::new();
        let mut won = Vec::new();
        let mut reached_col = Vec::new();
        let mut cost = Vec::new();
        let mut est_value = Vec::new();
        let mut won_value = Vec::new();
        let mut rep = Vec::new();
        let mut region = Vec::new();
        let mut source = Vec::new();
        let mut campaign = Vec::new();
        let mut month = Vec::new();
        let mut ty = Vec::new();
        let mut combo = Vec::new();
        let mut first_month = u32::MAX;
        let mut earliest = i64::MAX;
        for i in 0..n {
            let t = w.created[i];
            let a = w.assigned[i];
            let assigned_before = a != NO_TIME && a < as_of;
            let r = if assigned_before {
                rep_of.get(w.rep[i] as usize).copied().unwrap_or(NONE)
            } else {
                NONE
            };
            if t >= as_of
                || !scope.in_window(Timestamp(t))
                || !region_keep[slot(w.region[i], region_keep.len())]
                || !source_keep[slot(w.source[i], source_keep.len())]
                || !type_keep
                    .get(usize::from(w.ty[i]))
                    .copied()
                    .unwrap_or(false)
                || !rep_keep[slot(r, rep_keep.len())]
            {
                continue;
            }
            let (won_now, cl) = outcome(c, i, as_of);
            let ct = w.contact[i];
            let ct = if assigned_before && ct != NO_TIME && ct < as_of {
                ct
            } else {
                NO_TIME
            };
            earliest = earliest.min(t);
            row.push(i as u32);
            lead_id.push(w.lead_id[i]);
            created.push(t);
            assigned.push(if assigned_before { a } else { NO_TIME });
            contact.push(ct);
            closed.push(cl);
            won.push(won_now);
            reached_col.push(reached(c, i, as_of, ct, won_now, cl));
            cost.push(w.cost[i]);
            est_value.push(w.est_value[i]);
            won_value.push(if won_now { w.won_value[i] } else { 0 });
            rep.push(r);
            region.push(match w.region[i] {
                NONE => NONE,
                k => local(&mut regions, &mut region_syms, &c.regions, k),
            });
            source.push(match w.source[i] {
                NONE => NONE,
                k => local(&mut sources, &mut source_syms, &c.sources, k),
            });
            campaign.push(w.campaign[i]);
            first_month = first_month.min(w.month[i]);
            month.push(w.month[i]);
            ty.push(w.ty[i]);
            combo.push(w.combo[i]);
        }
        for m in &mut month {
            *m -= first_month;
        }
        f.cols = FrameColumns {
            row: row.into(),
            lead_id: lead_id.into(),
            created: created.into(),
            assigned: assigned.into(),
            contact: contact.into(),
            closed: closed.into(),
            won: won.into(),
            reached: reached_col.into(),
            cost: cost.into(),
            est_value: est_value.into(),
            won_value: won_value.into(),
            rep: rep.into(),
            region: region.into(),
            source: source.into(),
            campaign: campaign.into(),
            month: month.into(),
            ty: ty.into(),
            combo: combo.into(),
        };
        // The combinations in the frame's keys: regions and sources renumbered as above (a
        // value no lead of the frame has becomes "no value"; no lead of the frame reads it).
        let renumber = |map: &[u32], k: u32| map.get(k as usize).copied().unwrap_or(NONE);
        f.combos = c
            .combos
            .iter()
            .map(|&[s, r, t, k]| [renumber(&sources, s), renumber(&regions, r), t, k])
            .collect::<Vec<_>>()
            .into();
        f.reps = reps;
        f.teams = teams.syms;
        f.regions = region_syms;
        f.sources = source_syms;
        f.set_months(c.first_month + i64::from(first_month));
        f.start = Timestamp(scope.from.map_or(earliest.min(as_of), |t| t.0));
        let d0 = assignments.iter().map(|a| a.day).min();
        let load = load_grid(
            ds,
            (&f.reps, &f.cols.rep, &f.cols.assigned),
            scope.as_of,
            d0,
            assignments.into_iter(),
        );
        f.set_load(load);
        f
    }

    fn set_load(&mut self, g: LoadGrid) {
        self.load = g.load;
        self.open_grid = g.open_grid;
        self.grid_start_day = g.start_day;
        self.grid_unit_days = g.unit_days;
        self.grid_bins = g.bins;
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

/// Each lead's load at assignment and the open-lead grid, as of one day.
#[derive(Clone, Debug)]
pub(super) struct LoadGrid {
    as_of_day: i64,
    load: Column<f32>,
    open_grid: Column<i32>,
    start_day: i64,
    unit_days: i64,
    bins: usize,
}

/// The load of the leads of a frame of every lead of `c`, as of `as_of`.
pub(super) fn whole_load(ds: &Dataset, c: &LeadColumns, as_of: Timestamp) -> LoadGrid {
    let w = &c.cols;
    let assignments = w
        .rep
        .iter()
        .zip(w.assigned.iter())
        .zip(w.closed.iter())
        .filter(|((r, _), _)| **r != NONE)
        .map(|((&rep, &a), &closed)| {
            let day = a.div_euclid(SECS_PER_DAY);
            Assignment {
                rep,
                day,
                closed_day: closed_day(day, closed),
            }
        });
    load_grid(
        ds,
        (&c.reps, &w.rep, &w.assigned),
        as_of,
        c.first_assigned_day,
        assignments,
    )
}

/// Fills the open-lead grid from every assignment in the data (not only those in scope: a
/// rep's load is all of their leads), the earliest on day `d0`, and the load ratio at
/// assignment of each lead of a frame given by its reps and its rep and assignment columns.
fn load_grid(
    ds: &Dataset,
    (reps, rep, assigned): (&[RepKey], &[u32], &[i64]),
    as_of: Timestamp,
    d0: Option<i64>,
    assignments: impl Iterator<Item = Assignment>,
) -> LoadGrid {
    let Some(d0) = d0 else {
        return LoadGrid {
            as_of_day: as_of.day(),
            load: vec![f32::NAN; rep.len()].into(),
            open_grid: Column::default(),
            start_day: 0,
            unit_days: 1,
            bins: 0,
        };
    };
    let last = as_of.day().max(d0);
    let days = (last - d0 + 1) as usize;
    let n_reps = reps.len().max(1);
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
    let capacity: Vec<f32> = reps
        .iter()
        .map(|k| {
            k.row
                .and_then(|r| ds.reps.get(r))
                .and_then(|r| r.capacity)
                .filter(|&c| c > 0)
                .map_or(f32::NAN, |c| c as f32)
        })
        .collect();
    let load: Vec<f32> = rep
        .iter()
        .zip(assigned)
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
    LoadGrid {
        as_of_day: as_of.day(),
        load: load.into(),
        open_grid: grid.into(),
        start_day: d0,
        unit_days: unit as i64,
        bins,
    }
}
