//! What the rep view shows, as plain functions over the worker's [`RepView`]: reclaim
//! countdowns ("3 d 4 h"), how urgent each is, reorder due dates and visit reasons in the
//! user's language, and the rep the user picked (kept in localStorage).
//!
//! [`RepView`]: reallot_core::repview::RepView

use crate::i18n::{Key, Lang, format_compact, t};
use reallot_core::repview::VisitReason;

/// localStorage key of the rep the user said they are.
const REP_KEY: &str = "reallot.rep";

/// A reclaim is "soon" within this many seconds (as the core's visit list counts it).
pub const SOON_SECS: i64 = 48 * 3600;

/// How close a lead is to going back to the pool.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Urgency {
    /// The deadline has passed: the next reclaim run takes the lead.
    Overdue,
    Soon,
    Later,
    /// The policy never takes it back (exempt or no rule).
    Never,
}

impl Urgency {
    pub fn of(secs_left: Option<i64>) -> Self {
        match secs_left {
            None => Urgency::Never,
            Some(s) if s <= 0 => Urgency::Overdue,
            Some(s) if s <= SOON_SECS => Urgency::Soon,
            Some(_) => Urgency::Later,
        }
    }

    /// The CSS class of the countdown badge.
    pub const fn class(self) -> &'static str {
        match self {
            Urgency::Overdue => "badge overdue",
            Urgency::Soon => "badge soon",
            Urgency::Later => "badge later",
            Urgency::Never => "badge never",
        }
    }
}

/// A duration in whole days and hours ("3 d 4 h" / "3天4小时"), or hours and minutes under a
/// day; the sign is dropped (the label says whether it is left or past).
pub fn duration(lang: Lang, secs: i64) -> String {
    let s = secs.unsigned_abs();
    let (d, h, m) = (s / 86_400, s % 86_400 / 3600, s % 3600 / 60);
    let (day, hour, min, sep) = match lang {
        Lang::En => (" d", " h", " min", " "),
        Lang::ZhCn => ("天", "小时", "分钟", ""),
    };
    match (d, h) {
        (0, 0) => format!("{m}{min}"),
        (0, h) => format!("{h}{hour}{sep}{m}{min}"),
        (d, 0) => format!("{d}{day}"),
        (d, h) => format!("{d}{day}{sep}{h}{hour}"),
    }
}

/// The countdown text of a lead: time left, time past, or that it stays.
pub fn countdown(lang: Lang, secs_left: Option<i64>) -> String {
    match secs_left {
        None => t(lang, Key::NoReclaim).to_owned(),
        Some(s) if s <= 0 => format!("{} {}", t(lang, Key::ReclaimPast), duration(lang, s)),
        Some(s) => format!("{} {}", t(lang, Key::ReclaimIn), duration(lang, s)),
    }
}

/// When a customer's next order is expected, relative to today.
pub fn reorder_due(lang: Lang, days_until: i64) -> String {
    let n = days_until.unsigned_abs();
    match (lang, days_until.signum()) {
        (Lang::En, 0) => "due today".to_owned(),
        (Lang::En, 1) => format!("due in {n} d"),
        (Lang::En, _) => format!("{n} d late"),
        (Lang::ZhCn, 0) => "今天应下单".to_owned(),
        (Lang::ZhCn, 1) => format!("{n}天后应下单"),
        (Lang::ZhCn, _) => format!("逾期{n}天"),
    }
}

/// A customer's repurchase cycle ("every 30 d").
pub fn cycle(lang: Lang, days: f64) -> String {
    let d = days.round() as i64;
    match lang {
        Lang::En => format!("orders every {d} d"),
        Lang::ZhCn => format!("每{d}天下单"),
    }
}

/// Days since the last order.
pub fn since_last(lang: Lang, days: i64) -> String {
    match lang {
        Lang::En => format!("last order {days} d ago"),
        Lang::ZhCn => format!("{days}天未下单"),
    }
}

