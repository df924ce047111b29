//! Just enough EBML (RFC 8794) to walk a WebM file: element ids, sizes
//! (including the "unknown" size live recorders write) and unsigned values.

use std::ops::Range;

use super::Problem;

/// One element: its id and its data's place. `data.end` is `None` for an
/// element of unknown size (it runs until a parent-level element starts).
pub struct Element {
    pub id: u32,
    pub data_start: usize,
    pub data_end: Option<usize>,
}

/// Length in bytes of the variable-length integer starting with `first`.
fn vint_len(first: u8) -> Option<usize> {
    (first != 0).then(|| first.leading_zeros() as usize + 1)
}

/// The element starting at `at`, which must lie within `within`.
pub fn element(data: &[u8], at: usize, within: &Range<usize>) -> Result<Element, Problem> {
    let byte = |i: usize| {
        if i < within.end {
            data.get(i).copied().ok_or(Problem::Truncated)
        } else {
            Err(Problem::Truncated)
        }
    };
    let id_len = vint_len(byte(at)?)
        .filter(|&n| n <= 4)
        .ok_or(Problem::Damaged)?;
    let mut id = 0u32;
    for i in 0..id_len {
        id = id << 8 | u32::from(byte(at + i)?);
    }
    let size_at = at + id_len;
    let first = byte(size_at)?;
    let size_len = vint_len(first).ok_or(Problem::Damaged)?;
    // The first byte's bits after its length marker (none for 8 bytes).
    let value_bits = 0xffu8.checked_shr(size_len as u32).unwrap_or(0);
    let mut size = u64::from(first & value_bits);
    let mut all_ones = first & value_bits == value_bits;
    for i in 1..size_len {
        let b = byte(size_at + i)?;
        all_ones &= b == 0xff;
        size = size << 8 | u64::from(b);
    }
    let data_start = size_at + size_len;
    let data_end = if all_ones {
        None
    } else {
        let end = (data_start as u64)
            .checked_add(size)
            .ok_or(Problem::Damaged)?;
        if end > within.end as u64 {
            return Err(Problem::Truncated);
        }
        Some(end as usize)
    };
    Ok(Element {
        id,
        data_start,
        data_end,
    })
}

/// The elements laid end to end in `range` (each of known size).
pub fn children(data: &[u8], range: Range<usize>) -> Result<Vec<Element>, Problem> {
    let mut found = Vec::new();
    let mut at = range.start;
    while at < range.end {
        let child = element(data, at, &range)?;
        at = child.data_end.ok_or(Problem::Damaged)?;
        found.push(child);
    }
    Ok(found)
}

/// An unsigned integer element's value (1 to 8 bytes, big-endian).
pub fn unsigned(data: &[u8], element: &Element) -> Option<u64> {
    let bytes = data.get(element.data_start..element.data_end?)?;
    (bytes.len() <= 8).then(|| bytes.iter().fold(0, |n, &b| n << 8 | u64::from(b)))
}
