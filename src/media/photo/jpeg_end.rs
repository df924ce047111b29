//! Whether a JPEG is whole. The decoder fills a cut-off JPEG with grey
//! rather than failing, so the markers are walked to the end-of-image
//! marker instead: a file that ends before it was cut short.

/// Walks the marker segments and entropy-coded scans from SOI; true when an
/// EOI marker is reached within the data. Bytes after EOI (phones append
/// motion-photo video there) are not looked at.
pub fn is_complete(jpeg: &[u8]) -> bool {
    if !jpeg.starts_with(&[0xFF, 0xD8]) {
        return false;
    }
    let mut at = 2;
    loop {
        // Markers may be preceded by any number of 0xFF fill bytes.
        while jpeg.get(at) == Some(&0xFF) && jpeg.get(at + 1) == Some(&0xFF) {
            at += 1;
        }
        let (Some(0xFF), Some(&marker)) = (jpeg.get(at), jpeg.get(at + 1)) else {
            return false;
        };
        at += 2;
        match marker {
            0xD9 => return true,
            // Standalone markers: restart markers and TEM carry no length.
            0xD0..=0xD7 | 0x01 => continue,
            _ => {}
        }
        let Some(length) = jpeg.get(at..at + 2) else {
            return false;
        };
        at += usize::from(u16::from_be_bytes([length[0], length[1]]));
        if at > jpeg.len() {
            return false;
        }
        if marker == 0xDA {
            match end_of_scan(jpeg, at) {
                Some(next) => at = next,
                None => return false,
            }
        }
    }
}

/// The position of the first marker after the scan data starting at `at`
/// (0xFF00 is an escaped data byte, 0xFFD0–D7 restart markers inside the
/// scan), or `None` when the data ends first.
fn end_of_scan(jpeg: &[u8], mut at: usize) -> Option<usize> {
    loop {
        let offset = jpeg.get(at..)?.iter().position(|&b| b == 0xFF)?;
        at += offset;
        match jpeg.get(at + 1)? {
            0x00 | 0xD0..=0xD7 | 0xFF => at += 1,
            _ => return Some(at),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small_jpeg() -> Vec<u8> {
        let image =
            image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([x as u8 * 4, y as u8 * 5, 90]));
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80)
            .encode_image(&image)
            .unwrap();
        out
    }

    #[test]
    fn a_whole_jpeg_is_complete_and_every_cut_of_it_is_not() {
        let jpeg = small_jpeg();
        assert!(is_complete(&jpeg));
        for cut in [2, 20, jpeg.len() / 2, jpeg.len() - 2, jpeg.len() - 1] {
            assert!(!is_complete(&jpeg[..cut]), "cut at {cut}");
        }
    }

    #[test]
    fn data_after_the_end_marker_does_not_matter() {
        let mut jpeg = small_jpeg();
        jpeg.extend_from_slice(b"\0\0\0\x18ftypmp42 motion photo");
        assert!(is_complete(&jpeg));
    }
}
