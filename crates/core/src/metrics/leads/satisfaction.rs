//! Satisfaction: mean CSAT (1–5) and NPS (0–10: % promoters 9–10 − % detractors 0–6) with
//! 95 % intervals, by rep and by source (of the survey's lead, else of its customer).

use super::columns::Dense;
use super::frame::LeadFrame;
use crate::dataset::Dataset;
use crate::metrics::join::{NO_MATCH, first_positions};
use crate::metrics::{MeanCi, Scope};
use crate::model::{SurveyScale, Sym};
use crate::stats::Z95;
use serde::Serialize;

/// Net promoter score in points (−100…100) with its normal-approximation interval.
#[derive(Clone, Copy, PartialEq, Debug, Serialize)]
pub struct Nps {
    pub n: u64,
    pub promoters: u64,
    pub detractors: u64,
    pub nps: f64,
    pub ci_low: f64,
    pub ci_high: f64,
}

impl Nps {
    /// The variance of (promoter − detractor) indicators is p + d − (p − d)².
    pub fn from_counts(n: u64, promoters: u64, detractors: u64) -> Option<Self> {
        if n == 0 {
            return None;
        }
        let nf = n as f64;
        let (p, d) = (promoters as f64 / nf, detractors as f64 / nf);
        let score = p - d;
        let half = Z95 * ((p + d - score * score).max(0.0) / nf).sqrt();
        Some(Self {
            n,
            promoters,
            detractors,
            nps: 100.0 * score,
            ci_low: (100.0 * (score - half)).max(-100.0),
            ci_high: (100.0 * (score + half)).min(100.0),
        })
    }
}

#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct SatisfactionRow {
    pub key: String,
    pub csat: Option<MeanCi>,
    pub nps: Option<Nps>,
}

#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct SatisfactionReport {
    pub overall: SatisfactionRow,
    pub by_rep: Vec<SatisfactionRow>,
    pub by_source: Vec<SatisfactionRow>,
}

#[derive(Clone, Copy, Default)]
struct Acc {
    csat_n: u64,
    csat_sum: f64,
    csat_sq: f64,
    nps_n: u64,
    promoters: u64,
    detractors: u64,
}

impl Acc {
    fn add(&mut self, scale: SurveyScale, score: f64) {
        match scale {
            SurveyScale::Csat5 => {
                self.csat_n += 1;
                self.csat_sum += score;
                self.csat_sq += score * score;
            }
            SurveyScale::Nps10 => {
                self.nps_n += 1;
                self.promoters += (score >= 9.0) as u64;
                self.detractors += (score <= 6.0) as u64;
            }
        }
    }

    fn row(&self, key: String) -> SatisfactionRow {
        SatisfactionRow {
            key,
            csat: MeanCi::from_sums(self.csat_n, self.csat_sum, self.csat_sq),
            nps: Nps::from_counts(self.nps_n, self.promoters, self.detractors),
        }
    }
}

/// The scale of a survey row; a missing scale is CSAT for scores up to 5, NPS above. Scores
/// outside the scale's range are not used.
fn scale_of(scale: Option<SurveyScale>, score: f64) -> Option<SurveyScale> {
    let s = scale.unwrap_or(if score <= 5.0 {
        SurveyScale::Csat5
    } else {
        SurveyScale::Nps10
    });
    let ok = match s {
        SurveyScale::Csat5 => (1.0..=5.0).contains(&score),
        SurveyScale::Nps10 => (0.0..=10.0).contains(&score),
    };
    ok.then_some(s)
}

/// Accumulators per symbol, created on first sight.
#[derive(Default)]
struct ByKey {
    keys: Dense,
    acc: Vec<Acc>,
}

impl ByKey {
    fn add(&mut self, key: Sym, scale: SurveyScale, score: f64) {
        let i = self.keys.id(key) as usize;
        if i == self.acc.len() {
            self.acc.push(Acc::default());
        }
        if let Some(a) = self.acc.get_mut(i) {
            a.add(scale, score);
        }
    }

