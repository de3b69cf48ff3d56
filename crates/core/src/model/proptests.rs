//! Property tests of the model's parsers: timestamps, money and enums read back what they
//! print, accept the export spellings of SPEC §1 for the same value, and never panic.

use super::*;
use proptest::prelude::*;

fn civil() -> impl Strategy<Value = (i64, u32, u32, u32, u32, u32)> {
    (
        1i64..=9999,
        1u32..=12,
        1u32..=28,
        0u32..24,
        0u32..60,
        0u32..60,
    )
}

/// Every enum's canonical names, each with the value it names.
fn canonical() -> Vec<(String, String)> {
    let mut v = Vec::new();
    macro_rules! all {
        ($($t:ty),*) => {$(
            for x in <$t>::ALL {
                v.push((x.as_str().to_owned(), format!("{}:{}", stringify!($t), x.index())));
            }
        )*};
    }
    all!(
        Role,
        CustomerType,
        Channel,
        Stage,
        ActivityKind,
        EntityKind,
        OwnershipReason,
        SurveyScale
    );
    v
}

/// Parses `s` as every enum, naming what it parsed to, like [`canonical`].
fn parse_any(s: &str) -> Vec<String> {
    let mut v = Vec::new();
    macro_rules! all {
        ($($t:ty),*) => {$(
            if let Some(x) = <$t>::parse(s) {
                v.push(format!("{}:{}", stringify!($t), x.index()));
            }
        )*};
    }
    all!(
        Role,
        CustomerType,
        Channel,
        Stage,
        ActivityKind,
        EntityKind,
        OwnershipReason,
        SurveyScale
    );
    v
}

/// Spells `s` as exports do: any case, `_` as a space or `-`, padded with spaces.
fn respell(s: &str, upper: bool, sep: u8, pad: usize) -> String {
    let sep = [" ", "-", "_"][usize::from(sep % 3)];
    let body: String = s.replace('_', sep);
    let body = if upper { body.to_uppercase() } else { body };
    format!("{}{body}{}", " ".repeat(pad), " ".repeat(pad))
}

proptest! {
    #[test]
    fn timestamps_read_back_what_they_print((y, m, d, hh, mm, ss) in civil()) {
        let t = Timestamp::from_ymd_hms(y, m, d, hh, mm, ss).expect("valid civil time");
        prop_assert_eq!(Timestamp::parse(&t.to_string()), Some(t));
        let day = t.date();
        prop_assert_eq!(Timestamp::parse(&day.date_string()), Some(day));
        // The export spellings of the same day (SPEC §1).
        prop_assert_eq!(Timestamp::parse(&format!("{y:04}/{m}/{d}")), Some(day));
        prop_assert_eq!(Timestamp::parse(&format!("{y:04}年{m}月{d}日")), Some(day));
    }

    #[test]
    fn timestamp_parse_never_panics(s in "\\PC{0,40}", digits in "[0-9./年月日: -]{0,24}") {
        for s in [s, digits] {
            if let Some(t) = Timestamp::parse(&s) {
                prop_assert_eq!(Timestamp::parse(&t.to_string()), Some(t));
            }
        }
    }

    #[test]
    fn money_reads_back_what_it_prints(minor in -1_000_000_000_000_000i64..1_000_000_000_000_000) {
        let m = Money(minor);
        let text = m.to_string();
        prop_assert_eq!(Money::parse(&text), Some(m));
        let abs = Money(minor.abs()).to_string();
        prop_assert_eq!(Money::parse(&format!("¥{abs}")), Some(Money(minor.abs())));
        if minor > 0 {
            prop_assert_eq!(Money::parse(&format!("({abs})")), Some(Money(-minor)));
        }
    }

    #[test]
    fn money_parse_never_panics(s in "\\PC{0,40}", num in "[-+(¥￥0-9,.元万 )]{0,30}") {
        for s in [s, num] {
            if let Some(m) = Money::parse(&s) {
                prop_assert_eq!(Money::parse(&m.to_string()), Some(m));
            }
        }
    }

    #[test]
    fn enums_read_their_names_in_any_export_spelling(
        pick in any::<prop::sample::Index>(),
        upper in any::<bool>(),
        sep in any::<u8>(),
        pad in 0usize..3,
    ) {
        let names = canonical();
        let (name, value) = &names[pick.index(names.len())];
        let parsed = parse_any(&respell(name, upper, sep, pad));
        prop_assert!(parsed.contains(value), "{name}: {parsed:?}");
    }

    #[test]
    fn enum_synonyms_read_as_their_canonical_value(
        pick in 0usize..6,
        upper in any::<bool>(),
        pad in 0usize..3,
    ) {
        // SPEC §1's examples: 赢单/成交 → won, 大客户/KA → ka.
        let cases = [
            ("赢单", "Stage:4"),
            ("成交", "Stage:4"),
            ("大客户", "CustomerType:0"),
            ("ka", "CustomerType:0"),
            ("key account", "Role:0"),
            ("电话", "ActivityKind:1"),
        ];
        let (syn, value) = cases[pick];
        let parsed = parse_any(&respell(syn, upper, 0, pad));
        prop_assert!(parsed.iter().any(|p| p == value), "{syn}: {parsed:?}");
    }

    #[test]
    fn enum_parse_never_panics(s in "\\PC{0,30}") {
        for p in parse_any(&s) {
            prop_assert!(p.contains(':'));
        }
    }
}
