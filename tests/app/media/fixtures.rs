//! Test files made in code: photos with and without EXIF (orientation, GPS),
//! a PNG that declares ten gigapixels, small MP4 and WebM files.

use image::{ImageEncoder, Rgb, RgbImage, Rgba, RgbaImage};

/// A photo-like picture: smooth gradients with some grain, which lossy
/// codecs compress as they do real photos.
pub fn picture(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        let grain = ((x.wrapping_mul(7919) ^ y.wrapping_mul(104_729)) % 23) as u8;
        Rgb([
            (x * 200 / width) as u8 + grain,
            (y * 200 / height) as u8 + grain,
            120 + grain,
        ])
    })
}

/// Left half red, right half blue: which way up it is shows.
pub fn halves(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, _| {
        if x < width / 2 {
            Rgb([220, 20, 20])
        } else {
            Rgb([20, 20, 220])
        }
    })
}

pub fn jpeg(image: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .encode_image(image)
        .unwrap();
    out
}

pub fn png(image: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(
            image.as_raw(),
            image.width(),
            image.height(),
            image::ExtendedColorType::Rgb8,
        )
        .unwrap();
    out
}

/// A flat `colour` JPEG tagged as Display P3 (an iPhone's colour space).
pub fn display_p3_jpeg(colour: [u8; 3]) -> Vec<u8> {
    let image = RgbImage::from_pixel(320, 240, Rgb(colour));
    let mut out = Vec::new();
    let mut encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 95);
    let p3 = moxcms::ColorProfile::new_display_p3().encode().unwrap();
    encoder.set_icc_profile(p3).unwrap();
    encoder.encode_image(&image).unwrap();
    out
}

/// A PNG whose left half is fully transparent.
pub fn half_transparent_png(width: u32, height: u32) -> Vec<u8> {
    let image = RgbaImage::from_fn(width, height, |x, _| {
        if x < width / 2 {
            Rgba([0, 0, 0, 0])
        } else {
            Rgba([30, 120, 30, 255])
        }
    });
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(
            image.as_raw(),
            width,
            height,
            image::ExtendedColorType::Rgba8,
        )
        .unwrap();
    out
}

/// A (lossless) WebP, as a browser or phone may send.
pub fn webp(image: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::webp::WebPEncoder::new_lossless(&mut out)
        .write_image(
            image.as_raw(),
            image.width(),
            image.height(),
            image::ExtendedColorType::Rgb8,
        )
        .unwrap();
    out
}

/// The camera maker written into [`with_exif`]'s block.
pub const CAMERA_MAKE: &[u8] = b"NewsPhone Pro";

/// The GPS latitude written into [`with_exif`]'s block, as the three
/// RATIONALs (little-endian) it is stored as: 53° 38' 42.42".
pub fn gps_latitude_bytes() -> Vec<u8> {
    [53u32, 1, 38, 1, 4242, 100]
        .iter()
        .flat_map(|n| n.to_le_bytes())
        .collect()
}

/// `jpeg` with an APP1 Exif segment spliced in after SOI, as a phone writes
/// it: orientation, camera make and a GPS position (Huddersfield).
pub fn with_exif(jpeg: &[u8], orientation: u16) -> Vec<u8> {
    let tiff = exif_tiff(orientation);
    let mut segment = vec![0xFF, 0xE1];
    segment.extend_from_slice(&((2 + 6 + tiff.len()) as u16).to_be_bytes());
    segment.extend_from_slice(b"Exif\0\0");
    segment.extend_from_slice(&tiff);
    assert_eq!(&jpeg[..2], [0xFF, 0xD8]);
    [&jpeg[..2], &segment[..], &jpeg[2..]].concat()
}

/// One 12-byte IFD entry (little-endian): tag, type, count, value or offset.
fn entry(tag: u16, kind: u16, count: u32, value: [u8; 4]) -> Vec<u8> {
    [
        &tag.to_le_bytes()[..],
        &kind.to_le_bytes(),
        &count.to_le_bytes(),
        &value,
    ]
    .concat()
}

const ASCII: u16 = 2;
const SHORT: u16 = 3;
const LONG: u16 = 4;
const RATIONAL: u16 = 5;

