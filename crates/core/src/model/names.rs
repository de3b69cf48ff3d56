//! Interned strings and the typed ids built on them.
//!
//! Every id and every categorical value (region, source, team …) of a dataset is interned once
//! into its [`Interner`], so that rows are small and `Copy`, joins are integer compares and a
//! group-by indexes a `Vec` by [`Sym`] instead of hashing strings.

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

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
#[derive(Clone, Default, Debug)]
pub struct Interner {
    map: FxHashMap<Box<str>, Sym>,
    strings: Vec<Box<str>>,
}

impl Interner {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn intern(&mut self, s: &str) -> Sym {
        if let Some(&sym) = self.map.get(s) {
            return sym;
        }
        let sym = Sym(self.strings.len() as u32);
        let owned: Box<str> = s.into();
        self.strings.push(owned.clone());
        self.map.insert(owned, sym);
        sym
    }

    /// The symbol of `s` if it was interned.
    pub fn get(&self, s: &str) -> Option<Sym> {
        self.map.get(s).copied()
    }

    /// The string of a symbol; empty for a symbol of another interner that is out of range.
    pub fn resolve(&self, sym: Sym) -> &str {
        self.strings.get(sym.index()).map_or("", |s| s)
    }

    pub fn len(&self) -> usize {
        self.strings.len()
    }

    pub fn is_empty(&self) -> bool {
        self.strings.is_empty()
    }

    pub fn strings(&self) -> impl ExactSizeIterator<Item = &str> {
        self.strings.iter().map(|s| &**s)
    }

    /// Rebuilds an interner from its strings in symbol order (e.g. after loading from storage).
    pub fn from_strings<I: IntoIterator<Item = S>, S: AsRef<str>>(it: I) -> Self {
        let mut me = Self::new();
        for s in it {
            me.strings.push(s.as_ref().into());
        }
        for (i, s) in me.strings.iter().enumerate() {
            me.map.entry(s.clone()).or_insert(Sym(i as u32));
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
}
