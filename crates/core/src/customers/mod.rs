//! Customer measures.
