//! Timestamps: naive local date-times as exported, stored as seconds since 1970-01-01 00:00.
//!
//! CRM exports carry no time zone, so none is invented: a `Timestamp` is the wall-clock reading
//! of the export, and arithmetic on it is plain seconds. Formatting and the canonical parse are
//! hand-written because they run once per cell on million-row files; the rarer formats go
//! through `chrono`.

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use serde::{Deserialize, Serialize};
use std::fmt;

pub const SECS_PER_DAY: i64 = 86_400;
pub const SECS_PER_HOUR: i64 = 3_600;

/// A naive local date-time in whole seconds since 1970-01-01 00:00:00.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(pub i64);

/// Days since 1970-01-01 for a proleptic Gregorian date (Hinnant's `days_from_civil`).
pub const fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day number (inverse of [`days_from_civil`]).
pub const fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

/// Excel's day 0 is 1899-12-30 (so that its fictitious 1900-02-29 lands right for later dates).
const EXCEL_EPOCH_DAYS: i64 = days_from_civil(1899, 12, 30);

impl Timestamp {
    /// Midnight of a calendar date; `None` for an impossible date.
    pub fn from_ymd(y: i64, m: u32, d: u32) -> Option<Self> {
        Self::from_ymd_hms(y, m, d, 0, 0, 0)
    }

    pub fn from_ymd_hms(y: i64, m: u32, d: u32, hh: u32, mm: u32, ss: u32) -> Option<Self> {
        if !(1..=12).contains(&m)
            || d == 0
            || d > days_in_month(y, m)
            || hh > 23
            || mm > 59
            || ss > 60
        {
            return None;
        }
        let ss = ss.min(59);
        Some(Self(
            days_from_civil(y, m, d) * SECS_PER_DAY + (hh * 3600 + mm * 60 + ss) as i64,
        ))
    }

    pub const fn from_days(days: i64) -> Self {
        Self(days * SECS_PER_DAY)
    }

    /// Excel serial date (days since 1899-12-30, fraction = time of day), rounded to the second.
    pub fn from_excel_serial(serial: f64) -> Option<Self> {
        // 1 .. 2958465 covers 1900-01-01 ..= 9999-12-31, Excel's own range.
        if !serial.is_finite() || !(1.0..2_958_466.0).contains(&serial) {
            return None;
        }
        let secs = (serial * SECS_PER_DAY as f64).round() as i64;
        Some(Self(EXCEL_EPOCH_DAYS * SECS_PER_DAY + secs))
    }

    /// Whole days since 1970-01-01 (floor).
    pub const fn day(self) -> i64 {
        self.0.div_euclid(SECS_PER_DAY)
    }

    /// Midnight of the same day.
    pub const fn date(self) -> Self {
        Self(self.day() * SECS_PER_DAY)
    }

    pub const fn ymd(self) -> (i64, u32, u32) {
        civil_from_days(self.day())
    }

    /// Index of the calendar month, `year * 12 + month - 1`; consecutive months differ by one.
    pub const fn month_index(self) -> i64 {
        let (y, m, _) = self.ymd();
        y * 12 + m as i64 - 1
    }

    /// First day of a month index (see [`Timestamp::month_index`]).
    pub fn from_month_index(mi: i64) -> Self {
        Self::from_days(days_from_civil(
            mi.div_euclid(12),
            (mi.rem_euclid(12) + 1) as u32,
            1,
        ))
    }

    pub const fn add_secs(self, s: i64) -> Self {
        Self(self.0.saturating_add(s))
    }

    pub const fn add_days(self, d: i64) -> Self {
        self.add_secs(d.saturating_mul(SECS_PER_DAY))
    }

    /// `self - earlier` in fractional days.
    pub fn days_since(self, earlier: Self) -> f64 {
        (self.0 - earlier.0) as f64 / SECS_PER_DAY as f64
    }

    /// `self - earlier` in fractional hours.
    pub fn hours_since(self, earlier: Self) -> f64 {
        (self.0 - earlier.0) as f64 / SECS_PER_HOUR as f64
    }

    pub fn is_midnight(self) -> bool {
        self.0.rem_euclid(SECS_PER_DAY) == 0
    }

    /// Monday-based ISO weekday, 0 = Monday.
    pub const fn weekday(self) -> u32 {
        // 1970-01-01 was a Thursday.
        ((self.day() + 3).rem_euclid(7)) as u32
    }

    /// `YYYY-MM-DD`.
    pub fn write_date(self, out: &mut String) {
        let (y, m, d) = self.ymd();
        push_padded(out, y, 4);
        out.push('-');
        push_padded(out, m as i64, 2);
        out.push('-');
        push_padded(out, d as i64, 2);
    }

