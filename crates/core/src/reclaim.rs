//! Reclaim (回收) policies as data: when a held lead or customer goes back to the public pool
//! (公海), who may claim it, and when its holder is reminded. Pure deadline arithmetic; the
//! engine applies it.

use crate::model::{CustomerType, Timestamp};
use serde::{Deserialize, Serialize};

const DAY: f64 = 86_400.0;

/// Every parameter of SPEC §4. Durations are in days (fractions allowed: 3.0 = 72 hours);
/// `None` switches a rule off.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReclaimPolicy {
    /// A lead not contacted this long after it was handed over goes back to the pool.
    pub no_follow_up_days: Option<f64>,
    /// A lead not won this long after it was handed over goes back to the pool.
    pub no_deal_days: Option<f64>,
    /// Per customer type, replacing the two limits above for that type.
    pub segment_overrides: Vec<SegmentOverride>,
    /// No reclaim of any kind this soon after an assignment or claim.
    pub protection_days: Option<f64>,
    /// Each activity pushes the protection end this far past the activity ...
    pub protection_extension_days: Option<f64>,
    /// ... but never past this long after the assignment.
    pub protection_max_days: Option<f64>,
    /// Most leads plus customers one rep may hold; assignments and claims beyond it are refused.
    pub holding_cap: Option<u32>,
    /// Whether customers that have ordered are left out of the holding count.
    pub holding_cap_excludes_won: bool,
    /// Most claims one rep may make per calendar day.
    pub daily_claim_limit: Option<u32>,
    /// How long after a reclaim the previous owner may not get the entity back.
    pub cooldown_days: Option<f64>,
    /// A reminder goes out this long before any reclaim deadline.
    pub reminder_days: Option<f64>,
    /// Leads or customers under these conditions are never reclaimed.
    pub exempt: Exemptions,
    /// A customer without an order (or activity) this long goes back to the pool.
    pub customer_idle_days: Option<f64>,
    /// Repurchase-aware rule: a customer with a known cycle goes back when overdue by
    /// `k` × its own cycle, replacing the idle rule for that customer.
    pub repurchase_k: Option<f64>,
    /// Time a reclaimed lead waits in the pool before it is handed on (pool pick-up delay).
    pub pool_dispatch_days: f64,
    /// After this many reclaims a lead is given up (closed as lost). With no limit, a lead
    /// reclaimed the instant it was handed over is given up when there is no pool delay
    /// either (it would otherwise go round the reps forever at that instant).
    pub max_reclaims_per_lead: Option<u32>,
    /// A lead that waits this long in the pool without any eligible rep is given up.
    pub pool_expiry_days: Option<f64>,
}

impl Default for ReclaimPolicy {
    fn default() -> Self {
        Self {
            no_follow_up_days: Some(3.0),
            no_deal_days: Some(60.0),
            segment_overrides: Vec::new(),
            protection_days: None,
            protection_extension_days: None,
            protection_max_days: None,
            holding_cap: None,
            holding_cap_excludes_won: false,
            daily_claim_limit: None,
            cooldown_days: None,
            reminder_days: None,
            exempt: Exemptions::default(),
            customer_idle_days: Some(90.0),
            repurchase_k: None,
            pool_dispatch_days: 1.5,
            max_reclaims_per_lead: Some(3),
            pool_expiry_days: None,
        }
    }
}

/// Per-segment reclaim limits.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SegmentOverride {
    pub customer_type: CustomerType,
    pub no_follow_up_days: Option<f64>,
    pub no_deal_days: Option<f64>,
}

/// Conditions that protect an entity from any reclaim.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Exemptions {
    /// Won leads and customers that have ordered.
    pub won: bool,
    /// Entities a manager locked to their holder.
    pub locked: bool,
    /// Leads with an open opportunity (qualified, in proposal).
    pub open_opportunity: bool,
}