    fn rows(&self, ds: &Dataset) -> Vec<SatisfactionRow> {
        let mut rows: Vec<SatisfactionRow> = self
            .keys
            .syms
            .iter()
            .zip(&self.acc)
            .map(|(k, a)| a.row(ds.name(*k).to_owned()))
            .collect();
        rows.sort_by(|a, b| a.key.cmp(&b.key));
        rows
    }
}

/// Each survey joined, by sorted joins (see `metrics::join`: the survey table can be as long
/// as the leads), to the first lead row, customer row and rep row with its ids, once per
/// dataset: the joins do not depend on the scope.
#[derive(Debug)]
pub(crate) struct SurveyJoin {
    /// Per survey: the row of its lead, or [`NO_MATCH`] (also for a survey of no lead).
    lead_row: Vec<u32>,
    /// Per survey without a lead: the row of its customer, or [`NO_MATCH`].
    customer_row: Vec<u32>,
    /// Per survey: the row of its rep in `ds.reps`, or [`NO_MATCH`].
    rep_row: Vec<u32>,
    /// Per survey: the source of its lead, else of its customer.
    source: Vec<Option<Sym>>,
    /// Leads laid out, and whether no two share an id (a lead row is then the only one its
    /// surveys can name).
    leads: usize,
    unique_lead_ids: bool,
}

impl SurveyJoin {
    /// `lead_id` and `source` are the lead columns, `sources` the symbols of `source`'s keys.
    pub(crate) fn build(ds: &Dataset, lead_id: &[Sym], source: &[u32], sources: &[Sym]) -> Self {
        let lead_row = first_positions(
            &ds.surveys
                .iter()
                .map(|s| s.lead.map(|l| l.sym()))
                .collect::<Vec<_>>(),
            lead_id.iter().copied(),
        );
        let customer_row = first_positions(
            &ds.surveys
                .iter()
                .map(|s| s.customer.filter(|_| s.lead.is_none()).map(|c| c.sym()))
                .collect::<Vec<_>>(),
            ds.customers.iter().map(|c| c.id.sym()),
        );
        let rep_row = first_positions(
            &ds.surveys
                .iter()
                .map(|s| s.rep.map(|r| r.sym()))
                .collect::<Vec<_>>(),
            ds.reps.iter().map(|r| r.id.sym()),
        );
        let source = ds
            .surveys
            .iter()
            .zip(lead_row.iter().zip(&customer_row))
            .map(|(s, (&l, &c))| {
                if s.lead.is_some() {
                    source
                        .get(l as usize)
                        .and_then(|&k| sources.get(k as usize))
                        .copied()
                } else {
                    ds.customers.get(c as usize).and_then(|c| c.source)
                }
            })
            .collect();
        let mut seen: Vec<u64> = Vec::new();
        let mut unique_lead_ids = true;
        for id in lead_id {
            let k = id.index();
            if k / 64 >= seen.len() {
                seen.resize(k / 64 + 1, 0);
            }
            if let Some(w) = seen.get_mut(k / 64) {
                unique_lead_ids &= *w & (1 << (k % 64)) == 0;
                *w |= 1 << (k % 64);
            }
        }
        Self {
            lead_row,
            customer_row,
            rep_row,
            source,
            leads: lead_id.len(),
            unique_lead_ids,
        }
    }
}

/// Which lead rows a frame holds, for the surveys of leads.
enum InFrame {
    /// Every row: the frame of every lead.
    All,
    /// A bit per row.
    Rows(Vec<u64>),
    /// Lead ids repeat and the frame keeps some rows: the first frame position of each
    /// survey's lead, found by joining the surveys to the frame's ids.
    Positions(Vec<u32>),
}

