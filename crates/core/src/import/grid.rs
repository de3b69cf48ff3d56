//! `Grid`: the cells of a parsed file as one string buffer plus offsets, so a million-row file
//! costs its text and four bytes a cell rather than a `String` per cell.

/// Rows of text cells, each row remembering its row number in the source file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Grid {
    text: String,
    /// End offset in `text` of each cell.
    ends: Vec<u32>,
    /// Index in `ends` of the first cell of each row, plus a final sentinel.
    starts: Vec<u32>,
    /// 1-based row (line) number in the source of each row.
    source_rows: Vec<u32>,
}

impl Grid {
    pub fn new() -> Self {
        Self {
            starts: vec![0],
            ..Self::default()
        }
    }

    /// Pre-sizes the buffers for a source of `bytes` bytes.
    pub fn with_capacity(bytes: usize) -> Self {
        let mut g = Self::new();
        g.text.reserve(bytes);
        g.ends.reserve(bytes / 8);
        g.starts.reserve(bytes / 64);
        g.source_rows.reserve(bytes / 64);
        g
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.source_rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.source_rows.is_empty()
    }

    /// Appends text to the cell being built.
    pub(crate) fn extend_cell(&mut self, s: &str) {
        self.text.push_str(s);
    }

    /// Ends the cell being built.
    pub(crate) fn end_cell(&mut self) {
        self.ends.push(self.text.len() as u32);
    }

    /// Appends a whole cell.
    pub fn push_cell(&mut self, s: &str) {
        self.extend_cell(s);
        self.end_cell();
    }

    /// Ends the row being built, numbered `source_row` in the source.
    pub fn end_row(&mut self, source_row: usize) {
        self.starts.push(self.ends.len() as u32);
        self.source_rows
            .push(source_row.min(u32::MAX as usize) as u32);
    }

    /// Drops the cells of the row being built (not yet ended).
    pub(crate) fn discard_partial_row(&mut self) {
        let first = self.starts.last().copied().unwrap_or(0) as usize;
        let text_end = match first.checked_sub(1) {
            Some(prev) => self.ends.get(prev).copied().unwrap_or(0) as usize,
            None => 0,
        };
        self.ends.truncate(first);
        self.text.truncate(text_end);
    }

    /// Row `i`, empty if out of range.
    pub fn row(&self, i: usize) -> Row<'_> {
        let (a, b) = match (self.starts.get(i), self.starts.get(i + 1)) {
            (Some(&a), Some(&b)) => (a as usize, b as usize),
            _ => (0, 0),
        };
        Row {
            grid: self,
            first: a,
            len: b - a,
        }
    }

    /// 1-based source row number of row `i`.
    pub fn source_row(&self, i: usize) -> usize {
        self.source_rows.get(i).map_or(0, |&r| r as usize)
    }

    pub fn rows(&self) -> impl ExactSizeIterator<Item = Row<'_>> {
        (0..self.len()).map(|i| self.row(i))
    }

    fn cell(&self, idx: usize) -> &str {
        let end = self.ends.get(idx).copied().unwrap_or(0) as usize;
        let start = match idx.checked_sub(1) {
            Some(p) => self.ends.get(p).copied().unwrap_or(0) as usize,
            None => 0,
        };
        self.text.get(start..end).unwrap_or("")
    }
}

/// One row of a [`Grid`].
#[derive(Clone, Copy, Debug)]
pub struct Row<'g> {
    grid: &'g Grid,
    first: usize,
    len: usize,
}

impl<'g> Row<'g> {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Cell `j`, or `""` past the end of a short row.
    pub fn get(&self, j: usize) -> &'g str {
        if j < self.len {
            self.grid.cell(self.first + j)
        } else {
            ""
        }
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = &'g str> + use<'g> {
        let r = *self;
        (0..r.len).map(move |j| r.get(j))
    }

    /// Whether every cell is empty or blank.
    pub fn is_blank(&self) -> bool {
        self.iter().all(|c| c.trim().is_empty())
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn stores_and_reads_rows() {
        let mut g = Grid::new();
        g.push_cell("a");
        g.push_cell("");
        g.end_row(1);
        g.push_cell("客户");
        g.extend_cell("x");
        g.discard_partial_row();
        g.push_cell("c");
        g.end_row(3);
        assert_eq!(g.len(), 2);
        assert_eq!(g.row(0).iter().collect::<Vec<_>>(), ["a", ""]);
        assert_eq!(g.row(1).iter().collect::<Vec<_>>(), ["c"]);
        assert_eq!(g.row(1).get(5), "");
        assert_eq!(g.row(9).len(), 0);
        assert_eq!((g.source_row(1), g.source_row(7)), (3, 0));
    }
}
