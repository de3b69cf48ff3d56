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
/// dataset's millions of ids cost no allocation each: rebuilding the table of a stored
/// dataset is one pass of hashing, not millions of small allocations and frees.
#[derive(Clone, Default)]
pub struct Interner {
    text: String,
    /// End of string `i` in `text` (its start is the previous end).
    ends: Vec<usize>,
    table: HashTable<Sym>,
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

impl Interner {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn intern(&mut self, s: &str) -> Sym {
        let h = hash(s);
        let Self { text, ends, table } = self;
        if let Some(&sym) = table.find(h, |&sym| slice(text, ends, sym.index()) == s) {
            return sym;
        }
        let sym = Sym(ends.len() as u32);
        text.push_str(s);
        ends.push(text.len());
        table.insert_unique(h, sym, |&sym| hash(slice(text, ends, sym.index())));
        sym
    }

    /// The symbol of `s` if it was interned.
    pub fn get(&self, s: &str) -> Option<Sym> {
        self.table
            .find(hash(s), |&sym| self.resolve(sym) == s)
            .copied()
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
    /// The strings are taken to be distinct, as an interner wrote them, so none is looked up
    /// first; symbols stay positional if one repeats anyway (a crafted file), and lookups of it
    /// then find one of its copies.
    pub fn from_strings<I: IntoIterator<Item = S>, S: AsRef<str>>(it: I) -> Self {
        let mut me = Self::new();
        let it = it.into_iter();
        me.ends.reserve(it.size_hint().0);
        // The table is empty, so reserving rehashes nothing.
        me.table.reserve(it.size_hint().0, |_| 0);
        for s in it {
            let s = s.as_ref();
            let Self { text, ends, table } = &mut me;
            let sym = Sym(ends.len() as u32);
            text.push_str(s);
            ends.push(text.len());
            table.insert_unique(hash(s), sym, |&sym| hash(slice(text, ends, sym.index())));
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
    fn a_repeated_string_in_a_rebuild_keeps_positions_and_finds_a_copy() {
        let j = Interner::from_strings(["a", "b", "a"]);
        assert_eq!((j.len(), j.resolve(Sym(2))), (3, "a"));
        assert!(matches!(j.get("a"), Some(Sym(0 | 2))));
    }
}
