//! WebM: an EBML header whose DocType is `webm`, then a Segment. Its frame
//! size comes from the first video track (Tracks → TrackEntry → Video).

use super::ebml::{self, Element};
use super::{Problem, Video};
use crate::media::FileFormat;

const EBML_HEADER: u32 = 0x1A45_DFA3;
const DOC_TYPE: u32 = 0x4282;
const SEGMENT: u32 = 0x1853_8067;
const TRACKS: u32 = 0x1654_AE6B;
const CLUSTER: u32 = 0x1F43_B675;
const TRACK_ENTRY: u32 = 0xAE;
const VIDEO: u32 = 0xE0;
const PIXEL_WIDTH: u32 = 0xB0;
const PIXEL_HEIGHT: u32 = 0xBA;
const DISPLAY_WIDTH: u32 = 0x54B0;
const DISPLAY_HEIGHT: u32 = 0x54BA;

/// Whether `bytes` start with the EBML magic.
pub fn looks_like(bytes: &[u8]) -> bool {
    bytes.starts_with(&EBML_HEADER.to_be_bytes())
}

/// Checks a WebM file's header and Segment and reads its frame size.
pub fn inspect(bytes: &[u8]) -> Result<Video, Problem> {
    let whole = 0..bytes.len();
    let header = ebml::element(bytes, 0, &whole)?;
    let header_end = header.data_end.ok_or(Problem::Damaged)?;
    let fields = ebml::children(bytes, header.data_start..header_end)?;
    let doc_type = fields
        .iter()
        .find(|e| e.id == DOC_TYPE)
        .and_then(|e| bytes.get(e.data_start..e.data_end?))
        .ok_or(Problem::Damaged)?;
    match doc_type {
        b"webm" => {}
        b"matroska" => return Err(Problem::Matroska),
        _ => return Err(Problem::Unknown),
    }
    let segment = ebml::element(bytes, header_end, &whole)?;
    if segment.id != SEGMENT {
        return Err(Problem::Damaged);
    }
    Ok(Video {
        format: FileFormat::Webm,
        size: frame_size(bytes, &segment)?,
    })
}

/// Walks the Segment's top-level elements up to the first Cluster (the
/// media), where Tracks must already have been: a file whose Segment holds
/// no Cluster at all carries no video.
fn frame_size(bytes: &[u8], segment: &Element) -> Result<Option<(u32, u32)>, Problem> {
    let range = segment.data_start..segment.data_end.unwrap_or(bytes.len());
    let mut at = range.start;
    let mut size = None;
    while at < range.end {
        let element = ebml::element(bytes, at, &range)?;
        if element.id == CLUSTER {
            return Ok(size);
        }
        let end = element.data_end.ok_or(Problem::Damaged)?;
        if element.id == TRACKS {
            size = tracks_size(bytes, element.data_start..end)?;
        }
        at = end;
    }
    Err(Problem::Truncated)
}

fn tracks_size(
    bytes: &[u8],
    tracks: std::ops::Range<usize>,
) -> Result<Option<(u32, u32)>, Problem> {
    for entry in ebml::children(bytes, tracks)?
        .iter()
        .filter(|e| e.id == TRACK_ENTRY)
    {
        let entry_range = entry.data_start..entry.data_end.ok_or(Problem::Damaged)?;
        for video in ebml::children(bytes, entry_range)?
            .iter()
            .filter(|e| e.id == VIDEO)
        {
            let fields = ebml::children(
                bytes,
                video.data_start..video.data_end.ok_or(Problem::Damaged)?,
            )?;
            let value = |id: u32| {
                fields
                    .iter()
                    .find(|e| e.id == id)
                    .and_then(|e| ebml::unsigned(bytes, e))
                    .and_then(|v| u32::try_from(v).ok())
                    .filter(|&v| v > 0)
            };
            let width = value(DISPLAY_WIDTH).or(value(PIXEL_WIDTH));
            let height = value(DISPLAY_HEIGHT).or(value(PIXEL_HEIGHT));
            if let (Some(width), Some(height)) = (width, height) {
                return Ok(Some((width, height)));
            }
        }
    }
    Ok(None)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// An element with a one- to four-byte id and an 8-byte size.
    pub fn element(id: u32, data: &[u8]) -> Vec<u8> {
        let id_bytes = id.to_be_bytes();
        let skip = id_bytes.iter().take_while(|&&b| b == 0).count();
        let mut out = id_bytes[skip..].to_vec();
        out.push(0x01);
        out.extend_from_slice(&(data.len() as u64).to_be_bytes()[1..]);
        out.extend_from_slice(data);
        out
    }

    /// A minimal WebM of `width` × `height`, with one Cluster of `media`.
    pub fn small_webm(doc_type: &str, width: u8, height: u8, media: &[u8]) -> Vec<u8> {
        let header = element(EBML_HEADER, &element(DOC_TYPE, doc_type.as_bytes()));
        let video = element(
            VIDEO,
            &[
                element(PIXEL_WIDTH, &[width]),
                element(PIXEL_HEIGHT, &[height]),
            ]
            .concat(),
        );
        let tracks = element(TRACKS, &element(TRACK_ENTRY, &video));
        let segment = element(SEGMENT, &[tracks, element(CLUSTER, media)].concat());
        [header, segment].concat()
    }

    #[test]
    fn a_well_formed_webm_gives_its_frame_size() {
        let video = inspect(&small_webm("webm", 160, 90, b"frames")).unwrap();
        assert_eq!(video.format, FileFormat::Webm);
        assert_eq!(video.size, Some((160, 90)));
    }

    #[test]
    fn a_live_recording_of_unknown_size_is_accepted() {
        let header = element(EBML_HEADER, &element(DOC_TYPE, b"webm"));
        let cluster = element(CLUSTER, b"frames");
        // Segment id, then the one-byte "unknown" size.
        let file = [header, vec![0x18, 0x53, 0x80, 0x67, 0xFF], cluster].concat();
        assert_eq!(inspect(&file).unwrap().size, None);
    }

    #[test]
    fn matroska_and_cut_files_are_refused() {
        assert_eq!(
            inspect(&small_webm("matroska", 16, 9, b"x")),
            Err(Problem::Matroska)
        );
        let whole = small_webm("webm", 16, 9, &[1; 50]);
        assert_eq!(inspect(&whole[..whole.len() - 5]), Err(Problem::Truncated));
        let header_only = element(EBML_HEADER, &element(DOC_TYPE, b"webm"));
        assert_eq!(inspect(&header_only), Err(Problem::Truncated));
    }
}