impl Default for Exemptions {
    fn default() -> Self {
        Self {
            won: true,
            locked: true,
            open_opportunity: true,
        }
    }
}

/// Why an entity went back to the pool.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReclaimReason {
    NoFollowUp,
    NoDeal,
    CustomerIdle,
    CustomerOverdue,
}

const TYPES: usize = CustomerType::ALL.len();

/// A policy's lead rules with every duration in seconds (see [`ReclaimPolicy::lead_rules`]).
#[derive(Clone, Debug, PartialEq)]
pub struct LeadRules {
    /// (no follow-up, no deal) per customer type by its index, and for no type last.
    limits: [(Option<i64>, Option<i64>); TYPES + 1],
    protection: Option<i64>,
    extension: Option<i64>,
    max: Option<i64>,
    exempt: Exemptions,
}

impl LeadRules {
    /// When a held lead goes back to the pool, and why; `None` when it never will (exempt
    /// or no rule applies).
    pub fn deadline(&self, l: &HeldLead) -> Option<(Timestamp, ReclaimReason)> {
        if (self.exempt.won && l.won) || (self.exempt.locked && l.locked) {
            return None;
        }
        let k = l.customer_type.map_or(TYPES, CustomerType::index);
        let (nf, nd) = self.limits[k.min(TYPES)];
        let mut best: Option<(Timestamp, ReclaimReason)> = None;
        if let (Some(d), false) = (nf, l.contacted) {
            best = Some((l.held_since.add_secs(d), ReclaimReason::NoFollowUp));
        }
        if let Some(d) = nd
            && !(self.exempt.open_opportunity && l.open_opportunity)
        {
            let t = l.held_since.add_secs(d);
            if best.is_none_or(|(b, _)| t < b) {
                best = Some((t, ReclaimReason::NoDeal));
            }
        }
        let (t, r) = best?;
        Some((
            t.max(self.protected_until(l.held_since, l.last_activity)),
            r,
        ))
    }

    fn protected_until(&self, since: Timestamp, last_activity: Option<Timestamp>) -> Timestamp {
        protection_end(
            (self.protection, self.extension, self.max),
            since,
            last_activity,
        )
    }
}

/// The end of the protection period, given (protection, extension, maximum) in seconds: see
/// [`ReclaimPolicy::protected_until`].
fn protection_end(
    (protection, extension, max): (Option<i64>, Option<i64>, Option<i64>),
    since: Timestamp,
    last_activity: Option<Timestamp>,
) -> Timestamp {
    let Some(p) = protection else {
        return since;
    };
    let mut end = since.add_secs(p);
    if let (Some(ext), Some(a)) = (extension, last_activity) {
        end = end.max(a.add_secs(ext));
    }
    if let Some(max) = max {
        end = end.min(since.add_secs(max).max(since.add_secs(p)));
    }
    end
}

/// What the policy needs to know about a held lead.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct HeldLead {
    pub customer_type: Option<CustomerType>,
    pub held_since: Timestamp,
    pub contacted: bool,
    pub won: bool,
    pub locked: bool,
    pub open_opportunity: bool,
    pub last_activity: Option<Timestamp>,
}

/// What the policy needs to know about a held customer.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct HeldCustomer {
    pub held_since: Timestamp,
    /// Last order or activity, whichever is later.
    pub last_touch: Option<Timestamp>,
    pub last_order: Option<Timestamp>,
    /// The customer's own median days between orders, when known.
    pub cycle_days: Option<f64>,
    pub locked: bool,
}

fn secs(days: f64) -> i64 {
    if days.is_finite() {
        (days * DAY).round().clamp(0.0, 1e15) as i64
    } else {
        i64::MAX / 4
    }
}

impl ReclaimPolicy {
    fn limits(&self, ty: Option<CustomerType>) -> (Option<f64>, Option<f64>) {
        let o = ty.and_then(|t| self.segment_overrides.iter().find(|o| o.customer_type == t));
        match o {
            Some(o) => (o.no_follow_up_days, o.no_deal_days),
            None => (self.no_follow_up_days, self.no_deal_days),
        }
    }

