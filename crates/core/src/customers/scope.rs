//! The global filter applied to customers and to reclaimed leads: which customer rows and lead
//! rows count, resolved once per filter so the measures only test a flag per row.

use crate::Dataset;
use crate::metrics::Scope;
use crate::model::{Customer, Lead};
use rustc_hash::FxHashMap;

/// The customer and lead rows a filter keeps; `None`: every row (no filter).
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct CustomerScope {
    pub customers: Option<Vec<bool>>,
    pub leads: Option<Vec<bool>>,
}

impl CustomerScope {
    /// Every customer and lead.
    pub fn all() -> Self {
        Self::default()
    }

    /// The rows `scope`'s filter keeps (its date window does not apply: customer measures
    /// have their own window ending at the as-of date). A customer counts by its own region,
    /// type and source and its owner's team; a lead by its region, type and source and its
    /// assigned rep's team — the same tests as the lead measures.
    pub fn of(ds: &Dataset, scope: &Scope) -> Self {
        let unfiltered = scope.regions.is_all()
            && scope.teams.is_all()
            && scope.sources.is_all()
            && scope.customer_types.is_empty();
        if unfiltered {
            return Self::all();
        }
        let reps: FxHashMap<_, _> = ds.rep_index();
        let team_ok = |rep: Option<crate::model::RepId>| {
            scope.keeps_rep(rep.and_then(|r| reps.get(&r)).and_then(|&i| ds.reps.get(i)))
        };
        let customer = |c: &Customer| {
            scope.regions.keeps(c.region)
                && scope.sources.keeps(c.source)
                && scope.keeps_type(c.customer_type)
                && team_ok(c.owner)
        };
        let lead = |l: &Lead| {
            scope.regions.keeps(l.region)
                && scope.sources.keeps(l.source)
                && scope.keeps_type(l.customer_type)
                && team_ok(l.assigned_rep)
        };
        Self {
            customers: Some(ds.customers.iter().map(customer).collect()),
            leads: Some(ds.leads.iter().map(lead).collect()),
        }
    }

    pub fn is_all(&self) -> bool {
        self.customers.is_none() && self.leads.is_none()
    }

    /// Whether lead row i counts.
    pub fn keeps_lead(&self, i: usize) -> bool {
        self.leads
            .as_ref()
            .is_none_or(|k| k.get(i).copied().unwrap_or(false))
    }
}
