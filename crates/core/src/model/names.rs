//! Interned strings and the typed ids built on them.
//!
//! Every id and every categorical value (region, source, team …) of a dataset is interned once
//! into its [`Interner`], so that rows are small and `Copy`, joins are integer compares and a
//! group-by indexes a `Vec` by [`Sym`] instead of hashing strings.

use hashbrown::HashTable;
use rustc_hash::FxHasher;
use serde::{Deserialize, Serialize};
use std::hash::{Hash, Hasher};

/// An interned string of one [`Interner`]; meaningless without it.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Sym(pub u32);

impl Sym {
    pub const fn index(self) -> usize {
        self.0 as usize
    }
}

/// A string table: each distinct string gets one [`Sym`], in order of first appearance.
///
/// The strings live end to end in one buffer and the hash table holds only symbols, so a
/// dataset's millions of ids cost no allocation each. The table is built on the first intern
/// after a rebuild: a dataset read back from storage is mostly only resolved, so decoding it
/// does not pay for hashing millions of ids, and a lookup without the table scans.
#[derive(Clone, Default)]
pub struct Interner {
    text: String,
    /// End of string `i` in `text` (its start is the previous end).
    ends: Vec<usize>,
    table: Option<HashTable<Sym>>,
}

impl std::fmt::Debug for Interner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.strings()).finish()
    }
}

fn hash(s: &str) -> u64 {
    let mut h = FxHasher::default();
    s.hash(&mut h);
    h.finish()
}

/// The symbol of `s` in `table` over `text` and `ends`, appended to all three if new.
fn find_or_insert(
    table: &mut HashTable<Sym>,
    text: &mut String,
    ends: &mut Vec<usize>,
    s: &str,
) -> Sym {
    let h = hash(s);
    match table.find(h, |&sym| slice(text, ends, sym.index()) == s) {
        Some(&sym) => sym,
        None => {
            let sym = Sym(ends.len() as u32);
            text.push_str(s);
            ends.push(text.len());
            table.insert_unique(h, sym, |&sym| hash(slice(text, ends, sym.index())));
            sym
        }
    }
}

/// String `i` of a buffer and its ends ("" when out of range).
fn slice<'a>(text: &'a str, ends: &[usize], i: usize) -> &'a str {
    let start = match i {
        0 => 0,
        _ => ends.get(i - 1).copied().unwrap_or(0),
    };
    ends.get(i)
        .and_then(|&end| text.get(start..end))
        .unwrap_or("")
}

/// The lookup table of every string, each found at its first symbol.
fn build_table(text: &str, ends: &[usize]) -> HashTable<Sym> {
    let mut table = HashTable::with_capacity(ends.len());
    for i in 0..ends.len() {
        let s = slice(text, ends, i);
        let h = hash(s);
        if table
            .find(h, |&sym: &Sym| slice(text, ends, sym.index()) == s)
            .is_none()
        {
            table.insert_unique(h, Sym(i as u32), |&sym| {
                hash(slice(text, ends, sym.index()))
            });
        }
    }
    table
}

impl Interner {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn intern(&mut self, s: &str) -> Sym {
        let table = self
            .table
            .get_or_insert_with(|| build_table(&self.text, &self.ends));
        find_or_insert(table, &mut self.text, &mut self.ends, s)
    }

    /// Makes room for `strings` more strings of `bytes` bytes in all.
    pub fn reserve(&mut self, strings: usize, bytes: usize) {
        self.text.reserve(bytes);
        self.ends.reserve(strings);
        let table = self
            .table
            .get_or_insert_with(|| build_table(&self.text, &self.ends));
        let (text, ends) = (&self.text, &self.ends);
        table.reserve(strings, |&sym| hash(slice(text, ends, sym.index())));
    }

    /// The symbol of `s` if it was interned. An interner read back from storage has no lookup
    /// table until it interns again: a lookup then scans the strings (milliseconds for a
    /// million) rather than hashing every string to answer one question — a filter's few
    /// values on a freshly opened dataset.
    pub fn get(&self, s: &str) -> Option<Sym> {
        match &self.table {
            Some(table) => table.find(hash(s), |&sym| self.resolve(sym) == s).copied(),
            None => self.scan(s),
        }
    }

    /// The first symbol of `s`, by comparing lengths and then bytes in symbol order.
    fn scan(&self, s: &str) -> Option<Sym> {
        let (text, want) = (self.text.as_bytes(), s.as_bytes());
        let mut start = 0;
        for (i, &end) in self.ends.iter().enumerate() {
            if end.checked_sub(start) == Some(want.len()) && text.get(start..end) == Some(want) {
                return Some(Sym(i as u32));
            }
            start = end;
        }
        None
    }