    /// The end of the protection period of an entity held since `since` whose latest
    /// activity was `last_activity`.
    pub fn protected_until(&self, since: Timestamp, last_activity: Option<Timestamp>) -> Timestamp {
        let s = |d: Option<f64>| d.map(secs);
        protection_end(
            (
                s(self.protection_days),
                s(self.protection_extension_days),
                s(self.protection_max_days),
            ),
            since,
            last_activity,
        )
    }

    /// When a held lead goes back to the pool, and why; `None` when it never will (exempt
    /// or no rule applies).
    pub fn lead_deadline(&self, l: &HeldLead) -> Option<(Timestamp, ReclaimReason)> {
        self.lead_rules().deadline(l)
    }

    /// The lead rules in whole seconds, worked out once for a caller that asks for many
    /// deadlines (the engine asks at every step of every lead).
    pub fn lead_rules(&self) -> LeadRules {
        let s = |d: Option<f64>| d.map(secs);
        let mut limits = [(s(self.no_follow_up_days), s(self.no_deal_days)); TYPES + 1];
        for (k, t) in CustomerType::ALL.iter().enumerate() {
            let (nf, nd) = self.limits(Some(*t));
            limits[k] = (s(nf), s(nd));
        }
        LeadRules {
            limits,
            protection: s(self.protection_days),
            extension: s(self.protection_extension_days),
            max: s(self.protection_max_days),
            exempt: self.exempt,
        }
    }

    /// When a held customer goes back to the pool, and why.
    pub fn customer_deadline(&self, c: &HeldCustomer) -> Option<(Timestamp, ReclaimReason)> {
        if self.exempt.locked && c.locked {
            return None;
        }
        let base = c.last_touch.unwrap_or(c.held_since).max(c.held_since);
        let rule = match (self.repurchase_k, c.cycle_days, c.last_order) {
            (Some(k), Some(cycle), Some(last)) if cycle > 0.0 => Some((
                last.max(c.held_since).add_secs(secs(k * cycle)),
                ReclaimReason::CustomerOverdue,
            )),
            _ => self
                .customer_idle_days
                .map(|d| (base.add_secs(secs(d)), ReclaimReason::CustomerIdle)),
        };
        let floor = self.protected_until(c.held_since, c.last_touch);
        rule.map(|(t, r)| (t.max(floor), r))
    }

    /// When the reminder for a deadline goes out (`None`: no reminders, or the reminder
    /// would come before the entity was held).
    pub fn reminder_at(&self, since: Timestamp, deadline: Timestamp) -> Option<Timestamp> {
        let t = deadline.add_secs(-secs(self.reminder_days?));
        (t > since).then_some(t)
    }

    /// Whether the previous owner is still kept away at `now` from an entity reclaimed at `at`.
    pub fn in_cooldown(&self, reclaimed_at: Timestamp, now: Timestamp) -> bool {
        self.cooldown_days
            .is_some_and(|d| now < reclaimed_at.add_secs(secs(d)))
    }

    /// How long an unserved lead may wait in the pool, in seconds.
    pub fn pool_expiry_secs(&self) -> Option<i64> {
        self.pool_expiry_days.map(|d| secs(d.max(0.0)))
    }

