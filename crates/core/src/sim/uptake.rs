//! Leads never taken up. Some leads are never assigned to anyone — in the demo, half of those
//! arriving when every suitable rep is swamped; in a real organisation, whatever its reps
//! leave lying. How often that happens depends on capacity pressure when the lead arrives,
//! which a different strategy changes; so the simulator does not copy the historical
//! unassigned leads, it estimates P(never taken up | pressure) from the history and draws it
//! at each lead's arrival under every strategy (with the same random number, so strategies
//! stay paired).
//!
//! **Pressure** at a lead's arrival: the lowest ratio of open leads to capacity among the reps
//! who could serve it — active at that moment, in its region (all reps when none is), and
//! skilled for its customer type where any such rep exists. Reps of unknown capacity count
//! as unloaded; no suitable active rep at all is infinite pressure.

use super::history::{History, Loads, SimLead, Spell};
use crate::assign::Roster;
use crate::model::{CustomerType, Sym, Timestamp};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

/// Upper edges of the pressure bins; the last bin is everything from 2.0 up (and infinity).
pub const PRESSURE_EDGES: [f64; 8] = [0.5, 0.8, 1.0, 1.2, 1.4, 1.5, 1.75, 2.0];
const BINS: usize = PRESSURE_EDGES.len() + 1;
/// Prior weight, in leads, pulling each bin's rate toward the overall rate.
const PRIOR_LEADS: f64 = 20.0;
/// Leads created this close to the end of the history may simply not be assigned yet.
const TOO_RECENT_DAYS: i64 = 2;

fn bin(pressure: f64) -> usize {
    PRESSURE_EDGES.partition_point(|e| *e <= pressure)
}

/// One pressure bin of the fitted rates.
#[derive(Clone, Copy, PartialEq, Debug, Serialize, Deserialize)]
pub struct UptakeBin {
    /// Lower edge of the bin (0 for the first).
    pub from: f64,
    pub leads: usize,
    pub never_taken_up: usize,
    /// The shrunk rate the simulator draws.
    pub rate: f64,
}

/// The reps who could serve a lead, by (region, customer type), and the pressure on them.
#[derive(Clone, Debug)]
pub struct Pressure {
    /// Index into `groups` of each (region, customer type) seen.
    keys: FxHashMap<(Option<Sym>, Option<CustomerType>), u32>,
    /// Each key's reps with what the scan reads of them, side by side (one pass over a few
    /// cache lines per lead rather than a look-up in three tables per rep).
    groups: Vec<Vec<Candidate>>,
}

#[derive(Clone, Copy, Debug)]
struct Candidate {
    rep: u32,
    /// Capacity, at least 1; `None` when unknown (infinite).
    capacity: Option<u32>,
    /// Active span in seconds, open ends as the extreme values.
    from: i64,
    to: i64,
}

impl Pressure {
    pub fn new(roster: &Roster, leads: &[SimLead]) -> Self {
        let mut keys: FxHashMap<(Option<Sym>, Option<CustomerType>), u32> = FxHashMap::default();
        let mut groups: Vec<Vec<Candidate>> = Vec::new();
        for l in leads {
            let key = (l.region, l.customer_type);
            if keys.contains_key(&key) {
                continue;
            }
            let in_region: Vec<usize> = (0..roster.reps.len())
                .filter(|&r| l.region.is_none() || roster.reps[r].region == l.region)
                .collect();
            let pool: Vec<usize> = if in_region.is_empty() {
                (0..roster.reps.len()).collect()
            } else {
                in_region
            };
            let skilled: Vec<usize> = match l.customer_type {
                Some(ty) => pool
                    .iter()
                    .copied()
                    .filter(|&r| roster.reps[r].skills.contains(ty))
                    .collect(),
                None => Vec::new(),
            };
            let chosen = if skilled.is_empty() { pool } else { skilled };
            let group = chosen
                .into_iter()
                .filter_map(|r| {
                    let rep = roster.reps.get(r)?;
                    Some(Candidate {
                        rep: r as u32,
                        capacity: (rep.capacity != u32::MAX).then_some(rep.capacity.max(1)),
                        from: rep.active_from.map_or(i64::MIN, |t| t.0),
                        to: rep.active_to.map_or(i64::MAX, |t| t.0),
                    })
                })
                .collect();
            keys.insert(key, groups.len() as u32);
            groups.push(group);
        }
        Self { keys, groups }
    }

