use std::fmt;

/// HTML that is safe to put in a page as it is.
///
/// The only ways to get one: [`SafeHtml::sanitise`], which runs untrusted markup
/// through ammonia, [`SafeHtml::from_text`], which escapes plain text,
/// [`SafeHtml::from_stored`], for HTML that was sanitised
/// before it was stored, and [`SafeHtml::from_trusted_markup`], for markup the
/// server built itself. Templates print it unescaped, so none of them needs `|safe`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SafeHtml(String);

/// The classes of aligned table cells (`class_table_cells` in the Markdown pipeline).
const ALIGN_CLASSES: [&str; 3] = ["align-left", "align-center", "align-right"];

/// The sanitiser. Classes our own Markdown stages emit are kept; any other
/// class an author types is dropped. Every id gets `id_prefix` (unless it
/// already starts with it), so author-chosen ids never collide with the
/// page's own anchors (`update-12`) or with another update's footnotes.
fn sanitiser(id_prefix: &str) -> ammonia::Builder<'_> {
    let mut builder = ammonia::Builder::default();
    builder
        .add_allowed_classes("p", &["read-more"])
        .add_allowed_classes("span", &["read-more-label"])
        .add_allowed_classes("div", &["footnote-definition"])
        .add_allowed_classes("sup", &["footnote-reference", "footnote-definition-label"])
        .add_allowed_classes("th", &ALIGN_CLASSES)
        .add_allowed_classes("td", &ALIGN_CLASSES)
        .add_tag_attributes("div", &["id"])
        .id_prefix(Some(id_prefix));
    super::embeds::allow_embeds(&mut builder);
    super::photos::allow_photos(&mut builder);
    super::videos::allow_videos(&mut builder);
    builder
}

impl SafeHtml {
    /// Sanitises untrusted HTML: scripts, event handlers, styles and unknown
    /// classes go; every id is made to start with `id_prefix`. A builder per
    /// call because the prefix differs per update; Markdown is rendered only
    /// when it is written, never on a page view, so the cost does not matter.
    pub fn sanitise(untrusted: &str, id_prefix: &str) -> SafeHtml {
        SafeHtml(sanitiser(id_prefix).clean(untrusted).to_string())
    }

    /// Plain text (a headline, a standfirst, a name) as HTML that shows it
    /// exactly as typed: markup in it is escaped, never interpreted.
    pub fn from_text(text: &str) -> SafeHtml {
        SafeHtml(escape(text))
    }

    /// A `<script type="application/ld+json">` block holding `data`. Every `<`,
    /// `>` and `&` in the JSON is written as a `\u` escape, so no string in it
    /// can close the script element; browsers never run this type of script.
    pub fn json_ld(data: &serde_json::Value) -> SafeHtml {
        let json = markup_free_json(data.to_string());
        SafeHtml(format!(
            r#"<script type="application/ld+json">{json}</script>"#
        ))
    }

    /// Wraps HTML read back from our own database, where only sanitised HTML is written.
    pub fn from_stored(html: String) -> SafeHtml {
        SafeHtml(html)
    }

    /// Wraps markup the server built itself from numbers, never from user
    /// text (the figures charts): it skips the sanitiser, which would strip SVG.
    pub fn from_trusted_markup(markup: String) -> SafeHtml {
        SafeHtml(markup)
    }

    /// Wraps the output of one of our own Askama templates, which escaped
    /// every value it interpolated (an update rendered for the live stream).
    pub fn from_template(rendered: String) -> SafeHtml {
        SafeHtml(rendered)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for SafeHtml {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl askama::filters::HtmlSafe for SafeHtml {}

/// JSON text with every `<`, `>` and `&` written as a `\u` escape: the
/// same data to any JSON parser, but no string in it can be taken for markup
/// (`</script>`, `<img onerror>`) by a page that embeds it, a browser that
/// sniffs it or a script that pastes it into HTML. Every JSON the site sends
/// goes through it: JSON-LD, `figures.json` and the live stream's `story` event.
pub fn markup_free_json(json: String) -> String {
    if !json.contains(['<', '>', '&']) {
        return json;
    }
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// `text` with `&`, `<`, `>` and `"` escaped: fit for HTML text and for HTML
/// or XML attribute values in double quotes. Apostrophes are left alone, since
/// no value of ours is single-quoted and `&#39;` reads badly wherever an HTML
/// value is shown as text.
pub fn escape(text: &str) -> String {
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
    use super::SafeHtml;

    #[test]
    fn scripts_and_handlers_are_removed() {
        let html = SafeHtml::sanitise(r#"<p onclick="x()">Hi<script>alert(1)</script></p>"#, "fn-");
        assert_eq!(html.as_str(), "<p>Hi</p>");
    }

    #[test]
    fn json_ld_cannot_close_its_script_element() {
        let html = SafeHtml::json_ld(&serde_json::json!({ "headline": "</script><b>&" }));
        assert_eq!(
            html.as_str(),
            r#"<script type="application/ld+json">{"headline":"\u003c/script\u003e\u003cb\u003e\u0026"}</script>"#
        );
    }

    #[test]
    fn json_keeps_its_data_but_loses_anything_like_markup() {
        let data = serde_json::json!({ "what": "<script>alert(1)</script> & <b>" });
        let json = super::markup_free_json(data.to_string());
        assert!(!json.contains(['<', '>', '&']), "{json}");
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&json).unwrap(),
            data
        );
    }

    #[test]
    fn plain_text_is_escaped_not_interpreted() {
        let html = SafeHtml::from_text(r#"A&E <script>"x"</script> Doctors' strike"#);
        assert_eq!(
            html.as_str(),
            "A&amp;E &lt;script&gt;&quot;x&quot;&lt;/script&gt; Doctors' strike"
        );
    }

    #[test]
    fn only_our_own_classes_survive() {
        let html = SafeHtml::sanitise(r#"<p class="read-more evil">x</p>"#, "fn-");
        assert_eq!(html.as_str(), r#"<p class="read-more">x</p>"#);
    }

    #[test]
    fn table_cells_keep_only_alignment_classes_and_never_a_style() {
        let html = SafeHtml::sanitise(
            r#"<table><tr><td class="align-right evil" style="color: red">1</td></tr></table>"#,
            "fn-",
        );
        assert_eq!(
            html.as_str(),
            r#"<table><tbody><tr><td class="align-right">1</td></tr></tbody></table>"#
        );
    }

    #[test]
    fn every_id_gets_the_prefix_so_no_author_can_take_a_page_anchor() {
        let html = SafeHtml::sanitise(r#"<div id="update-12">x</div>"#, "u7-fn-");
        assert_eq!(html.as_str(), r#"<div id="u7-fn-update-12">x</div>"#);
    }
}
