//! Text made fit to leave the site in an XML document: stored HTML with
//! absolute links, characters XML cannot hold dropped.

use crate::content::{SafeHtml, embeds};

/// Drops the characters XML 1.0 forbids anywhere, even escaped (control
/// characters other than tab and newlines, U+FFFE, U+FFFF): one pasted into an
/// update would otherwise make the whole feed unreadable to every reader.
pub fn xml_chars_only(mut xml: String) -> String {
    let allowed = |c: char| {
        matches!(c, '\t' | '\n' | '\r') || !(c < ' ' || c == '\u{FFFE}' || c == '\u{FFFF}')
    };
    // A scan of the bytes first: a whole feed is checked on every render,
    // and it almost never holds one (retain would move every character).
    // U+FFFE and U+FFFF are the only forbidden characters that are not
    // ASCII, and both start with the byte 0xEF in UTF-8.
    let suspect = |b: &u8| (*b < b' ' && !matches!(b, b'\t' | b'\n' | b'\r')) || *b == 0xEF;
    if xml.as_bytes().iter().any(suspect) && !xml.chars().all(allowed) {
        xml.retain(allowed);
    }
    xml
}

/// Stored HTML made fit for a feed reader, which has no idea what `/news/x`
/// is relative to: site-relative `href` and `src` values, and each address
/// of a photo's `srcset`, get the site's URL,
/// and video facades keep only their caption and link (it runs no script of
/// ours, so a play button would do nothing).
/// A plain search is enough because this HTML came out of our sanitiser, which
/// writes every attribute as `name="value"`; protocol-relative `//host` links
/// are left alone.
pub fn absolute_html(site_url: &str, html: &str) -> SafeHtml {
    let html = embeds::without_players(html);
    let mut out = String::with_capacity(html.len() + 256);
    let mut rest = html.as_str();
    while let Some(at) = rest.find("=\"/") {
        let (before, after) = rest.split_at(at + 2);
        out.push_str(before);
        let is_url = before.ends_with(" href=\"") || before.ends_with(" src=\"");
        if is_url && !after.starts_with("//") {
            out.push_str(site_url);
        }
        rest = after;
        if before.ends_with(" srcset=\"") {
            // `/a 480w, /b 960w`: our sanitiser lets only our own photo files in.
            let end = rest.find('"').unwrap_or(rest.len());
            let candidates: Vec<String> = rest[..end]
                .split(", ")
                .map(|candidate| format!("{site_url}{candidate}"))
                .collect();
            out.push_str(&candidates.join(", "));
            rest = &rest[end..];
        }
    }
    out.push_str(rest);
    SafeHtml::from_stored(out)
}

#[cfg(test)]
mod tests {
    use super::{absolute_html, xml_chars_only};

    #[test]
    fn site_relative_links_and_images_get_the_site_url() {
        let html = r##"<p><a href="/news/x">x</a> <img src="/static/a.png"> <a href="https://elsewhere.example/">e</a> <a href="//cdn.example/y">y</a> <a href="#fn-1">1</a></p>"##;
        assert_eq!(
            absolute_html("https://news.example", html).as_str(),
            r##"<p><a href="https://news.example/news/x">x</a> <img src="https://news.example/static/a.png"> <a href="https://elsewhere.example/">e</a> <a href="//cdn.example/y">y</a> <a href="#fn-1">1</a></p>"##
        );
        let picture = r#"<source type="image/webp" srcset="/media/a-480.webp 480w, /media/a-960.webp 960w" sizes="100vw"><img src="/media/a-960.jpg" srcset="/media/a-480.jpg 480w">"#;
        assert_eq!(
            absolute_html("https://news.example", picture).as_str(),
            r#"<source type="image/webp" srcset="https://news.example/media/a-480.webp 480w, https://news.example/media/a-960.webp 960w" sizes="100vw"><img src="https://news.example/media/a-960.jpg" srcset="https://news.example/media/a-480.jpg 480w">"#
        );
    }

    #[test]
    fn forbidden_characters_are_dropped() {
        assert_eq!(xml_chars_only("a\u{7}b\tc\u{FFFF}\n".to_owned()), "ab\tc\n");
        assert_eq!(xml_chars_only("\u{FFFE}é\u{FEFF}".to_owned()), "é\u{FEFF}");
        let clean = "<a>\u{FEFF}ï\t</a>\r\n".to_owned();
        assert_eq!(xml_chars_only(clean.clone()), clean);
    }
}