    /// The pressure on `lead`'s reps at `t`, given each rep's open leads.
    ///
    /// The lowest ratio is found by comparing fractions exactly in integers, and divided out
    /// once: rounding a quotient is monotone, so this is the same `f64` as the smallest of
    /// the rounded ratios, without a division per rep.
    pub fn at(&self, lead: &SimLead, t: Timestamp, open: impl Fn(usize) -> usize) -> f64 {
        let Some(group) = self
            .keys
            .get(&(lead.region, lead.customer_type))
            .and_then(|&g| self.groups.get(g as usize))
        else {
            return f64::INFINITY;
        };
        // (open, capacity) of the lowest ratio so far; both below 2^32 (loads are `u32`),
        // so the cross products fit in 64 bits.
        let mut lowest: Option<(u64, u64)> = None;
        for c in group {
            if t.0 < c.from || c.to < t.0 {
                continue;
            }
            let Some(cap) = c.capacity else {
                // An unknown capacity counts as unloaded: nothing is lower.
                return 0.0;
            };
            let n = u64::from(u32::try_from(open(c.rep as usize)).unwrap_or(u32::MAX));
            let cap = u64::from(cap);
            if lowest.is_none_or(|(ln, lc)| n * lc < ln * cap) {
                lowest = Some((n, cap));
            }
        }
        lowest.map_or(f64::INFINITY, |(n, cap)| n as f64 / cap as f64)
    }
}

/// P(never taken up | pressure), fitted from the history.
#[derive(Clone, Debug)]
pub struct Uptake {
    pub pressure: Pressure,
    pub bins: Vec<UptakeBin>,
    /// Leads of the history never assigned to anyone.
    pub never_taken_up: usize,
}

impl Uptake {
    /// Fits the rates from the history's leads, its ownership spells and their loads.
    pub fn fit(hist: &History, spells: &[Spell], loads: &Loads, roster: &Roster) -> Self {
        let pressure = Pressure::new(roster, &hist.leads);
        let mut taken = vec![false; hist.leads.len()];
        for s in spells {
            if let Some(t) = taken.get_mut(s.lead) {
                *t = true;
            }
        }
        let recent = hist.horizon.add_days(-TOO_RECENT_DAYS);
        let mut n = [0usize; BINS];
        let mut lost = [0usize; BINS];
        for (l, &t) in hist.leads.iter().zip(&taken) {
            if l.created >= recent {
                continue;
            }
            let b = bin(pressure.at(l, l.created, |r| loads.open_at(r, l.created)));
            n[b] += 1;
            lost[b] += usize::from(!t);
        }
        let total: usize = n.iter().sum();
        let overall = if total > 0 {
            lost.iter().sum::<usize>() as f64 / total as f64
        } else {
            0.0
        };
        let bins = (0..BINS)
            .map(|b| UptakeBin {
                from: if b == 0 { 0.0 } else { PRESSURE_EDGES[b - 1] },
                leads: n[b],
                never_taken_up: lost[b],
                rate: (lost[b] as f64 + PRIOR_LEADS * overall) / (n[b] as f64 + PRIOR_LEADS),
            })
            .collect();
        Self {
            pressure,
            bins,
            never_taken_up: taken.iter().filter(|t| !**t).count(),
        }
    }

    /// The fitted probability that a lead arriving under `pressure` is never taken up.
    pub fn rate(&self, pressure: f64) -> f64 {
        self.bins.get(bin(pressure)).map_or(0.0, |b| b.rate)
    }

