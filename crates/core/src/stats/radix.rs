//! Radix sorting of packed `(key, payload)` pairs: linear passes where a comparison sort
//! would take n log n, for the million-row group-bys of the measures.

/// Stable least-significant-digit radix sort of packed pairs by their high 32 bits, in
/// 11-bit digits up to the largest key: a few linear passes instead of n log n comparisons.
pub fn sort_by_high_half(v: &mut Vec<u64>) {
    const BITS: u32 = 11;
    const BUCKETS: usize = 1 << BITS;
    let max = v.iter().map(|x| x >> 32).max().unwrap_or(0);
    let mut tmp = vec![0u64; v.len()];
    let mut shift = 32;
    while shift < 64 && (max >> (shift - 32)) > 0 {
        let digit = |x: u64| ((x >> shift) as usize) & (BUCKETS - 1);
        let mut start = [0usize; BUCKETS];
        for &x in v.iter() {
            start[digit(x)] += 1;
        }
        let mut sum = 0;
        for c in start.iter_mut() {
            let n = *c;
            *c = sum;
            sum += n;
        }
        for &x in v.iter() {
            let d = digit(x);
            if let Some(slot) = tmp.get_mut(start[d]) {
                *slot = x;
            }
            start[d] += 1;
        }
        std::mem::swap(v, &mut tmp);
        shift += BITS;
    }
}

/// Groups `(slot, value)` items by slot with a stable counting sort (a radix sort of one
/// digit): returns each slot's range start (`n_slots + 1` entries) and the values laid out
/// slot after slot, each slot keeping the input order. Items with a slot `>= n_slots` are
/// dropped.
pub fn group_by_slot<T: Copy + Default>(
    n_slots: usize,
    items: impl Iterator<Item = (usize, T)> + Clone,
) -> (Vec<usize>, Vec<T>) {
    let mut start = vec![0usize; n_slots + 1];
    for (s, _) in items.clone() {
        if let Some(c) = start.get_mut(s + 1).filter(|_| s < n_slots) {
            *c += 1;
        }
    }
    for i in 0..n_slots {
        start[i + 1] += start[i];
    }
    let mut next = start.clone();
    let mut out = vec![T::default(); start[n_slots]];
    for (s, v) in items {
        if let Some(n) = next.get_mut(s).filter(|_| s < n_slots)
            && let Some(o) = out.get_mut(*n)
        {
            *o = v;
            *n += 1;
        }
    }
    (start, out)
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn radix_sort_orders_by_symbol_and_keeps_positions_in_order() {
        // Symbols spanning three 11-bit digits, each with positions in input order.
        let syms = [5_000_000u64, 3, 2048, 3, 5_000_000, 0, 2047, 4_194_304];
        let mut v: Vec<u64> = syms
            .iter()
            .enumerate()
            .map(|(i, &s)| s << 32 | i as u64)
            .collect();
        let mut expected = v.clone();
        expected.sort();
        sort_by_high_half(&mut v);
        assert_eq!(v, expected);
    }

    #[test]
    fn grouping_keeps_each_slots_input_order() {
        let items = [(1, 1.0), (0, 2.0), (1, 3.0), (0, 4.0), (7, 5.0)];
        let (start, out) = group_by_slot(2, items.iter().copied());
        assert_eq!(out, vec![2.0, 4.0, 1.0, 3.0]);
        assert_eq!(start, vec![0, 2, 4]);
    }
}