    /// `YYYY-MM-DD HH:MM:SS`, or `YYYY-MM-DD` when the time is exactly midnight.
    pub fn write_canonical(self, out: &mut String) {
        self.write_date(out);
        if !self.is_midnight() {
            let s = self.0.rem_euclid(SECS_PER_DAY);
            out.push(' ');
            push_padded(out, s / 3600, 2);
            out.push(':');
            push_padded(out, s / 60 % 60, 2);
            out.push(':');
            push_padded(out, s % 60, 2);
        }
    }

    pub fn date_string(self) -> String {
        let mut s = String::with_capacity(10);
        self.write_date(&mut s);
        s
    }

    /// Parse a date or date-time as CRM exports write them: `2024-03-05`, `2024/3/5`,
    /// `2024.3.5`, `2024年3月5日`, each optionally followed by a time `14:30[:15]` (separated by
    /// a space or `T`), or an Excel serial number such as `45356` or `45356.5`.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        if s.is_empty() {
            return None;
        }
        if let Some(t) = parse_ymd_time(s) {
            return Some(t);
        }
        if s.bytes().all(|b| b.is_ascii_digit() || b == b'.') && !s.starts_with('.') {
            // A bare number is an Excel serial; plausibly 1950..2100 only, so that an id or an
            // amount in a date column is reported rather than read as a date.
            let v: f64 = s.parse().ok()?;
            if (18_264.0..73_051.0).contains(&v) {
                return Self::from_excel_serial(v);
            }
            return None;
        }
        parse_with_chrono(s)
    }

    pub fn to_naive(self) -> NaiveDateTime {
        let (y, m, d) = self.ymd();
        let secs = self.0.rem_euclid(SECS_PER_DAY) as u32;
        NaiveDate::from_ymd_opt(y as i32, m, d)
            .unwrap_or(NaiveDate::MIN)
            .and_time(
                NaiveTime::from_num_seconds_from_midnight_opt(secs, 0).unwrap_or(NaiveTime::MIN),
            )
    }

    pub fn from_naive(n: NaiveDateTime) -> Self {
        let days = days_from_civil(n.year() as i64, n.month(), n.day());
        Self(days * SECS_PER_DAY + n.num_seconds_from_midnight() as i64)
    }
}

/// Month indices of many timestamps that come in runs of the same month (rows in date order):
/// the last month's day range is kept, so a date inside it costs two comparisons instead of a
/// calendar conversion.
#[derive(Clone, Copy, Debug, Default)]
pub struct MonthMemo {
    /// First day of the remembered month and of the next one (an empty range at first).
    from: i64,
    to: i64,
    index: i64,
}

impl MonthMemo {
    /// [`Timestamp::month_index`] of `t`.
    pub fn month_index(&mut self, t: Timestamp) -> i64 {
        let day = t.day();
        if day < self.from || day >= self.to {
            self.index = t.month_index();
            self.from = Timestamp::from_month_index(self.index).day();
            self.to = Timestamp::from_month_index(self.index + 1).day();
        }
        self.index
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::with_capacity(19);
        self.write_canonical(&mut s);
        f.write_str(&s)
    }
}

fn push_padded(out: &mut String, v: i64, width: usize) {
    let mut buf = itoa::Buffer::new();
    let digits = buf.format(v.unsigned_abs());
    if v < 0 {
        out.push('-');
    }
    for _ in digits.len()..width {
        out.push('0');
    }
    out.push_str(digits);
}

/// Reads an unsigned decimal of 1..=max_len digits at `*i`.
fn take_num(b: &[u8], i: &mut usize, max_len: usize) -> Option<u32> {
    let start = *i;
    let mut v: u32 = 0;
    while *i < b.len() && *i - start < max_len && b[*i].is_ascii_digit() {
        v = v * 10 + (b[*i] - b'0') as u32;
        *i += 1;
    }
    (*i > start).then_some(v)
}

fn eat(b: &[u8], i: &mut usize, lit: &[u8]) -> bool {
    if b[*i..].starts_with(lit) {
        *i += lit.len();
        true
    } else {
        false
    }
}

/// The fast path: year, month, day with `-`, `/`, `.` or 年月日, optional time.
fn parse_ymd_time(s: &str) -> Option<Timestamp> {
    let b = s.as_bytes();
    let mut i = 0;
    let y = take_num(b, &mut i, 4)?;
    if i != 4 {
        return None;
    }
    let cjk = eat(b, &mut i, "年".as_bytes());
    let sep = if cjk {
        0
    } else {
        let c = *b.get(i)?;
        if !matches!(c, b'-' | b'/' | b'.') {
            return None;
        }
        i += 1;
        c
    };
    let m = take_num(b, &mut i, 2)?;
    if cjk {
        if !eat(b, &mut i, "月".as_bytes()) {
            return None;
        }
    } else if b.get(i) != Some(&sep) {
        return None;
    } else {
        i += 1;
    }
    let d = take_num(b, &mut i, 2)?;
    if cjk {
        let _ = eat(b, &mut i, "日".as_bytes()) || eat(b, &mut i, "号".as_bytes());
    }
    let (mut hh, mut mm, mut ss) = (0, 0, 0);
    if i < b.len() {
        if !(eat(b, &mut i, b" ") || eat(b, &mut i, b"T")) {
            return None;
        }
        while eat(b, &mut i, b" ") {}
        hh = take_num(b, &mut i, 2)?;
        if !(eat(b, &mut i, b":") || eat(b, &mut i, "时".as_bytes())) {
            return None;
        }
        mm = take_num(b, &mut i, 2)?;
        if eat(b, &mut i, b":") {
            ss = take_num(b, &mut i, 2)?;
            // Fractional seconds (`.000`) are dropped.
            if eat(b, &mut i, b".") {
                take_num(b, &mut i, 9)?;
            }
        } else {
            eat(b, &mut i, "分".as_bytes());
        }
        if i != b.len() {
            return None;
        }
    }
    Timestamp::from_ymd_hms(y as i64, m, d, hh, mm, ss)
}

