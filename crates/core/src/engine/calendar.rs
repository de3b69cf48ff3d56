//! A calendar queue of timed entries: pops the smallest entry first, exactly like a binary
//! heap over the same entries, but each push lands in an hour-wide bucket (O(1)) and only the
//! entries of the current hour sit in a small heap.
//!
//! The engine's timers and the simulator's lead events span months, and most of them go stale
//! before they are due (a contact moves the deadline); a heap over all of them pays
//! `log n` cache misses per operation on a large array, the calendar pays that only over the
//! handful of entries due within the hour.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// An entry whose first ordering key is its time in seconds.
pub(crate) trait Timed: Ord + Copy {
    fn time(&self) -> i64;
}

impl<A: Ord + Copy> Timed for (i64, A, u32, u32) {
    fn time(&self) -> i64 {
        self.0
    }
}

/// Width of one bucket, in seconds.
const WIDTH: i64 = 3600;
/// Buckets kept at most (≈ 15 years of hours); later entries share the last bucket, which
/// stays correct (the heap orders them once their bucket comes up) if slower.
const MAX_BUCKETS: usize = 1 << 17;

/// No node: the end of a bucket's list.
const NIL: u32 = u32::MAX;

/// Invariant: `near` holds every entry whose bucket is at or before `cur`, bucket `b > cur`
/// the others; so every entry of `near` is earlier than every later bucket's, and the
/// smallest entry of `near` is the smallest of all.
///
/// A bucket is a linked list through one node arena (with a free list), so pushing never
/// allocates once the arena has grown to the most entries pending at once; a `Vec` per hour
/// would allocate and grow thousands of small vectors per simulated run.
#[derive(Clone, Debug, Default)]
pub(crate) struct Calendar<K: Timed> {
    /// Start of bucket 0 (set by the first push).
    origin: Option<i64>,
    cur: usize,
    near: BinaryHeap<Reverse<K>>,
    /// First node of each bucket's list.
    heads: Vec<u32>,
    /// Entry and next node.
    nodes: Vec<(K, u32)>,
    /// First node of the free list.
    free: u32,
    /// Entries in the buckets after `cur`.
    far_len: usize,
}

impl<K: Timed> Calendar<K> {
    pub(crate) fn new() -> Self {
        Self {
            origin: None,
            cur: 0,
            near: BinaryHeap::new(),
            heads: Vec::new(),
            nodes: Vec::new(),
            free: NIL,
            far_len: 0,
        }
    }

    pub(crate) fn push(&mut self, k: K) {
        let t = k.time();
        let origin = *self.origin.get_or_insert(t);
        let b = t.saturating_sub(origin).div_euclid(WIDTH);
        let b = usize::try_from(b).unwrap_or(0).min(MAX_BUCKETS - 1);
        if b <= self.cur {
            self.near.push(Reverse(k));
            return;
        }
        if self.heads.len() <= b {
            self.heads.resize(b + 1, NIL);
        }
        let next = self.heads[b];
        let node = match self.nodes.get_mut(self.free as usize) {
            Some(slot) => {
                let node = self.free;
                self.free = slot.1;
                *slot = (k, next);
                node
            }
            None => {
                self.nodes.push((k, next));
                (self.nodes.len() - 1) as u32
            }
        };
        self.heads[b] = node;
        self.far_len += 1;
    }

    /// The smallest entry.
    pub(crate) fn peek(&mut self) -> Option<K> {
        if self.near.is_empty() {
            self.refill();
        }
        self.near.peek().map(|Reverse(k)| *k)
    }

    pub(crate) fn pop(&mut self) -> Option<K> {
        if self.near.is_empty() {
            self.refill();
        }
        self.near.pop().map(|Reverse(k)| k)
    }

    /// Moves the next non-empty bucket into `near` (which is empty) and frees its nodes.
    fn refill(&mut self) {
        if self.far_len == 0 {
            return;
        }
        let Some(next) = (self.cur + 1..self.heads.len()).find(|&b| self.heads[b] != NIL) else {
            return;
        };
        self.cur = next;
        let mut node = std::mem::replace(&mut self.heads[next], NIL);
        while let Some(slot) = self.nodes.get_mut(node as usize) {
            self.near.push(Reverse(slot.0));
            self.far_len -= 1;
            let after = slot.1;
            slot.1 = self.free;
            self.free = node;
            node = after;
        }
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn pops_in_order_across_buckets_and_late_pushes() {
        let mut c: Calendar<(i64, u8, u32, u32)> = Calendar::new();
        c.push((10_000, 1, 0, 0));
        c.push((100, 0, 2, 0));
        c.push((100, 0, 1, 0));
        c.push((-50_000, 3, 0, 0));
        assert_eq!(c.pop(), Some((-50_000, 3, 0, 0)));
        assert_eq!(c.pop(), Some((100, 0, 1, 0)));
        // Into the bucket of 10 000 s, then something earlier arrives.
        assert_eq!(c.peek(), Some((100, 0, 2, 0)));
        assert_eq!(c.pop(), Some((100, 0, 2, 0)));
        assert_eq!(c.peek(), Some((10_000, 1, 0, 0)));
        c.push((5_000, 0, 0, 0));
        c.push((i64::MAX, 0, 0, 0));
        c.push((10_000, 0, 9, 9));
        assert_eq!(c.pop(), Some((5_000, 0, 0, 0)));
        assert_eq!(c.pop(), Some((10_000, 0, 9, 9)));
        assert_eq!(c.pop(), Some((10_000, 1, 0, 0)));
        assert_eq!(c.pop(), Some((i64::MAX, 0, 0, 0)));
        assert_eq!(c.pop(), None);
        assert_eq!(c.peek(), None);
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod proptests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BinaryHeap;

    proptest! {
        /// Any interleaving of pushes and pops gives what a binary heap gives.
        #[test]
        fn pops_what_a_heap_pops(
            ops in proptest::collection::vec(
                (any::<bool>(), -400_000i64..4_000_000, 0u8..3, 0u32..4), 0..300)
        ) {
            let mut c: Calendar<(i64, u8, u32, u32)> = Calendar::new();
            let mut h = BinaryHeap::new();
            for (k, (pop, t, kind, ix)) in ops.into_iter().enumerate() {
                if pop {
                    prop_assert_eq!(c.peek(), h.peek().map(|Reverse(x)| *x));
                    prop_assert_eq!(c.pop(), h.pop().map(|Reverse(x)| x));
                } else {
                    let e = (t, kind, ix, k as u32);
                    c.push(e);
                    h.push(Reverse(e));
                }
            }
            while let Some(Reverse(x)) = h.pop() {
                prop_assert_eq!(c.pop(), Some(x));
            }
            prop_assert_eq!(c.pop(), None);
        }
    }
}
