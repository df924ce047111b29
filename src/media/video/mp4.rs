//! MP4 (ISO/IEC 14496-12 boxes): an `ftyp` box first, naming a brand a
//! browser plays, then a sequence of well-formed boxes holding a `moov`
//! (the index) and an `mdat` (the media). The frame size comes from the
//! first video track's `tkhd`.

use super::{Problem, Video};
use crate::media::FileFormat;

/// Brands of MP4 files browsers play (ISO base media, MPEG-4, DASH, Apple's
/// M4V, Sony's XAVC S): the major brand or any compatible one must be here.
const VIDEO_BRANDS: [&[u8; 4]; 17] = [
    b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"iso7", b"iso8", b"iso9", b"mp41",
    b"mp42", b"avc1", b"dash", b"M4V ", b"mmp4", b"MSNV", b"XAVC",
];
/// Brands of still images in the same box format (HEIF, HEIC, AVIF).
const IMAGE_BRANDS: [&[u8; 4]; 10] = [
    b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1", b"avif", b"avis",
];

/// Whether `bytes` start with an `ftyp` box header.
pub fn looks_like(bytes: &[u8]) -> bool {
    bytes.get(4..8) == Some(b"ftyp")
}

/// One box: its type and its payload's place in the data.
struct Mp4Box {
    kind: [u8; 4],
    payload: std::ops::Range<usize>,
}

/// The boxes laid end to end in `data[range]`.
fn boxes(data: &[u8], range: std::ops::Range<usize>) -> Result<Vec<Mp4Box>, Problem> {
    let mut found = Vec::new();
    let mut at = range.start;
    while at < range.end {
        let header = data.get(at..at + 8).ok_or(Problem::Truncated)?;
        let size32 = u32::from_be_bytes(header[..4].try_into().expect("4 bytes"));
        let kind: [u8; 4] = header[4..8].try_into().expect("4 bytes");
        if !kind.iter().all(|b| (0x20..=0x7e).contains(b)) {
            return Err(Problem::Damaged);
        }
        let (header_len, size) = match size32 {
            // Extends to the end of its parent.
            0 => (8, (range.end - at) as u64),
            1 => {
                let large = data.get(at + 8..at + 16).ok_or(Problem::Truncated)?;
                (16, u64::from_be_bytes(large.try_into().expect("8 bytes")))
            }
            size => (8, u64::from(size)),
        };
        if size < header_len as u64 {
            return Err(Problem::Damaged);
        }
        let end = (at as u64).checked_add(size).ok_or(Problem::Damaged)?;
        if end > range.end as u64 {
            return Err(Problem::Truncated);
        }
        let end = end as usize;
        found.push(Mp4Box {
            kind,
            payload: at + header_len..end,
        });
        at = end;
    }
    Ok(found)
}

/// Checks an MP4 file's structure and reads its frame size.
pub fn inspect(bytes: &[u8]) -> Result<Video, Problem> {
    let top = boxes(bytes, 0..bytes.len())?;
    let ftyp = top
        .first()
        .filter(|b| &b.kind == b"ftyp")
        .ok_or(Problem::Unknown)?;
    check_brands(&bytes[ftyp.payload.clone()])?;
    let moov = top
        .iter()
        .find(|b| &b.kind == b"moov")
        .ok_or(Problem::Truncated)?;
    if !top.iter().any(|b| &b.kind == b"mdat") {
        return Err(Problem::Truncated);
    }
    Ok(Video {
        format: FileFormat::Mp4,
        size: frame_size(bytes, moov.payload.clone())?,
    })
}

/// `ftyp`: major brand, minor version, then compatible brands.
fn check_brands(ftyp: &[u8]) -> Result<(), Problem> {
    if ftyp.len() < 8 || !(ftyp.len() - 8).is_multiple_of(4) {
        return Err(Problem::Damaged);
    }
    let major = &ftyp[..4];
    let brands: Vec<&[u8]> = std::iter::once(major)
        .chain(ftyp[8..].chunks_exact(4))
        .collect();
    let any_of = |set: &[&[u8; 4]]| brands.iter().any(|b| set.iter().any(|s| &s[..] == *b));
    if major == b"qt  " {
        Err(Problem::QuickTime)
    } else if any_of(&IMAGE_BRANDS) && !any_of(&VIDEO_BRANDS) {
        Err(Problem::StillImage)
    } else if any_of(&VIDEO_BRANDS) {
        Ok(())
    } else {
        Err(Problem::Unknown)
    }
}

/// The display size of the first track with one (audio tracks have none).
fn frame_size(data: &[u8], moov: std::ops::Range<usize>) -> Result<Option<(u32, u32)>, Problem> {
    for trak in boxes(data, moov)?.iter().filter(|b| &b.kind == b"trak") {
        let tkhd = boxes(data, trak.payload.clone())?
            .into_iter()
            .find(|b| &b.kind == b"tkhd");
        if let Some(size) = tkhd.and_then(|tkhd| track_size(&data[tkhd.payload])) {
            return Ok(Some(size));
        }
    }
    Ok(None)
}