fn parse_with_chrono(s: &str) -> Option<Timestamp> {
    const DATETIME: &[&str] = &["%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%Y%m%d %H%M%S"];
    const DATE: &[&str] = &["%d/%m/%Y", "%d-%b-%Y", "%b %d, %Y", "%Y%m%d"];
    for f in DATETIME {
        if let Ok(n) = NaiveDateTime::parse_from_str(s, f) {
            return Some(Timestamp::from_naive(n));
        }
    }
    for f in DATE {
        if let Ok(d) = NaiveDate::parse_from_str(s, f) {
            return Some(Timestamp::from_naive(d.and_time(NaiveTime::MIN)));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn civil_round_trip_over_centuries() {
        for z in (-800_000..800_000).step_by(97) {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }

    #[test]
    fn parses_crm_date_formats() {
        let want = Timestamp::from_ymd(2024, 3, 5).unwrap();
        for s in [
            "2024-03-05",
            "2024/3/5",
            "2024.3.5",
            "2024年3月5日",
            " 2024-3-5 ",
            "45356",
        ] {
            assert_eq!(Timestamp::parse(s), Some(want), "{s}");
        }
        let t = Timestamp::from_ymd_hms(2024, 3, 5, 14, 30, 15).unwrap();
        for s in [
            "2024-03-05 14:30:15",
            "2024/3/5 14:30:15",
            "2024-03-05T14:30:15",
            "2024年3月5日 14:30:15",
            "2024-03-05 14:30:15.000",
        ] {
            assert_eq!(Timestamp::parse(s), Some(t), "{s}");
        }
        assert_eq!(
            Timestamp::parse("2024-03-05 14:30"),
            Timestamp::from_ymd_hms(2024, 3, 5, 14, 30, 0)
        );
        assert_eq!(
            Timestamp::parse("45356.5"),
            Timestamp::from_ymd_hms(2024, 3, 5, 12, 0, 0)
        );
    }

    #[test]
    fn rejects_impossible_dates() {
        for s in [
            "",
            "2024-02-30",
            "2023-02-29",
            "2024-13-01",
            "2024-00-10",
            "abc",
            "12345678901",
            "2024-03-05 25:00",
            "2024-03-05x",
            "100",
            "2024/03-05",
        ] {
            assert_eq!(Timestamp::parse(s), None, "{s}");
        }
        assert!(Timestamp::parse("2024-02-29").is_some());
    }

    #[test]
    fn formats_canonically() {
        let t = Timestamp::from_ymd_hms(2025, 12, 31, 8, 5, 9).unwrap();
        assert_eq!(t.to_string(), "2025-12-31 08:05:09");
        assert_eq!(t.date().to_string(), "2025-12-31");
        assert_eq!(Timestamp::parse(&t.to_string()), Some(t));
        assert_eq!(t.to_naive().to_string(), "2025-12-31 08:05:09");
        assert_eq!(Timestamp::from_naive(t.to_naive()), t);
    }

    #[test]
    fn months_and_weekdays() {
        let t = Timestamp::from_ymd(2024, 1, 31).unwrap();
        assert_eq!(
            Timestamp::from_month_index(t.month_index() + 1),
            Timestamp::from_ymd(2024, 2, 1).unwrap()
        );
        // 2024-01-01 was a Monday.
        assert_eq!(Timestamp::from_ymd(2024, 1, 1).unwrap().weekday(), 0);
        assert_eq!(Timestamp::from_ymd(2024, 1, 7).unwrap().weekday(), 6);
    }

    #[test]
    fn the_month_memo_agrees_with_the_calendar_in_any_order() {
        let mut memo = MonthMemo::default();
        // Forward day by day over a leap February and a year end, then jumping back and forth.
        let days = (19_700..20_200).chain([20_100, 0, -1, -719_468, 19_782, 19_783, 19_753]);
        for day in days {
            for secs in [0, SECS_PER_DAY - 1] {
                let t = Timestamp(day * SECS_PER_DAY + secs);
                assert_eq!(memo.month_index(t), t.month_index(), "day {day}");
            }
        }
    }
}
