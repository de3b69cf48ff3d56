//! Joins by symbol without random access: each side is reduced to sorted `(symbol, position)`
//! pairs and merged. On million-row tables this beats a hash map, whose lookups miss the cache
//! once per row.

use crate::model::Sym;
use crate::stats::radix::sort_by_high_half;

/// Marks a position that has no match.
pub const NO_MATCH: u32 = u32::MAX;

/// For each of `wanted`, the first position in `seq` holding the same symbol, or
/// [`NO_MATCH`] (always for `None`). A bit per symbol skips the elements of `seq` nobody asked for before any
/// sorting, so a short `wanted` against a long `seq` costs one bit test per element.
pub fn first_positions(wanted: &[Option<Sym>], seq: impl Iterator<Item = Sym>) -> Vec<u32> {
    let mut out = vec![NO_MATCH; wanted.len()];
    if wanted.is_empty() {
        return out;
    }
    let mut bits: Vec<u64> = Vec::new();
    for s in wanted.iter().flatten() {
        let k = s.index();
        if k / 64 >= bits.len() {
            bits.resize(k / 64 + 1, 0);
        }
        bits[k / 64] |= 1 << (k % 64);
    }
    let pack = |sym: Sym, at: usize| (u64::from(sym.0) << 32) | at as u64;
    let mut found: Vec<u64> = seq
        .enumerate()
        .filter(|(_, s)| {
            let k = s.index();
            bits.get(k / 64).is_some_and(|w| w & (1 << (k % 64)) != 0)
        })
        .map(|(i, s)| pack(s, i))
        .collect();
    // Both lists are built in position order and sorted stably by symbol, so each symbol's
    // first position comes first.
    sort_by_high_half(&mut found);
    let mut asked: Vec<u64> = wanted
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.map(|s| pack(s, i)))
        .collect();
    sort_by_high_half(&mut asked);
    let mut j = 0;
    for a in asked {
        let sym = a >> 32;
        while found.get(j).is_some_and(|f| f >> 32 < sym) {
            j += 1;
        }
        if let Some(f) = found.get(j).filter(|f| *f >> 32 == sym)
            && let Some(o) = out.get_mut((a & 0xffff_ffff) as usize)
        {
            *o = (f & 0xffff_ffff) as u32;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn finds_the_first_position_of_each_wanted_symbol() {
        let seq = [7, 3, 9, 3, 100, 7].map(Sym);
        let wanted = [Some(3), Some(7), Some(5), Some(3), Some(100), None].map(|s| s.map(Sym));
        assert_eq!(
            first_positions(&wanted, seq.iter().copied()),
            vec![1, 0, NO_MATCH, 1, 4, NO_MATCH]
        );
        assert_eq!(first_positions(&[], seq.iter().copied()), Vec::<u32>::new());
        assert_eq!(
            first_positions(&wanted, std::iter::empty()),
            vec![NO_MATCH; 6]
        );
    }
}