pub const fn reason(lang: Lang, r: VisitReason) -> &'static str {
    t(
        lang,
        match r {
            VisitReason::ReclaimSoon => Key::ReasonReclaimSoon,
            VisitReason::ReorderOverdue => Key::ReasonReorderOverdue,
            VisitReason::ReorderDue => Key::ReasonReorderDue,
            VisitReason::AtRisk => Key::ReasonAtRisk,
        },
    )
}

/// Money rounded for reading at arm's length: whole units, compact for the language
/// ("¥61.2K", "¥6.1万").
pub fn money_short(lang: Lang, symbol: &str, minor: i64) -> String {
    let units = (minor as f64 / 100.0).round() as i64;
    match units {
        u if u < 0 => format!("-{symbol}{}", format_compact(lang, -u)),
        u => format!("{symbol}{}", format_compact(lang, u)),
    }
}

/// A probability as a whole percentage.
pub fn percent(p: f64) -> String {
    format!("{:.0}%", (p * 100.0).clamp(0.0, 100.0))
}

/// The rep picked on this device (empty: none yet).
pub fn stored_rep() -> String {
    use gloo_storage::{LocalStorage, Storage};
    LocalStorage::get::<String>(REP_KEY).unwrap_or_default()
}

pub fn store_rep(rep: &str) {
    use gloo_storage::{LocalStorage, Storage};
    let _ = LocalStorage::set(REP_KEY, rep);
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn countdowns_read_in_days_and_hours() {
        let secs = 3 * 86_400 + 4 * 3600 + 59 * 60;
        assert_eq!(duration(Lang::En, secs), "3 d 4 h");
        assert_eq!(duration(Lang::ZhCn, secs), "3天4小时");
        assert_eq!(duration(Lang::En, 2 * 86_400), "2 d");
        assert_eq!(duration(Lang::En, 5 * 3600 + 7 * 60), "5 h 7 min");
        assert_eq!(duration(Lang::En, -45 * 60), "45 min");
        assert_eq!(
            countdown(Lang::En, Some(36 * 3600)),
            "back to pool in 1 d 12 h"
        );
        assert_eq!(
            countdown(Lang::En, Some(-3600)),
            "past reclaim by 1 h 0 min"
        );
        assert_eq!(countdown(Lang::En, None), "kept (no reclaim)");
    }

    #[test]
    fn urgency_marks_overdue_and_soon() {
        assert_eq!(Urgency::of(Some(0)), Urgency::Overdue);
        assert_eq!(Urgency::of(Some(SOON_SECS)), Urgency::Soon);
        assert_eq!(Urgency::of(Some(SOON_SECS + 1)), Urgency::Later);
        assert_eq!(Urgency::of(None), Urgency::Never);
        assert_eq!(Urgency::Overdue.class(), "badge overdue");
    }

    #[test]
    fn reorder_dates_and_cycles_in_both_languages() {
        assert_eq!(reorder_due(Lang::En, 0), "due today");
        assert_eq!(reorder_due(Lang::En, 3), "due in 3 d");
        assert_eq!(reorder_due(Lang::En, -12), "12 d late");
        assert_eq!(reorder_due(Lang::ZhCn, -12), "逾期12天");
        assert_eq!(cycle(Lang::En, 30.5), "orders every 31 d");
        assert_eq!(since_last(Lang::ZhCn, 40), "40天未下单");
        assert_eq!(reason(Lang::En, VisitReason::AtRisk), "at risk");
        assert_eq!(percent(0.304), "30%");
        assert_eq!(money_short(Lang::En, "¥", 6_118_407), "¥61.2K");
        assert_eq!(money_short(Lang::ZhCn, "¥", 6_118_407), "¥6.1万");
        assert_eq!(money_short(Lang::En, "$", 91_837), "$918");
        assert_eq!(money_short(Lang::En, "$", -150), "-$2");
    }
}
