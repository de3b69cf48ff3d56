//! Table row per interned id, over the span of symbols the table's ids occupy: ids of one
//! table are interned together, so the span is about the table's size, not the interner's
//! (which also holds every order and activity id) — a few MB read in cache instead of a
//! table over every symbol that costs its own pass of page faults to build.

use crate::model::Sym;

/// The row of each id of one table; a later row wins for a repeated id.
#[derive(Clone, Debug, Default)]
pub struct SymRows {
    /// The smallest symbol index among the ids.
    base: usize,
    /// `rows[s - base]`: the row of symbol s (`u32::MAX`: not an id of the table).
    rows: Vec<u32>,
}

impl SymRows {
    /// The rows of `ids`, given in row order.
    pub fn new(ids: impl Iterator<Item = Sym> + Clone) -> Self {
        let (mut lo, mut hi) = (usize::MAX, 0usize);
        for s in ids.clone() {
            lo = lo.min(s.index());
            hi = hi.max(s.index());
        }
        if lo > hi {
            return Self::default();
        }
        let mut rows = vec![u32::MAX; hi - lo + 1];
        for (i, s) in ids.enumerate() {
            if let Some(slot) = rows.get_mut(s.index() - lo) {
                *slot = i as u32;
            }
        }
        Self { base: lo, rows }
    }

    /// The row of `sym`, `None` when it is no id of the table.
    #[inline]
    pub fn get(&self, sym: Sym) -> Option<usize> {
        self.rows
            .get(sym.index().wrapping_sub(self.base))
            .copied()
            .filter(|r| *r != u32::MAX)
            .map(|r| r as usize)
    }
}

/// A set of interned symbols as one bit per symbol: membership of any id in a few cached
/// bits, to skip the rows of ids that cannot matter before looking their entity up.
#[derive(Clone, Debug)]
pub struct SymSet {
    bits: Vec<u64>,
}

impl SymSet {
    /// An empty set for symbols below `n`; larger ones are never members.
    pub fn new(n: usize) -> Self {
        Self {
            bits: vec![0; n.div_ceil(64)],
        }
    }

    pub fn insert(&mut self, sym: Sym) {
        if let Some(w) = self.bits.get_mut(sym.index() / 64) {
            *w |= 1 << (sym.index() % 64);
        }
    }

    #[inline]
    pub fn contains(&self, sym: Sym) -> bool {
        self.bits
            .get(sym.index() / 64)
            .is_some_and(|w| w >> (sym.index() % 64) & 1 == 1)
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn rows_over_the_ids_span_with_later_rows_winning() {
        let ids = [Sym(7), Sym(5), Sym(9), Sym(5)];
        let rows = SymRows::new(ids.iter().copied());
        assert_eq!(rows.get(Sym(5)), Some(3));
        assert_eq!(rows.get(Sym(7)), Some(0));
        assert_eq!(rows.get(Sym(9)), Some(2));
        for absent in [0, 4, 6, 8, 10, u32::MAX] {
            assert_eq!(rows.get(Sym(absent)), None, "symbol {absent}");
        }
        assert_eq!(rows.rows.len(), 5);
    }

    #[test]
    fn set_holds_what_was_inserted() {
        let mut set = SymSet::new(130);
        for s in [0, 63, 64, 129, 500] {
            set.insert(Sym(s));
        }
        for s in 0..140 {
            assert_eq!(set.contains(Sym(s)), [0, 63, 64, 129].contains(&s), "symbol {s}");
        }
        assert!(!set.contains(Sym(500)));
        assert!(!set.contains(Sym(u32::MAX)));
    }

    #[test]
    fn no_ids_no_rows() {
        let rows = SymRows::new(std::iter::empty());
        assert_eq!(rows.get(Sym(0)), None);
        assert_eq!(rows.get(Sym(3)), None);
    }
}
