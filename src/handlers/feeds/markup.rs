//! Text made fit to leave the site in an XML document: stored HTML with
//! absolute links, attribute values escaped, characters XML cannot hold dropped.

/// Drops the characters XML 1.0 forbids anywhere, even escaped (control
/// characters other than tab and newlines, U+FFFE, U+FFFF): one pasted into an
/// update would otherwise make the whole feed unreadable to every reader.
pub fn xml_chars_only(mut xml: String) -> String {
    xml.retain(|c| {
        matches!(c, '\t' | '\n' | '\r') || !(c < ' ' || c == '\u{FFFE}' || c == '\u{FFFF}')
    });
    xml
}

/// Stored HTML made fit for a feed reader, which has no idea what `/news/x`
/// is relative to: site-relative `href` and `src` values get the site's URL.
/// A plain search is enough because this HTML came out of our sanitiser, which
/// writes every attribute as `name="value"`; protocol-relative `//host` links
/// are left alone.
pub fn absolute_html(site_url: &str, html: &str) -> String {
    let mut out = String::with_capacity(html.len() + 256);
    let mut rest = html;
    while let Some(at) = rest.find("=\"/") {
        let (before, after) = rest.split_at(at + 2);
        out.push_str(before);
        let is_url = before.ends_with(" href=\"") || before.ends_with(" src=\"");
        if is_url && !after.starts_with("//") {
            out.push_str(site_url);
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// `text` escaped for an XML attribute value. For atom_syndication's
/// extension attributes, which it writes verbatim, unlike every other value.
pub fn escape_attribute(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{absolute_html, escape_attribute, xml_chars_only};

    #[test]
    fn site_relative_links_and_images_get_the_site_url() {
        let html = r##"<p><a href="/news/x">x</a> <img src="/static/a.png"> <a href="https://elsewhere.example/">e</a> <a href="//cdn.example/y">y</a> <a href="#fn-1">1</a></p>"##;
        assert_eq!(
            absolute_html("https://news.example", html),
            r##"<p><a href="https://news.example/news/x">x</a> <img src="https://news.example/static/a.png"> <a href="https://elsewhere.example/">e</a> <a href="//cdn.example/y">y</a> <a href="#fn-1">1</a></p>"##
        );
    }

    #[test]
    fn attribute_values_are_escaped_and_forbidden_characters_dropped() {
        assert_eq!(
            escape_attribute(r#"a&b<"c">"#),
            "a&amp;b&lt;&quot;c&quot;&gt;"
        );
        assert_eq!(xml_chars_only("a\u{7}b\tc\u{FFFF}\n".to_owned()), "ab\tc\n");
    }
}
