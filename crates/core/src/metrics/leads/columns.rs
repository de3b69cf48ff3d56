//! The leads as columns, laid out once when the data is loaded (what a column store would
//! hold): every value the lead frame reads, in row order, categorical values as dense indices,
//! and each lead's state once all of its dates have passed. A frame that keeps every lead
//! shares these columns instead of copying them; any other frame is a filter over them, which
//! reads about half the bytes the lead rows take.

use super::frame::{Column, FrameColumns, LoadGrid, NO_TIME, NO_TYPE, NONE, RepKey, whole_load};
use super::satisfaction::SurveyJoin;
use crate::dataset::Dataset;
use crate::model::{MonthMemo, Stage, Sym, Timestamp};
use rustc_hash::FxHashMap;
use std::sync::Arc;

/// Assigns dense indices to symbols in order of first sight.
#[derive(Default)]
pub(super) struct Dense {
    slot: Vec<u32>,
    pub(super) syms: Vec<Sym>,
}

impl Dense {
    pub(super) fn id(&mut self, s: Sym) -> u32 {
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

    pub(super) fn opt(&mut self, s: Option<Sym>) -> u32 {
        s.map_or(NONE, |s| self.id(s))
    }
}

/// The leads table as columns (index `i` is row `i` of `ds.leads` in every column). Build it
/// once per dataset with [`LeadColumns::build`], keep it next to the dataset, and build each
/// frame from it with [`super::LeadFrame::of`].
#[derive(Clone, Debug)]
pub struct LeadColumns {
    /// Latest of every lead date (`i64::MIN` for none): an as-of after it sees every lead as
    /// these columns do.
    pub(super) latest: i64,
    /// Earliest and latest creation (`i64::MAX`, `i64::MIN` for no leads).
    pub(super) first_created: i64,
    pub(super) last_created: i64,
    /// Earliest assignment day, if any lead is assigned.
    pub(super) first_assigned_day: Option<i64>,
    /// Month index of the earliest creation; `month` counts from it.
    pub(super) first_month: i64,
    /// The columns a frame of every lead shares, each lead seen after all of its dates.
    pub(super) cols: FrameColumns,
    /// The combinations of factor values `cols.combo` indexes, in order of first sight.
    pub(super) combos: Column<[u32; 4]>,
    /// The surveys joined to the lead rows and customers (the joins do not depend on the
    /// scope).
    pub(super) surveys: Arc<SurveyJoin>,
    // What an earlier as-of needs besides: the dates as recorded ([`NO_TIME`] for none) and
    // the stage column.
    pub(super) qualified_at: Vec<i64>,
    pub(super) won_at: Vec<i64>,
    pub(super) lost_at: Vec<i64>,
    /// Whether the recorded stage is `won`.
    pub(super) stage_won: Vec<bool>,
    /// Funnel rank of the recorded stage when it is an open one, else 0.
    pub(super) open_rank: Vec<u8>,
    // Dictionaries of the dense indices.
    pub(super) reps: Vec<RepKey>,
    /// How many of `reps` come from the reps table (they come first).
    pub(super) table_reps: usize,
    pub(super) teams: Vec<Sym>,
    pub(super) regions: Vec<Sym>,
    pub(super) sources: Vec<Sym>,
    pub(super) campaigns: Vec<(Sym, Option<usize>)>,
    /// The load of a frame of every lead as of one day, found by [`LeadColumns::prepare_load`].
    pub(super) load: Option<LoadGrid>,
}

/// A lead's outcome as of `as_of`: whether it is won, and when it was won or lost
/// ([`NO_TIME`] while open).
#[inline]
pub(super) fn outcome(c: &LeadColumns, i: usize, as_of: i64) -> (bool, i64) {
    let before = |t: i64| t != NO_TIME && t < as_of;
    let won_at = c.won_at.get(i).copied().unwrap_or(NO_TIME);
    let lost_at = c.lost_at.get(i).copied().unwrap_or(NO_TIME);
    let won_before = before(won_at);
    let won = won_before || (won_at == NO_TIME && c.stage_won.get(i).copied().unwrap_or(false));
    let closed = if won_before {
        won_at
    } else if before(lost_at) {
        lost_at
    } else {
        NO_TIME
    };
    (won, closed)
}

/// The furthest funnel rank a lead reached as of `as_of`, from its first contact (already
/// cut at as-of), outcome and recorded stage.
#[inline]
pub(super) fn reached(
    c: &LeadColumns,
    i: usize,
    as_of: i64,
    contact: i64,
    won: bool,
    closed: i64,
) -> u8 {
    let qualified = c.qualified_at.get(i).copied().unwrap_or(NO_TIME);
    let mut r = u8::from(contact != NO_TIME);
    if qualified != NO_TIME && qualified < as_of {
        r = 2;
    }
    if won {
        Stage::Won.funnel_rank()
    } else if closed == NO_TIME {
        r.max(c.open_rank.get(i).copied().unwrap_or(0))
    } else {
        r
    }
}

impl LeadColumns {
    /// Lays out the leads of `ds` (one pass over the rows, then passes over the columns).
    pub fn build(ds: &Dataset) -> Self {
        let n = ds.leads.len();
        let t = |x: Option<Timestamp>| x.map_or(NO_TIME, |t| t.0);
        let mut reps = Dense::default();
        let mut rep_rows: Vec<Option<usize>> = Vec::new();
        for (i, r) in ds.reps.iter().enumerate() {
            if reps.id(r.id.sym()) as usize == rep_rows.len() {
                rep_rows.push(Some(i));
            }
        }
        let table_reps = rep_rows.len();
        let mut campaigns = Dense::default();
        let mut campaign_rows: Vec<Option<usize>> = Vec::new();
        for (i, c) in ds.campaigns.iter().enumerate() {
            if campaigns.id(c.id.sym()) as usize == campaign_rows.len() {
                campaign_rows.push(Some(i));
            }
        }
        let mut campaign_leads: Vec<u64> = vec![0; campaign_rows.len()];
        let mut regions = Dense::default();
        let mut sources = Dense::default();
        let mut lead_id = Vec::with_capacity(n);
        let mut created = Vec::with_capacity(n);
        let mut assigned = Vec::with_capacity(n);
        let mut contact = Vec::with_capacity(n);
        let mut qualified_at = Vec::with_capacity(n);
        let mut won_at = Vec::with_capacity(n);
        let mut lost_at = Vec::with_capacity(n);
        let mut stage_won = Vec::with_capacity(n);
        let mut open_rank = Vec::with_capacity(n);
        let mut cost = Vec::with_capacity(n);
        let mut est_value = Vec::with_capacity(n);
        let mut won_value_raw = Vec::with_capacity(n);
        let mut rep = Vec::with_capacity(n);
        let mut region = Vec::with_capacity(n);
        let mut source = Vec::with_capacity(n);
        let mut campaign = Vec::with_capacity(n);
        let mut ty = Vec::with_capacity(n);
        let mut latest = i64::MIN;
        let (mut first_created, mut last_created) = (i64::MAX, i64::MIN);
        let mut first_assigned = i64::MAX;
        for l in &ds.leads {
            latest = latest.max(l.latest_date().0);
            let c = l.created_at.0;
            first_created = first_created.min(c);
            last_created = last_created.max(c);
            campaign.push(l.campaign.map_or(NONE, |c| {
                let id = campaigns.id(c.sym());
                if id as usize >= campaign_leads.len() {
                    campaign_leads.push(0);
                    campaign_rows.push(None);
                }
                campaign_leads[id as usize] += 1;
                id
            }));
            let at = match (l.assigned_rep, l.assigned_at) {
                (Some(r), Some(a)) => {
                    let id = reps.id(r.sym());
                    if id as usize >= rep_rows.len() {
                        rep_rows.push(None);
                    }
                    rep.push(id);
                    first_assigned = first_assigned.min(a.0);
                    a.0
                }
                _ => {
                    rep.push(NONE);
                    NO_TIME
                }
            };
            assigned.push(at);
            contact.push(if at == NO_TIME {
                NO_TIME
            } else {
                t(l.first_contact_at)
            });
            qualified_at.push(t(l.qualified_at));
            won_at.push(t(l.won_at));
            lost_at.push(t(l.lost_at));
            stage_won.push(l.stage == Some(Stage::Won));
            open_rank.push(
                l.stage
                    .filter(|s| !s.is_closed())
                    .map_or(0, |s| s.funnel_rank()),
            );
            lead_id.push(l.id.sym());
            created.push(c);
            cost.push(l.cost.map_or(0, |m| m.0));
            est_value.push(l.est_value.map_or(0, |m| m.0));
            won_value_raw.push(l.won_value.map_or(0, |m| m.0));
            region.push(regions.opt(l.region));
            source.push(sources.opt(l.source));
            ty.push(l.customer_type.map_or(NO_TYPE, |t| t.index() as u8));
        }
        // Campaign cost spread evenly over all of the campaign's leads (in whole minor units),
        // so a window holding part of a campaign carries its part of the cost.
        let share: Vec<i64> = campaign_rows
            .iter()
            .zip(&campaign_leads)
            .map(|(row, &k)| {
                let total = row
                    .and_then(|r| ds.campaigns.get(r))
                    .and_then(|c| c.cost)
                    .map_or(0, |m| m.0);
                if k == 0 {
                    0
                } else {
                    (total as f64 / k as f64).round() as i64
                }
            })
            .collect();
        for (c, &camp) in cost.iter_mut().zip(&campaign) {
            *c += share.get(camp as usize).copied().unwrap_or(0);
        }
        let first_month = if n == 0 {
            0
        } else {
            Timestamp(first_created).month_index()
        };
        let mut months = MonthMemo::default();
        let month: Vec<u32> = created
            .iter()
            .map(|&c| u32::try_from(months.month_index(Timestamp(c)) - first_month).unwrap_or(0))
            .collect();
        let mut teams = Dense::default();
        let rep_keys: Vec<RepKey> = reps
            .syms
            .iter()
            .zip(&rep_rows)
            .map(|(&id, &row)| RepKey {
                id,
                row,
                team: teams.opt(row.and_then(|r| ds.reps.get(r)).and_then(|r| r.team)),
            })
            .collect();
        // Each lead's combination of the score's factor values, numbered on first sight.
        let mut combo_ids: FxHashMap<[u32; 4], u32> = FxHashMap::default();
        let mut combos: Vec<[u32; 4]> = Vec::new();
        let combo: Vec<u32> = source
            .iter()
            .zip(&region)
            .zip(&ty)
            .zip(&campaign)
            .map(|(((&s, &r), &t), &k)| {
                let key = [s, r, u32::from(t), k];
                *combo_ids.entry(key).or_insert_with(|| {
                    combos.push(key);
                    combos.len() as u32 - 1
                })
            })
            .collect();
        let surveys = Arc::new(SurveyJoin::build(ds, &lead_id, &source, &sources.syms));
        let mut c = LeadColumns {
            latest,
            first_created,
            last_created,
            first_assigned_day: (first_assigned != i64::MAX)
                .then(|| Timestamp(first_assigned).day()),
            first_month,
            cols: FrameColumns {
                row: Column::new((0..n as u32).collect()),
                lead_id: Column::new(lead_id),
                created: Column::new(created),
                assigned: Column::new(assigned),
                contact: Column::new(contact),
                closed: Column::default(),
                won: Column::default(),
                reached: Column::default(),
                cost: Column::new(cost),
                est_value: Column::new(est_value),
                won_value: Column::default(),
                rep: Column::new(rep),
                region: Column::new(region),
                source: Column::new(source),
                campaign: Column::new(campaign),
                month: Column::new(month),
                ty: Column::new(ty),
                combo: Column::new(combo),
            },
            combos: Column::new(combos),
            surveys,
            qualified_at,
            won_at,
            lost_at,
            stage_won,
            open_rank,
            reps: rep_keys,
            table_reps,
            teams: teams.syms,
            regions: regions.syms,
            sources: sources.syms,
            campaigns: campaigns.syms.into_iter().zip(campaign_rows).collect(),
            load: None,
        };
        // Each lead once every date has passed: an as-of no date reaches.
        let mut won = Vec::with_capacity(n);
        let mut closed = Vec::with_capacity(n);
        let mut reach = Vec::with_capacity(n);
        let mut won_value = Vec::with_capacity(n);
        for (i, &v) in won_value_raw.iter().enumerate() {
            let (w, cl) = outcome(&c, i, i64::MAX);
            let contact = c.cols.contact.get(i).copied().unwrap_or(NO_TIME);
            reach.push(reached(&c, i, i64::MAX, contact, w, cl));
            won.push(w);
            closed.push(cl);
            won_value.push(if w { v } else { 0 });
        }
        c.cols.won = Column::new(won);
        c.cols.closed = Column::new(closed);
        c.cols.reached = Column::new(reach);
        c.cols.won_value = Column::new(won_value);
        c
    }

    /// Finds each lead's load at assignment as of `as_of` (a pass over every assignment), so
    /// that frames of every lead as of that day share it instead of finding it again.
    pub fn prepare_load(&mut self, ds: &Dataset, as_of: Timestamp) {
        self.load = Some(whole_load(ds, self, as_of));
    }

    /// Leads laid out.
    pub fn len(&self) -> usize {
        self.cols.row.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cols.row.is_empty()
    }

    /// The latest date of any lead, if there are leads.
    pub fn latest(&self) -> Option<Timestamp> {
        (!self.is_empty()).then_some(Timestamp(self.latest))
    }
}
