//! Table row per interned id, and sets of ids with dense numbers, both kept to a few MB that
//! stay in cache: a table indexed by symbol would hold an entry for every symbol of the
//! interner (every order and activity id too, tens of MB for a large dataset), cost a page
//! fault per 4 KB to build and a cache miss per look-up.

use crate::model::Sym;

/// The row of each id of one table; a later row wins for a repeated id. The ids form a
/// [`SymBitmap`], and the row of the k-th id in symbol order is `rows[k]`.
#[derive(Clone, Debug)]
pub struct SymRows {
    ids: SymBitmap,
    rows: Vec<u32>,
}

impl SymRows {
    /// The rows of `ids`, given in row order.
    pub fn new(ids: impl Iterator<Item = Sym> + Clone) -> Self {
        let end = ids.clone().map(|s| s.index() + 1).max().unwrap_or(0);
        let mut set = SymBitmap::new(end);
        for s in ids.clone() {
            set.insert(s);
        }
        let set = set.numbered();
        let mut rows = vec![u32::MAX; set.len()];
        for (i, s) in ids.enumerate() {
            if let Some(slot) = set.position(s).and_then(|k| rows.get_mut(k)) {
                *slot = i as u32;
            }
        }
        Self { ids: set, rows }
    }

    /// The row of `sym`, `None` when it is no id of the table.
    #[inline]
    pub fn get(&self, sym: Sym) -> Option<usize> {
        let k = self.ids.position(sym)?;
        self.rows.get(k).map(|&r| r as usize)
    }
}

/// A set of interned symbols as one bit per symbol, with each member's position among the
/// members in symbol order once [`SymBitmap::numbered`]: membership and a dense number for an
/// id from a few cached bits and one running count, instead of a look-up in a table or map.
#[derive(Clone, Debug)]
pub struct SymBitmap {
    bits: Vec<u64>,
    /// Members in the words before each word (filled by [`SymBitmap::numbered`]).
    before: Vec<u32>,
}

impl SymBitmap {
    /// An empty set for symbols below `n`; larger ones are never members.
    pub fn new(n: usize) -> Self {
        Self {
            bits: vec![0; n.div_ceil(64)],
            before: Vec::new(),
        }
    }

    /// Adds `sym` (ignored past the set's range); positions need [`SymBitmap::numbered`] again.
    pub fn insert(&mut self, sym: Sym) {
        if let Some(w) = self.bits.get_mut(sym.index() / 64) {
            *w |= 1 << (sym.index() % 64);
        }
        self.before.clear();
    }

    /// The set with its members numbered, for [`SymBitmap::position`] and [`SymBitmap::len`].
    pub fn numbered(mut self) -> Self {
        let mut total = 0u32;
        self.before = self
            .bits
            .iter()
            .map(|w| {
                let here = total;
                total += w.count_ones();
                here
            })
            .collect();
        self
    }

    #[inline]
    pub fn contains(&self, sym: Sym) -> bool {
        self.bits
            .get(sym.index() / 64)
            .is_some_and(|w| w >> (sym.index() % 64) & 1 == 1)
    }

    /// The number of members below `sym` when it is a member of a numbered set.
    #[inline]
    pub fn position(&self, sym: Sym) -> Option<usize> {
        let (k, bit) = (sym.index() / 64, sym.index() % 64);
        let w = *self.bits.get(k)?;
        if w >> bit & 1 == 0 {
            return None;
        }
        let below = (w & ((1u64 << bit) - 1)).count_ones();
        Some((self.before.get(k)? + below) as usize)
    }

    /// Members of a numbered set (0 before numbering).
    pub fn len(&self) -> usize {
        match (self.before.last(), self.bits.last()) {
            (Some(b), Some(w)) => (b + w.count_ones()) as usize,
            _ => 0,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
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
        assert_eq!(rows.rows, [3, 0, 2]);
    }

    #[test]
    fn set_holds_what_was_inserted() {
        let mut set = SymBitmap::new(130);
        for s in [0, 63, 64, 129, 500] {
            set.insert(Sym(s));
        }
        for s in 0..140 {
            assert_eq!(
                set.contains(Sym(s)),
                [0, 63, 64, 129].contains(&s),
                "symbol {s}"
            );
        }
        assert!(!set.contains(Sym(500)));
        assert!(!set.contains(Sym(u32::MAX)));
        assert_eq!(set.position(Sym(63)), None, "not numbered yet");
        let set = set.numbered();
        assert_eq!(set.len(), 4);
        let positions: Vec<Option<usize>> = [0, 1, 63, 64, 65, 129, 500]
            .iter()
            .map(|&s| set.position(Sym(s)))
            .collect();
        assert_eq!(
            positions,
            [Some(0), None, Some(1), Some(2), None, Some(3), None]
        );
        assert!(SymBitmap::new(0).numbered().is_empty());
    }

    #[test]
    fn no_ids_no_rows() {
        let rows = SymRows::new(std::iter::empty());
        assert_eq!(rows.get(Sym(0)), None);
        assert_eq!(rows.get(Sym(3)), None);
    }
}
