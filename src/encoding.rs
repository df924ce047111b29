//! Content codings: which one a request accepts (`Accept-Encoding` with its
//! q-values), and the compressed variants of a body, each made once and then
//! shared by every request that asks for it.

use std::io::Write;
use std::sync::OnceLock;

use actix_web::HttpRequest;
use actix_web::http::header;
use actix_web::web::Bytes;

/// A representation's content coding, in the order preferred on equal q.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    Brotli,
    Gzip,
    Identity,
}

/// Brotli quality for cached pages, feeds and sitemaps: compressed once per
/// version, but on the request that first asks, so that reader waits for it.
/// On the demo's 49 KB story page quality 5 takes 0.9 ms (as long as gzip)
/// for 6.7 KB, 8% less than gzip's 7.2 KB; 6 to 8 save under 1% more for up
/// to twice the time, 9 takes 14 ms and 11 takes 94 ms for 5.8 KB.
const PAGE_QUALITY: u32 = 5;
/// Brotli quality for documents past [`LARGE`]: a sitemap page of 50,000
/// stories (6 MB) takes 25 ms at quality 3 and 160 ms at 5, a wait that
/// also holds up the other requests of its worker; both are smaller than
/// gzip's.
const LARGE_QUALITY: u32 = 3;
/// Where a document counts as large.
const LARGE: usize = 1024 * 1024;

/// The brotli quality for a cached document of `len` bytes.
pub fn page_quality(len: usize) -> u32 {
    if len > LARGE {
        LARGE_QUALITY
    } else {
        PAGE_QUALITY
    }
}
/// Brotli quality for static assets: compressed once per process, at start
/// (60 ms for all of them, 13% smaller than at quality 5).
pub const ASSET_QUALITY: u32 = 11;
/// Brotli's window (2^22 bytes): larger than any page.
const WINDOW_BITS: u32 = 22;

impl Coding {
    /// The coding `req` prefers among those newsdesk makes.
    pub fn accepted_by(req: &HttpRequest) -> Coding {
        match req.headers().get(header::ACCEPT_ENCODING) {
            // Not text: no coding can be read from it.
            Some(value) => value.to_str().map_or(Coding::Identity, Coding::negotiate),
            None => Coding::Identity,
        }
    }

    /// The coding an `Accept-Encoding` value prefers (RFC 9110 §12.5.3):
    /// the highest q among brotli, gzip and identity, brotli first on equal
    /// q. A coding not named gets the q of `*`, if given; identity is
    /// acceptable unless excluded, but chosen only when nothing compressed
    /// has a higher q. When every coding is excluded the header is
    /// disregarded and the body sent as it is.
    pub fn negotiate(accept_encoding: &str) -> Coding {
        let weight = |coding: Coding| {
            let named = |wanted: &str| {
                accept_encoding
                    .split(',')
                    .filter_map(parse_element)
                    .filter(|(name, _)| name.eq_ignore_ascii_case(wanted))
                    .map(|(_, q)| q)
                    .max()
            };
            let own = match coding {
                Coding::Brotli => named("br"),
                Coding::Gzip => named("gzip").or_else(|| named("x-gzip")),
                Coding::Identity => named("identity"),
            };
            match (own, named("*"), coding) {
                (Some(q), _, _) | (None, Some(q), _) => q,
                // Acceptable by default, but below anything asked for.
                (None, None, Coding::Identity) => 1,
                (None, None, _) => 0,
            }
        };
        [Coding::Brotli, Coding::Gzip, Coding::Identity]
            .into_iter()
            .map(|coding| (coding, weight(coding)))
            .filter(|(_, q)| *q > 0)
            // max_by_key keeps the last of equals: go from least preferred.
            .rev()
            .max_by_key(|(_, q)| *q)
            .map_or(Coding::Identity, |(coding, _)| coding)
    }

    /// The `Content-Encoding` value, none for identity.
    pub fn header_value(self) -> Option<&'static str> {
        match self {
            Coding::Brotli => Some("br"),
            Coding::Gzip => Some("gzip"),
            Coding::Identity => None,
        }
    }

    /// The entity tag of this coding's variant of the representation tagged
    /// `etag` (a quoted strong tag): each variant needs its own.
    pub fn etag(self, etag: &str) -> String {
        match self {
            Coding::Brotli => format!("{}-br\"", etag.trim_end_matches('"')),
            Coding::Gzip => format!("{}-gzip\"", etag.trim_end_matches('"')),
            Coding::Identity => etag.to_owned(),
        }
    }
}

/// One `Accept-Encoding` element: its coding and its q in thousandths.
/// An element whose q is not a valid qvalue is ignored.
fn parse_element(element: &str) -> Option<(&str, u16)> {
    let mut parts = element.split(';').map(str::trim);
    let name = parts.next().filter(|name| !name.is_empty())?;
    let mut q = 1000;
    for parameter in parts {
        let Some((key, value)) = parameter.split_once('=') else {
            continue;
        };
        if key.trim().eq_ignore_ascii_case("q") {
            q = qvalue(value.trim())?;
        }
    }
    Some((name, q))
}