    /// The pool pick-up delay in seconds.
    pub fn pool_dispatch_secs(&self) -> i64 {
        secs(self.pool_dispatch_days.max(0.0))
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    fn t(days: f64) -> Timestamp {
        Timestamp(secs(days))
    }

    fn lead() -> HeldLead {
        HeldLead {
            customer_type: Some(CustomerType::Small),
            held_since: t(10.0),
            contacted: false,
            won: false,
            locked: false,
            open_opportunity: false,
            last_activity: None,
        }
    }

    #[test]
    fn lead_deadlines_follow_contact_and_overrides() {
        let p = ReclaimPolicy::default();
        assert_eq!(
            p.lead_deadline(&lead()),
            Some((t(13.0), ReclaimReason::NoFollowUp))
        );
        let contacted = HeldLead {
            contacted: true,
            ..lead()
        };
        assert_eq!(
            p.lead_deadline(&contacted),
            Some((t(70.0), ReclaimReason::NoDeal))
        );
        let opp = HeldLead {
            open_opportunity: true,
            ..contacted
        };
        assert_eq!(p.lead_deadline(&opp), None);
        let won = HeldLead {
            won: true,
            ..lead()
        };
        assert_eq!(p.lead_deadline(&won), None);
        let ka = ReclaimPolicy {
            segment_overrides: vec![SegmentOverride {
                customer_type: CustomerType::Small,
                no_follow_up_days: Some(1.0),
                no_deal_days: None,
            }],
            ..p
        };
        assert_eq!(
            ka.lead_deadline(&lead()),
            Some((t(11.0), ReclaimReason::NoFollowUp))
        );
        assert_eq!(ka.lead_deadline(&contacted), None);
    }

    #[test]
    fn protection_extends_on_activity_up_to_its_maximum() {
        let p = ReclaimPolicy {
            protection_days: Some(7.0),
            protection_extension_days: Some(5.0),
            protection_max_days: Some(20.0),
            ..ReclaimPolicy::default()
        };
        assert_eq!(p.protected_until(t(10.0), None), t(17.0));
        assert_eq!(p.protected_until(t(10.0), Some(t(15.0))), t(20.0));
        assert_eq!(p.protected_until(t(10.0), Some(t(40.0))), t(30.0));
        // The 3-day no-follow-up deadline waits for the 7-day protection.
        assert_eq!(
            p.lead_deadline(&lead()),
            Some((t(17.0), ReclaimReason::NoFollowUp))
        );
    }

    #[test]
    fn customers_use_their_own_cycle_when_repurchase_aware() {
        let c = HeldCustomer {
            held_since: t(0.0),
            last_touch: Some(t(50.0)),
            last_order: Some(t(40.0)),
            cycle_days: Some(20.0),
            locked: false,
        };
        let p = ReclaimPolicy::default();
        assert_eq!(
            p.customer_deadline(&c),
            Some((t(140.0), ReclaimReason::CustomerIdle))
        );
        let k = ReclaimPolicy {
            repurchase_k: Some(1.5),
            ..p
        };
        assert_eq!(
            k.customer_deadline(&c),
            Some((t(70.0), ReclaimReason::CustomerOverdue))
        );
        let locked = HeldCustomer { locked: true, ..c };
        assert_eq!(k.customer_deadline(&locked), None);
    }

    #[test]
    fn reminders_and_cooldown() {
        let p = ReclaimPolicy {
            reminder_days: Some(1.0),
            cooldown_days: Some(14.0),
            ..ReclaimPolicy::default()
        };
        assert_eq!(p.reminder_at(t(10.0), t(13.0)), Some(t(12.0)));
        assert_eq!(p.reminder_at(t(10.0), t(10.5)), None);
        assert!(p.in_cooldown(t(0.0), t(13.9)));
        assert!(!p.in_cooldown(t(0.0), t(14.0)));
    }

    #[test]
    fn reads_from_toml_with_defaults() {
        let p: ReclaimPolicy = toml::from_str(
            "no_follow_up_days = 5\nholding_cap = 40\n[exempt]\nopen_opportunity = false\n",
        )
        .expect("valid policy");
        assert_eq!(p.no_follow_up_days, Some(5.0));
        assert_eq!(p.holding_cap, Some(40));
        assert!(!p.exempt.open_opportunity && p.exempt.won);
        assert_eq!(p.no_deal_days, Some(60.0));
        assert!(toml::from_str::<ReclaimPolicy>("no_such = 1").is_err());
    }
}
