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
}