/// A qvalue (`0`, `0.5`, `1.000`, at most three decimals) in thousandths.
fn qvalue(text: &str) -> Option<u16> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let thousandths: u16 = format!("{fraction:0<3}").parse().ok()?;
    match whole {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

/// A body's compressed variants, each made on first use.
#[derive(Debug, Default)]
pub struct Variants {
    gzip: OnceLock<Bytes>,
    brotli: OnceLock<Bytes>,
}

impl Variants {
    /// Both variants of `body`, made now: for what is compressed once, at start.
    pub fn made_now(body: &Bytes, brotli_quality: u32) -> Variants {
        let variants = Variants::default();
        variants.get(Coding::Gzip, body, brotli_quality);
        variants.get(Coding::Brotli, body, brotli_quality);
        variants
    }

    /// `body` in `coding`, compressed on the first call for that coding.
    /// Every variant is made from the same `body`: callers keep the two together.
    pub fn get(&self, coding: Coding, body: &Bytes, brotli_quality: u32) -> Bytes {
        match coding {
            Coding::Identity => body.clone(),
            Coding::Gzip => self.gzip.get_or_init(|| gzip(body)).clone(),
            Coding::Brotli => self
                .brotli
                .get_or_init(|| brotli(body, brotli_quality))
                .clone(),
        }
    }
}

/// Gzip at its default level (6): on HTML its best (9) is 0.1% smaller, and
/// twice as slow on a large sitemap page.
pub fn gzip(body: &[u8]) -> Bytes {
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(body.len() / 3),
        flate2::Compression::default(),
    );
    encoder.write_all(body).expect("writing to memory");
    Bytes::from(encoder.finish().expect("writing to memory"))
}

/// Brotli at `quality` (0–11).
pub fn brotli(body: &[u8], quality: u32) -> Bytes {
    let mut out = Vec::with_capacity(body.len() / 4);
    {
        let mut encoder = brotli::CompressorWriter::new(&mut out, 4096, quality, WINDOW_BITS);
        encoder.write_all(body).expect("writing to memory");
    }
    Bytes::from(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_highest_q_wins_and_brotli_breaks_ties() {
        let cases = [
            ("gzip, deflate, br", Coding::Brotli),
            ("gzip, deflate, br, zstd", Coding::Brotli),
            ("gzip, deflate", Coding::Gzip),
            ("br;q=0.5, gzip", Coding::Gzip),
            ("br;q=0.9, gzip;q=0.9", Coding::Brotli),
            ("BR;Q=1.0, GZIP", Coding::Brotli),
            ("X-Gzip", Coding::Gzip),
            ("identity", Coding::Identity),
            ("", Coding::Identity),
            ("deflate", Coding::Identity),
            ("*", Coding::Brotli),
            ("*;q=0.5, br;q=0.4", Coding::Gzip),
            ("gzip;q=0.5, identity", Coding::Identity),
            ("gzip;q=0.001", Coding::Gzip),
        ];
        for (header, expected) in cases {
            assert_eq!(Coding::negotiate(header), expected, "{header:?}");
        }
    }

    #[test]
    fn q_zero_excludes_a_coding() {
        let cases = [
            ("br;q=0, gzip", Coding::Gzip),
            ("br; q=0.000, gzip;q=0.1", Coding::Gzip),
            ("gzip, br;q=0", Coding::Gzip),
            ("*;q=0, gzip", Coding::Gzip),
            ("*, br;q=0", Coding::Gzip),
            ("br;q=0, gzip;q=0", Coding::Identity),
            ("identity;q=0, gzip", Coding::Gzip),
            // Nothing acceptable: the header is disregarded.
            ("*;q=0", Coding::Identity),
            ("identity;q=0", Coding::Identity),
        ];
        for (header, expected) in cases {
            assert_eq!(Coding::negotiate(header), expected, "{header:?}");
        }
    }

    #[test]
    fn an_element_with_a_malformed_q_is_ignored() {
        for header in [
            "br;q=2, gzip",
            "br;q=0.5.1, gzip",
            "br;q=, gzip",
            "br;q=1.5, gzip",
        ] {
            assert_eq!(Coding::negotiate(header), Coding::Gzip, "{header:?}");
        }
        assert_eq!(Coding::negotiate("gzip;q=x"), Coding::Identity);
    }

    #[test]
    fn each_coding_has_its_own_tag() {
        assert_eq!(Coding::Brotli.etag("\"abc\""), "\"abc-br\"");
        assert_eq!(Coding::Gzip.etag("\"abc\""), "\"abc-gzip\"");
        assert_eq!(Coding::Identity.etag("\"abc\""), "\"abc\"");
    }

    #[test]
    fn variants_decode_to_the_body() {
        let body = Bytes::from("<p>Pickets at dawn.</p>".repeat(100));
        let variants = Variants::default();
        let mut gunzipped = Vec::new();
        std::io::Read::read_to_end(
            &mut flate2::read::GzDecoder::new(&variants.get(Coding::Gzip, &body, 5)[..]),
            &mut gunzipped,
        )
        .unwrap();
        assert_eq!(gunzipped, body);
        let mut unbrotlied = Vec::new();
        brotli::BrotliDecompress(
            &mut &variants.get(Coding::Brotli, &body, 5)[..],
            &mut unbrotlied,
        )
        .unwrap();
        assert_eq!(unbrotlied, body);
    }
}