/// `tkhd`: after the times and ids (longer in version 1), a 3×3 matrix and
/// the width and height in 16.16 fixed point. A matrix whose diagonal is
/// zero turns the picture a quarter: phones film portrait that way.
fn track_size(tkhd: &[u8]) -> Option<(u32, u32)> {
    let matrix_at = match tkhd.first()? {
        0 => 40,
        1 => 52,
        _ => return None,
    };
    let word = |at: usize| {
        tkhd.get(at..at + 4)
            .map(|b| u32::from_be_bytes(b.try_into().expect("4 bytes")))
    };
    let (width, height) = (word(matrix_at + 36)? >> 16, word(matrix_at + 40)? >> 16);
    if width == 0 || height == 0 {
        return None;
    }
    let quarter_turn = word(matrix_at)? == 0 && word(matrix_at + 16)? == 0;
    Some(if quarter_turn {
        (height, width)
    } else {
        (width, height)
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A box of `kind` around `payload`.
    pub fn mp4_box(kind: &[u8; 4], payload: &[u8]) -> Vec<u8> {
        let mut out = ((payload.len() + 8) as u32).to_be_bytes().to_vec();
        out.extend_from_slice(kind);
        out.extend_from_slice(payload);
        out
    }

    /// A version-0 `tkhd` of `width` × `height`, turned a quarter or not.
    fn tkhd(width: u32, height: u32, quarter_turn: bool) -> Vec<u8> {
        let mut payload = vec![0u8; 40];
        let one = 0x0001_0000u32.to_be_bytes();
        let minus_one = 0xFFFF_0000u32.to_be_bytes();
        let mut matrix = vec![0u8; 36];
        if quarter_turn {
            matrix[4..8].copy_from_slice(&one);
            matrix[12..16].copy_from_slice(&minus_one);
        } else {
            matrix[0..4].copy_from_slice(&one);
            matrix[16..20].copy_from_slice(&one);
        }
        matrix[32..36].copy_from_slice(&0x4000_0000u32.to_be_bytes());
        payload.extend_from_slice(&matrix);
        payload.extend_from_slice(&(width << 16).to_be_bytes());
        payload.extend_from_slice(&(height << 16).to_be_bytes());
        mp4_box(b"tkhd", &payload)
    }

    fn ftyp(major: &[u8; 4], compatible: &[&[u8; 4]]) -> Vec<u8> {
        let mut payload = major.to_vec();
        payload.extend_from_slice(&[0, 0, 2, 0]);
        for brand in compatible {
            payload.extend_from_slice(&brand[..]);
        }
        mp4_box(b"ftyp", &payload)
    }

    /// A minimal MP4: ftyp, moov with an audio and a video track, mdat.
    pub fn small_mp4(width: u32, height: u32, quarter_turn: bool, media: &[u8]) -> Vec<u8> {
        let audio = mp4_box(b"trak", &tkhd(0, 0, false));
        let video = mp4_box(b"trak", &tkhd(width, height, quarter_turn));
        let moov = mp4_box(b"moov", &[audio, video].concat());
        [
            ftyp(b"isom", &[b"isom", b"iso2", b"avc1", b"mp41"]),
            moov,
            mp4_box(b"mdat", media),
        ]
        .concat()
    }

    #[test]
    fn a_well_formed_mp4_gives_its_frame_size_turned_as_shown() {
        let video = inspect(&small_mp4(1920, 1080, false, b"frames")).unwrap();
        assert_eq!(video.format, FileFormat::Mp4);
        assert_eq!(video.size, Some((1920, 1080)));
        let portrait = inspect(&small_mp4(1920, 1080, true, b"frames")).unwrap();
        assert_eq!(portrait.size, Some((1080, 1920)));
    }

    #[test]
    fn a_cut_or_broken_mp4_is_refused() {
        let whole = small_mp4(640, 360, false, &[7; 100]);
        assert_eq!(inspect(&whole[..whole.len() - 10]), Err(Problem::Truncated));
        let no_mdat = [ftyp(b"mp42", &[b"isom"]), mp4_box(b"moov", &[])].concat();
        assert_eq!(inspect(&no_mdat), Err(Problem::Truncated));
        let mut tiny_box = whole.clone();
        let moov_at = u32::from_be_bytes(whole[..4].try_into().unwrap()) as usize;
        tiny_box[moov_at..moov_at + 4].copy_from_slice(&4u32.to_be_bytes());
        assert_eq!(inspect(&tiny_box), Err(Problem::Damaged));
    }

    #[test]
    fn brands_tell_mp4_from_quicktime_and_photos() {
        let with = |brand: &[u8; 4], compatible: &[&[u8; 4]]| {
            let file = [
                ftyp(brand, compatible),
                mp4_box(b"moov", &[]),
                mp4_box(b"mdat", b"x"),
            ]
            .concat();
            inspect(&file).map(|v| v.format)
        };
        assert_eq!(with(b"mp42", &[b"mp41"]), Ok(FileFormat::Mp4));
        assert_eq!(with(b"qt  ", &[b"qt  "]), Err(Problem::QuickTime));
        assert_eq!(with(b"heic", &[b"mif1", b"heic"]), Err(Problem::StillImage));
        assert_eq!(with(b"avif", &[b"avif", b"mif1"]), Err(Problem::StillImage));
        assert_eq!(with(b"abcd", &[b"efgh"]), Err(Problem::Unknown));
    }
}
