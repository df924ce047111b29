//! Photo processing benchmark, run by `bench/media.sh`: a 12-megapixel JPEG
//! (4000 × 3000, generated, with an EXIF block) through the whole upload
//! pipeline — recognise, check, decode, turn upright, resize to three
//! widths, encode JPEG and WebP, write the files, record the row — against
//! decoding the same JPEG alone, the least any pipeline must spend.
//!
//! Prints table rows: `| measure | newsdesk | reference | ratio | target |`.

use std::time::{Duration, Instant};

use image::{ImageEncoder, Rgb, RgbImage};
use newsdesk::media::{Expected, Limits, MediaLibrary};

const WIDTH: u32 = 4000;
const HEIGHT: u32 = 3000;

/// A photo-like picture (gradients with grain), as a JPEG at quality 90.
fn twelve_megapixels(seed: u32) -> Vec<u8> {
    let image = RgbImage::from_fn(WIDTH, HEIGHT, |x, y| {
        let grain = ((x.wrapping_mul(7919) ^ y.wrapping_mul(104_729) ^ seed) % 29) as u8;
        Rgb([
            (x * 200 / WIDTH) as u8 + grain,
            (y * 200 / HEIGHT) as u8 + grain,
            ((x + y) * 100 / (WIDTH + HEIGHT)) as u8 + 60 + grain,
        ])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .write_image(
            image.as_raw(),
            WIDTH,
            HEIGHT,
            image::ExtendedColorType::Rgb8,
        )
        .expect("encoding in memory");
    out
}

fn median(mut times: Vec<Duration>) -> f64 {
    times.sort();
    times[times.len() / 2].as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let runs: usize = std::env::args()
        .nth(1)
        .map(|n| n.parse())
        .transpose()?
        .unwrap_or(5);
    let mut pipeline = Vec::new();
    let mut decode = Vec::new();
    let mut sizes = (0, 0);
    for run in 0..runs {
        // A different photo each run: the library would otherwise find the
        // same bytes already stored and do nothing.
        let jpeg = twelve_megapixels(run as u32);
        let started = Instant::now();
        let decoded = image::load_from_memory_with_format(&jpeg, image::ImageFormat::Jpeg)?;
        decode.push(started.elapsed());
        assert_eq!(decoded.width(), WIDTH);

        let dir = tempfile::tempdir()?;
        let db = newsdesk::db::connect(&format!("sqlite://{}", dir.path().join("b.db").display()))
            .await?;
        let library = MediaLibrary::open(&dir.path().join("media"), Limits::default())?;
        let bytes = jpeg.len();
        let started = Instant::now();
        let stored = library
            .store(
                &db,
                jpeg.into(),
                "bench.jpg",
                Expected::Photo,
                chrono::Utc::now(),
            )
            .await?;
        pipeline.push(started.elapsed());
        sizes = (
            bytes,
            stored.files.iter().map(|f| f.bytes).sum::<u64>() as usize,
        );
        eprintln!(
            "run {run}: {:.0} ms, {} files",
            pipeline[run].as_secs_f64() * 1000.0,
            stored.files.len()
        );
    }
    eprintln!(
        "upload {} KB, stored files {} KB in all",
        sizes.0 / 1000,
        sizes.1 / 1000
    );
    let (newsdesk, reference) = (median(pipeline), median(decode));
    println!(
        "| 12-megapixel JPEG, upload to stored files and row (ms, median of {runs}; reference: decoding it alone) | {newsdesk:.0} | {reference:.0} | {:.2} | < 2000 ms |",
        newsdesk / reference
    );
    Ok(())
}
