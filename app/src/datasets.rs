//! Formatting and bookkeeping for the datasets list, as plain functions; plus the browser's
//! clock and entropy, which only the app may read.

use crate::i18n::Lang;
use crate::storage::{CHUNK_BYTES, DatasetMeta, dataset_id};
use reallot_core::Dataset;
use reallot_core::model::{TableKind, Timestamp};

/// Bytes as B, KB, MB or GB (powers of 1024), one decimal above bytes.
pub fn format_bytes(b: f64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if b < 1024.0 {
        return format!("{b:.0} B");
    }
    let mut v = b / 1024.0;
    let mut unit = UNITS[0];
    for u in &UNITS[1..] {
        if v < 1024.0 {
            break;
        }
        v /= 1024.0;
        unit = u;
    }
    format!("{v:.1} {unit}")
}

/// Local date and minute of a Unix-epoch millisecond instant, given the local offset east of
/// UTC in minutes, as the locale writes it: `2024年3月5日 09:02` or `5 Mar 2024 09:02`.
pub fn format_instant(lang: Lang, ms: f64, offset_minutes: i64) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let secs = (ms / 1000.0).floor() as i64 + offset_minutes * 60;
    let mut s = String::new();
    Timestamp(secs - secs.rem_euclid(60)).write_canonical(&mut s);
    // `YYYY-MM-DD HH:MM:SS` (the year may carry a sign or more digits).
    let Some((date, time)) = s.split_once(' ') else {
        return s;
    };
    let time = time.get(..5).unwrap_or(time);
    let mut parts = date.rsplitn(3, '-');
    let (Some(day), Some(month), Some(year)) = (parts.next(), parts.next(), parts.next()) else {
        return s;
    };
    let (Ok(d), Ok(m)) = (day.parse::<u32>(), month.parse::<usize>()) else {
        return s;
    };
    match (lang, MONTHS.get(m.wrapping_sub(1))) {
        (Lang::ZhCn, _) => format!("{year}年{m}月{d}日 {time}"),
        (Lang::En, Some(name)) => format!("{d} {name} {year} {time}"),
        (Lang::En, None) => s,
    }
}

/// The meta of a dataset about to be stored.
pub fn meta_for(name: &str, ds: &Dataset, bytes: usize, now_ms: f64, random: f64) -> DatasetMeta {
    let sizes = ds.sizes();
    DatasetMeta {
        id: dataset_id(now_ms, random),
        name: name.to_owned(),
        created_ms: now_ms,
        bytes,
        chunks: bytes.div_ceil(CHUNK_BYTES).max(1),
        format: reallot_core::codec::VERSION,
        rows: TableKind::ALL.iter().map(|k| sizes.get(*k)).sum(),
    }
}

pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

pub fn random() -> f64 {
    js_sys::Math::random()
}

/// Minutes east of UTC of the browser's time zone.
fn local_offset_minutes() -> i64 {
    -(js_sys::Date::new_0().get_timezone_offset() as i64)
}

/// A stored instant in the browser's local time.
pub fn format_date(lang: Lang, ms: f64) -> String {
    format_instant(lang, ms, local_offset_minutes())
}

/// Today's local time as the core's naive timestamp, the as-of of the quality check.
pub fn today() -> Timestamp {
    Timestamp((now_ms() / 1000.0) as i64 + local_offset_minutes() * 60)
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn formats_sizes() {
        assert_eq!(format_bytes(512.0), "512 B");
        assert_eq!(format_bytes(1536.0), "1.5 KB");
        assert_eq!(format_bytes(3.0 * 1024.0 * 1024.0), "3.0 MB");
    }

    #[test]
    fn formats_instants_in_local_time() {
        // 2024-03-05T01:02:03Z is 09:02 in UTC+8.
        let t = 1_709_600_523_000.0;
        assert_eq!(format_instant(Lang::ZhCn, t, 480), "2024年3月5日 09:02");
        assert_eq!(format_instant(Lang::En, t, 480), "5 Mar 2024 09:02");
        assert_eq!(format_instant(Lang::En, t, 0), "5 Mar 2024 01:02");
        // 2023-12-31T23:59:59Z is already 1 January in UTC+1.
        let t = 1_704_067_199_000.0;
        assert_eq!(format_instant(Lang::En, t, 60), "1 Jan 2024 00:59");
        assert_eq!(format_instant(Lang::ZhCn, t, 0), "2023年12月31日 23:59");
    }

    #[test]
    fn meta_counts_rows_and_chunks() {
        let mut ds = Dataset::new();
        ds.push_record(TableKind::Reps, &["R1"]);
        ds.push_record(TableKind::Reps, &["R2"]);
        let m = meta_for("x", &ds, CHUNK_BYTES + 1, 1000.0, 0.0);
        assert_eq!((m.rows, m.chunks, m.bytes), (2, 2, CHUNK_BYTES + 1));
        assert_eq!(meta_for("x", &ds, 0, 1000.0, 0.0).chunks, 1);
    }
}
