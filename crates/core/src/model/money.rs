//! Money in integer minor units (fen or cents), so that sums are exact.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An amount in minor units: `Money(12345)` is 123.45 in the dataset's currency.
#[derive(
    Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Money(pub i64);

impl Money {
    pub const ZERO: Money = Money(0);

    pub fn from_major(v: f64) -> Self {
        Self((v * 100.0).round() as i64)
    }

    pub fn as_major(self) -> f64 {
        self.0 as f64 / 100.0
    }

    /// Parse an amount as exported: `1234.5`, `1,234.50`, `¥1,234.50`, `￥1234`, `1234.5元`,
    /// `RMB 1234`, `-12.30`, `(12.30)` for a negative, `1.2万` (ten thousands).
    /// At most two decimals are kept exactly; more are rounded half away from zero.
    pub fn parse(s: &str) -> Option<Self> {
        let mut t = s.trim();
        let mut neg = false;
        if let Some(inner) = t.strip_prefix('(').and_then(|x| x.strip_suffix(')')) {
            neg = true;
            t = inner.trim();
        }
        if let Some(rest) = t.strip_prefix('-') {
            neg = !neg;
            t = rest.trim_start();
        }
        for prefix in ["¥", "￥", "RMB", "CNY", "$", "USD"] {
            if let Some(rest) = t.strip_prefix(prefix) {
                t = rest.trim_start();
                // `¥-12` as well as `-¥12`.
                if let Some(rest) = t.strip_prefix('-') {
                    neg = !neg;
                    t = rest.trim_start();
                }
                break;
            }
        }
        let mut scale: i64 = 1;
        for (suffix, mul) in [
            ("万元", 10_000),
            ("万", 10_000),
            ("元", 1),
            ("RMB", 1),
            ("CNY", 1),
        ] {
            if let Some(rest) = t.strip_suffix(suffix) {
                t = rest.trim_end();
                scale = mul;
                break;
            }
        }
        if t.is_empty() {
            return None;
        }
        let (int_part, frac_part) = match t.split_once('.') {
            Some((a, b)) => (a, b),
            None => (t, ""),
        };
        if int_part.is_empty() && frac_part.is_empty() {
            return None;
        }
        let mut int: i64 = 0;
        let mut digits = 0;
        for (k, c) in int_part.bytes().enumerate() {
            match c {
                b'0'..=b'9' => {
                    int = int.checked_mul(10)?.checked_add((c - b'0') as i64)?;
                    digits += 1;
                }
                // Thousands separators only between digits.
                b',' if k > 0 && digits > 0 => {}
                _ => return None,
            }
        }
        if !frac_part.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        // Minor units times `scale`, computed exactly from the decimal digits.
        let frac_digits = frac_part.as_bytes();
        let mut minor = int.checked_mul(100)?.checked_mul(scale)?;
        let mut unit = 10 * scale; // value in minor units of the first fractional digit
        let mut rem_num: i64 = 0;
        let mut rem_den: i64 = 1;
        for &c in frac_digits {
            let dgt = (c - b'0') as i64;
            if unit >= 1 {
                minor = minor.checked_add(dgt.checked_mul(unit)?)?;
                unit /= 10;
                if unit == 0 {
                    rem_den = 1;
                    rem_num = 0;
                }
            } else {
                // Beyond minor-unit precision: remember enough to round half away from zero.
                if rem_den < 1_000_000_000 {
                    rem_num = rem_num * 10 + dgt;
                    rem_den *= 10;
                }
            }
        }
        if rem_den > 1 && rem_num * 2 >= rem_den {
            minor = minor.checked_add(1)?;
        }
        Some(Self(if neg { -minor } else { minor }))
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let a = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", a / 100, a % 100)
    }
}

impl std::ops::Add for Money {
    type Output = Money;
    fn add(self, o: Money) -> Money {
        Money(self.0.saturating_add(o.0))
    }
}

impl std::ops::AddAssign for Money {
    fn add_assign(&mut self, o: Money) {
        self.0 = self.0.saturating_add(o.0);
    }
}

impl std::iter::Sum for Money {
    fn sum<I: Iterator<Item = Money>>(it: I) -> Money {
        it.fold(Money::ZERO, |a, b| a + b)
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::Money;

    #[test]
    fn parses_exported_amounts() {
        let cases = [
            ("1234.5", 123_450),
            ("1,234.50", 123_450),
            ("¥1,234.50", 123_450),
            ("￥1234", 123_400),
            ("1234.5元", 123_450),
            ("RMB 1234", 123_400),
            ("-12.30", -1_230),
            ("(12.30)", -1_230),
            ("1.2万", 1_200_000),
            ("0.005", 1),
            ("0.004", 0),
            (".5", 50),
            ("7.", 700),
        ];
        for (s, want) in cases {
            assert_eq!(Money::parse(s), Some(Money(want)), "{s}");
        }
    }

    #[test]
    fn rejects_non_amounts() {
        for s in ["", "abc", "1.2.3", ",123", "12a", "¥", "1e5", "--1", "."] {
            assert_eq!(Money::parse(s), None, "{s}");
        }
        assert_eq!(Money::parse("99999999999999999999"), None);
    }

    #[test]
    fn displays_two_decimals() {
        assert_eq!(Money(123_405).to_string(), "1234.05");
        assert_eq!(Money(-5).to_string(), "-0.05");
        assert_eq!(
            Money::parse(&Money(-987_654).to_string()),
            Some(Money(-987_654))
        );
    }
}