pub fn satisfaction(ds: &Dataset, frame: &LeadFrame, scope: &Scope) -> SatisfactionReport {
    let join = &frame.surveys;
    let in_frame = if frame.len() == join.leads {
        InFrame::All
    } else if join.unique_lead_ids {
        let mut bits = vec![0u64; join.leads.div_ceil(64)];
        for &r in &frame.row {
            if let Some(w) = bits.get_mut(r as usize / 64) {
                *w |= 1 << (r % 64);
            }
        }
        InFrame::Rows(bits)
    } else {
        InFrame::Positions(first_positions(
            &ds.surveys
                .iter()
                .map(|s| s.lead.map(|l| l.sym()))
                .collect::<Vec<_>>(),
            frame.lead_id.iter().copied(),
        ))
    };
    // Without a region, type or source filter every customer is in scope.
    let customers_filtered =
        !scope.regions.is_all() || !scope.sources.is_all() || !scope.customer_types.is_empty();
    let mut overall = Acc::default();
    let mut by_rep = ByKey::default();
    let mut by_source = ByKey::default();
    for (si, s) in ds.surveys.iter().enumerate() {
        if !scope.in_window(s.at) || s.at >= frame.as_of {
            continue;
        }
        let Some(scale) = scale_of(s.scale, s.score) else {
            continue;
        };
        if !scope.teams.is_all() {
            let rep = join.rep_row.get(si).and_then(|&i| ds.reps.get(i as usize));
            if !scope.keeps_rep(rep) {
                continue;
            }
        }
        let source = if s.lead.is_some() {
            // A survey about a lead counts when its lead is in scope.
            let row = join.lead_row.get(si).copied().unwrap_or(NO_MATCH);
            let joined = || join.source.get(si).copied().flatten();
            let found = match &in_frame {
                InFrame::All => (row != NO_MATCH).then(joined),
                InFrame::Rows(bits) => bits
                    .get(row as usize / 64)
                    .is_some_and(|w| w & (1 << (row % 64)) != 0)
                    .then(joined),
                InFrame::Positions(pos) => {
                    pos.get(si).copied().filter(|&i| i != NO_MATCH).map(|i| {
                        frame
                            .source
                            .get(i as usize)
                            .and_then(|&k| frame.sources.get(k as usize))
                            .copied()
                    })
                }
            };
            match found {
                Some(source) => source,
                None => continue,
            }
        } else if let Some(c) = join
            .customer_row
            .get(si)
            .and_then(|&i| ds.customers.get(i as usize))
        {
            if customers_filtered
                && !(scope.regions.keeps(c.region)
                    && scope.keeps_type(c.customer_type)
                    && scope.sources.keeps(c.source))
            {
                continue;
            }
            join.source.get(si).copied().flatten()
        } else {
            if customers_filtered {
                continue;
            }
            None
        };
        overall.add(scale, s.score);
        if let Some(r) = s.rep {
            by_rep.add(r.sym(), scale, s.score);
        }
        if let Some(src) = source {
            by_source.add(src, scale, s.score);
        }
    }
    SatisfactionReport {
        overall: overall.row("all".into()),
        by_rep: by_rep.rows(ds),
        by_source: by_source.rows(ds),
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn nps_of_a_known_sample() {
        // 50 promoters, 30 passives, 20 detractors: NPS 30; var = 0.7 − 0.09 = 0.61,
        // half-width 1.96·√(0.61/100) = 0.1531 → 14.69…45.31.
        let n = Nps::from_counts(100, 50, 20).expect("100 answers");
        assert!((n.nps - 30.0).abs() < 1e-9);
        assert!(
            (n.ci_low - 14.692).abs() < 1e-2 && (n.ci_high - 45.308).abs() < 1e-2,
            "{n:?}"
        );
        assert_eq!(Nps::from_counts(0, 0, 0), None);
        let all = Nps::from_counts(4, 4, 0).expect("4 answers");
        assert_eq!((all.nps, all.ci_high), (100.0, 100.0));
    }

    #[test]
    fn scales_are_inferred_and_ranges_checked() {
        assert_eq!(scale_of(None, 4.0), Some(SurveyScale::Csat5));
        assert_eq!(scale_of(None, 9.0), Some(SurveyScale::Nps10));
        assert_eq!(scale_of(Some(SurveyScale::Csat5), 0.0), None);
        assert_eq!(scale_of(Some(SurveyScale::Nps10), 11.0), None);
    }
}