/// A little-endian TIFF block: IFD0 (orientation, make, GPS pointer), the
/// GPS IFD (latitude and longitude with their references), then the values
/// too long to sit in an entry.
fn exif_tiff(orientation: u16) -> Vec<u8> {
    let ifd0_at = 8u32;
    let ifd0_len = 2 + 3 * 12 + 4;
    let gps_at = ifd0_at + ifd0_len;
    let gps_len = 2 + 4 * 12 + 4;
    let make_at = gps_at + gps_len;
    let make_len = CAMERA_MAKE.len() as u32 + 1;
    let latitude_at = make_at + make_len;
    let longitude_at = latitude_at + 24;

    let mut orientation_value = [0u8; 4];
    orientation_value[..2].copy_from_slice(&orientation.to_le_bytes());
    let mut tiff = b"II\x2A\x00".to_vec();
    tiff.extend_from_slice(&ifd0_at.to_le_bytes());
    tiff.extend_from_slice(&3u16.to_le_bytes());
    tiff.extend(entry(0x010F, ASCII, make_len, make_at.to_le_bytes()));
    tiff.extend(entry(0x0112, SHORT, 1, orientation_value));
    tiff.extend(entry(0x8825, LONG, 1, gps_at.to_le_bytes()));
    tiff.extend_from_slice(&0u32.to_le_bytes());
    tiff.extend_from_slice(&4u16.to_le_bytes());
    tiff.extend(entry(0x0001, ASCII, 2, *b"N\0\0\0"));
    tiff.extend(entry(0x0002, RATIONAL, 3, latitude_at.to_le_bytes()));
    tiff.extend(entry(0x0003, ASCII, 2, *b"W\0\0\0"));
    tiff.extend(entry(0x0004, RATIONAL, 3, longitude_at.to_le_bytes()));
    tiff.extend_from_slice(&0u32.to_le_bytes());
    tiff.extend_from_slice(CAMERA_MAKE);
    tiff.push(0);
    tiff.extend(gps_latitude_bytes());
    tiff.extend(
        [1u32, 1, 46, 1, 1717, 100]
            .iter()
            .flat_map(|n| n.to_le_bytes()),
    );
    assert_eq!(tiff.len() as u32, longitude_at + 24);
    tiff
}

/// A PNG chunk with its CRC.
fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut crc = flate2::Crc::new();
    crc.update(kind);
    crc.update(data);
    [
        &(data.len() as u32).to_be_bytes()[..],
        kind,
        data,
        &crc.sum().to_be_bytes(),
    ]
    .concat()
}

/// A few hundred bytes of PNG whose header declares `width` × `height`
/// RGB pixels: decoded, it would take 30 GB at 100000 × 100000.
pub fn png_bomb(width: u32, height: u32) -> Vec<u8> {
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut zlib = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    std::io::Write::write_all(&mut zlib, &[0u8; 64 * 1024]).unwrap();
    let idat = zlib.finish().unwrap();
    [
        &b"\x89PNG\r\n\x1a\n"[..],
        &png_chunk(b"IHDR", &ihdr),
        &png_chunk(b"IDAT", &idat),
        &png_chunk(b"IEND", &[]),
    ]
    .concat()
}

/// An MP4 box.
pub fn mp4_box(kind: &[u8; 4], payload: &[u8]) -> Vec<u8> {
    [
        &((payload.len() + 8) as u32).to_be_bytes()[..],
        kind,
        payload,
    ]
    .concat()
}

/// `ftyp` with `major` and `compatible` brands.
pub fn ftyp(major: &[u8; 4], compatible: &[&[u8; 4]]) -> Vec<u8> {
    let mut payload = major.to_vec();
    payload.extend_from_slice(&[0, 0, 2, 0]);
    for brand in compatible {
        payload.extend_from_slice(&brand[..]);
    }
    mp4_box(b"ftyp", &payload)
}

/// A version-0 `tkhd` of a 1280 × 720 video track.
fn tkhd() -> Vec<u8> {
    let mut payload = vec![0u8; 40];
    let mut matrix = [0u8; 36];
    matrix[0..4].copy_from_slice(&0x0001_0000u32.to_be_bytes());
    matrix[16..20].copy_from_slice(&0x0001_0000u32.to_be_bytes());
    matrix[32..36].copy_from_slice(&0x4000_0000u32.to_be_bytes());
    payload.extend_from_slice(&matrix);
    payload.extend_from_slice(&(1280u32 << 16).to_be_bytes());
    payload.extend_from_slice(&(720u32 << 16).to_be_bytes());
    mp4_box(b"tkhd", &payload)
}

/// A structurally valid MP4 of 1280 × 720 whose media data is `media_len`
/// bytes of a counting pattern (so any range of it is recognisable).
pub fn mp4(media_len: usize) -> Vec<u8> {
    let media: Vec<u8> = (0..media_len).map(|i| (i % 251) as u8).collect();
    [
        ftyp(b"isom", &[b"isom", b"iso2", b"avc1", b"mp41"]),
        mp4_box(b"moov", &mp4_box(b"trak", &tkhd())),
        mp4_box(b"mdat", &media),
    ]
    .concat()
}

/// An EBML element with an 8-byte size.
fn ebml(id: &[u8], data: &[u8]) -> Vec<u8> {
    let mut out = id.to_vec();
    out.push(0x01);
    out.extend_from_slice(&(data.len() as u64).to_be_bytes()[1..]);
    out.extend_from_slice(data);
    out
}

/// A structurally valid WebM of 640 × 360 with one Cluster.
pub fn webm(doc_type: &str) -> Vec<u8> {
    let header = ebml(
        &[0x1A, 0x45, 0xDF, 0xA3],
        &ebml(&[0x42, 0x82], doc_type.as_bytes()),
    );
    let video = ebml(
        &[0xE0],
        &[ebml(&[0xB0], &[0x02, 0x80]), ebml(&[0xBA], &[0x01, 0x68])].concat(),
    );
    let tracks = ebml(&[0x16, 0x54, 0xAE, 0x6B], &ebml(&[0xAE], &video));
    let cluster = ebml(&[0x1F, 0x43, 0xB6, 0x75], &[9; 300]);
    let segment = ebml(&[0x18, 0x53, 0x80, 0x67], &[tracks, cluster].concat());
    [header, segment].concat()
}

/// Whether `needle` occurs in `haystack`.
pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
