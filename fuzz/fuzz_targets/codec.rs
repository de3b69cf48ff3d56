//! Fuzz target: the dataset codec's decoder. Any bytes, raw and also sealed with a valid
//! magic and checksum (so that mutations reach the table decoders instead of stopping at the
//! checksum), decode to a dataset or a `CodecError`, never a panic or a huge allocation; what
//! decodes re-encodes to bytes that decode again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reallot_core::codec::{decode, encode};

/// FNV-1a over 32 bits, as the codec seals its files.
fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5, |h, &b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

fuzz_target!(|data: &[u8]| {
    let _ = decode(data);
    let mut sealed = b"RLOT".to_vec();
    sealed.extend_from_slice(data);
    let sum = fnv1a(&sealed);
    sealed.extend_from_slice(&sum.to_le_bytes());
    if let Ok(ds) = decode(&sealed) {
        let again = encode(&ds);
        assert!(decode(&again).is_ok(), "a decoded dataset must re-encode");
    }
});