    /// The lowest and highest [`Uptake::rate`] over every pressure (0 counts: a pressure
    /// beyond the bins has rate 0).
    pub fn rate_range(&self) -> (f64, f64) {
        let mut lo: f64 = if self.bins.len() < BINS { 0.0 } else { 1.0 };
        let mut hi: f64 = 0.0;
        for b in &self.bins {
            lo = lo.min(b.rate);
            hi = hi.max(b.rate);
        }
        (lo.min(hi), hi)
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;
    use crate::assign::RosterRep;
    use crate::model::{CustomerTypeSet, RepId};

    fn rep(capacity: u32, active_from: Option<Timestamp>) -> RosterRep {
        RosterRep {
            id: RepId(Sym(100)),
            region: Some(Sym(1)),
            team: None,
            role: None,
            capacity,
            skills: CustomerTypeSet::EMPTY,
            active_from,
            active_to: None,
            weight: 1.0,
            monthly_cost: 0,
        }
    }

    #[test]
    fn every_pressure_has_a_rate_within_the_range() {
        let roster = Roster {
            reps: vec![rep(3, None)],
            names: Vec::new(),
        };
        let rates = [0.02, 0.3, 0.1, 0.05, 0.07, 0.2, 0.01, 0.15, 0.12];
        let mut u = Uptake {
            pressure: Pressure::new(&roster, &[]),
            bins: rates
                .iter()
                .enumerate()
                .map(|(b, &rate)| UptakeBin {
                    from: if b == 0 { 0.0 } else { PRESSURE_EDGES[b - 1] },
                    leads: 10,
                    never_taken_up: 1,
                    rate,
                })
                .collect(),
            never_taken_up: 0,
        };
        assert_eq!(u.rate_range(), (0.01, 0.3));
        let pressures = (0..300).map(|k| k as f64 / 100.0).chain([f64::INFINITY]);
        for p in pressures.clone() {
            let r = u.rate(p);
            assert!((0.01..=0.3).contains(&r), "{p}: {r}");
        }
        // Too few bins: the pressures past them have rate 0, and the range says so.
        u.bins.truncate(4);
        assert_eq!(u.rate_range(), (0.0, 0.3));
        assert!(pressures.clone().any(|p| u.rate(p) == 0.0));
    }

    #[test]
    fn pressure_is_the_lowest_ratio_of_the_active_reps_divided_once() {
        let lead = SimLead {
            created: Timestamp(0),
            region: Some(Sym(1)),
            customer_type: None,
            source: None,
            campaign: None,
            est_value: 0.0,
            cost: 0,
            customer: None,
        };
        // Capacities 3, 7, 10 and 0 (counted as 1), the last not active yet at t = 0.
        let roster = Roster {
            reps: vec![
                rep(3, None),
                rep(7, None),
                rep(10, None),
                rep(0, Some(Timestamp(50))),
            ],
            names: Vec::new(),
        };
        let p = Pressure::new(&roster, std::slice::from_ref(&lead));
        let loads = [3usize, 5, 7, 0];
        // The same number as the smallest of the divided ratios: 7/10 < 5/7 = 0.714… < 3/3.
        let naive = |t: i64| {
            (0..4)
                .filter(|&r| r < 3 || t >= 50)
                .map(|r| loads[r] as f64 / roster.reps[r].capacity.max(1) as f64)
                .fold(f64::INFINITY, f64::min)
        };
        assert_eq!(p.at(&lead, Timestamp(0), |r| loads[r]), 7.0 / 10.0);
        assert_eq!(p.at(&lead, Timestamp(0), |r| loads[r]), naive(0));
        assert_eq!(p.at(&lead, Timestamp(60), |r| loads[r]), 0.0);
        assert_eq!(p.at(&lead, Timestamp(60), |r| loads[r]), naive(60));
        // Thirds against sevenths over many loads: the exact comparison picks the same value.
        for a in 0..40 {
            for b in 0..40 {
                let l = [a, b, 40, 0];
                let expect = (l[0] as f64 / 3.0).min(l[1] as f64 / 7.0).min(4.0);
                assert_eq!(p.at(&lead, Timestamp(0), |r| l[r]), expect);
            }
        }
        // An unknown capacity counts as unloaded; a (region, type) not laid out is infinite.
        let open = Roster {
            reps: vec![rep(u32::MAX, None), rep(3, None)],
            names: Vec::new(),
        };
        let q = Pressure::new(&open, std::slice::from_ref(&lead));
        assert_eq!(q.at(&lead, Timestamp(0), |_| 9), 0.0);
        let elsewhere = SimLead {
            region: Some(Sym(2)),
            ..lead
        };
        assert_eq!(p.at(&elsewhere, Timestamp(0), |_| 0), f64::INFINITY);
    }

    #[test]
    fn bins_split_at_their_edges() {
        assert_eq!(bin(0.0), 0);
        assert_eq!(bin(0.49), 0);
        assert_eq!(bin(0.5), 1);
        assert_eq!(bin(1.49), 5);
        assert_eq!(bin(1.5), 6);
        assert_eq!(bin(f64::INFINITY), BINS - 1);
    }
}