    /// The string of a symbol; empty for a symbol of another interner that is out of range.
    pub fn resolve(&self, sym: Sym) -> &str {
        slice(&self.text, &self.ends, sym.index())
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn strings(&self) -> impl ExactSizeIterator<Item = &str> {
        (0..self.ends.len()).map(|i| slice(&self.text, &self.ends, i))
    }

    /// Rebuilds an interner from its strings in symbol order (e.g. after loading from storage).
    /// Symbols stay positional even if a string repeats (only a damaged file has that); lookups
    /// then find the first.
    pub fn from_strings<I: IntoIterator<Item = S>, S: AsRef<str>>(it: I) -> Self {
        let mut me = Self::new();
        let it = it.into_iter();
        me.ends.reserve(it.size_hint().0);
        for s in it {
            me.text.push_str(s.as_ref());
            me.ends.push(me.text.len());
        }
        me
    }
}

macro_rules! typed_id {
    ($($(#[$meta:meta])* $name:ident;)+) => {$(
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Sym);

        impl $name {
            pub const fn sym(self) -> Sym {
                self.0
            }
        }
    )+};
}

typed_id! {
    /// A sales rep's id (`rep_id`).
    RepId;
    /// A customer's id (`customer_id`).
    CustomerId;
    /// A lead's id (`lead_id`).
    LeadId;
    /// A campaign's id (`campaign_id`).
    CampaignId;
    /// An order's id (`order_id`).
    OrderId;
    /// An activity's id (`activity_id`).
    ActivityId;
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn interns_once_in_order() {
        let mut i = Interner::new();
        let a = i.intern("华东");
        let b = i.intern("华南");
        assert_eq!(i.intern("华东"), a);
        assert_eq!((a, b), (Sym(0), Sym(1)));
        assert_eq!(i.resolve(b), "华南");
        assert_eq!(i.get("华北"), None);
        assert_eq!(i.resolve(Sym(99)), "");
        let j = Interner::from_strings(i.strings());
        assert_eq!(j.get("华南"), Some(b));
        assert_eq!(j.len(), 2);
    }

    #[test]
    fn many_strings_keep_their_symbols_through_growth_and_rebuild() {
        let mut i = Interner::new();
        let syms: Vec<Sym> = (0..5000).map(|n| i.intern(&format!("L{n}"))).collect();
        assert!(syms.iter().enumerate().all(|(n, s)| s.index() == n));
        assert_eq!(i.intern("L4321"), Sym(4321));
        assert_eq!(i.intern(""), Sym(5000));
        assert_eq!(i.resolve(Sym(5000)), "");
        let j = Interner::from_strings(i.strings());
        assert!(i.strings().eq(j.strings()));
        assert_eq!(j.get("L17"), Some(Sym(17)));
        assert_eq!(j.get(""), Some(Sym(5000)));
    }

    #[test]
    fn a_repeated_string_in_a_rebuild_keeps_positions_and_finds_the_first() {
        let mut j = Interner::from_strings(["a", "b", "a"]);
        assert_eq!((j.len(), j.resolve(Sym(2))), (3, "a"));
        assert_eq!(j.get("a"), Some(Sym(0)));
        assert_eq!(j.intern("b"), Sym(1));
        assert_eq!(j.intern("c"), Sym(3));
        let mut k = Interner::from_strings(["x"]);
        assert_eq!(k.intern("y"), Sym(1), "interning first builds the table");
        assert_eq!(k.intern("x"), Sym(0));
    }

    #[test]
    fn a_rebuilt_interner_answers_lookups_without_hashing_everything_and_agrees_after() {
        let strings = ["华东", "", "L1", "华", "L1", "华东华", "L10"];
        let mut j = Interner::from_strings(strings);
        let asked = ["华东", "", "L1", "华", "华东华", "L10", "L", "华南"];
        let scanned: Vec<Option<Sym>> = asked.iter().map(|s| j.get(s)).collect();
        assert!(j.table.is_none(), "a lookup leaves the table unbuilt");
        let want = [0, 1, 2, 3, 5, 6].map(|i| Some(Sym(i)));
        assert_eq!(scanned[..6], want);
        assert_eq!(scanned[6..], [None, None]);
        assert_eq!(j.intern("新"), Sym(7));
        let hashed: Vec<Option<Sym>> = asked.iter().map(|s| j.get(s)).collect();
        assert_eq!(hashed, scanned);
    }
}
